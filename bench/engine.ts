import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { clearRedisPrefix, databaseUrl, dropDatabase, forwardOutput, freePort, log, percentile, round2, Scope, sleep, stopChild, waitUntil } from './common';
import {
  type Breakdown,
  type DossierRequest,
  dossierRequest,
  measurePaced,
  measurePeak,
  OFFICES,
  registerCitizens,
  submitBurst,
  submitPaced,
  waitDone,
} from './engine-load';

/*
 * The engine phase: a fresh database seeded by the CLI, the portal stub, the API and N worker
 * processes splitting the units (AUTO_OFFICER=true: each step completes as soon as it is
 * received), all from the built apps in dist/. Load goes through POST /api/dossiers; the figures
 * come from the handoffs and dossier_events tables.
 *
 * 1. Warm-up with the workers running (not measured); then the workers are stopped.
 * 2. Peak = hand-off capacity: the dossiers are submitted to the API alone, so their first
 *    hand-offs wait in the outbox; then the workers start and drain the backlog. Intake (which
 *    numbers dossiers one at a time per office) is thus outside the measured window.
 * 3. Paced: workers running, open-loop dossier arrivals giving half the peak hand-off rate.
 */

export const ALL_UNITS = [
  'van-phong', 'lanh-dao', 'tu-phap', 'dia-chinh', 'ke-toan', 'van-hoa', 'chinh-sach',
  'cong-an', 'quan-su', 'y-te', 'truong-hoc', 'bhxh', 'cap-tren',
] as const;

/** Two processes; the busy units of the mix (tu-phap, lanh-dao, cong-an) are spread over both. */
export const DEFAULT_WORKER_UNITS: readonly string[] = [
  'van-phong,tu-phap,ke-toan,van-hoa,quan-su,truong-hoc,cap-tren',
  'lanh-dao,cong-an,bhxh,dia-chinh,chinh-sach,y-te',
];

export interface EngineOptions {
  readonly adminUrl: string;
  readonly redisUrl: string;
  readonly runId: string;
  /** Root of the built apps (dist/apps). */
  readonly appsDir: string;
  readonly dossiers: number;
  readonly warmup: number;
  readonly pacedSeconds: number;
  /** Paced hand-off rate as a fraction of the peak rate (0.5: the target's "half the peak"). */
  readonly pacedFraction: number;
  /** Requests in flight while submitting the warm-up and the peak backlog. */
  readonly inFlight: number;
  /** UNITS of each worker process. */
  readonly workerUnits: readonly string[];
  readonly procedures: readonly string[];
  readonly stallMs: number;
  /**
   * How the peak's workers are absent while the backlog is submitted: `restart` (stopped after
   * the warm-up, fresh processes spawned to drain it) or `frozen` (the warm-up's processes
   * suspended with SIGSTOP, then resumed with SIGCONT: warm JIT and caches, no boot in the window).
   */
  readonly peakWorkers: 'restart' | 'frozen';
}

export interface EngineResult {
  /**
   * Peak hand-off capacity: electronic hand-offs received after the workers started ÷ (last
   * ResultReady − the workers' consumers ready). The dossiers were submitted beforehand, with
   * no worker running, so intake is outside the window.
   */
  readonly handoffsPerSec: number | null;
  readonly handoffs: number;
  readonly dossiers: number;
  /** The window of `handoffsPerSec`, in ms. */
  readonly drainMs: number | null;
  /**
   * Peak latency (received_at − sent_at) only over the hand-offs sent after the workers started,
   * i.e. hop 2 onwards: the first hop waited in the outbox for the workers and is left out.
   */
  readonly hop2onP50Ms: number | null;
  readonly hop2onP99Ms: number | null;
  readonly hop2onHandoffs: number;
  readonly hop2onBreakdown: Breakdown;
  /** Outbox rows waiting when the workers were started (handoff jobs, and in all with portal-sync). */
  readonly backlog: { readonly handoffJobs: number; readonly outboxRows: number };
  /** `restart` or `frozen` (see EngineOptions.peakWorkers). */
  readonly peakWorkers: 'restart' | 'frozen';
  /** From spawning (or resuming) the worker processes to every unit queue having a consumer. */
  readonly workersReadyMs: number;
  /** From the last ResultReady to the outbox and every queue (portal-sync included) being empty; not in the window. */
  readonly queuesIdleAfterMs: number | null;
  /** Dossiers per second the API accepted while the backlog was submitted (no worker running). */
  readonly intakePerSec: number;
  readonly paced: {
    /** Target hand-off rate (the peak × BENCH_PACED_PERCENT) and the dossier arrival rate that gives it. */
    readonly ratePerSec: number | null;
    readonly dossiersPerSec: number | null;
    /** Dossier arrivals per second actually sent (first to last send). */
    readonly arrivalsPerSec: number | null;
    /** Hand-offs of the phase ÷ (last received_at − first sent_at). */
    readonly achievedPerSec: number | null;
    readonly p50Ms: number | null;
    readonly p99Ms: number | null;
    /** p99 of the hand-offs intake sends (hop 1) and of those the units send (hop 2 onwards). */
    readonly hop1P99Ms: number | null;
    readonly hop2onP99Ms: number | null;
    readonly dossierE2eP50Ms: number | null;
    readonly dossierE2eP99Ms: number | null;
    /** Response time of POST /api/dossiers during the phase. */
    readonly postP50Ms: number | null;
    readonly postP99Ms: number | null;
    readonly dossiers: number;
    readonly handoffs: number;
    readonly breakdown: Breakdown;
  };
  readonly workerProcesses: number;
  readonly offices: readonly string[];
  readonly procedures: readonly string[];
}

