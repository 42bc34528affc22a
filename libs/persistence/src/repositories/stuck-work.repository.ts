import { CommuneRepository } from '../tenancy';
import { handoffJobsFrom } from './outbox.repository';
import { type FailingPortalSync, PortalSyncRepository } from './portal-sync.repository';

/** Công việc bị tắc — work of a commune that the system stopped driving by itself, for a supervisor. */
export interface StuckWork {
  /** Electronic hand-offs still unreceived after every re-send. */
  readonly handoffs: readonly StuckHandoff[];
  /** Received automatic steps (BHXH card, fee, identity check) not completed in time. */
  readonly automaticSteps: readonly StuckAutomaticStep[];
  /** Outbox messages Redis refused on every attempt. */
  readonly outbox: readonly DeadOutboxRow[];
  /** Dossiers whose sync to the national portal keeps failing (retried with backoff meanwhile). */
  readonly portalSync: readonly FailingPortalSync[];
}

export interface StuckHandoff {
  readonly id: string;
  readonly dossierId: string;
  readonly dossierCode: string;
  readonly stepKey: string;
  readonly fromUnit: string;
  readonly toUnit: string;
  readonly sentAt: Date;
  readonly resendCount: number;
  readonly givenUpAt: Date;
}

export interface StuckAutomaticStep {
  readonly workItemId: string;
  readonly dossierId: string;
  readonly dossierCode: string;
  readonly dossierState: string;
  readonly stepKey: string;
  readonly unit: string;
  readonly automatic: string;
  readonly receivedAt: Date;
  readonly redriveCount: number;
  readonly lastDrivenAt: Date;
}

export interface DeadOutboxRow {
  readonly id: string;
  readonly queue: string;
  readonly jobName: string;
  readonly dossierId: string | null;
  readonly dossierCode: string | null;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly deadAt: Date;
}

/** What a supervisor's action on stuck work did. */
export type StuckAction = 'sent' | 'not-found' | 'not-stuck';

const LIMIT = 500;

/**
 * One commune's stuck work and the supervisor's actions on it. Each action only re-arms the
 * machinery (a new outbox row, a reset counter): the consumers that then run are idempotent, so
 * pressing it twice, or while the sweeper also acts, delivers once.
 */
export class StuckWorkRepository extends CommuneRepository {
  /** Everything stuck; an automatic step counts once it waited `automaticAfterMs` since its last drive. */
  async list(automaticAfterMs: number): Promise<StuckWork> {
    const handoffs = await this.sql<StuckHandoff[]>(
      `SELECT h.id, h.dossier_id AS "dossierId", d.code AS "dossierCode", h.step_key AS "stepKey", h.from_unit AS "fromUnit",
              h.to_unit AS "toUnit", h.sent_at AS "sentAt", h.resend_count AS "resendCount", h.given_up_at AS "givenUpAt"
         FROM handoffs h JOIN dossiers d ON d.id = h.dossier_id
        WHERE h.commune_code = $1 AND h.given_up_at IS NOT NULL AND h.received_at IS NULL
        ORDER BY h.given_up_at LIMIT ${LIMIT}`,
    );
    const automaticSteps = await this.sql<StuckAutomaticStep[]>(
      `SELECT w.id AS "workItemId", w.dossier_id AS "dossierId", d.code AS "dossierCode", d.state AS "dossierState",
              w.step_key AS "stepKey", w.unit_kind AS unit, w.automatic, w.created_at AS "receivedAt",
              w.redrive_count AS "redriveCount", COALESCE(w.redriven_at, w.created_at) AS "lastDrivenAt"
         FROM work_items w JOIN dossiers d ON d.id = w.dossier_id
        WHERE w.commune_code = $1 AND w.automatic IS NOT NULL AND w.status = 'pending'
          AND d.state IN ('in_progress', 'waiting_supplement')
          AND COALESCE(w.redriven_at, w.created_at) < now() - make_interval(secs => $2 / 1000.0)
        ORDER BY w.created_at LIMIT ${LIMIT}`,
      [automaticAfterMs],
    );
    const outbox = await this.sql<DeadOutboxRow[]>(
      `SELECT o.id::text AS id, o.queue, o.job_name AS "jobName", d.id AS "dossierId", d.code AS "dossierCode", o.attempts,
              o.last_error AS "lastError", o.created_at AS "createdAt", o.dead_at AS "deadAt"
         FROM outbox o LEFT JOIN dossiers d ON d.id::text = o.payload->>'dossierId'
        WHERE o.commune_code = $1 AND o.dead_at IS NOT NULL
        ORDER BY o.dead_at LIMIT ${LIMIT}`,
    );
    const portalSync = await this.sibling(PortalSyncRepository).failing(LIMIT);
    return { handoffs, automaticSteps, outbox, portalSync };
  }

  /** Sends a given-up (or still unreceived) electronic hand-off again, with its re-sends restored. */
  async resendHandoff(id: string): Promise<StuckAction> {
    const rows = await this.sql<{ received: boolean }[]>(
      `SELECT received_at IS NOT NULL OR channel <> 'electronic' AS received FROM handoffs WHERE commune_code = $1 AND id = $2 FOR UPDATE`,
      [id],
    );
    if (rows.length === 0) return 'not-found';
    if (rows[0].received) return 'not-stuck';
    await this.sql(
      `WITH h AS (UPDATE handoffs SET given_up_at = NULL, resend_count = 0, resent_at = now() WHERE commune_code = $1 AND id = $2
                  RETURNING commune_code, id, dossier_id, to_unit)
       ${handoffJobsFrom('h', { queue: 'to_unit', handoffId: 'id' })}`,
      [id],
    );
    return 'sent';
  }

  /** Drives an open automatic step again (its hand-off's job), with its re-drives restored. */
  async redriveAutomaticStep(workItemId: string): Promise<StuckAction> {
    const rows = await this.sql<{ open: boolean }[]>(
      `SELECT status = 'pending' AND automatic IS NOT NULL AND handoff_id IS NOT NULL AS open FROM work_items WHERE commune_code = $1 AND id = $2 FOR UPDATE`,
      [workItemId],
    );
    if (rows.length === 0) return 'not-found';
    if (!rows[0].open) return 'not-stuck';
    await this.sql(
      `WITH w AS (UPDATE work_items SET redrive_count = 0, redriven_at = now() WHERE commune_code = $1 AND id = $2
                  RETURNING commune_code, dossier_id, handoff_id, unit_kind)
       ${handoffJobsFrom('w', { queue: 'unit_kind', handoffId: 'handoff_id' })}`,
      [workItemId],
    );
    return 'sent';
  }

  /** Gives a dead outbox row its attempts back; the relay sends it on its next round. */
  async retryOutbox(id: string): Promise<StuckAction> {
    if (!/^\d{1,18}$/.test(id)) return 'not-found';
    const [rows] = await this.sql<[{ dead: boolean }[], number]>(
      `UPDATE outbox SET dead_at = NULL, attempts = 0, next_attempt_at = NULL, last_error = NULL
        WHERE commune_code = $1 AND id = $2::bigint AND dead_at IS NOT NULL RETURNING true AS dead`,
      [id],
    );
    if (rows.length > 0) return 'sent';
    const exists = await this.sql<unknown[]>(`SELECT 1 FROM outbox WHERE commune_code = $1 AND id = $2::bigint`, [id]);
    return exists.length > 0 ? 'not-stuck' : 'not-found';
  }
}
