/**
 * The outbox's one writer: every statement that inserts into `outbox` is built here —
 * {@link outboxInsert} (a command's messages, alone through {@link OutboxRepository.add} or as a CTE
 * of the event append's one statement) and {@link handoffJobsFrom} (a hand-off's job written
 * again by the sweeper and the supervisor's actions). No other module of the application writes
 * `INSERT INTO outbox` (only migrations that move old rows do), so the columns and the ids-only
 * payloads are decided in one place.
 */
import { CommuneRepository } from '../tenancy';

/** A message to send once the surrounding transaction commits. */
export interface OutboxMessage {
  readonly queue: string;
  readonly jobName: string;
  /** Ids only (STYLE.md habit 4): the consumer reloads state from the database. */
  readonly payload: Record<string, unknown>;
  /** Deliver no earlier than this: the relay adds a BullMQ delayed job. */
  readonly runAt?: Date;
}

/**
 * `INSERT INTO outbox … VALUES …` for `messages` of the commune bound as `$1`, without a
 * RETURNING clause; `param` numbers each value. The event append puts it in a CTE of its one
 * statement, so a command's outbox rows cost no round trip of their own.
 */
export function outboxInsert(messages: readonly OutboxMessage[], param: (value: unknown) => string): string {
  const tuples = messages.map((msg) => `($1, ${param(msg.queue)}, ${param(msg.jobName)}, ${param(JSON.stringify(msg.payload))}, ${param(msg.runAt ?? null)}::timestamptz)`);
  return `INSERT INTO outbox (commune_code, queue, job_name, payload, run_at) VALUES ${tuples.join(', ')}`;
}

/**
 * SQL that writes a hand-off's job again (ids only, as `handOff` first wrote it) for each row of
 * `source`, a CTE with `commune_code` and `dossier_id` columns: the re-send, the re-drive and the
 * supervisor's actions on stuck work all send it this way.
 */
export function handoffJobsFrom(source: string, columns: { readonly queue: string; readonly handoffId: string }): string {
  return `INSERT INTO outbox (commune_code, queue, job_name, payload)
       SELECT commune_code, ${columns.queue}, 'handoff', jsonb_build_object('handoffId', ${columns.handoffId}, 'dossierId', dossier_id, 'communeCode', commune_code)
         FROM ${source}`;
}

/** SQL: a job of the hand-off `handoffId` (an expression) still waits in the outbox. */
export function handoffJobWaiting(handoffId: string): string {
  return `EXISTS (SELECT 1 FROM outbox o WHERE o.sent_at IS NULL AND o.dead_at IS NULL AND o.job_name = 'handoff' AND o.payload->>'handoffId' = ${handoffId}::text)`;
}

/** Writes outbox rows inside the command's transaction; the relay sends them after commit. */
export class OutboxRepository extends CommuneRepository {
  async add(messages: readonly OutboxMessage[]): Promise<string[]> {
    if (messages.length === 0) return [];
    const values: unknown[] = [];
    const param = (value: unknown): string => {
      values.push(value);
      return `$${values.length + 1}`;
    };
    const inserted = await this.sql<{ id: string }[]>(`${outboxInsert(messages, param)} RETURNING id`, values);
    return inserted.map((r) => String(r.id));
  }
}
