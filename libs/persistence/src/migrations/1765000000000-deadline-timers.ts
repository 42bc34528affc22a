import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deadline reminders from an indexed timer table (issue 10): a command writes its reminders as
 * rows of `deadline_timers` in the statement that appends its events, instead of one delayed
 * BullMQ job per reminder; one claim statement in the worker's deadline sweeper takes the due
 * ones. Reminders still waiting in the outbox move to the table; delayed jobs already in Redis
 * still drain through the `deadlines` queue (the checks are idempotent).
 */
export class DeadlineTimers1765000000000 implements MigrationInterface {
  name = 'DeadlineTimers1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deadline_timers (
        id bigserial PRIMARY KEY,
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        dossier_id uuid NOT NULL REFERENCES dossiers(id),
        kind varchar(32) NOT NULL,
        step_key varchar(64) NOT NULL DEFAULT '',
        due_at timestamptz NOT NULL,
        fire_at timestamptz NOT NULL,
        claimed_until timestamptz,
        claimed_by text,
        attempts int NOT NULL DEFAULT 0,
        fired_at timestamptz,
        outcome varchar(16),
        UNIQUE (dossier_id, kind, step_key, due_at)
      );
      CREATE INDEX deadline_timers_due ON deadline_timers (fire_at) WHERE fired_at IS NULL;
      CREATE INDEX deadline_timers_fired ON deadline_timers (fired_at) WHERE fired_at IS NOT NULL;

      INSERT INTO deadline_timers (commune_code, dossier_id, kind, step_key, due_at, fire_at)
      SELECT o.commune_code, (o.payload->>'dossierId')::uuid, o.payload->>'kind', coalesce(o.payload->>'stepKey', ''),
             (o.payload->>'dueAt')::timestamptz, coalesce(o.run_at, o.created_at)
        FROM outbox o
       WHERE o.queue = 'deadlines' AND o.sent_at IS NULL AND o.dead_at IS NULL
      ON CONFLICT DO NOTHING;
      DELETE FROM outbox WHERE queue = 'deadlines' AND sent_at IS NULL AND dead_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO outbox (commune_code, queue, job_name, payload, run_at)
      SELECT commune_code, 'deadlines', 'deadline',
             jsonb_strip_nulls(jsonb_build_object('dossierId', dossier_id, 'communeCode', commune_code, 'kind', kind,
               'dueAt', to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'stepKey', nullif(step_key, ''))),
             fire_at
        FROM deadline_timers WHERE fired_at IS NULL;
      DROP TABLE deadline_timers;
    `);
  }
}