/** The built apps as child processes; any exit not asked for fails the run. */
class Apps {
  private crash?: string;
  private closing = false;
  private readonly stopped = new Set<ChildProcess>();

  constructor(
    private readonly scope: Scope,
    private readonly appsDir: string,
  ) {}

  /** Starts `node dist/apps/<app>/apps/<app>/src/main.js [...args]`; a one-shot command may exit. */
  start(app: string, name: string, env: NodeJS.ProcessEnv, args: readonly string[] = [], oneShot = false): ChildProcess {
    const entry = join(this.appsDir, app, 'apps', app, 'src', 'main.js');
    const child = spawn(process.execPath, ['--enable-source-maps', entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    forwardOutput(child, name);
    child.once('exit', (code, signal) => {
      if (!this.closing && !oneShot && !this.stopped.has(child)) this.crash ??= `${name} exited (${signal ?? code})`;
    });
    this.scope.defer(name, async () => {
      this.closing = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGCONT'); // in case it was frozen
      await stopChild(child);
    });
    return child;
  }

  /** Stops a long-running app on purpose (SIGTERM: graceful shutdown). */
  async stop(child: ChildProcess): Promise<void> {
    this.stopped.add(child);
    await stopChild(child, 15_000);
  }

  /** Throws if a long-running app has died. */
  check(): void {
    if (this.crash) throw new Error(this.crash);
  }
}

function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.ok;
}

/** Read-only view of the run's BullMQ queues: consumers per queue, jobs not yet done. */
class QueueProbe {
  private readonly connection: Redis;
  private readonly queues: Map<string, Queue>;

  constructor(redisUrl: string, prefix: string, names: readonly string[]) {
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    this.connection.on('error', () => undefined);
    this.queues = new Map(names.map((n) => [n, new Queue(n, { connection: this.connection, prefix })]));
  }

  consumers(names: readonly string[]): Promise<number[]> {
    return Promise.all(names.map((n) => this.queues.get(n)!.getWorkersCount()));
  }

