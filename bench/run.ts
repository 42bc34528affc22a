import { cpSync, existsSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { type BaselineResult, runBaseline } from './baseline';
import { type Calibration, calibrate, calibrationRatio } from './calibration';
import { envInt, log, nowMs, runCleanup, Scope } from './common';
import { ALL_UNITS, DEFAULT_WORKER_UNITS, type EngineResult, runEngine } from './engine';
import { engineConfig } from './engine-config';
import { PROCEDURE_MIX } from './engine-load';

/*
 * `npm run bench`: the hand-off benchmark. Times a calibration workload, runs the two baselines
 * (a bare BullMQ + PostgreSQL chain with one transaction per hop, and with two transactions and
 * an outbox row per hop), then the engine (sustained peak, paced phases, scaling with worker
 * processes), then the calibration again, on the same PostgreSQL and Redis, each side on its own
 * fresh database and queue prefix, and prints ONE JSON line on stdout; progress goes to stderr.
 * Everything it started or created is stopped and dropped at the end, on failure, on timeout and
 * on Ctrl-C.
 *
 * Environment (all optional):
 *   BENCH_DOSSIERS            dossiers in the engine's peak backlog (default 1000)
 *   BENCH_WARMUP              engine warm-up dossiers, not measured (default 30)
 *   BENCH_PACED_SECONDS       length of each engine paced phase (default 20)
 *   BENCH_PACED_PERCENTS      paced rates in % of the sustained rate (default 25,50,75; the
 *                             targets are defined at 50)
 *   BENCH_SCALING_PROCESSES   worker process counts of the scaling drains (default 1,2,4; 0: none)
 *   BENCH_SCALING_DOSSIERS    dossiers in each scaling backlog (default 400)
 *   BENCH_SCALING_WARMUP      warm-up dossiers before each scaling backlog (default 24)
 *   BENCH_BASELINE_ITEMS      items in each baseline's peak phase, 3 hops each (default 5000)
 *   BENCH_BASELINE_PACED_SECONDS length of each baseline's paced phase, at half its peak (default 10)
 *   BENCH_IN_FLIGHT           concurrent POST /api/dossiers while warm-ups and backlogs are
 *                             submitted, over the three offices (default 6)
 *   BENCH_BASELINE_CONCURRENCY BullMQ concurrency of each baseline Worker (default: the engine's
 *                             WORKER_CONCURRENCY, as its built config lib computes it)
 *   BENCH_WORKER_UNITS        UNITS of each engine worker process of the peak and paced phases,
 *                             groups separated by ';' (default: two processes, see engine.ts);
 *                             the baselines get as many processes
 *   BENCH_PROCEDURES          comma-separated procedure codes of the mix (default: all four)
 *   BENCH_PEAK_WORKERS        `restart` (default): the engine's workers are stopped after the
 *                             warm-up and fresh ones drain the peak backlog; `frozen`: the
 *                             warm-up's workers are suspended (SIGSTOP) and resumed (SIGCONT)
 *   BENCH_QUIET_MS            how long outbox, queues and portal calls must stay idle for a
 *                             phase to count as settled (default 1000)
 *   BENCH_STALL_S             fail when nothing progresses for this long (default 30)
 *   BENCH_TIMEOUT_S           hard limit of the whole run (default 540)
 *   BENCH_ONLY                `baseline` (both baselines) or `engine` to run one side
 *   BENCH_ENFORCE             `true`: exit 2 when the targets are not met
 *   BENCH_PG_ADMIN_URL        default postgres://postgres@127.0.0.1:5432/postgres
 *   REDIS_URL                 default redis://127.0.0.1:6379
 */

const TARGETS = { ratioMin: 0.5, p99MaxMs: 25 } as const;

function intList(name: string, fallback: string): number[] {
  const raw = (process.env[name] ?? fallback).trim();
  const list = raw === '' || raw === '0' ? [] : raw.split(',').map((s) => Number(s.trim()));
  if (list.some((v) => !Number.isInteger(v) || v < 1 || v > 100)) throw new Error(`${name} must be a comma-separated list of integers 1..100 (got ${JSON.stringify(raw)})`);
  return list;
}

const APPS_DIR = join(__dirname, '..', 'apps');

/**
 * A private copy of the built apps for this run (beside dist/apps, so node_modules resolves the
 * same), so that a rebuild of dist/ while the bench runs cannot swap the code under it: every
 * process of the run starts from the same build. Removed at the end.
 */
function snapshotApps(runId: string): string {
  const root = join(APPS_DIR, '..', `bench-apps-${runId}`);
  const scope = new Scope('apps snapshot');
  scope.defer(`copy of the apps in ${root}`, async () => rmSync(root, { recursive: true, force: true }));
  cpSync(APPS_DIR, join(root, 'apps'), { recursive: true });
  return join(root, 'apps');
}

function config(appsDir: string) {
  const engine = engineConfig(appsDir, process.env);
  const workerUnits = (process.env.BENCH_WORKER_UNITS ?? DEFAULT_WORKER_UNITS.join(';')).split(';').map((s) => s.trim()).filter(Boolean);
  const covered = new Set(workerUnits.flatMap((g) => g.split(',').map((u) => u.trim())));
  const unknown = [...covered].filter((u) => !(ALL_UNITS as readonly string[]).includes(u));
  const uncovered = ALL_UNITS.filter((u) => !covered.has(u));
  if (unknown.length > 0 || uncovered.length > 0) {
    throw new Error(`BENCH_WORKER_UNITS: unknown ${unknown.join(',') || '-'}; not consumed ${uncovered.join(',') || '-'}`);
  }
  const procedures = (process.env.BENCH_PROCEDURES ?? Object.keys(PROCEDURE_MIX).join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const only = process.env.BENCH_ONLY ?? '';
  if (!['', 'baseline', 'engine'].includes(only)) throw new Error('BENCH_ONLY must be baseline or engine');
  const peakWorkers = process.env.BENCH_PEAK_WORKERS || 'restart';
  if (peakWorkers !== 'restart' && peakWorkers !== 'frozen') throw new Error('BENCH_PEAK_WORKERS must be restart or frozen');
  return {
    dossiers: envInt('BENCH_DOSSIERS', 1000),
    warmup: envInt('BENCH_WARMUP', 30, 0),
    pacedSeconds: envInt('BENCH_PACED_SECONDS', 20),
    pacedPercents: intList('BENCH_PACED_PERCENTS', '25,50,75'),
    scalingProcesses: intList('BENCH_SCALING_PROCESSES', '1,2,4'),
    scalingDossiers: envInt('BENCH_SCALING_DOSSIERS', 400),
    scalingWarmup: envInt('BENCH_SCALING_WARMUP', 24, 0),
    baselineItems: envInt('BENCH_BASELINE_ITEMS', 5000),
    baselinePacedSeconds: envInt('BENCH_BASELINE_PACED_SECONDS', 10),
    inFlight: envInt('BENCH_IN_FLIGHT', 6),
    baselineConcurrency: envInt('BENCH_BASELINE_CONCURRENCY', engine.workerConcurrency ?? envInt('WORKER_CONCURRENCY', 16)),
    quietMs: envInt('BENCH_QUIET_MS', 1000, 0),
    stallMs: envInt('BENCH_STALL_S', 30) * 1000,
    timeoutMs: envInt('BENCH_TIMEOUT_S', 540) * 1000,
    only,
    enforce: process.env.BENCH_ENFORCE === 'true',
    adminUrl: process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    workerUnits,
    procedures,
    peakWorkers: peakWorkers as 'restart' | 'frozen',
    engine,
  };
}

/** What has been measured so far; printed at the end, or on timeout. */
const state: {
  startedAt: number;
  loadAtStart: number;
  calibrationBefore: Calibration | null;
  calibrationAfter: Calibration | null;
  baseline: BaselineResult | null;
  baselineOutbox: BaselineResult | null;
  engine: EngineResult | null;
  errors: string[];
} = {
  startedAt: nowMs(),
  loadAtStart: loadavg()[0],
  calibrationBefore: null,
  calibrationAfter: null,
  baseline: null,
  baselineOutbox: null,
  engine: null,
  errors: [],
};

const ratioOf = (engine: number | null | undefined, base: number | null | undefined): number | null =>
  engine && base ? Math.round((engine / base) * 1000) / 1000 : null;

function report(): { line: string; met: boolean } {
  const { baseline, baselineOutbox, engine } = state;
  const ratio = ratioOf(engine?.handoffsPerSec, baseline?.hopsPerSec);
  const p99 = engine?.paced['50']?.p99Ms ?? null;
  const met = ratio !== null && ratio >= TARGETS.ratioMin && p99 !== null && p99 <= TARGETS.p99MaxMs;
  const out = {
    engine,
    baseline,
    baselineOutbox,
    ratio,
    ratioOutbox: ratioOf(engine?.handoffsPerSec, baselineOutbox?.hopsPerSec),
    targets: { ...TARGETS, pacedP99Ms: p99, met },
    calibration: { before: state.calibrationBefore, after: state.calibrationAfter, ratio: calibrationRatio(state.calibrationBefore, state.calibrationAfter) },
    // 1-minute load averages: well above the CPU count at the start means something else was running.
    machine: { cpus: cpus().length, node: process.version, loadAvg1m: { start: round1(state.loadAtStart), end: round1(loadavg()[0]) } },
    runtimeMs: Math.round(nowMs() - state.startedAt),
    ...(state.errors.length > 0 ? { errors: state.errors } : {}),
  };
  return { line: JSON.stringify(out), met };
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function main(): Promise<number> {
  config(APPS_DIR); // fail early on a bad setting
  const runId = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${process.pid}`;
  const built = existsSync(join(APPS_DIR, 'api', 'apps', 'api', 'src', 'main.js'));
  if (process.env.BENCH_ONLY !== 'baseline' && !built) {
    throw new Error(`no built apps under ${APPS_DIR}: run npm run build first (npm run bench does)`);
  }
  const appsDir = built ? snapshotApps(runId) : APPS_DIR;
  const cfg = config(appsDir);
  log(`run ${runId}: ${cpus().length} CPUs, node ${process.version}`);
  state.calibrationBefore = await calibrate(cfg.adminUrl, 'before');

  if (cfg.only !== 'engine') {
    for (const mode of ['plain', 'outbox'] as const) {
      try {
        const r = await runBaseline({
          mode,
          adminUrl: cfg.adminUrl,
          redisUrl: cfg.redisUrl,
          runId,
          items: cfg.baselineItems,
          pacedSeconds: cfg.baselinePacedSeconds,
          pacedFraction: 0.5,
          processes: cfg.workerUnits.length,
          concurrency: cfg.baselineConcurrency,
          stallMs: cfg.stallMs,
        });
        if (mode === 'plain') state.baseline = r;
        else state.baselineOutbox = r;
      } catch (e) {
        state.errors.push(`baseline ${mode}: ${message(e)}`);
        log(`baseline ${mode} failed: ${message(e)}`);
      }
    }
  }
  if (cfg.only !== 'baseline') {
    try {
      state.engine = await runEngine({
        adminUrl: cfg.adminUrl,
        redisUrl: cfg.redisUrl,
        runId,
        appsDir,
        dossiers: cfg.dossiers,
        warmup: cfg.warmup,
        pacedSeconds: cfg.pacedSeconds,
        pacedPercents: cfg.pacedPercents,
        inFlight: cfg.inFlight,
        workerUnits: cfg.workerUnits,
        procedures: cfg.procedures,
        stallMs: cfg.stallMs,
        quietMs: cfg.quietMs,
        peakWorkers: cfg.peakWorkers,
        scalingProcesses: cfg.scalingProcesses,
        scalingDossiers: cfg.scalingDossiers,
        scalingWarmup: cfg.scalingWarmup,
        config: cfg.engine,
        onProgress: (partial) => (state.engine = partial),
      });
      for (const e of state.engine.errors ?? []) state.errors.push(`engine ${e}`);
    } catch (e) {
      state.errors.push(`engine: ${message(e)}`);
      log(`engine failed: ${message(e)}`);
    }
  }
  state.calibrationAfter = await calibrate(cfg.adminUrl, 'after');
  const { line, met } = report();
  if (finishing) return 1; // interrupted or timed out meanwhile: that path reports
  process.stdout.write(`${line}\n`);
  if (state.errors.length > 0) return 1;
  return cfg.enforce && !met ? 2 : 0;
}

let finishing = false;
function finish(code: number): void {
  if (finishing) return;
  finishing = true;
  void runCleanup().finally(() => process.exit(code));
}

process.on('SIGINT', () => {
  log('interrupted; cleaning up');
  finish(130);
});
process.on('SIGTERM', () => finish(143));

let timer: NodeJS.Timeout | undefined;
try {
  const timeoutMs = config(APPS_DIR).timeoutMs;
  timer = setTimeout(() => {
    log(`hard timeout (${timeoutMs / 1000} s); cleaning up`);
    state.errors.push(`timeout after ${timeoutMs / 1000} s`);
    process.stdout.write(`${report().line}\n`);
    finish(124);
  }, timeoutMs);
} catch {
  // a bad configuration is reported by main()
}

main()
  .then((code) => {
    clearTimeout(timer);
    finish(code);
  })
  .catch((e: unknown) => {
    clearTimeout(timer);
    log(`failed: ${message(e)}`);
    finish(1);
  });
