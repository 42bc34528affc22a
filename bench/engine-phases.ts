import type { ChildProcess } from 'node:child_process';
import { Pool } from 'pg';
import { clearRedisPrefix, databaseUrl, dropDatabase, freePort, log, nowMs, percentile, round2, type Scope, waitUntil } from './common';
import { installCommitClock } from './commit-clock';
import { type CpuFigures, CpuTrail, findProcess } from './cpu';
import { type EngineConfig, planPools, type PoolPlan } from './engine-config';
import { Apps, exitOf, httpOk, owedWorkSql, portalCalls, QueueProbe, settle, type Settled, type SettleContext, waitForConsumers } from './engine-apps';
import { type DossierRequest, dossierRequest, OFFICES, registerCitizens, submitBurst, submitPaced, waitDone } from './engine-load';
import { type Breakdown, lastOutboxSent, measureDrain, measurePaced, portalCursor } from './engine-measure';

/*
 * The engine's phases on one booted stack (a seeded database with the commit clock, the portal
 * stub, the API; worker processes started, frozen and stopped as each phase needs): warm-up,
 * backlog, sustained drain, paced phase. engine.ts decides their order.
 */

export interface PhaseOptions {
  readonly adminUrl: string;
  readonly redisUrl: string;
  readonly runId: string;
  readonly appsDir: string;
  readonly inFlight: number;
  readonly procedures: readonly string[];
  readonly stallMs: number;
  readonly pacedSeconds: number;
  /** How long the whole system must stay idle to count as settled. */
  readonly quietMs: number;
}

/** A sustained rate: every piece of work the backlog caused, portal sync included, inside the window. */
export interface Sustained {
  /** Electronic hand-offs received in the window ÷ the window. */
  readonly handoffsPerSec: number | null;
  readonly handoffs: number;
  /** The window: consumers ready (or the first receipt, if earlier) → the last piece of work done. */
  readonly drainMs: number | null;
  /** Which signal closed the window: `result-ready`, `jobs` (a job's finishedOn), `outbox`, `portal-sync` (a cursor move), `portal-calls`. */
  readonly windowEndedBy: string;
  /** Window start → the last ResultReady commit, and the rate over it (the old, overstated method). */
  readonly resultReadyMs: number | null;
  readonly handoffsPerSecToResultReady: number | null;
  /** Last ResultReady → window end: the work (portal sync mostly) still running after it. */
  readonly tailMs: number | null;
  /** Portal work in the window: the stub's integration calls, and dossiers the syncer's cursor moved forward. */
  readonly work: {
    readonly portalCalls: number | null;
    readonly portalCallsPerHandoff: number | null;
    readonly portalCursorMoves: number;
    readonly portalCursorMovesPerHandoff: number | null;
  };
  readonly cpu: CpuFigures;
  readonly hop2onP50Ms: number | null;
  readonly hop2onP99Ms: number | null;
  readonly hop2onHandoffs: number;
  readonly hop2onBreakdown: Breakdown;
  /**
   * Outbox rows unsent when the workers started (hand-off jobs, all), rows in the table then, and
   * its dead tuples (autovacuum is off on the shared server: the relay's claim slows as they grow).
   */
  readonly backlog: { readonly handoffJobs: number; readonly outboxRows: number; readonly outboxTableRows: number; readonly outboxDeadTuples: number | null };
  /** From starting (or resuming) the workers to every unit queue having a consumer. */
  readonly workersReadyMs: number;
}

