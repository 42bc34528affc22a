import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hand-offs remember when the sweeper last re-sent them. A job can vanish after the outbox marked
 * it sent (a Redis that lost its data, a queue flushed by hand); the sweeper finds electronic
 * hand-offs never received and sends them again, a bounded number of times.
 */
export class HandoffResend1764500000000 implements MigrationInterface {
  name = 'HandoffResend1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE handoffs ADD COLUMN resent_at timestamptz, ADD COLUMN resend_count int NOT NULL DEFAULT 0;
      CREATE INDEX handoffs_unreceived ON handoffs (sent_at) WHERE received_at IS NULL AND channel = 'electronic';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX IF EXISTS handoffs_unreceived;
      ALTER TABLE handoffs DROP COLUMN IF EXISTS resent_at, DROP COLUMN IF EXISTS resend_count;
    `);
  }
}
