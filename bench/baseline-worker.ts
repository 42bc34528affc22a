import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { nowMs } from './common';

/*
 * One worker process of the baseline (forked by baseline.ts): a BullMQ Worker on each of q1, q2,
 * q3. A hop is one PostgreSQL transaction (INSERT an event + UPDATE the item's state row); after
 * its commit the item goes on to the next queue carrying the commit time, and the hop's latency
 * is this commit minus the previous one. No framework: bullmq, ioredis and pg only.
 */

export const BASELINE_QUEUES = ['q1', 'q2', 'q3'] as const;

/** Job data: the item, the hop this job performs (1..3), the previous commit (epoch ms). */
export interface HopJob {
  readonly item: number;
  readonly hop: number;
  readonly prev: number;
  readonly phase: string;
}

/** Messages a worker process sends to the parent. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'hops'; readonly phase: string; readonly lat: number[]; readonly at: number[] }
  | { readonly type: 'error'; readonly message: string };

/** Completed jobs are dropped at once: the leanest BullMQ set-up, so the baseline is an upper bound. */
export const HOP_JOB_OPTIONS = { removeOnComplete: true, removeOnFail: 1000, attempts: 3 } as const;

function send(msg: WorkerMessage): void {
  if (process.connected) process.send?.(msg);
}

async function main(): Promise<void> {
  const databaseUrl = process.env.BL_DATABASE_URL ?? '';
  const redisUrl = process.env.BL_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = process.env.BL_PREFIX ?? 'bench-bl';
  const concurrency = Number(process.env.BL_CONCURRENCY ?? '16');
  const pool = new Pool({ connectionString: databaseUrl, max: Number(process.env.BL_POOL ?? '20') });
  pool.on('error', () => undefined);

  const producer = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  producer.on('error', () => undefined);
  const next = new Map<number, Queue>([
    [1, new Queue('q2', { connection: producer, prefix })],
    [2, new Queue('q3', { connection: producer, prefix })],
  ]);

  // Latencies are batched to the parent every 50 ms, per phase.
  const pending = new Map<string, { lat: number[]; at: number[] }>();
  const flush = (): void => {
    for (const [phase, b] of pending) send({ type: 'hops', phase, lat: b.lat, at: b.at });
    pending.clear();
  };
  const flusher = setInterval(flush, 50);

  const hop = async (job: Job<HopJob>): Promise<void> => {
    const d = job.data;
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await c.query('INSERT INTO bl_events (item_id, hop, at) VALUES ($1, $2, now())', [d.item, d.hop]);
      await c.query('UPDATE bl_state SET hop = $2, updated_at = now() WHERE item_id = $1', [d.item, d.hop]);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
    const at = nowMs();
    let b = pending.get(d.phase);
    if (!b) pending.set(d.phase, (b = { lat: [], at: [] }));
    b.lat.push(at - d.prev);
    b.at.push(at);
    const q = next.get(d.hop);
    if (q) await q.add('hop', { item: d.item, hop: d.hop + 1, prev: at, phase: d.phase }, HOP_JOB_OPTIONS);
  };

  const connections: Redis[] = [];
  const workers = BASELINE_QUEUES.map((name) => {
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    connection.on('error', () => undefined);
    connections.push(connection);
    const w = new Worker<HopJob>(name, hop, { connection, prefix, concurrency });
    w.on('failed', (job, err) => send({ type: 'error', message: `${name} job ${job?.id}: ${err.message}` }));
    w.on('error', (err) => send({ type: 'error', message: `${name}: ${err.message}` }));
    return w;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(flusher);
    flush();
    await Promise.all(workers.map((w) => w.close(true))).catch(() => undefined);
    await Promise.all([...next.values()].map((q) => q.close())).catch(() => undefined);
    for (const c of [producer, ...connections]) c.disconnect();
    await pool.end().catch(() => undefined);
    process.exit(0);
  };
  process.on('message', (m: unknown) => {
    if ((m as { type?: string }).type === 'stop') void stop();
  });
  process.on('disconnect', () => void stop()); // the parent is gone: do not linger
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => undefined); // the parent handles Ctrl-C and stops us
  send({ type: 'ready' });
}

// Only when forked as a process; baseline.ts imports this module's types and constants.
if (require.main === module) {
  main().catch((e: unknown) => {
    send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    process.exit(1);
  });
}
