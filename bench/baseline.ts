import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { type BaselineMode, HOP_JOB_OPTIONS, type HopJob, type WorkerMessage } from './baseline-worker';
import { clearRedisPrefix, createDatabase, forwardOutput, log, nowMs, percentile, round2, Scope, sleep, stopChild } from './common';
import { cpuBetween, type CpuFigures, findProcess, sampleCpu } from './cpu';

/*
 * A baseline: a bare 3-queue BullMQ chain q1 → q2 → q3, no framework, consumed by the same number
 * of worker processes as the engine gets, with one PostgreSQL transaction per hop (`plain`) or
 * two and an outbox row (`outbox`, see baseline-worker.ts). Each is measured on its own database
 * and queue prefix, on the same PostgreSQL and Redis as the engine.
 */

export interface BaselineOptions {
  readonly mode: BaselineMode;
  readonly adminUrl: string;
  readonly redisUrl: string;
  readonly runId: string;
  /** Items pushed at once in the peak phase (3 hops each). */
  readonly items: number;
  readonly pacedSeconds: number;
  /** Paced arrival rate as a fraction of the peak rate (0.5: the target's "half the peak"). */
  readonly pacedFraction: number;
  readonly processes: number;
  /** BullMQ concurrency of each Worker (3 Workers per process; each process has a pool of 20, like the engine's). */
  readonly concurrency: number;
  /** Fail when no hop completes for this long. */
  readonly stallMs: number;
}

export interface BaselinePaced {
  /** Target arrival rate in hops per second (half the peak). */
  readonly ratePerSec: number | null;
  readonly achievedPerSec: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly hops: number;
}

export interface BaselineResult {
  /** `plain`: one transaction per hop; `outbox`: receipt + completion with an outbox row. */
  readonly mode: BaselineMode;
  readonly transactionsPerHop: number;
  readonly hopsPerSec: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly items: number;
  readonly hops: number;
  /** The peak's CPU: machine busy share, and ms per hop (workers, PostgreSQL backends, Redis, other). */
  readonly cpu: CpuFigures;
  readonly paced: BaselinePaced;
  readonly processes: number;
  readonly concurrency: number;
}

const HOPS = 3;

/** Latencies and last commit per phase, fed by the worker processes. */
class Collector {
  constructor(private readonly name: string) {}

  readonly lat = new Map<string, number[]>();
  readonly last = new Map<string, number>();
  lastProgress = Date.now();
  error?: string;

  take(msg: WorkerMessage): void {
    if (msg.type === 'error') this.error ??= msg.message;
    if (msg.type !== 'hops') return;
    const list = this.lat.get(msg.phase) ?? [];
    for (const v of msg.lat) list.push(v);
    this.lat.set(msg.phase, list);
    let last = this.last.get(msg.phase) ?? 0;
    for (const at of msg.at) if (at > last) last = at;
    this.last.set(msg.phase, last);
    this.lastProgress = Date.now();
  }

  count(phase: string): number {
    return this.lat.get(phase)?.length ?? 0;
  }

  async waitFor(phase: string, hops: number, stallMs: number): Promise<void> {
    let logged = Date.now();
    this.lastProgress = Date.now();
    while (this.count(phase) < hops) {
      if (this.error) throw new Error(`${this.name} worker: ${this.error}`);
      if (Date.now() - this.lastProgress > stallMs) throw new Error(`${this.name} ${phase}: stalled at ${this.count(phase)}/${hops} hops`);
      if (Date.now() - logged > 2000) {
        log(`${this.name} ${phase}: ${this.count(phase)}/${hops} hops`);
        logged = Date.now();
      }
      await sleep(20);
    }
  }
}

function startWorkers(scope: Scope, n: number, env: NodeJS.ProcessEnv, collector: Collector): Promise<ChildProcess[]> {
  const entry = join(__dirname, 'baseline-worker.js');
  const children = Array.from({ length: n }, (_, i) => {
    const child = fork(entry, [], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: ['--enable-source-maps'] });
    forwardOutput(child, `${scope.name}-worker-${i + 1}`);
    scope.defer(`${scope.name} worker ${i + 1}`, async () => {
      if (child.connected) child.send({ type: 'stop' });
      await stopChild(child);
    });
    return child;
  });
  return Promise.all(
    children.map(
      (child, i) =>
        new Promise<ChildProcess>((resolve, reject) => {
          child.on('message', (m: WorkerMessage) => {
            if (m.type === 'ready') resolve(child);
            else collector.take(m);
          });
          child.once('exit', (code) => reject(new Error(`${scope.name} worker ${i + 1} exited (${code}) ${collector.error ?? ''}`)));
        }),
    ),
  );
}

