import { EntityManager } from 'typeorm';

/** A message to send once the surrounding transaction commits. */
export interface OutboxMessage {
  readonly communeCode: string;
  readonly queue: string;
  readonly jobName: string;
  /** Ids only (STYLE.md habit 4): the consumer reloads state from the database. */
  readonly payload: Record<string, unknown>;
  /** Deliver no earlier than this: the relay adds a BullMQ delayed job. */
  readonly runAt?: Date;
}

/** Writes outbox rows inside the command's transaction; the relay sends them after commit. */
export class OutboxRepository {
  constructor(private readonly m: EntityManager) {}

  async add(messages: readonly OutboxMessage[]): Promise<string[]> {
    if (messages.length === 0) return [];
    const values: unknown[] = [];
    const rows = messages.map((msg, i) => {
      values.push(msg.communeCode, msg.queue, msg.jobName, JSON.stringify(msg.payload), msg.runAt ?? null);
      return `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5}::timestamptz)`;
    });
    const inserted = (await this.m.query(
      `INSERT INTO outbox (commune_code, queue, job_name, payload, run_at) VALUES ${rows.join(', ')} RETURNING id`,
      values,
    )) as { id: string }[];
    return inserted.map((r) => String(r.id));
  }
}
