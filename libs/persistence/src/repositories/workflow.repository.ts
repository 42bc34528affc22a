import { type EntityManager, In } from 'typeorm';
import { HandoffEntity, WorkItemEntity } from '../entities/workflow.entity';


/** What the inbox shows of one work item. */
export interface InboxRow {
  id: string;
  dossier_id: string;
  unit_kind: string;
  step_key: string;
  status: 'pending' | 'taken';
  assignee_id: string | null;
  assignee_name: string | null;
  due_at: Date | null;
  created_at: Date;
  taken_at: Date | null;
  code: string;
  procedure_code: string;
  procedure_name: string;
  state: string;
  applicant_name: string;
  dossier_due_at: Date;
  overdue_at: Date | null;
  received_at: Date;
}

/** The inbox filters; `units` are already limited to what the caller may see. */
export interface InboxQuery {
  readonly communeCode: string;
  readonly units: readonly string[];
  readonly status?: 'pending' | 'taken';
  readonly assigneeId?: string;
  readonly procedureCode?: string;
  readonly dueBefore?: Date;
  /** Only items whose step is already past due at this instant. */
  readonly overdueAt?: Date;
  readonly search?: string;
  readonly dossierState?: string;
  readonly limit: number;
  readonly offset: number;
}

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

  /** The hand-offs of several dossiers in one read, grouped by dossier, each in send order. */
  async handoffsOfMany(communeCode: string, dossierIds: readonly string[]): Promise<Map<string, HandoffEntity[]>> {
    const rows = dossierIds.length === 0 ? [] : await this.m.find(HandoffEntity, { where: { communeCode, dossierId: In([...dossierIds]) }, order: { sentAt: 'ASC' } });
    const byDossier = new Map<string, HandoffEntity[]>();
    for (const h of rows) byDossier.set(h.dossierId, [...(byDossier.get(h.dossierId) ?? []), h]);
    return byDossier;
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
   * Gives the work item to `userId` when it is unassigned or already theirs, in one statement.
   * Returns the item as it was before, or null when the dossier has no such step.
   */
  async take(communeCode: string, dossierId: string, stepKey: string, userId: string, at: Date): Promise<{ before: WorkItemEntity; taken: boolean } | null> {
    const before = await this.findWorkItem(communeCode, dossierId, stepKey);
    if (!before) return null;
    // TypeORM answers an UPDATE with [rows, affected count].
    const [, affected] = (await this.m.query(
      `UPDATE work_items SET status = 'taken', assignee_id = $2, taken_at = coalesce(taken_at, $3)
        WHERE id = $1 AND status IN ('pending', 'taken') AND (assignee_id IS NULL OR assignee_id = $2)`,
      [before.id, userId, at],
    )) as [unknown, number];
    return { before, taken: affected === 1 };
  }

  /** Gives an open work item to another officer (a supervisor's decision). */
  async assign(id: string, userId: string, at: Date): Promise<void> {
    await this.m.query(`UPDATE work_items SET status = 'taken', assignee_id = $2, taken_at = $3 WHERE id = $1`, [id, userId, at]);
  }

  /** Closes every open work item of a dossier that stopped (rejected, withdrawn). Returns the step keys. */
  async cancelOpen(communeCode: string, dossierId: string): Promise<string[]> {
    const [rows] = (await this.m.query(
      `UPDATE work_items SET status = 'cancelled' WHERE commune_code = $1 AND dossier_id = $2 AND status IN ('pending', 'taken') RETURNING step_key`,
      [communeCode, dossierId],
    )) as [{ step_key: string }[], number];
    return rows.map((r) => r.step_key);
  }

  async setWorkItemDue(id: string, dueAt: Date): Promise<void> {
    await this.m.query(`UPDATE work_items SET due_at = $2 WHERE id = $1`, [id, dueAt]);
  }

  /**
   * The inbox (DESIGN.md §4.4): open work items of the given units in one commune, joined with
   * their dossiers, soonest due first (undated last). Deliberate SQL on the
   * (commune_code, unit_kind, status, due_at) index.
   */
  async inbox(q: InboxQuery): Promise<{ rows: InboxRow[]; total: number }> {
    const where: string[] = [`w.commune_code = $1`, `w.unit_kind = ANY($2)`, `w.status IN ('pending', 'taken')`];
    const params: unknown[] = [q.communeCode, q.units];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    if (q.status === 'pending') where.push(`w.assignee_id IS NULL`);
    if (q.status === 'taken') where.push(`w.assignee_id IS NOT NULL`);
    if (q.assigneeId) add(`w.assignee_id = ?`, q.assigneeId);
    if (q.procedureCode) add(`d.procedure_code = ?`, q.procedureCode);
    if (q.dueBefore) add(`w.due_at < ?`, q.dueBefore);
    if (q.overdueAt) add(`w.due_at < ?`, q.overdueAt);
    if (q.search) add(`(d.code ILIKE ? OR d.applicant_name ILIKE ?)`, `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (q.dossierState) add(`d.state = ?`, q.dossierState);
    params.push(q.limit, q.offset);
    const rows = (await this.m.query(
      `SELECT w.id, w.dossier_id, w.unit_kind, w.step_key, w.status, w.assignee_id, u.full_name AS assignee_name,
              w.due_at, w.created_at, w.taken_at, d.code, d.procedure_code, d.state, d.applicant_name, d.due_at AS dossier_due_at,
              d.overdue_at, d.received_at, p.name AS procedure_name, count(*) OVER () AS total
         FROM work_items w JOIN dossiers d ON d.id = w.dossier_id
         JOIN procedure_versions p ON p.id = d.procedure_version_id
         LEFT JOIN users u ON u.id = w.assignee_id
        WHERE ${where.join(' AND ')}
        ORDER BY w.due_at ASC NULLS LAST, w.created_at ASC
        LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    )) as (InboxRow & { total: string })[];
    return { rows, total: rows.length > 0 ? Number(rows[0].total) : 0 };
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