export interface PacedResult {
  readonly percent: number;
  /** Target hand-off rate (percent of the sustained rate) and the dossier arrival rate giving it. */
  readonly ratePerSec: number | null;
  readonly dossiersPerSec: number | null;
  readonly arrivalsPerSec: number | null;
  /** Hand-offs ÷ (last receiver's commit − first sender's commit). */
  readonly achievedPerSec: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly hop1P99Ms: number | null;
  readonly hop2onP99Ms: number | null;
  readonly dossierE2eP50Ms: number | null;
  readonly dossierE2eP99Ms: number | null;
  /** received_at − sent_at (command starts), the clock points of earlier versions of the bench. */
  readonly commandStartP50Ms: number | null;
  readonly commandStartP99Ms: number | null;
  readonly postP50Ms: number | null;
  readonly postP99Ms: number | null;
  readonly dossiers: number;
  readonly handoffs: number;
  /** Last arrival sent → the last piece of work done; a long one means the phase fell behind. */
  readonly tailMs: number | null;
  /** First arrival → the last piece of work done. */
  readonly cpu: CpuFigures;
  readonly breakdown: Breakdown;
}

/** The API's DATABASE_POOL_SIZE at most, so that the workers' pools fit in max_connections beside it. */
const API_POOL = 20;

export class EngineStack {
  readonly apps: Apps;
  private env: NodeJS.ProcessEnv = {};
  private stubUrl = '';
  private apiUrl = '';
  private pool!: Pool;
  private probe!: QueueProbe;
  private trail!: CpuTrail;
  private settleCtx!: SettleContext;
  private units: readonly string[] = [];
  private workers: ChildProcess[] = [];
  private seq = 0;

  constructor(
    private readonly scope: Scope,
    private readonly o: PhaseOptions,
    private readonly config: EngineConfig,
  ) {
    this.apps = new Apps(scope, o.appsDir);
  }

  /** Creates, migrates and seeds the database, adds the commit clock, starts the stub and the API. */
  async boot(units: readonly string[]): Promise<void> {
    const o = this.o;
    const dbName = `motcua_bench_${o.runId}`;
    const dbUrl = databaseUrl(o.adminUrl, dbName);
    this.scope.defer(`database ${dbName}`, () => dropDatabase(o.adminUrl, dbName));
    const prefix = `bench-en-${o.runId}`;
    this.scope.defer(`redis keys ${prefix}:*`, async () => void (await clearRedisPrefix(o.redisUrl, prefix)));
    const [stubPort, apiPort] = [await freePort(), await freePort()];
    this.stubUrl = `http://127.0.0.1:${stubPort}`;
    this.apiUrl = `http://127.0.0.1:${apiPort}`;
    this.env = {
      ...process.env,
      DATABASE_URL: dbUrl,
      REDIS_URL: o.redisUrl,
      QUEUE_PREFIX: prefix,
      HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      PORTAL_STUB_PORT: String(stubPort),
      PORTAL_URL: `${this.stubUrl}/dvcqg`,
      STUBS_URL: this.stubUrl,
      LOG_LEVEL: 'warn',
      LOG_JSON: 'false',
      MIGRATIONS_RUN: 'false',
      AUTO_OFFICER: 'true',
      NO_COLOR: '1', // plain log lines in our stderr
    };

    log(`engine: creating, migrating and seeding ${dbName}`);
    const seedCode = await exitOf(this.apps.start('cli', 'seed', this.env, null, ['seed', '--demo'], true));
    if (seedCode !== 0) throw new Error(`seed failed (exit ${seedCode})`);
    // The bench's own connections say so, so that their CPU is not counted as the engine's.
    this.pool = new Pool({ connectionString: dbUrl, max: 2, application_name: 'motcua-bench' });
    this.pool.on('error', () => undefined);
    this.scope.defer('engine pool', () => this.pool.end());
    const { portalCursor: hasPortalCursor } = await installCommitClock(this.pool);

    this.apps.start('portal-stub', 'portal-stub', this.env, 'stub');
    // Intake needs a few connections; the API's own default is sized like a worker's job slots.
    const apiPool = Math.min(this.config.poolSize('all') ?? API_POOL, API_POOL);
    this.apps.start('api', 'api', { ...this.env, DATABASE_POOL_SIZE: String(apiPool) }, 'api');
    const bootDeadline = Date.now() + 90_000;
    await waitUntil(async () => (this.apps.check(), httpOk(`${this.stubUrl}/stub/health`)), bootDeadline, 'the portal stub');
    await waitUntil(async () => (this.apps.check(), httpOk(`${this.apiUrl}/api/health`)), bootDeadline, 'GET /api/health 200');
    log(`engine: up (api ${this.apiUrl}, stub ${this.stubUrl}); offices ${OFFICES.join(', ')}`);

    this.units = units;
    this.probe = new QueueProbe(o.redisUrl, prefix, [...units, 'portal-sync', 'deadlines']);
    this.scope.defer('queue probe', () => this.probe.close());
    const redisPid = findProcess('redis-server');
    this.trail = new CpuTrail(async () => {
      const { rows } = await this.pool.query<{ pid: number; bench: boolean }>(
        `SELECT pid, application_name = 'motcua-bench' AS bench FROM pg_stat_activity WHERE datname = $1`,
        [dbName],
      );
      return {
        ...this.apps.pids(),
        postgres: rows.filter((r) => !r.bench).map((r) => r.pid),
        redis: redisPid ? [redisPid] : [],
        bench: [process.pid, ...rows.filter((r) => r.bench).map((r) => r.pid)],
      };
    });
    this.settleCtx = {
      pool: this.pool,
      probe: this.probe,
      apps: this.apps,
      stubUrl: this.stubUrl,
      owedWorkSql: await owedWorkSql(this.pool, hasPortalCursor),
      trail: this.trail,
      quietMs: o.quietMs,
    };
  }

