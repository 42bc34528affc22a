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
    const ids: string[] = [];
    for (const msg of messages) {
      const rows = (await this.m.query(
        `INSERT INTO outbox (commune_code, queue, job_name, payload) VALUES ($1, $2, $3, $4) RETURNING id`,
        [msg.communeCode, msg.queue, msg.jobName, JSON.stringify(msg.payload)],
      )) as { id: string }[];
      ids.push(String(rows[0].id));
    }
    return ids;
  }
}
