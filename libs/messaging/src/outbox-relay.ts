import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { QueueRegistry } from './connections';
import { type QueueName } from './queues';

export interface OutboxRelayOptions {
  /** Rows moved per transaction. */
  readonly batchSize: number;
  /** Backstop poll, in case a NOTIFY was missed (listener reconnecting). */
  readonly pollIntervalMs: number;
}

interface OutboxRow {
  id: string;
  created_at: Date;
  queue: QueueName;
  job_name: string;
  payload: Record<string, unknown>;
  run_at: Date | null;
}

/**
 * The BullMQ job id of an outbox row; a re-send of the same row has the same id and is a no-op.
 * The row's creation time is part of it: outbox ids restart at 1 in a new database, and a Redis
 * that still holds the old `ob-1` (kept a day for this very dedupe) would silently drop the new
 * row's job.
 */
export function outboxJobId(outboxId: string, createdAt: Date): string {
  return `ob-${outboxId}-${createdAt.getTime().toString(36)}`;
}

/**
 * Moves outbox rows to BullMQ (DESIGN.md §4.1). Woken by LISTEN/NOTIFY on every committed insert,
 * with polling only as a backstop. Rows are locked (SKIP LOCKED, so several relays share the
 * work), added with the job id of {@link outboxJobId}, and marked sent in the same transaction: a
 * crash before the commit re-sends them, and BullMQ drops the duplicate id. While Redis is down
 * the add fails fast, the transaction rolls back, and the rows wait.
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private listener?: Client;
  private timer?: NodeJS.Timeout;
  private draining = false;
  private again = false;
  private stopped = true;
  private failures = 0;
  private idle?: Promise<void>;

  constructor(
    private readonly ds: DataSource,
    private readonly queues: QueueRegistry,
    private readonly databaseUrl: string,
    private readonly options: OutboxRelayOptions = { batchSize: 200, pollIntervalMs: 1000 },
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.listen();
    this.timer = setInterval(() => this.kick(), this.options.pollIntervalMs);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle;
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }

  /** Asks for a drain; coalesces wake-ups that arrive while one is running. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = true;
    this.idle = this.drain().finally(() => {
      this.draining = false;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl });
    client.on('notification', () => this.kick());
    client.on('error', (e) => {
      this.logger.warn(`outbox listener lost (${e.message}); polling until it is back`);
      this.listener = undefined;
      setTimeout(() => void this.relisten(), this.options.pollIntervalMs);
    });
    await client.connect();
    await client.query('LISTEN motcua_outbox');
    this.listener = client;
  }

  private async relisten(): Promise<void> {
    if (this.stopped || this.listener) return;
    try {
      await this.listen();
      this.kick();
    } catch {
      setTimeout(() => void this.relisten(), this.options.pollIntervalMs);
    }
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.moveBatch()) === this.options.batchSize) {
        // a full batch: more rows may be waiting
      }
      if (this.failures > 0) this.logger.log('outbox relay recovered');
      this.failures = 0;
    } catch (e) {
      this.failures += 1;
      if (this.failures === 1 || this.failures % 30 === 0) {
        this.logger.warn(`outbox relay cannot send yet (${e instanceof Error ? e.message : String(e)}); rows wait`);
      }
    }
  }

  /** One transaction: lock a batch, add it to BullMQ, mark it sent. Returns the rows moved. */
  private async moveBatch(): Promise<number> {
    return this.ds.transaction(async (m) => {
      const rows = (await m.query(
        `SELECT id, created_at, queue, job_name, payload, run_at FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize],
      )) as OutboxRow[];
      if (rows.length === 0) return 0;
      const byQueue = new Map<QueueName, OutboxRow[]>();
      for (const r of rows) byQueue.set(r.queue, [...(byQueue.get(r.queue) ?? []), r]);
      await Promise.all(
        [...byQueue].map(([queue, batch]) =>
          this.queues.get(queue).addBulk(
            batch.map((r) => ({
              name: r.job_name,
              data: { ...r.payload, outboxId: String(r.id) },
              opts: {
                jobId: outboxJobId(String(r.id), r.created_at),
                ...(r.run_at ? { delay: Math.max(0, r.run_at.getTime() - Date.now()) } : {}),
              },
            })),
          ),
        ),
      );
      await m.query(`UPDATE outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }
}
