import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Nothing lost, and anything stuck visible (issue 9):
 * - outbox rows are tried with backoff (`next_attempt_at`, which is also the relay's claim on a
 *   row it is sending) and, after their attempts, marked dead for an operator (`dead_at`);
 *   sent rows are purged after a retention period, so the partial indexes stay small;
 * - a hand-off still not received after its re-sends is marked given up (`given_up_at`);
 * - a work item knows whether its step is automatic (back-filled from the pinned routes), so
 *   the sweeper can re-drive a received automatic step that never completed;
 * - the deadline sweep claims each passed deadline for a lease, so N workers check it once;
 * - a dossier keeps the appointment its receipt slip (Mẫu 01) printed (`appointment_at`, never
 *   moved), so every form quotes the same original appointment beside the current one.
 */
export class NothingLost1764800000000 implements MigrationInterface {
  name = 'NothingLost1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE outbox ADD COLUMN next_attempt_at timestamptz, ADD COLUMN dead_at timestamptz;
      DROP INDEX outbox_unsent;
      CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL AND dead_at IS NULL;
      CREATE INDEX outbox_dead ON outbox (commune_code, dead_at) WHERE dead_at IS NOT NULL;
      CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;

      ALTER TABLE handoffs ADD COLUMN given_up_at timestamptz;
      CREATE INDEX handoffs_given_up ON handoffs (commune_code, given_up_at) WHERE given_up_at IS NOT NULL AND received_at IS NULL;

      ALTER TABLE work_items ADD COLUMN automatic varchar(32), ADD COLUMN redrive_count int NOT NULL DEFAULT 0, ADD COLUMN redriven_at timestamptz;
      UPDATE work_items w SET automatic = st->>'automatic'
        FROM dossiers d
        JOIN procedure_versions pv ON pv.id = d.procedure_version_id
        CROSS JOIN LATERAL jsonb_path_query(pv.definition, '$.route.stages[*].steps[*]') st
       WHERE d.id = w.dossier_id AND st->>'key' = w.step_key AND st ? 'automatic';
      CREATE INDEX work_items_automatic_open ON work_items (created_at) WHERE automatic IS NOT NULL AND status = 'pending';

      CREATE TABLE deadline_claims (
        dossier_id uuid NOT NULL REFERENCES dossiers(id),
        kind varchar(32) NOT NULL,
        due_at timestamptz NOT NULL,
        claimed_until timestamptz NOT NULL,
        claimed_by text NOT NULL,
        PRIMARY KEY (dossier_id, kind, due_at)
      );
      CREATE INDEX deadline_claims_until ON deadline_claims (claimed_until);

      ALTER TABLE dossiers ADD COLUMN appointment_at timestamptz;
      UPDATE dossiers d SET appointment_at = COALESCE(
        (SELECT (e.payload->>'dueAt')::timestamptz FROM dossier_events e WHERE e.dossier_id = d.id AND e.type = 'DossierReceived' ORDER BY e.seq LIMIT 1),
        d.original_due_at);
      ALTER TABLE dossiers ALTER COLUMN appointment_at SET NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE dossiers DROP COLUMN appointment_at;
      DROP TABLE IF EXISTS deadline_claims;
      DROP INDEX IF EXISTS work_items_automatic_open;
      ALTER TABLE work_items DROP COLUMN automatic, DROP COLUMN redrive_count, DROP COLUMN redriven_at;
      DROP INDEX IF EXISTS handoffs_given_up;
      ALTER TABLE handoffs DROP COLUMN given_up_at;
      DROP INDEX IF EXISTS outbox_sent;
      DROP INDEX IF EXISTS outbox_dead;
      DROP INDEX outbox_unsent;
      CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
      ALTER TABLE outbox DROP COLUMN next_attempt_at, DROP COLUMN dead_at;
    `);
  }
}
