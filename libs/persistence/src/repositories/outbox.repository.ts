import { EntityManager } from 'typeorm';

/** A message to send once the surrounding transaction commits. */
export interface OutboxMessage {
  readonly communeCode: string;
  readonly queue: string;
  readonly jobName: string;
  /** Ids only (STYLE.md habit 4): the consumer reloads state from the database. */
  readonly payload: Record<string, unknown>;
}

/** Writes outbox rows inside the command's transaction; the relay sends them after commit. */
export class OutboxRepository {
  constructor(private readonly m: EntityManager) {}

  async add(messages: readonly OutboxMessage[]): Promise<string[]> {
    if (messages.length === 0) return [];
    const values: unknown[] = [];
    const rows = messages.map((msg, i) => {
      values.push(msg.communeCode, msg.queue, msg.jobName, JSON.stringify(msg.payload));
      return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`;
    });
    const inserted = (await this.m.query(
      `INSERT INTO outbox (commune_code, queue, job_name, payload) VALUES ${rows.join(', ')} RETURNING id`,
      values,
    )) as { id: string }[];
    return inserted.map((r) => String(r.id));
  }
}
