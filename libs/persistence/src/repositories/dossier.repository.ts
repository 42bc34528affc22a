import type { EntityManager } from 'typeorm';
import { DossierEntity } from '../entities/dossier.entity';

/** Columns of a dossier row at intake (the chain head is written by the event append). */
export type NewDossier = Omit<DossierEntity, 'lastSeq' | 'lastHash' | 'createdAt' | 'updatedAt'>;

/** The columns an officer's action may change. */
export type DossierPatch = Partial<
  Pick<DossierEntity, 'dueAt' | 'originalDueAt' | 'overdueAt' | 'pausedAt' | 'supplementDueAt' | 'supplementCount' | 'resolvedAt' | 'returnedAt' | 'closingReason'>
>;

const PATCH_COLUMNS: Readonly<Record<keyof DossierPatch, string>> = {
  dueAt: 'due_at',
  originalDueAt: 'original_due_at',
  overdueAt: 'overdue_at',
  pausedAt: 'paused_at',
  supplementDueAt: 'supplement_due_at',
  supplementCount: 'supplement_count',
  resolvedAt: 'resolved_at',
  returnedAt: 'returned_at',
  closingReason: 'closing_reason',
};

/** Dossier rows. Reads are scoped by commune (STYLE.md habit 6) except the code lookup of the public page. */
export class DossierRepository {
  constructor(private readonly m: EntityManager) {}

  /** Inserts the row with an empty chain (seq 0); the first event moves the head. */
  async insert(d: NewDossier): Promise<void> {
    await this.m
      .createQueryBuilder()
      .insert()
      .into(DossierEntity)
      .values({ ...d, lastSeq: 0, lastHash: '0'.repeat(64) })
      .execute();
  }

  async findById(communeCode: string, id: string): Promise<DossierEntity | null> {
    return this.m.findOne(DossierEntity, { where: { id, communeCode } });
  }

  /**
   * Loads the dossier and locks its row until the transaction ends: every command on one dossier
   * runs one after the other, so two units finishing a fork at once cannot both miss the join.
   */
  async lock(communeCode: string, id: string): Promise<DossierEntity | null> {
    return this.m
      .createQueryBuilder(DossierEntity, 'd')
      .setLock('pessimistic_write')
      .where('d.id = :id AND d.commune_code = :communeCode', { id, communeCode })
      .getOne();
  }

  /** Partial updates of the columns the officer's actions own (the state moves with the event append). */
  async update(id: string, patch: DossierPatch): Promise<void> {
    const cols: string[] = [];
    const values: unknown[] = [id];
    for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof DossierPatch, string][]) {
      if (!(key in patch)) continue;
      values.push(patch[key] ?? null);
      cols.push(`${column} = $${values.length}`);
    }
    if (cols.length > 0) await this.m.query(`UPDATE dossiers SET ${cols.join(', ')} WHERE id = $1`, values);
  }

  async markResolved(id: string, at: Date): Promise<void> {
    await this.update(id, { resolvedAt: at });
  }

  /**
   * Deadlines passed that nothing acted on yet (the sweep behind the delayed jobs): dossiers
   * still processing past their due date and not marked overdue, and supplement requests past
   * the citizen's deadline. Partial indexes keep this cheap at any volume.
   */
  async passedDeadlines(now: Date, limit: number): Promise<{ id: string; communeCode: string; kind: 'dossier-due' | 'supplement-due'; dueAt: Date }[]> {
    return (await this.m.query(
      `(SELECT id, commune_code AS "communeCode", 'dossier-due' AS kind, due_at AS "dueAt" FROM dossiers
         WHERE overdue_at IS NULL AND state IN ('received', 'in_progress') AND due_at <= $1 ORDER BY due_at LIMIT $2)
       UNION ALL
       (SELECT id, commune_code, 'supplement-due', supplement_due_at FROM dossiers
         WHERE state = 'waiting_supplement' AND supplement_due_at <= $1 ORDER BY supplement_due_at LIMIT $2)`,
      [now, limit],
    )) as { id: string; communeCode: string; kind: 'dossier-due' | 'supplement-due'; dueAt: Date }[];
  }

  /** Dossiers an office received in [from, to), in book order, with their procedure (Mẫu 07). */
  async receivedAtOffice(officeCode: string, from: Date, to: Date, limit: number): Promise<{ dossier: DossierEntity; procedureName: string; leadUnit: string }[]> {
    const rows = await this.m
      .createQueryBuilder(DossierEntity, 'd')
      .innerJoin('procedure_versions', 'p', 'p.id = d.procedure_version_id')
      .addSelect(['p.name AS procedure_name', 'p.lead_unit AS lead_unit'])
      .where('d.receiving_office_code = :officeCode AND d.received_at >= :from AND d.received_at < :to', { officeCode, from, to })
      .orderBy('d.book_number')
      .addOrderBy('d.book_entry')
      .limit(limit)
      .getRawAndEntities();
    return rows.entities.map((dossier, i) => ({
      dossier,
      procedureName: (rows.raw[i] as { procedure_name: string }).procedure_name,
      leadUnit: (rows.raw[i] as { lead_unit: string }).lead_unit,
    }));
  }

  /** Any commune: the caller checks access (the API answers 403 for another commune's dossier). */
  async findAnyById(id: string): Promise<DossierEntity | null> {
    return this.m.findOne(DossierEntity, { where: { id } });
  }

  /** Any commune: the public lookup and the desk of another commune find dossiers by code. */
  async findByCode(code: string): Promise<DossierEntity | null> {
    return this.m.findOne(DossierEntity, { where: { code } });
  }
}
