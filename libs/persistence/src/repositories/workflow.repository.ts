import type { EntityManager } from 'typeorm';
import { HandoffEntity, WorkItemEntity } from '../entities/workflow.entity';


/** A work item as the receipt writes it. */
export type NewWorkItem = Pick<WorkItemEntity, 'communeCode' | 'dossierId' | 'unitKind' | 'stepKey' | 'handoffId' | 'dueAt'>;

/** Hand-offs and work items: the current state of a dossier's journey between units. */
export class WorkflowRepository {
  constructor(private readonly m: EntityManager) {}

  async insertHandoff(h: HandoffEntity): Promise<void> {
    await this.m.createQueryBuilder().insert().into(HandoffEntity).values(h).execute();
  }

  /**
   * Records the receipt unless it is already there, in one statement. Returns the hand-off as it
   * was before (null when there is no such hand-off in the commune) and whether this call received
   * it. The caller holds the dossier's lock, so two deliveries cannot both see it unreceived.
   */
  async receive(communeCode: string, id: string, at: Date, by: string): Promise<{ handoff: HandoffEntity; received: boolean } | null> {
    const rows = (await this.m.query(
      `WITH before AS (SELECT * FROM handoffs WHERE id = $1 AND commune_code = $2),
            marked AS (UPDATE handoffs h SET received_at = $3, received_by = $4
                         FROM before b WHERE h.id = b.id AND b.received_at IS NULL RETURNING h.id)
       SELECT b.*, EXISTS (SELECT 1 FROM marked) AS now_received FROM before b`,
      [id, communeCode, at, by],
    )) as Record<string, unknown>[];
    if (rows.length === 0) return null;
    const r = rows[0];
    return { handoff: toHandoff(r), received: r.now_received === true };
  }

  async handoffsOf(communeCode: string, dossierId: string): Promise<HandoffEntity[]> {
    return this.m.find(HandoffEntity, { where: { communeCode, dossierId }, order: { sentAt: 'ASC' } });
  }

  /** Inserts the work item; a repeated receipt of the same step is a no-op (ON CONFLICT). */
  async insertWorkItem(w: NewWorkItem): Promise<string | undefined> {
    const rows = (await this.m.query(
      `INSERT INTO work_items (commune_code, dossier_id, unit_kind, step_key, status, handoff_id, due_at)
       VALUES ($1, $2, $3, $4, 'pending', $5, $6)
       ON CONFLICT (dossier_id, step_key) DO NOTHING RETURNING id`,
      [w.communeCode, w.dossierId, w.unitKind, w.stepKey, w.handoffId, w.dueAt],
    )) as { id: string }[];
    return rows[0]?.id;
  }

  async findWorkItem(communeCode: string, dossierId: string, stepKey: string): Promise<WorkItemEntity | null> {
    return this.m.findOne(WorkItemEntity, { where: { communeCode, dossierId, stepKey } });
  }

  async completeWorkItem(id: string, at: Date): Promise<void> {
    await this.m.query(`UPDATE work_items SET status = 'done', completed_at = $2 WHERE id = $1`, [id, at]);
  }

  /** Every work item of a dossier (a handful): the step to complete and the join in one read. */
  async workItemsOf(communeCode: string, dossierId: string): Promise<WorkItemEntity[]> {
    return this.m.find(WorkItemEntity, { where: { communeCode, dossierId } });
  }

  /**
   * Re-sends electronic hand-offs still unreceived `olderThanMs` after they were sent (or last
   * re-sent), at most `maxResends` times each, by writing new outbox rows. Safe to run from every
   * worker: rows are claimed with SKIP LOCKED, and receipts are idempotent. Returns the count.
   */
  async resendStaleHandoffs(olderThanMs: number, maxResends: number, limit = 500): Promise<number> {
    const rows = (await this.m.query(
      `WITH stale AS (
         SELECT h.id FROM handoffs h
          WHERE h.channel = 'electronic' AND h.received_at IS NULL
            AND h.sent_at < now() - make_interval(secs => $1 / 1000.0)
            AND (h.resent_at IS NULL OR h.resent_at < now() - make_interval(secs => $1 / 1000.0))
            AND h.resend_count < $2
            AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.sent_at IS NULL AND o.job_name = 'handoff'
                                                     AND o.payload->>'handoffId' = h.id::text)
          ORDER BY h.sent_at LIMIT $3
          FOR UPDATE SKIP LOCKED
       ), marked AS (
         UPDATE handoffs h SET resent_at = now(), resend_count = h.resend_count + 1
           FROM stale WHERE h.id = stale.id
         RETURNING h.id, h.commune_code, h.dossier_id, h.to_unit
       )
       INSERT INTO outbox (commune_code, queue, job_name, payload)
       SELECT commune_code, to_unit, 'handoff', jsonb_build_object('handoffId', id, 'dossierId', dossier_id, 'communeCode', commune_code)
         FROM marked
       RETURNING id`,
      [olderThanMs, maxResends, limit],
    )) as unknown[];
    return rows.length;
  }
}

function toHandoff(r: Record<string, unknown>): HandoffEntity {
  return {
    id: r.id as string,
    communeCode: r.commune_code as string,
    dossierId: r.dossier_id as string,
    stepKey: r.step_key as string,
    fromUnit: r.from_unit as string,
    toUnit: r.to_unit as string,
    channel: r.channel as HandoffEntity['channel'],
    reason: (r.reason as string | null) ?? null,
    sentBy: r.sent_by as string,
    sentAt: r.sent_at as Date,
    stepDueAt: (r.step_due_at as Date | null) ?? null,
    receivedAt: (r.received_at as Date | null) ?? null,
    receivedBy: (r.received_by as string | null) ?? null,
  };
}
