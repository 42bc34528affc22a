import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The officer's workflow (issue 4): taking work items, supplement requests with the clock paused,
 * apology letters (at most one re-appointment per dossier), signed results with the commune's
 * signing keys, documents with their checksums, deadline notifications, the audit log, and
 * delayed outbox messages (deadline reminders travel as BullMQ delayed jobs).
 */
export class OfficerWorkflow1764600000000 implements MigrationInterface {
  name = 'OfficerWorkflow1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE outbox ADD COLUMN run_at timestamptz;
      ALTER TABLE work_items ADD COLUMN taken_at timestamptz;

      ALTER TABLE dossiers
        ADD COLUMN overdue_at timestamptz,
        ADD COLUMN paused_at timestamptz,
        ADD COLUMN supplement_due_at timestamptz,
        ADD COLUMN supplement_count int NOT NULL DEFAULT 0,
        ADD COLUMN resolved_at timestamptz,
        ADD COLUMN returned_at timestamptz,
        ADD COLUMN closing_reason text;
      CREATE INDEX dossiers_open_due ON dossiers (due_at) WHERE overdue_at IS NULL AND state IN ('received', 'in_progress');
      CREATE INDEX dossiers_supplement_due ON dossiers (supplement_due_at) WHERE state = 'waiting_supplement';

      CREATE TABLE supplement_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        dossier_id uuid NOT NULL REFERENCES dossiers(id),
        number int NOT NULL,
        step_key varchar(64) NOT NULL,
        unit_kind varchar(32) NOT NULL,
        reason text NOT NULL,
        items jsonb NOT NULL,
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL,
        citizen_due_at timestamptz NOT NULL,
        flagged boolean NOT NULL DEFAULT false,
        supplied_at timestamptz,
        supplied_by text,
        supplied_via varchar(16),
        note text,
        UNIQUE (dossier_id, number)
      );

      CREATE TABLE apology_letters (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        dossier_id uuid NOT NULL UNIQUE REFERENCES dossiers(id),
        reason text NOT NULL,
        original_due_at timestamptz NOT NULL,
        previous_due_at timestamptz NOT NULL,
        new_due_at timestamptz NOT NULL,
        issued_by text NOT NULL,
        issued_at timestamptz NOT NULL,
        in_time boolean NOT NULL
      );

      CREATE TABLE signing_keys (
        id varchar(32) PRIMARY KEY,
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        algorithm varchar(16) NOT NULL,
        public_key text NOT NULL,
        private_key text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (commune_code) WHERE active;

      CREATE TABLE result_signatures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        dossier_id uuid NOT NULL REFERENCES dossiers(id),
        dossier_code varchar(64) NOT NULL,
        key_id varchar(32) NOT NULL REFERENCES signing_keys(id),
        payload text NOT NULL,
        signature text NOT NULL,
        document_sha256 char(64) NOT NULL,
        signed_by text NOT NULL,
        signed_at timestamptz NOT NULL
      );
      CREATE INDEX result_signatures_code ON result_signatures (dossier_code);

      CREATE TABLE dossier_documents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        dossier_id uuid NOT NULL REFERENCES dossiers(id),
        step_key varchar(64),
        kind varchar(16) NOT NULL,
        name text NOT NULL,
        media_type varchar(128),
        size_bytes bigint,
        sha256 char(64) NOT NULL,
        added_by text NOT NULL,
        added_at timestamptz NOT NULL
      );
      CREATE INDEX dossier_documents_dossier ON dossier_documents (dossier_id);

      CREATE TABLE notifications (
        id bigserial PRIMARY KEY,
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        dossier_id uuid NOT NULL REFERENCES dossiers(id),
        audience varchar(32) NOT NULL,
        kind varchar(32) NOT NULL,
        message text NOT NULL,
        dedupe_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL
      );
      CREATE INDEX notifications_audience ON notifications (commune_code, audience, created_at DESC);

      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        commune_code varchar(16),
        actor_id uuid,
        actor_username text,
        action text NOT NULL,
        method varchar(8) NOT NULL,
        path text NOT NULL,
        target_id text,
        status int NOT NULL,
        ip text,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX audit_log_commune_at ON audit_log (commune_code, at DESC);
      CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
      END $$;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION append_only();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS audit_log, notifications, dossier_documents, result_signatures, signing_keys,
        apology_letters, supplement_requests;
      DROP FUNCTION IF EXISTS append_only();
      DROP INDEX IF EXISTS dossiers_open_due, dossiers_supplement_due;
      ALTER TABLE dossiers DROP COLUMN overdue_at, DROP COLUMN paused_at, DROP COLUMN supplement_due_at,
        DROP COLUMN supplement_count, DROP COLUMN resolved_at, DROP COLUMN returned_at, DROP COLUMN closing_reason;
      ALTER TABLE work_items DROP COLUMN taken_at;
      ALTER TABLE outbox DROP COLUMN run_at;
    `);
  }
}
