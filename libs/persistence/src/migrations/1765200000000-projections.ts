import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models kept by the worker's projector (issue 11 item 1, DESIGN.md §4.4). Each projection
 * tails `dossier_events` with its own cursor row in `projection_cursors`; everything in the read
 * tables is derivable from the event log plus the catalog (procedure → field), so
 * `rebuild-projections` reproduces them.
 *
 * `position`: every event with `id <= position` has been applied (or will never exist).
 * `fence_id` / `fence_xmax`: the next batch's upper bound and the transaction horizon that must
 * pass before it may be read (see `ProjectorRepository`).
 *
 * The statement trigger gives an inserting transaction its transaction id before the first
 * event's `id` is drawn from the sequence (one call per INSERT statement, not per row, and a no-op
 * when the command already holds an id, as every command that locked its dossier does). That is
 * what lets the projector's fence reason from transaction ids about sequence values.
 */
export class Projections1765200000000 implements MigrationInterface {
  name = 'Projections1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE projection_cursors (
        name varchar(64) PRIMARY KEY,
        position bigint NOT NULL DEFAULT 0,
        fence_id bigint,
        fence_xmax xid8,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO projection_cursors (name) VALUES ('daily-rollups'), ('dossier-list');

      CREATE TABLE daily_rollups (
        day date NOT NULL,
        commune_code varchar(16) NOT NULL,
        unit varchar(32) NOT NULL,
        procedure_code varchar(64) NOT NULL,
        field_code varchar(32) NOT NULL,
        state_secret boolean NOT NULL,
        received_online int NOT NULL DEFAULT 0,
        received_desk int NOT NULL DEFAULT 0,
        received_post int NOT NULL DEFAULT 0,
        resolved_early int NOT NULL DEFAULT 0,
        resolved_on_time int NOT NULL DEFAULT 0,
        resolved_late int NOT NULL DEFAULT 0,
        rejected int NOT NULL DEFAULT 0,
        withdrawn int NOT NULL DEFAULT 0,
        returned int NOT NULL DEFAULT 0,
        supplements_requested int NOT NULL DEFAULT 0,
        apologies int NOT NULL DEFAULT 0,
        apologies_in_time int NOT NULL DEFAULT 0,
        became_overdue int NOT NULL DEFAULT 0,
        handoffs_sent_electronic int NOT NULL DEFAULT 0,
        handoffs_sent_paper int NOT NULL DEFAULT 0,
        handoffs_received_electronic int NOT NULL DEFAULT 0,
        handoffs_received_paper int NOT NULL DEFAULT 0,
        steps_completed int NOT NULL DEFAULT 0,
        steps_early int NOT NULL DEFAULT 0,
        steps_on_time int NOT NULL DEFAULT 0,
        steps_late int NOT NULL DEFAULT 0,
        PRIMARY KEY (commune_code, day, unit, procedure_code, field_code, state_secret)
      );

      CREATE TABLE dossier_list (
        dossier_id uuid PRIMARY KEY,
        commune_code varchar(16) NOT NULL,
        code varchar(64) NOT NULL,
        receiving_commune_code varchar(16) NOT NULL,
        procedure_code varchar(64) NOT NULL,
        field_code varchar(32) NOT NULL,
        channel varchar(16) NOT NULL,
        state_secret boolean NOT NULL,
        state varchar(32) NOT NULL,
        received_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        original_due_at timestamptz NOT NULL,
        resolved_at timestamptz,
        timeliness varchar(16),
        overdue boolean NOT NULL DEFAULT false,
        apology_issued boolean NOT NULL DEFAULT false,
        supplements int NOT NULL DEFAULT 0,
        open_steps jsonb NOT NULL DEFAULT '{}',
        current_units text[] NOT NULL DEFAULT '{}',
        last_event_id bigint NOT NULL
      );
      CREATE INDEX dossier_list_commune_received ON dossier_list (commune_code, received_at DESC);
      CREATE INDEX dossier_list_commune_open ON dossier_list (commune_code, state) WHERE resolved_at IS NULL;
      CREATE INDEX dossier_list_commune_field ON dossier_list (commune_code, field_code, procedure_code, received_at DESC);

      CREATE TABLE commune_counters (
        commune_code varchar(16) PRIMARY KEY,
        in_process int NOT NULL DEFAULT 0,
        overdue int NOT NULL DEFAULT 0,
        waiting_supplement int NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE FUNCTION dossier_events_xid_first() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_current_xact_id();
        RETURN NULL;
      END $$;
      CREATE TRIGGER dossier_events_xid_first BEFORE INSERT ON dossier_events
        FOR EACH STATEMENT EXECUTE FUNCTION dossier_events_xid_first();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER dossier_events_xid_first ON dossier_events;
      DROP FUNCTION dossier_events_xid_first();
      DROP TABLE commune_counters;
      DROP TABLE dossier_list;
      DROP TABLE daily_rollups;
      DROP TABLE projection_cursors;
    `);
  }
}
