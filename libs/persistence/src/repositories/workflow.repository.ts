import { HandoffEntity, WorkItemEntity } from '../entities/workflow.entity';
import { CommuneRepository } from '../tenancy';

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
export type NewWorkItem = Pick<WorkItemEntity, 'dossierId' | 'unitKind' | 'stepKey' | 'handoffId' | 'dueAt'> & { readonly automatic: string | null };

/** A hand-off as the sender writes it. */
export type NewHandoff = Omit<HandoffEntity, 'communeCode'>;

/**
 * The INSERT of hand-offs for the commune bound as `$1`; `param` numbers each value. Shared by
 * {@link WorkflowRepository.insertHandoff} and the event append, which writes a command's
 * electronic hand-offs in its one statement.
 */
export function handoffInsert(handoffs: readonly NewHandoff[], param: (value: unknown) => string): string {
  const tuples = handoffs.map(
    (h) =>
      `($1, ${[h.id, h.dossierId, h.stepKey, h.fromUnit, h.toUnit, h.channel, h.reason, h.sentBy].map(param).join(', ')}, ` +
      `${param(h.sentAt)}::timestamptz, ${param(h.stepDueAt)}::timestamptz, ${param(h.receivedAt)}::timestamptz, ${param(h.receivedBy)})`,
  );
  return `INSERT INTO handoffs (commune_code, id, dossier_id, step_key, from_unit, to_unit, channel, reason, sent_by, sent_at, step_due_at, received_at, received_by)
       VALUES ${tuples.join(', ')}`;
}

/** The UPDATE marking work items of the commune bound as `$1` done at their time (the event append writes it). */
export function workItemsDone(items: readonly { readonly id: string; readonly at: Date }[], param: (value: unknown) => string): string {
  const tuples = items.map((w) => `(${param(w.id)}::uuid, ${param(w.at)}::timestamptz)`);
  return `UPDATE work_items w SET status = 'done', completed_at = v.at FROM (VALUES ${tuples.join(', ')}) AS v(id, at)
       WHERE w.commune_code = $1 AND w.id = v.id`;
}

/** Hand-offs and work items of one commune: the current state of its dossiers' journeys between units. */
export class WorkflowRepository extends CommuneRepository {
  /** Writes a hand-off now (a paper one, whose receipt follows in the same transaction). */
  async insertHandoff(h: NewHandoff): Promise<void> {
    const values: unknown[] = [];
    await this.sql(
      handoffInsert([h], (v) => {
        values.push(v);
        return `$${values.length + 1}`;
      }),
      values,
    );
  }

  /**
   * Records the receipt unless it is already there, in one statement. Returns the hand-off as it
   * was before (null when there is no such hand-off in the commune) and whether this call received
   * it. The caller holds the dossier's lock, so two deliveries cannot both see it unreceived.
   */
  async receive(id: string, at: Date, by: string): Promise<{ handoff: HandoffEntity; received: boolean } | null> {
    const rows = await this.sql<Record<string, unknown>[]>(
      `WITH before AS (SELECT * FROM handoffs WHERE commune_code = $1 AND id = $2),
            marked AS (UPDATE handoffs h SET received_at = $3, received_by = $4
                         FROM before b WHERE h.id = b.id AND b.received_at IS NULL RETURNING h.id)
       SELECT b.*, EXISTS (SELECT 1 FROM marked) AS now_received FROM before b`,
      [id, at, by],
    );
    if (rows.length === 0) return null;
    return { handoff: this.toEntity(HandoffEntity, rows[0]), received: rows[0].now_received === true };
  }

  handoffsOf(dossierId: string): Promise<HandoffEntity[]> {
    return this.entities(HandoffEntity, `SELECT * FROM handoffs WHERE commune_code = $1 AND dossier_id = $2 ORDER BY sent_at`, [dossierId]);
  }

  /**
   * The hand-offs of dossiers an office of this commune received (the tracking book), grouped by
   * dossier, each in send order. Scoped by the receiving commune, like the book itself: the
   * dossiers, and so their hand-offs, may belong to other communes of the province.
   */
  async handoffsOfReceived(dossierIds: readonly string[]): Promise<Map<string, HandoffEntity[]>> {
    const rows =
      dossierIds.length === 0
        ? []
        : await this.entities(
            HandoffEntity,
            `SELECT h.* FROM handoffs h JOIN dossiers d ON d.id = h.dossier_id
              WHERE d.receiving_commune_code = $1 AND h.dossier_id = ANY($2::uuid[]) ORDER BY h.sent_at`,
            [dossierIds],
          );
    const byDossier = new Map<string, HandoffEntity[]>();
    for (const h of rows) byDossier.set(h.dossierId, [...(byDossier.get(h.dossierId) ?? []), h]);
    return byDossier;
  }

