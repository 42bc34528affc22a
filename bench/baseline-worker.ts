import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { Pool, type PoolClient } from 'pg';
import { nowMs } from './common';

/*
 * One worker process of a baseline (forked by baseline.ts): a BullMQ Worker on each of q1, q2,
 * q3. No framework: bullmq, ioredis and pg only. Two modes (`BL_MODE`):
 *
 * - `plain`: a hop is one PostgreSQL transaction (INSERT an event + UPDATE the item's state row);
 *   after its commit the item goes on to the next queue carrying the commit time, and the hop's
 *   latency is this commit minus the previous one.
 * - `outbox`: a hop is two transactions, like an engine hand-off with an automatic step: the
 *   receipt (INSERT an event + UPDATE the state row), then the completion (INSERT an event +
 *   UPDATE the state row + INSERT an outbox row); after the completion's commit the item is added
 *   to the next queue with the outbox row's id as job id. Latency = this receipt's commit minus
 *   the previous completion's commit (the sender's commit to the receiver's, as for the engine).
 *   The outbox row is written and never read: the baseline pays its insert, not a relay.
 *
 * "Commit" here is the moment COMMIT returned to this process (nowMs() right after it).
 */

export const BASELINE_QUEUES = ['q1', 'q2', 'q3'] as const;

export type BaselineMode = 'plain' | 'outbox';

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
  /** `lat`: each hop's latency (ms); `at`: each hop's last commit (epoch ms). */
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
  const mode: BaselineMode = process.env.BL_MODE === 'outbox' ? 'outbox' : 'plain';
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

  /** One transaction on a connection of its own, like one command of the engine. */
  const transaction = async <T>(work: (c: PoolClient) => Promise<T>): Promise<T> => {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const out = await work(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  };
  const record = (phase: string, lat: number, at: number): void => {
    let b = pending.get(phase);
    if (!b) pending.set(phase, (b = { lat: [], at: [] }));
    b.lat.push(lat);
    b.at.push(at);
  };

  const plainHop = async (d: HopJob): Promise<void> => {
    await transaction(async (c) => {
      await c.query('INSERT INTO bl_events (item_id, hop, kind, at) VALUES ($1, $2, $3, now())', [d.item, d.hop, 'h']);
      await c.query('UPDATE bl_state SET hop = $2, updated_at = now() WHERE item_id = $1', [d.item, d.hop]);
    });
    const at = nowMs();
    record(d.phase, at - d.prev, at);
    const q = next.get(d.hop);
    if (q) await q.add('hop', { item: d.item, hop: d.hop + 1, prev: at, phase: d.phase }, HOP_JOB_OPTIONS);
  };

  const outboxHop = async (d: HopJob): Promise<void> => {
    await transaction(async (c) => {
      await c.query('INSERT INTO bl_events (item_id, hop, kind, at) VALUES ($1, $2, $3, now())', [d.item, d.hop, 'r']);
      await c.query('UPDATE bl_state SET hop = $2, updated_at = now() WHERE item_id = $1', [d.item, d.hop]);
    });
    const receivedAt = nowMs();
    const q = next.get(d.hop);
    const outboxId = await transaction(async (c) => {
      await c.query('INSERT INTO bl_events (item_id, hop, kind, at) VALUES ($1, $2, $3, now())', [d.item, d.hop, 'c']);
      await c.query('UPDATE bl_state SET done_hop = $2, updated_at = now() WHERE item_id = $1', [d.item, d.hop]);
      const { rows } = await c.query<{ id: string }>(
        'INSERT INTO bl_outbox (item_id, hop, queue, payload) VALUES ($1, $2, $3, $4) RETURNING id::text',
        [d.item, d.hop, q?.name ?? 'done', JSON.stringify({ item: d.item, hop: d.hop + 1 })],
      );
      return rows[0].id;
    });
    const at = nowMs();
    record(d.phase, receivedAt - d.prev, at);
    if (q) await q.add('hop', { item: d.item, hop: d.hop + 1, prev: at, phase: d.phase }, { ...HOP_JOB_OPTIONS, jobId: `o${outboxId}` });
  };

  const hop = (job: Job<HopJob>): Promise<void> => (mode === 'outbox' ? outboxHop(job.data) : plainHop(job.data));

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