  /** Starts one worker process per UNITS group (`all` consumes every unit queue) with the pools of `plan`. */
  async startWorkers(groups: readonly string[], plan: PoolPlan): Promise<number> {
    const startedAt = nowMs();
    this.workers = groups.map((u, i) => {
      const pool = plan.given[i] < plan.wanted[i] ? { DATABASE_POOL_SIZE: String(plan.given[i]) } : {};
      return this.apps.start('worker', `worker-${i + 1}`, { ...this.env, ...pool, UNITS: u }, 'workers');
    });
    return (await waitForConsumers(this.probe, this.units, true, 30_000, this.apps)) - startedAt;
  }

  async stopWorkers(): Promise<void> {
    await Promise.all(this.workers.map((c) => this.apps.stop(c)));
    this.workers = [];
    await waitForConsumers(this.probe, this.units, false, 10_000, this.apps);
  }

  /** Suspends the worker processes (SIGSTOP): warm, but consuming nothing. */
  freeze(): void {
    for (const c of this.workers) c.kill('SIGSTOP');
  }

  /** Resumes frozen workers (SIGCONT): the `begin` of a frozen drain. */
  resume(): void {
    for (const c of this.workers) c.kill('SIGCONT');
  }

  /** Pools for worker processes with these UNITS, beside the API's (see {@link planPools}). */
  planPools(groups: readonly string[]): Promise<PoolPlan> {
    return planPools(this.pool, this.config, groups, API_POOL);
  }

  async requests(n: number): Promise<DossierRequest[]> {
    const list = Array.from({ length: n }, () => dossierRequest(this.seq++, this.o.procedures));
    await registerCitizens(this.stubUrl, list);
    return list;
  }

  private alive = (): void => this.apps.check();

  /** Dossiers through the running workers, not measured; returns once everything settled. */
  async warmUp(n: number, label: string): Promise<void> {
    const ids = await submitBurst(this.apiUrl, await this.requests(n), this.o.inFlight);
    await waitDone(this.pool, ids, label, this.o.stallMs, this.alive);
    await settle(this.settleCtx, 30_000, label);
  }

  /** Submits `n` dossiers as fast as the API takes them (no worker should be consuming). */
  async backlog(n: number): Promise<{ ids: string[]; intakePerSec: number }> {
    const list = await this.requests(n);
    const t0 = nowMs();
    const ids = await submitBurst(this.apiUrl, list, this.o.inFlight);
    return { ids, intakePerSec: round2(ids.length / ((nowMs() - t0) / 1000)) ?? 0 };
  }

