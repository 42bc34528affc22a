import type { Pool } from 'pg';

/*
 * Commit times of the engine's hand-offs, without touching the engine: after the CLI has migrated
 * the bench's own database, the bench adds deferred constraint triggers that write
 * clock_timestamp() into an unlogged side table. A deferred constraint trigger runs inside
 * COMMIT, after the transaction's last statement and just before its commit record is flushed
 * (fsync about 0.1 ms here), so the time it takes is the transaction's commit give or take that
 * flush, whatever the command did before or whichever statements the hot path uses. A rolled-back
 * transaction leaves nothing. (track_commit_timestamp would give the same without a trigger, but
 * it is off on the shared server and needs a restart.)
 *
 * Kinds: `s` a hand-off's row inserted (the sender's commit), `r` its received_at set (the
 * receiver's commit; a row inserted already received gets both), `d` a dossier inserted (intake's
 * commit), `z` a ResultReady event appended, `p` a dossier's portal cursor moved forward (the
 * portal syncer's commit after its calls; only if the schema has `portal_sync`). The cost is one
 * heap insert per event, with no index and no WAL: a few microseconds of the committing
 * backend's time per hand-off.
 */

export const COMMIT_CLOCK_SQL = `
  CREATE UNLOGGED TABLE bench_commit_clock (
    kind "char" NOT NULL,
    dossier_id uuid NOT NULL,
    handoff_id uuid,
    at timestamptz NOT NULL
  );

  CREATE FUNCTION bench_clock_handoff() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO bench_commit_clock VALUES ('s', NEW.dossier_id, NEW.id, clock_timestamp());
    END IF;
    IF NEW.received_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.received_at IS NULL) THEN
      INSERT INTO bench_commit_clock VALUES ('r', NEW.dossier_id, NEW.id, clock_timestamp());
    END IF;
    RETURN NULL;
  END $$;
  CREATE CONSTRAINT TRIGGER bench_clock_handoff_insert AFTER INSERT ON handoffs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bench_clock_handoff();
  CREATE CONSTRAINT TRIGGER bench_clock_handoff_receipt AFTER UPDATE OF received_at ON handoffs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.received_at IS NULL AND NEW.received_at IS NOT NULL) EXECUTE FUNCTION bench_clock_handoff();

  CREATE FUNCTION bench_clock_dossier() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO bench_commit_clock VALUES ('d', NEW.id, NULL, clock_timestamp());
    RETURN NULL;
  END $$;
  CREATE CONSTRAINT TRIGGER bench_clock_dossier AFTER INSERT ON dossiers
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bench_clock_dossier();

  CREATE FUNCTION bench_clock_result_ready() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO bench_commit_clock VALUES ('z', NEW.dossier_id, NULL, clock_timestamp());
    RETURN NULL;
  END $$;
  CREATE CONSTRAINT TRIGGER bench_clock_result_ready AFTER INSERT ON dossier_events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.type = 'ResultReady') EXECUTE FUNCTION bench_clock_result_ready();
`;

/** The portal syncer's cursor (migration PortalSync1765100000000), if the schema has it. */
const PORTAL_CURSOR_SQL = `
  CREATE FUNCTION bench_clock_portal() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO bench_commit_clock VALUES ('p', NEW.dossier_id, NULL, clock_timestamp());
    RETURN NULL;
  END $$;
  CREATE CONSTRAINT TRIGGER bench_clock_portal AFTER UPDATE OF synced_seq ON portal_sync
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.synced_seq > OLD.synced_seq) EXECUTE FUNCTION bench_clock_portal();
`;

/**
 * Adds the commit clock to a migrated engine database (before any app connects to it). Returns
 * whether the database has the portal syncer's cursor table (then clocked too).
 */
export async function installCommitClock(pool: Pool): Promise<{ portalCursor: boolean }> {
  await pool.query(COMMIT_CLOCK_SQL);
  const { rows } = await pool.query<{ t: string | null }>(`SELECT to_regclass('portal_sync')::text AS t`);
  const portalCursor = rows[0].t !== null;
  if (portalCursor) await pool.query(PORTAL_CURSOR_SQL);
  return { portalCursor };
}
