import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The foundation schema. Every row carries its commune (`commune_code`). dossier_events is
 * append-only (a trigger refuses UPDATE and DELETE) and chains each event to the previous one's
 * hash; (dossier_id, seq) is unique, which is the optimistic-concurrency guard of every command.
 * New outbox rows NOTIFY the relay so a hand-off crosses in milliseconds.
 */
export class InitialSchema1764400000000 implements MigrationInterface {
  name = 'InitialSchema1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE communes (
        code varchar(16) PRIMARY KEY,
        name text NOT NULL,
        province_code varchar(16) NOT NULL,
        province_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE offices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        code varchar(64) NOT NULL UNIQUE,
        name text NOT NULL,
        address text NOT NULL DEFAULT '',
        profile jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE units (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        kind varchar(32) NOT NULL,
        name text NOT NULL,
        UNIQUE (commune_code, kind)
      );

      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        username varchar(64) NOT NULL UNIQUE,
        full_name text NOT NULL,
        roles text[] NOT NULL DEFAULT '{}',
        unit_kinds text[] NOT NULL DEFAULT '{}',
        password_hash text,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE calendar_overrides (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        year int NOT NULL,
        source text NOT NULL,
        definition jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (commune_code, year, source)
      );

      CREATE TABLE procedure_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        code varchar(64) NOT NULL,
        version int NOT NULL,
        effective_from date NOT NULL,
        catalog_version varchar(32) NOT NULL,
        national_code varchar(32),
        name text NOT NULL,
        field_code varchar(32) NOT NULL,
        field_name text NOT NULL,
        lead_unit varchar(32) NOT NULL,
        online_level varchar(16),
        definition jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (commune_code, code, version)
      );

      CREATE TABLE dossier_code_sequences (
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        office_code varchar(64) NOT NULL,
        day date NOT NULL,
        last_value int NOT NULL,
        PRIMARY KEY (office_code, day)
      );

      CREATE TABLE tracking_book_sequences (
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        office_code varchar(64) NOT NULL,
        year int NOT NULL,
        last_value int NOT NULL,
        PRIMARY KEY (office_code, year)
      );

      CREATE TABLE dossiers (
        id uuid PRIMARY KEY,
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        code varchar(64) NOT NULL UNIQUE,
        receiving_office_code varchar(64) NOT NULL REFERENCES offices(code),
        receiving_commune_code varchar(16) NOT NULL REFERENCES communes(code),
        procedure_version_id uuid NOT NULL REFERENCES procedure_versions(id),
        procedure_code varchar(64) NOT NULL,
        route_version int NOT NULL,
        options text[] NOT NULL DEFAULT '{}',
        state varchar(32) NOT NULL,
        channel varchar(16) NOT NULL,
        result_delivery varchar(16) NOT NULL,
        state_secret boolean NOT NULL DEFAULT false,
        applicant_name text NOT NULL,
        applicant_id_number varchar(12),
        applicant_phone varchar(15),
        applicant_address text NOT NULL DEFAULT '',
        applicant_email text,
        summary text NOT NULL DEFAULT '',
        components jsonb NOT NULL,
        sets_count int NOT NULL DEFAULT 1,
        fee_amount bigint NOT NULL DEFAULT 0,
        received_by text NOT NULL,
        received_at timestamptz NOT NULL,
        counted_from timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        original_due_at timestamptz NOT NULL,
        book_number int NOT NULL,
        book_entry int NOT NULL,
        last_seq int NOT NULL,
        last_hash char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (applicant_id_number IS NOT NULL OR applicant_phone IS NOT NULL)
      );
      CREATE INDEX dossiers_commune_state_due ON dossiers (commune_code, state, due_at);
      CREATE INDEX dossiers_office_received ON dossiers (receiving_office_code, received_at);

      CREATE TABLE dossier_events (
        id bigserial PRIMARY KEY,
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        dossier_id uuid NOT NULL REFERENCES dossiers(id),
        seq int NOT NULL,
        type varchar(64) NOT NULL,
        payload jsonb NOT NULL,
        actor text NOT NULL,
        occurred_at timestamptz NOT NULL,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL,
        UNIQUE (dossier_id, seq)
      );
      CREATE INDEX dossier_events_commune_time ON dossier_events (commune_code, occurred_at);

      CREATE FUNCTION dossier_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'dossier_events is append-only (% refused)', TG_OP;
      END $$;
      CREATE TRIGGER dossier_events_no_update BEFORE UPDATE OR DELETE ON dossier_events
        FOR EACH ROW EXECUTE FUNCTION dossier_events_append_only();

      CREATE TABLE work_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        dossier_id uuid NOT NULL REFERENCES dossiers(id),
        unit_kind varchar(32) NOT NULL,
        step_key varchar(64) NOT NULL,
        status varchar(16) NOT NULL,
        assignee_id uuid REFERENCES users(id),
        handoff_id uuid,
        due_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        UNIQUE (dossier_id, step_key)
      );
      CREATE INDEX work_items_inbox ON work_items (commune_code, unit_kind, status, due_at);

      CREATE TABLE handoffs (
        id uuid PRIMARY KEY,
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        dossier_id uuid NOT NULL REFERENCES dossiers(id),
        step_key varchar(64) NOT NULL,
        from_unit varchar(32) NOT NULL,
        to_unit varchar(32) NOT NULL,
        channel varchar(16) NOT NULL,
        reason text,
        sent_by text NOT NULL,
        sent_at timestamptz NOT NULL,
        step_due_at timestamptz,
        received_at timestamptz,
        received_by text,
        UNIQUE (dossier_id, step_key)
      );
      CREATE INDEX handoffs_pending ON handoffs (commune_code, to_unit) WHERE received_at IS NULL;

      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        queue varchar(64) NOT NULL,
        job_name varchar(64) NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        last_error text
      );
      CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;

      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('motcua_outbox', NEW.id::text);
        RETURN NULL;
      END $$;
      CREATE TRIGGER outbox_after_insert AFTER INSERT ON outbox
        FOR EACH ROW EXECUTE FUNCTION outbox_notify();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS outbox, handoffs, work_items, dossier_events, dossiers,
        tracking_book_sequences, dossier_code_sequences, procedure_versions, calendar_overrides,
        users, units, offices, communes CASCADE;
      DROP FUNCTION IF EXISTS outbox_notify();
      DROP FUNCTION IF EXISTS dossier_events_append_only();
    `);
  }
}