  /**
   * The end of a window: the latest of the last ResultReady, job, outbox send, portal cursor move
   * and (if seen later still) portal call.
   */
  private async windowEnd(lastReady: number, settled: Settled | null): Promise<{ end: number; by: string }> {
    let end = lastReady;
    let by = 'result-ready';
    const lastJob = await this.probe.lastFinished();
    if (lastJob !== null && lastJob > end) [end, by] = [lastJob, 'jobs'];
    const outboxAt = await lastOutboxSent(this.pool);
    if (outboxAt !== null && outboxAt > end) [end, by] = [outboxAt, 'outbox'];
    const cursorAt = (await portalCursor(this.pool, 0, 0)).last;
    if (cursorAt !== null && cursorAt > end) [end, by] = [cursorAt, 'portal-sync'];
    // The stub's counter is only polled: the last call came after the poll before the change.
    if (settled?.portalChangedAt && settled.portalPrevPollAt !== null && settled.portalPrevPollAt > end) [end, by] = [settled.portalChangedAt, 'portal-calls'];
    return { end, by };
  }

  /**
   * The sustained drain of a backlog: `begin` starts (or resumes) the workers; the window runs
   * from every unit queue having a consumer to the moment the last piece of work the backlog
   * caused is done — the last ResultReady, the last job of any queue (portal-sync included), the
   * last outbox send, the portal syncer's last cursor move, the stub's last portal call — once the
   * whole system has settled.
   */
  async drain(label: string, ids: readonly string[], begin: () => Promise<void> | void): Promise<Sustained> {
    const { rows } = await this.pool.query<{ handoffs: number; unsent: number; all: number; dead: number | null }>(
      `SELECT count(*) FILTER (WHERE sent_at IS NULL AND job_name = 'handoff')::int AS handoffs,
              count(*) FILTER (WHERE sent_at IS NULL)::int AS unsent, count(*)::int AS all,
              (SELECT n_dead_tup::int FROM pg_stat_user_tables WHERE relname = 'outbox') AS dead FROM outbox`,
    );
    const backlog = { handoffJobs: rows[0].handoffs, outboxRows: rows[0].unsent, outboxTableRows: rows[0].all, outboxDeadTuples: rows[0].dead };
    log(`engine ${label}: ${ids.length} dossiers waiting; outbox ${backlog.outboxRows} rows unsent (${backlog.handoffJobs} hand-offs), ${backlog.outboxTableRows} in the table`);
    const calls0 = await portalCalls(this.stubUrl);
    this.trail.clear();
    const startedAt = nowMs();
    await begin();
    const readyAt = await waitForConsumers(this.probe, this.units, true, 30_000, this.apps);
    const cpu0 = await this.trail.take();
    await waitDone(this.pool, ids, label, this.o.stallMs, this.alive, () => this.trail.take());
    const settled = await settle(this.settleCtx, 120_000, label);
    const m = await measureDrain(this.pool, ids, startedAt);
    if (m.handoffs === 0) throw new Error(`engine ${label}: no electronic hand-off was received`);
    if (m.receivedBeforeStart > 0) log(`warning: engine ${label}: ${m.receivedBeforeStart} hand-offs received before the workers started`);
    if (m.unclocked > 0) log(`warning: engine ${label}: ${m.unclocked} received hand-offs have no commit time (not counted)`);
    const start = Math.min(readyAt, m.firstReceipt);
    const { end, by } = await this.windowEnd(m.lastResultReady, settled);
    const drainMs = end - start;
    const rrMs = m.lastResultReady - start;
    const cursorMoves = (await portalCursor(this.pool, start, end)).moves;
    const calls = settled ? settled.portalCalls - calls0 : null;
    const per = (v: number | null): number | null => (v === null ? null : round2(v / m.handoffs));
    const s: Sustained = {
      handoffsPerSec: round2(m.handoffs / (drainMs / 1000)),
      handoffs: m.handoffs,
      drainMs: round2(drainMs),
      windowEndedBy: by,
      resultReadyMs: round2(rrMs),
      handoffsPerSecToResultReady: round2(m.handoffs / (rrMs / 1000)),
      tailMs: round2(end - m.lastResultReady),
      work: { portalCalls: calls, portalCallsPerHandoff: per(calls), portalCursorMoves: cursorMoves, portalCursorMovesPerHandoff: per(cursorMoves) },
      cpu: this.trail.between(cpu0, end, m.handoffs),
      hop2onP50Ms: m.hop2onP50Ms,
      hop2onP99Ms: m.hop2onP99Ms,
      hop2onHandoffs: m.hop2onHandoffs,
      hop2onBreakdown: m.breakdown,
      backlog,
      workersReadyMs: Math.round(readyAt - startedAt),
    };
    log(
      `engine ${label}: ${s.handoffsPerSec} hand-offs/s sustained (${s.handoffs} in ${s.drainMs} ms, ended by ${by}; ` +
        `${s.handoffsPerSecToResultReady}/s to the last ResultReady, tail ${s.tailMs} ms); CPU ${s.cpu.busyPct} % busy, ${s.cpu.msPer?.total} ms per hand-off`,
    );
    return s;
  }

