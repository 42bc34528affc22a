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
 * The VALUES tuples of outbox rows for the commune bound as `$1`; `param` numbers each value.
 * Shared with the event append, which writes a command's outbox rows in the same statement.
 */
export function outboxValues(messages: readonly OutboxMessage[], param: (value: unknown) => string): string {
  return messages
    .map((msg) => `($1, ${param(msg.queue)}, ${param(msg.jobName)}, ${param(JSON.stringify(msg.payload))}, ${param(msg.runAt ?? null)}::timestamptz)`)
    .join(', ');
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
    const inserted = await this.sql<{ id: string }[]>(
      `INSERT INTO outbox (commune_code, queue, job_name, payload, run_at) VALUES ${outboxValues(messages, param)} RETURNING id`,
      values,
    );
    return inserted.map((r) => String(r.id));
  }
}
