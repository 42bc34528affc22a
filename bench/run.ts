import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { type BaselineResult, runBaseline } from './baseline';
import { envInt, log, runCleanup } from './common';
import { ALL_UNITS, DEFAULT_WORKER_UNITS, type EngineResult, runEngine } from './engine';
import { PROCEDURE_MIX } from './engine-load';

/*
 * `npm run bench`: the hand-off benchmark. Runs the baseline (a bare BullMQ + PostgreSQL chain),
 * then the engine, on the same PostgreSQL and Redis, each on its own fresh database and queue
 * prefix, and prints ONE JSON line on stdout; progress goes to stderr. Everything it started or
 * created is stopped and dropped at the end, on failure, on timeout and on Ctrl-C.
 *
 * Environment (all optional):
 *   BENCH_DOSSIERS            dossiers in the engine's peak backlog (default 600)
 *   BENCH_WARMUP              engine warm-up dossiers, not measured (default 30)
 *   BENCH_BASELINE_ITEMS      baseline items in its peak phase, 3 hops each (default 3000)
 *   BENCH_PACED_SECONDS       length of each paced phase (default 10)
 *   BENCH_PACED_PERCENT       paced rate as a percentage of the peak (default 50; the targets
 *                             are defined at 50, other values are for exploring)
 *   BENCH_IN_FLIGHT           concurrent POST /api/dossiers while the engine's warm-up and peak
 *                             backlog are submitted, over the three offices (default 6)
 *   BENCH_BASELINE_CONCURRENCY BullMQ concurrency of each baseline Worker (default: the engine's
 *                             WORKER_CONCURRENCY if set, else 16, the engine's default)
 *   BENCH_WORKER_UNITS        UNITS of each engine worker process, groups separated by ';'
 *                             (default: two processes, see engine.ts); the baseline gets as many
 *   BENCH_PROCEDURES          comma-separated procedure codes of the mix (default: all four)
 *   BENCH_PEAK_WORKERS        `restart` (default): the engine's workers are stopped after the
 *                             warm-up and fresh ones drain the peak backlog; `frozen`: the
 *                             warm-up's workers are suspended (SIGSTOP) and resumed (SIGCONT)
 *   BENCH_STALL_S             fail when nothing progresses for this long (default 30)
 *   BENCH_TIMEOUT_S           hard limit of the whole run (default 420)
 *   BENCH_ONLY                `baseline` or `engine` to run one side
 *   BENCH_ENFORCE             `true`: exit 2 when the targets are not met
 *   BENCH_PG_ADMIN_URL        default postgres://postgres@127.0.0.1:5432/postgres
 *   REDIS_URL                 default redis://127.0.0.1:6379
 */

const TARGETS = { ratioMin: 0.5, p99MaxMs: 25 } as const;

function config() {
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
    dossiers: envInt('BENCH_DOSSIERS', 600),
    warmup: envInt('BENCH_WARMUP', 30, 0),
    baselineItems: envInt('BENCH_BASELINE_ITEMS', 3000),
    pacedSeconds: envInt('BENCH_PACED_SECONDS', 10),
    pacedFraction: envInt('BENCH_PACED_PERCENT', 50) / 100,
    inFlight: envInt('BENCH_IN_FLIGHT', 6),
    baselineConcurrency: envInt('BENCH_BASELINE_CONCURRENCY', envInt('WORKER_CONCURRENCY', 16)),
    stallMs: envInt('BENCH_STALL_S', 30) * 1000,
    timeoutMs: envInt('BENCH_TIMEOUT_S', 420) * 1000,
    only,
    enforce: process.env.BENCH_ENFORCE === 'true',
    adminUrl: process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    workerUnits,
    procedures,
    peakWorkers: peakWorkers as 'restart' | 'frozen',
  };
}

/** What has been measured so far; printed at the end, or on timeout. */
const state: { baseline: BaselineResult | null; engine: EngineResult | null; errors: string[]; loadAtStart: number } = {
  loadAtStart: loadavg()[0],
  baseline: null,
  engine: null,
  errors: [],
};

function report(): { line: string; met: boolean } {
  const { baseline, engine } = state;
  const ratio = engine?.handoffsPerSec && baseline?.hopsPerSec ? Math.round((engine.handoffsPerSec / baseline.hopsPerSec) * 1000) / 1000 : null;
  const p99 = engine?.paced.p99Ms ?? null;
  const met = ratio !== null && ratio >= TARGETS.ratioMin && p99 !== null && p99 <= TARGETS.p99MaxMs;
  const out = {
    engine,
    baseline,
    ratio,
    targets: { ...TARGETS, met },
    // 1-minute load averages: well above the CPU count at the start means something else was running.
    machine: { cpus: cpus().length, node: process.version, loadAvg1m: { start: round1(state.loadAtStart), end: round1(loadavg()[0]) } },
    ...(state.errors.length > 0 ? { errors: state.errors } : {}),
  };
  return { line: JSON.stringify(out), met };
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function main(): Promise<number> {
  const cfg = config();
  const appsDir = join(__dirname, '..', 'apps');
  if (cfg.only !== 'baseline' && !existsSync(join(appsDir, 'api', 'apps', 'api', 'src', 'main.js'))) {
    throw new Error(`no built apps under ${appsDir}: run npm run build first (npm run bench does)`);
  }
  const runId = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${process.pid}`;
  log(`run ${runId}: ${cpus().length} CPUs, node ${process.version}`);

  if (cfg.only !== 'engine') {
    try {
      state.baseline = await runBaseline({
        adminUrl: cfg.adminUrl,
        redisUrl: cfg.redisUrl,
        runId,
        items: cfg.baselineItems,
        pacedSeconds: cfg.pacedSeconds,
        pacedFraction: cfg.pacedFraction,
        processes: cfg.workerUnits.length,
        concurrency: cfg.baselineConcurrency,
        stallMs: cfg.stallMs,
      });
    } catch (e) {
      state.errors.push(`baseline: ${message(e)}`);
      log(`baseline failed: ${message(e)}`);
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
        pacedFraction: cfg.pacedFraction,
        inFlight: cfg.inFlight,
        workerUnits: cfg.workerUnits,
        procedures: cfg.procedures,
        stallMs: cfg.stallMs,
        peakWorkers: cfg.peakWorkers,
      });
    } catch (e) {
      state.errors.push(`engine: ${message(e)}`);
      log(`engine failed: ${message(e)}`);
    }
  }
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
  const timeoutMs = config().timeoutMs;
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
