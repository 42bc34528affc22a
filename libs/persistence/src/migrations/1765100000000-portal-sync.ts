import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event types the portal hears of, as they were when this migration was written (a
 * migration is frozen: it does not follow the code's list).
 */
const PORTAL_TYPES = `'DossierReceived', 'StepCompleted', 'ResultReady', 'SupplementRequested', 'SupplementReceived',
  'RejectedAfterAppraisal', 'Withdrawn', 'ApologyIssued', 'ResultReturned'`;

/**
 * Portal sync off the hand-off path (issue 10 item 3, issue 12 item 3): one row per dossier the
 * portal hears of, with a cursor. A command only raises `wanted_seq` to its new head, in the
 * statement that appends its events; the worker's portal syncer claims the due rows, sends
 * every portal event after `synced_seq` in order, batched over dossiers, and moves the cursor.
 * State-secret dossiers never get a row.
 *
 * Existing dossiers start synced up to their head (the old per-event jobs did that work); the
 * portal-sync messages still waiting in the outbox move into the rows, as a cursor lowered to
 * just before their first event, and leave the outbox. Jobs the relay already put in Redis drain
 * through the `portal-sync` queue, whose consumer now lowers the cursor the same way.
 */
export class PortalSync1765100000000 implements MigrationInterface {
  name = 'PortalSync1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE portal_sync (
        dossier_id uuid PRIMARY KEY REFERENCES dossiers(id),
        commune_code varchar(16) NOT NULL REFERENCES communes(code),
        wanted_seq int NOT NULL,
        synced_seq int NOT NULL DEFAULT 0,
        header_synced boolean NOT NULL DEFAULT false,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        failing_since timestamptz,
        claim uuid,
        claimed_by text,
        synced_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (synced_seq >= 0 AND wanted_seq >= 0)
      );
      CREATE INDEX portal_sync_due ON portal_sync (next_attempt_at) WHERE wanted_seq > synced_seq;
      CREATE INDEX portal_sync_failing ON portal_sync (commune_code, failing_since) WHERE failing_since IS NOT NULL;

      INSERT INTO portal_sync (dossier_id, commune_code, wanted_seq, synced_seq, header_synced, synced_at)
      SELECT id, commune_code, last_seq, last_seq, true, now() FROM dossiers WHERE NOT state_secret;

      UPDATE portal_sync p SET synced_seq = least(p.synced_seq, o.first_seq - 1), wanted_seq = greatest(p.wanted_seq, o.last_seq),
                               header_synced = p.header_synced AND o.first_seq > 1
        FROM (SELECT (payload->>'dossierId')::uuid AS dossier_id, min((payload->>'eventSeq')::int) AS first_seq, max((payload->>'eventSeq')::int) AS last_seq
                FROM outbox WHERE job_name = 'portal-sync' AND sent_at IS NULL GROUP BY 1) o
       WHERE p.dossier_id = o.dossier_id;
      DELETE FROM outbox WHERE job_name = 'portal-sync' AND sent_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // What the syncer had not sent yet goes back to the outbox as one message per portal event.
    await q.query(`
      INSERT INTO outbox (commune_code, queue, job_name, payload)
      SELECT p.commune_code, 'portal-sync', 'portal-sync', jsonb_build_object('dossierId', p.dossier_id, 'communeCode', p.commune_code, 'eventSeq', e.seq)
        FROM portal_sync p JOIN dossier_events e ON e.dossier_id = p.dossier_id AND e.seq > p.synced_seq AND e.type IN (${PORTAL_TYPES})
       WHERE p.wanted_seq > p.synced_seq
       ORDER BY p.dossier_id, e.seq;
      DROP TABLE portal_sync;
    `);
  }
}