export async function runBaseline(o: BaselineOptions): Promise<BaselineResult> {
  const name = o.mode === 'outbox' ? 'baseline-outbox' : 'baseline';
  const scope = new Scope(name);
  const tag = o.mode === 'outbox' ? 'blo' : 'bl';
  try {
    const dbName = `motcua_bench_${tag}_${o.runId}`;
    const dbUrl = await createDatabase(scope, o.adminUrl, dbName);
    const prefix = `bench-${tag}-${o.runId}`;
    scope.defer(`redis keys ${prefix}:*`, async () => void (await clearRedisPrefix(o.redisUrl, prefix)));
    const pool = new Pool({ connectionString: dbUrl, max: 4 });
    scope.defer(`${name} pool`, () => pool.end());
    await pool.query(`
      CREATE TABLE bl_state (item_id bigint PRIMARY KEY, hop int NOT NULL, done_hop int, updated_at timestamptz NOT NULL);
      CREATE TABLE bl_events (id bigserial PRIMARY KEY, item_id bigint NOT NULL, hop int NOT NULL, kind "char" NOT NULL,
        at timestamptz NOT NULL, UNIQUE (item_id, hop, kind));
      CREATE TABLE bl_outbox (id bigserial PRIMARY KEY, item_id bigint NOT NULL, hop int NOT NULL, queue text NOT NULL,
        payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), sent_at timestamptz);`);

    const producer = new Redis(o.redisUrl, { maxRetriesPerRequest: 1 });
    producer.on('error', () => undefined);
    const q1 = new Queue('q1', { connection: producer, prefix });
    scope.defer('baseline producer', async () => {
      await q1.close();
      producer.disconnect();
    });

    const collector = new Collector(name);
    const children = await startWorkers(
      scope,
      o.processes,
      { ...process.env, BL_MODE: o.mode, BL_DATABASE_URL: dbUrl, BL_REDIS_URL: o.redisUrl, BL_PREFIX: prefix, BL_CONCURRENCY: String(o.concurrency), BL_POOL: '20' },
      collector,
    );
    log(`${name}: ${o.processes} worker processes × 3 queues, concurrency ${o.concurrency}`);
    const redisPid = findProcess('redis-server');
    const cpuNow = async () => {
      const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
      return sampleCpu({
        workers: children.map((c) => c.pid ?? 0),
        postgres: rows.map((r) => r.pid),
        redis: redisPid ? [redisPid] : [],
        bench: [process.pid],
      });
    };

    /** Pushes items [from, from+n) at once, after one transaction creating their state rows. */
    const burst = async (phase: string, from: number, n: number): Promise<number> => {
      await pool.query(`INSERT INTO bl_state (item_id, hop, updated_at) SELECT g, 0, now() FROM generate_series($1::bigint, $2::bigint) g`, [from, from + n - 1]);
      const t0 = nowMs();
      for (let i = 0; i < n; i += 1000) {
        const jobs = Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({
          name: 'hop',
          data: { item: from + i + k, hop: 1, prev: t0, phase } satisfies HopJob,
          opts: HOP_JOB_OPTIONS,
        }));
        await q1.addBulk(jobs);
      }
      await collector.waitFor(phase, n * HOPS, o.stallMs);
      return t0;
    };

    await burst('warm', 1, Math.min(300, o.items));
    log(`${name}: warm-up done; peak phase`);

    const cpu0 = await cpuNow();
    const t0 = await burst('peak', 1_000_000, o.items);
    const cpu1 = await cpuNow();
    const peakLat = collector.lat.get('peak') ?? [];
    const hopsPerSec = peakLat.length / ((collector.last.get('peak')! - t0) / 1000);
    const cpu = cpuBetween(cpu0, cpu1, peakLat.length);
    log(`${name} peak: ${hopsPerSec.toFixed(0)} hops/s over ${peakLat.length} hops; CPU ${cpu.busyPct} % busy, ${cpu.msPer?.total} ms per hop`);

    // Paced: open-loop arrivals at a fixed interval, at half the peak hop rate.
    const rate = hopsPerSec * o.pacedFraction;
    const interval = 1000 / (rate / HOPS);
    const count = Math.max(10, Math.round((o.pacedSeconds * 1000) / interval));
    log(`${name} paced: ${count} items, one every ${interval.toFixed(2)} ms (${rate.toFixed(0)} hops/s)`);
    let firstCommit = Number.POSITIVE_INFINITY;
    const arrivals: Promise<void>[] = [];
    const arrive = async (item: number): Promise<void> => {
      await pool.query('INSERT INTO bl_state (item_id, hop, updated_at) VALUES ($1, 0, now())', [item]);
      const at = nowMs();
      firstCommit = Math.min(firstCommit, at);
      await q1.add('hop', { item, hop: 1, prev: at, phase: 'paced' } satisfies HopJob, HOP_JOB_OPTIONS);
    };
    const start = nowMs() + 20;
    for (let i = 0; i < count; i++) {
      const wait = start + i * interval - nowMs();
      if (wait > 1) await sleep(wait);
      arrivals.push(arrive(2_000_000 + i));
    }
    await Promise.all(arrivals);
    await collector.waitFor('paced', count * HOPS, o.stallMs);
    const pacedLat = collector.lat.get('paced') ?? [];
    const paced: BaselinePaced = {
      ratePerSec: round2(rate),
      achievedPerSec: round2(pacedLat.length / ((collector.last.get('paced')! - firstCommit) / 1000)),
      p50Ms: round2(percentile(pacedLat, 0.5)),
      p99Ms: round2(percentile(pacedLat, 0.99)),
      hops: pacedLat.length,
    };
    log(`${name} paced: p50 ${paced.p50Ms} ms, p99 ${paced.p99Ms} ms`);
    return {
      mode: o.mode,
      transactionsPerHop: o.mode === 'outbox' ? 2 : 1,
      hopsPerSec: round2(hopsPerSec),
      p50Ms: round2(percentile(peakLat, 0.5)),
      p99Ms: round2(percentile(peakLat, 0.99)),
      items: o.items,
      hops: peakLat.length,
      cpu,
      paced,
      processes: o.processes,
      concurrency: o.concurrency,
    };
  } finally {
    await scope.close();
  }
}