  /** Open-loop dossier arrivals giving `percent` % of `sustainedRate` hand-offs per second. */
  async paced(percent: number, sustainedRate: number, perDossier: number): Promise<PacedResult> {
    const rate = (sustainedRate * percent) / 100;
    const dossiersPerSec = rate / perDossier;
    const count = Math.max(10, Math.round(dossiersPerSec * this.o.pacedSeconds));
    const label = `paced ${percent} %`;
    log(`engine ${label}: ${count} dossiers at ${dossiersPerSec.toFixed(1)}/s (${rate.toFixed(0)} hand-offs/s, ${perDossier.toFixed(2)} per dossier)`);
    const list = await this.requests(count);
    this.trail.clear();
    const cpu0 = await this.trail.take();
    const sent = await submitPaced(this.apiUrl, list, 1000 / dossiersPerSec);
    await waitDone(this.pool, sent.ids, label, this.o.stallMs, this.alive, () => this.trail.take());
    const settled = await settle(this.settleCtx, 120_000, label);
    const m = await measurePaced(this.pool, sent.ids);
    if (m.unclocked > 0) log(`warning: engine ${label}: ${m.unclocked} received hand-offs have no commit time (not counted)`);
    const { end } = await this.windowEnd(m.lastResultReady, settled);
    const p: PacedResult = {
      percent,
      ratePerSec: round2(rate),
      dossiersPerSec: round2(dossiersPerSec),
      arrivalsPerSec: count > 1 ? round2((count - 1) / ((sent.lastAt - sent.firstAt) / 1000)) : null,
      achievedPerSec: m.handoffs > 0 ? round2(m.handoffs / ((m.lastReceived - m.firstSent) / 1000)) : null,
      p50Ms: m.p50Ms,
      p99Ms: m.p99Ms,
      hop1P99Ms: m.hop1P99Ms,
      hop2onP99Ms: m.hop2onP99Ms,
      dossierE2eP50Ms: m.dossierE2eP50Ms,
      dossierE2eP99Ms: m.dossierE2eP99Ms,
      commandStartP50Ms: m.commandStartP50Ms,
      commandStartP99Ms: m.commandStartP99Ms,
      postP50Ms: round2(percentile(sent.postMs, 0.5)),
      postP99Ms: round2(percentile(sent.postMs, 0.99)),
      dossiers: sent.ids.length,
      handoffs: m.handoffs,
      tailMs: round2(end - sent.lastAt),
      cpu: this.trail.between(cpu0, end, m.handoffs),
      breakdown: m.breakdown,
    };
    log(`engine ${label}: p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms, ${p.achievedPerSec} hand-offs/s achieved; CPU ${p.cpu.busyPct} % busy; tail ${p.tailMs} ms`);
    return p;
  }
}