  /** Jobs waiting, active, delayed or prioritised, over every queue. */
  async pending(): Promise<number> {
    const counts = await Promise.all([...this.queues.values()].map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
    return counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}

/**
 * Waits until every unit queue has a consumer (`present`) or none has; warns (and goes on) after
 * `ms`. Returns when the successful check began (polls every 50 ms).
 */
async function waitForConsumers(probe: QueueProbe, units: readonly string[], present: boolean, ms: number, apps: Apps): Promise<number> {
  const until = Date.now() + ms;
  for (;;) {
    apps.check();
    const at = Date.now();
    const counts = await probe.consumers(units);
    const wrong = units.filter((_, i) => (present ? counts[i] === 0 : counts[i] > 0));
    if (wrong.length === 0) return at;
    if (Date.now() > until) {
      log(`warning: ${present ? 'no consumer on' : 'consumers still on'} unit queue(s) ${wrong.join(', ')} after ${ms / 1000} s; going on`);
      return at;
    }
    await sleep(50);
  }
}

/** Waits until the outbox is sent and every queue is empty; warns (and goes on) after `ms`. Returns how long it took. */
async function waitIdle(pool: Pool, probe: QueueProbe, ms: number, apps: Apps, label: string): Promise<number | null> {
  const t0 = Date.now();
  for (;;) {
    apps.check();
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL');
    if (rows[0].n === 0 && (await probe.pending()) === 0) return Date.now() - t0;
    if (Date.now() - t0 > ms) {
      log(`warning: ${label}: outbox or queues not empty after ${ms / 1000} s; going on`);
      return null;
    }
    await sleep(100);
  }
}

export async function runEngine(o: EngineOptions): Promise<EngineResult> {
  const scope = new Scope('engine');
  try {
    const dbName = `motcua_bench_${o.runId}`;
    const dbUrl = databaseUrl(o.adminUrl, dbName);
    scope.defer(`database ${dbName}`, () => dropDatabase(o.adminUrl, dbName));
    const prefix = `bench-en-${o.runId}`;
    scope.defer(`redis keys ${prefix}:*`, async () => void (await clearRedisPrefix(o.redisUrl, prefix)));
    const apps = new Apps(scope, o.appsDir);

    const [stubPort, apiPort] = [await freePort(), await freePort()];
    const stubUrl = `http://127.0.0.1:${stubPort}`;
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: dbUrl,
      REDIS_URL: o.redisUrl,
      QUEUE_PREFIX: prefix,
      HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      PORTAL_STUB_PORT: String(stubPort),
      PORTAL_URL: `${stubUrl}/dvcqg`,
      STUBS_URL: stubUrl,
      LOG_LEVEL: 'warn',
      LOG_JSON: 'false',
      MIGRATIONS_RUN: 'false',
      AUTO_OFFICER: 'true',
      NO_COLOR: '1', // plain log lines in our stderr
    };

    log(`engine: creating, migrating and seeding ${dbName}`);
    const seedCode = await exitOf(apps.start('cli', 'seed', env, ['seed', '--demo'], true));
    if (seedCode !== 0) throw new Error(`seed failed (exit ${seedCode})`);

    apps.start('portal-stub', 'portal-stub', env);
    apps.start('api', 'api', env);
    const bootDeadline = Date.now() + 90_000;
    await waitUntil(async () => (apps.check(), httpOk(`${stubUrl}/stub/health`)), bootDeadline, 'the portal stub');
    await waitUntil(async () => (apps.check(), httpOk(`${apiUrl}/api/health`)), bootDeadline, 'GET /api/health 200');
    log(`engine: up (api ${apiUrl}, stub ${stubUrl}); offices ${OFFICES.join(', ')}`);

    const units = [...new Set(o.workerUnits.flatMap((u) => u.split(',').map((s) => s.trim())))];
    const probe = new QueueProbe(o.redisUrl, prefix, [...units, 'portal-sync']);
    scope.defer('queue probe', () => probe.close());
    const startWorkers = (): ChildProcess[] =>
      o.workerUnits.map((u, i) => apps.start('worker', `worker-${i + 1}`, { ...env, UNITS: u }));

    const pool = new Pool({ connectionString: dbUrl, max: 2 });
    pool.on('error', () => undefined);
    scope.defer('engine pool', () => pool.end());
    const alive = (): void => apps.check();
    let seq = 0;
    const requests = async (n: number): Promise<DossierRequest[]> => {
      const list = Array.from({ length: n }, () => dossierRequest(seq++, o.procedures));
      await registerCitizens(stubUrl, list);
      return list;
    };

    // Warm-up (not measured), workers running; then they are stopped (or frozen) so that no
    // worker runs while the peak's backlog is submitted.
    let frozen: ChildProcess[] = [];
    if (o.warmup > 0 || o.peakWorkers === 'frozen') {
      const warmWorkers = startWorkers();
      await waitForConsumers(probe, units, true, 30_000, apps);
      log(`engine: ${o.workerUnits.length} workers up; warm-up`);
      if (o.warmup > 0) {
        const warm = await submitBurst(apiUrl, await requests(o.warmup), o.inFlight);
        await waitDone(pool, warm, 'warm-up', o.stallMs, alive);
        await waitIdle(pool, probe, 15_000, apps, 'warm-up');
      }
      if (o.peakWorkers === 'frozen') {
        for (const c of warmWorkers) c.kill('SIGSTOP');
        frozen = warmWorkers;
        log('engine: warm-up done, workers frozen (SIGSTOP); peak phase');
      } else {
        await Promise.all(warmWorkers.map((c) => apps.stop(c)));
        await waitForConsumers(probe, units, false, 10_000, apps);
        log('engine: warm-up done, workers stopped; peak phase');
      }
    }

    // Peak: the backlog goes in through the API alone (the outbox fills), then the workers start.
    const peakRequests = await requests(o.dossiers);
    const submitStart = Date.now();
    const peakIds = await submitBurst(apiUrl, peakRequests, o.inFlight);
    const intakePerSec = peakIds.length / ((Date.now() - submitStart) / 1000);
    const { rows: backlogRows } = await pool.query<{ handoffs: number; all: number }>(
      `SELECT count(*) FILTER (WHERE job_name = 'handoff')::int AS handoffs, count(*)::int AS all FROM outbox WHERE sent_at IS NULL`,
    );
    const backlog = { handoffJobs: backlogRows[0].handoffs, outboxRows: backlogRows[0].all };
    log(`engine peak: ${peakIds.length} dossiers submitted with no worker (${intakePerSec.toFixed(1)}/s); outbox ${backlog.outboxRows} rows (${backlog.handoffJobs} hand-offs)`);
    const startedAt = Date.now();
    if (frozen.length > 0) for (const c of frozen) c.kill('SIGCONT');
    else startWorkers();
    const readyAt = await waitForConsumers(probe, units, true, 30_000, apps);
    log(`engine peak: workers' consumers ready after ${readyAt - startedAt} ms; draining`);
    await waitDone(pool, peakIds, 'peak', o.stallMs, alive);
    const peak = await measurePeak(pool, peakIds, startedAt, readyAt);
    log(`engine peak: ${peak.handoffsPerSec} hand-offs/s (${peak.handoffs} in ${peak.drainMs} ms); hop 2+ p50 ${peak.hop2onP50Ms} ms, p99 ${peak.hop2onP99Ms} ms`);
    if (peak.receivedBeforeStart > 0) log(`warning: engine peak: ${peak.receivedBeforeStart} hand-offs received before the workers started`);
    if (peak.notCounted > 0) log(`engine peak: ${peak.notCounted} hand-offs paper or not received (not counted)`);
    if (!peak.handoffsPerSec || peak.handoffs === 0) throw new Error('engine peak: no electronic hand-off was received');
    // Let the rest (portal-sync mostly) finish so it does not spill into the paced phase.
    const idle = (await waitIdle(pool, probe, 60_000, apps, 'after the peak')) !== null;
    const queuesIdleAfterMs = idle ? Math.round(Date.now() - peak.lastResultReadyAt) : null;
    log(`engine peak: outbox and queues empty ${idle ? `${queuesIdleAfterMs} ms after the last ResultReady` : '(not reached)'}`);

    // Paced: dossiers at a fixed interval so that hand-offs arrive at half the peak rate.
    const perDossier = peak.handoffs / peakIds.length;
    const rate = peak.handoffsPerSec * o.pacedFraction;
    const dossiersPerSec = rate / perDossier;
    const count = Math.max(10, Math.round(dossiersPerSec * o.pacedSeconds));
    log(`engine paced: ${count} dossiers at ${dossiersPerSec.toFixed(1)}/s (${rate.toFixed(0)} hand-offs/s, ${perDossier.toFixed(2)} per dossier)`);
    const sent = await submitPaced(apiUrl, await requests(count), 1000 / dossiersPerSec);
    await waitDone(pool, sent.ids, 'paced', o.stallMs, alive);
    const paced = await measurePaced(pool, sent.ids);
    log(`engine paced: p50 ${paced.p50Ms} ms, p99 ${paced.p99Ms} ms, ${paced.handoffsPerSec} hand-offs/s achieved`);
    if (paced.notCounted > 0) log(`engine paced: ${paced.notCounted} hand-offs paper or not received (not counted)`);

    return {
      handoffsPerSec: peak.handoffsPerSec,
      handoffs: peak.handoffs,
      dossiers: peakIds.length,
      drainMs: peak.drainMs,
      hop2onP50Ms: peak.hop2onP50Ms,
      hop2onP99Ms: peak.hop2onP99Ms,
      hop2onHandoffs: peak.hop2onHandoffs,
      hop2onBreakdown: peak.breakdown,
      backlog,
      peakWorkers: o.peakWorkers,
      workersReadyMs: readyAt - startedAt,
      queuesIdleAfterMs,
      intakePerSec: Math.round(intakePerSec * 100) / 100,
      paced: {
        ratePerSec: round2(rate),
        dossiersPerSec: round2(dossiersPerSec),
        arrivalsPerSec: count > 1 ? round2((count - 1) / (sent.sendSpanMs / 1000)) : null,
        achievedPerSec: paced.handoffsPerSec,
        p50Ms: paced.p50Ms,
        p99Ms: paced.p99Ms,
        hop1P99Ms: paced.hop1P99Ms,
        hop2onP99Ms: paced.hop2onP99Ms,
        dossierE2eP50Ms: paced.dossierE2eP50Ms,
        dossierE2eP99Ms: paced.dossierE2eP99Ms,
        postP50Ms: round2(percentile(sent.postMs, 0.5)),
        postP99Ms: round2(percentile(sent.postMs, 0.99)),
        dossiers: sent.ids.length,
        handoffs: paced.handoffs,
        breakdown: paced.breakdown,
      },
      workerProcesses: o.workerUnits.length,
      offices: OFFICES,
      procedures: o.procedures,
    };
  } finally {
    await scope.close();
  }
}
