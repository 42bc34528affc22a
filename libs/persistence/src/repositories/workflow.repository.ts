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

  /** Locks the hand-off row: a second delivery of the same job waits, then sees the receipt. */
  async lockHandoff(communeCode: string, id: string): Promise<HandoffEntity | null> {
    return this.m
      .createQueryBuilder(HandoffEntity, 'h')
      .setLock('pessimistic_write')
      .where('h.id = :id AND h.commune_code = :communeCode', { id, communeCode })
      .getOne();
  }

  async markReceived(id: string, at: Date, by: string): Promise<void> {
    await this.m.query(`UPDATE handoffs SET received_at = $2, received_by = $3 WHERE id = $1`, [id, at, by]);
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

  /** Keys of the steps of a dossier that are done. */
  async completedSteps(dossierId: string): Promise<string[]> {
    const rows = (await this.m.query(`SELECT step_key FROM work_items WHERE dossier_id = $1 AND status = 'done'`, [dossierId])) as {
      step_key: string;
    }[];
    return rows.map((r) => r.step_key);
  }
}