  /** Inserts the work item; a repeated receipt of the same step is a no-op (ON CONFLICT). */
  async insertWorkItem(w: NewWorkItem): Promise<string | undefined> {
    const rows = await this.sql<{ id: string }[]>(
      `INSERT INTO work_items (commune_code, dossier_id, unit_kind, step_key, status, handoff_id, due_at, automatic)
       VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7)
       ON CONFLICT (dossier_id, step_key) DO NOTHING RETURNING id`,
      [w.dossierId, w.unitKind, w.stepKey, w.handoffId, w.dueAt, w.automatic],
    );
    return rows[0]?.id;
  }

  async findWorkItem(dossierId: string, stepKey: string): Promise<WorkItemEntity | null> {
    const [row] = await this.entities(WorkItemEntity, `SELECT * FROM work_items WHERE commune_code = $1 AND dossier_id = $2 AND step_key = $3`, [dossierId, stepKey]);
    return row ?? null;
  }

  async completeWorkItem(id: string, at: Date): Promise<void> {
    await this.sql(`UPDATE work_items SET status = 'done', completed_at = $3 WHERE commune_code = $1 AND id = $2`, [id, at]);
  }

  /** Every work item of a dossier (a handful): the step to complete and the join in one read. */
  workItemsOf(dossierId: string): Promise<WorkItemEntity[]> {
    return this.entities(WorkItemEntity, `SELECT * FROM work_items WHERE commune_code = $1 AND dossier_id = $2`, [dossierId]);
  }

  /**
   * Gives the work item to `userId` when it is unassigned or already theirs, in one statement.
   * Returns the item as it was before, or null when the dossier has no such step.
   */
  async take(dossierId: string, stepKey: string, userId: string, at: Date): Promise<{ before: WorkItemEntity; taken: boolean } | null> {
    const before = await this.findWorkItem(dossierId, stepKey);
    if (!before) return null;
    // TypeORM answers an UPDATE with [rows, affected count].
    const [, affected] = await this.sql<[unknown, number]>(
      `UPDATE work_items SET status = 'taken', assignee_id = $3, taken_at = coalesce(taken_at, $4)
        WHERE commune_code = $1 AND id = $2 AND status IN ('pending', 'taken') AND (assignee_id IS NULL OR assignee_id = $3)`,
      [before.id, userId, at],
    );
    return { before, taken: affected === 1 };
  }

  /** Gives an open work item to another officer (a supervisor's decision). */
  async assign(id: string, userId: string, at: Date): Promise<void> {
    await this.sql(`UPDATE work_items SET status = 'taken', assignee_id = $3, taken_at = $4 WHERE commune_code = $1 AND id = $2`, [id, userId, at]);
  }

  /** Closes every open work item of a dossier that stopped (rejected, withdrawn). Returns the step keys. */
  async cancelOpen(dossierId: string): Promise<string[]> {
    const [rows] = await this.sql<[{ step_key: string }[], number]>(
      `UPDATE work_items SET status = 'cancelled' WHERE commune_code = $1 AND dossier_id = $2 AND status IN ('pending', 'taken') RETURNING step_key`,
      [dossierId],
    );
    return rows.map((r) => r.step_key);
  }

  async setWorkItemDue(id: string, dueAt: Date): Promise<void> {
    await this.sql(`UPDATE work_items SET due_at = $3 WHERE commune_code = $1 AND id = $2`, [id, dueAt]);
  }

  /**
   * The inbox (DESIGN.md §4.4): open work items of the given units in one commune, joined with
   * their dossiers, soonest due first (undated last). Deliberate SQL on the
   * (commune_code, unit_kind, status, due_at) index.
   */
  async inbox(q: InboxQuery): Promise<{ rows: InboxRow[]; total: number }> {
    const where: string[] = [`w.commune_code = $1`, `w.unit_kind = ANY($2)`, `w.status IN ('pending', 'taken')`];
    // $1 is the commune; the filters' values follow.
    const params: unknown[] = [q.units];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replaceAll('?', `$${params.length + 1}`));
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
    const rows = await this.sql<(InboxRow & { total: string })[]>(
      `SELECT w.id, w.dossier_id, w.unit_kind, w.step_key, w.status, w.assignee_id, u.full_name AS assignee_name,
              w.due_at, w.created_at, w.taken_at, d.code, d.procedure_code, d.state, d.applicant_name, d.due_at AS dossier_due_at,
              d.overdue_at, d.received_at, p.name AS procedure_name, count(*) OVER () AS total
         FROM work_items w JOIN dossiers d ON d.id = w.dossier_id
         JOIN procedure_versions p ON p.id = d.procedure_version_id
         LEFT JOIN users u ON u.id = w.assignee_id
        WHERE ${where.join(' AND ')}
        ORDER BY w.due_at ASC NULLS LAST, w.created_at ASC
        LIMIT $${params.length} OFFSET $${params.length + 1}`,
      params,
    );
    return { rows, total: rows.length > 0 ? Number(rows[0].total) : 0 };
  }
}
