import { Logger } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { QueueRegistry } from './connections';
import { failpoint } from '@motcua/persistence';
import { isQueueName, type QueueName } from './queues';

export interface OutboxRelayOptions {
  /** Rows claimed per round. */
  readonly batchSize: number;
  /** Backstop poll, in case a NOTIFY was missed (listener reconnecting); also wakes retries. */
  readonly pollIntervalMs: number;
  /** Attempts a row gets when Redis answers but refuses that row; then it is dead. */
  readonly maxAttempts: number;
  /** First retry delay of a refused row; doubles per attempt, capped at an hour. */
  readonly backoffMs: number;
  /**
   * How long a claimed row is left to its relay before another may take it (a relay killed
   * between its claim and its "sent" is thus covered; the job id makes the re-send a no-op).
   */
  readonly claimMs: number;
}

export const DEFAULT_RELAY_OPTIONS: OutboxRelayOptions = { batchSize: 200, pollIntervalMs: 1000, maxAttempts: 10, backoffMs: 1000, claimMs: 30_000 };

interface OutboxRow {
  id: string;
  created_at: Date;
  queue: string;
  job_name: string;
  payload: Record<string, unknown>;
  run_at: Date | null;
  attempts: number;
}

/** The delay before a refused row's next attempt: `backoffMs` doubled per attempt made, at most an hour. */
export function outboxBackoffMs(attemptsMade: number, backoffMs: number): number {
  return Math.min(3_600_000, backoffMs * 2 ** Math.max(0, Math.min(attemptsMade - 1, 30)));
}

/**
 * The BullMQ job id of an outbox row; a re-send of the same row has the same id and is a no-op.
 * The row's creation time is part of it: outbox ids restart at 1 in a new database, and a Redis
 * that still holds the old `ob-1` (kept for this very dedupe, `DEDUPE_WINDOW`) would silently drop the new
 * row's job.
 */
export function outboxJobId(outboxId: string, createdAt: Date): string {
  return `ob-${outboxId}-${createdAt.getTime().toString(36)}`;
}

/**
 * Moves outbox rows to BullMQ (DESIGN.md §4.1). Woken by LISTEN/NOTIFY on every committed insert,
 * with polling as a backstop. No transaction is open while Redis is called:
 * 1. one statement claims a batch (SKIP LOCKED, so several relays share the work) by setting
 *    `next_attempt_at` to the end of a lease;
 * 2. the rows are added to BullMQ with the job id of {@link outboxJobId};
 * 3. one statement marks them sent.
 * A relay killed between 2 and 3 leaves claimed rows that another relay takes after the lease;
 * BullMQ drops the duplicate id (within `DEDUPE_WINDOW`), and consumers
 * are idempotent beyond that. While Redis is down the claims are released and the rows wait, with
 * no attempt counted. A row Redis refuses while it answers PING (an unknown queue, a bad option)
 * is retried with backoff, alone, and after `maxAttempts` marked dead: the others never wait for it.
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
    private readonly options: OutboxRelayOptions = DEFAULT_RELAY_OPTIONS,
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

  /** One round: claim a batch, add it to BullMQ, mark what was added. Returns the rows claimed. */
  private async moveBatch(): Promise<number> {
    const rows = (await this.ds.query(
      `WITH claimed AS (
         UPDATE outbox o SET next_attempt_at = now() + make_interval(secs => $2 / 1000.0)
          WHERE o.id IN (SELECT id FROM outbox
                          WHERE sent_at IS NULL AND dead_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= now())
                          ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING o.id, o.created_at, o.queue, o.job_name, o.payload, o.run_at, o.attempts)
       SELECT * FROM claimed ORDER BY id`,
      [this.options.batchSize, this.options.claimMs],
    )) as OutboxRow[];
    if (rows.length === 0) return 0;
    await failpoint('relay.after-claim');
    const byQueue = new Map<QueueName, OutboxRow[]>();
    const refused: OutboxRow[] = [];
    for (const r of rows) {
      if (!isQueueName(r.queue)) refused.push(r);
      else byQueue.set(r.queue, [...(byQueue.get(r.queue) ?? []), r]);
    }
    const results = await Promise.allSettled([...byQueue].map(([queue, batch]) => this.queues.get(queue).addBulk(batch.map(toJob))));
    await failpoint('relay.after-add');
    const sent: OutboxRow[] = [];
    let outage: unknown;
    [...byQueue.values()].forEach((batch, i) => {
      const r = results[i];
      if (r.status === 'fulfilled') sent.push(...batch);
      else {
        outage ??= r.reason;
        refused.push(...batch);
      }
    });
    await this.markSent(sent);
    if (refused.length === 0) return rows.length;
    if (outage !== undefined && !(await this.queues.answers())) await this.release(refused, outage);
    // Redis answers: try each refused row alone, so one bad row holds back no other.
    for (const [i, r] of refused.entries()) {
      try {
        if (!isQueueName(r.queue)) throw new Error(`unknown queue "${r.queue}"`);
        await this.queues.get(r.queue).add(r.job_name, ...toJobArgs(r));
      } catch (e) {
        if (isQueueName(r.queue) && !(await this.queues.answers())) await this.release(refused.slice(i), e);
        await this.markRefused(r, e);
        continue;
      }
      await this.markSent([r]);
    }
    return rows.length;
  }

  /** Redis is away: nothing is the rows' fault. Gives them back at once, uncounted, and fails the round. */
  private async release(rows: readonly OutboxRow[], cause: unknown): Promise<never> {
    await this.ds.query(`UPDATE outbox SET next_attempt_at = NULL WHERE id = ANY($1::bigint[]) AND sent_at IS NULL`, [rows.map((r) => r.id)]);
    throw cause instanceof Error ? cause : new Error(String(cause));
  }

  private async markSent(rows: readonly OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.ds.query(
      `UPDATE outbox SET sent_at = now(), next_attempt_at = NULL, last_error = NULL, attempts = attempts + 1 WHERE id = ANY($1::bigint[])`,
      [rows.map((r) => r.id)],
    );
  }

  private async markRefused(r: OutboxRow, e: unknown): Promise<void> {
    const attempts = r.attempts + 1;
    const dead = attempts >= this.options.maxAttempts;
    // The error names the queue or option at fault; it never holds the payload (ids only anyway).
    const message = (e instanceof Error ? e.message : String(e)).slice(0, 500);
    await this.ds.query(
      `UPDATE outbox SET attempts = $2, last_error = $3,
              next_attempt_at = CASE WHEN $4 THEN NULL ELSE now() + make_interval(secs => $5 / 1000.0) END,
              dead_at = CASE WHEN $4 THEN now() END
        WHERE id = $1`,
      [r.id, attempts, message, dead, outboxBackoffMs(attempts, this.options.backoffMs)],
    );
    if (dead) this.logger.error(`outbox row ${r.id} (${r.queue}/${r.job_name}) is dead after ${attempts} attempts: ${message}`);
    else this.logger.warn(`outbox row ${r.id} (${r.queue}/${r.job_name}) refused, attempt ${attempts}: ${message}`);
  }
}

function toJobArgs(r: OutboxRow): [Record<string, unknown>, JobsOptions] {
  return [
    { ...r.payload, outboxId: String(r.id) },
    {
      jobId: outboxJobId(String(r.id), r.created_at),
      ...(r.run_at ? { delay: Math.max(0, r.run_at.getTime() - Date.now()) } : {}),
    },
  ];
}

function toJob(r: OutboxRow): { name: string; data: Record<string, unknown>; opts: JobsOptions } {
  const [data, opts] = toJobArgs(r);
  return { name: r.job_name, data, opts };
}
