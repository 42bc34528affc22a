import { DossierEntity } from '../entities/dossier.entity';
import { CommuneRepository } from '../tenancy';

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

/** The columns of a new dossier row, in insert order (the commune first, as `$1`). */
const INSERT_COLUMNS: readonly [keyof NewDossier, string][] = [
  ['id', 'id'],
  ['code', 'code'],
  ['receivingOfficeCode', 'receiving_office_code'],
  ['receivingCommuneCode', 'receiving_commune_code'],
  ['procedureVersionId', 'procedure_version_id'],
  ['procedureCode', 'procedure_code'],
  ['routeVersion', 'route_version'],
  ['options', 'options'],
  ['state', 'state'],
  ['channel', 'channel'],
  ['resultDelivery', 'result_delivery'],
  ['stateSecret', 'state_secret'],
  ['applicantName', 'applicant_name'],
  ['applicantIdNumber', 'applicant_id_number'],
  ['applicantPhone', 'applicant_phone'],
  ['applicantAddress', 'applicant_address'],
  ['applicantEmail', 'applicant_email'],
  ['summary', 'summary'],
  ['components', 'components'],
  ['setsCount', 'sets_count'],
  ['feeAmount', 'fee_amount'],
  ['receivedBy', 'received_by'],
  ['receivedAt', 'received_at'],
  ['countedFrom', 'counted_from'],
  ['dueAt', 'due_at'],
  ['originalDueAt', 'original_due_at'],
  ['appointmentAt', 'appointment_at'],
  ['bookNumber', 'book_number'],
  ['bookEntry', 'book_entry'],
];

/** Dossier rows of one commune (the deciding commune; the tracking book reads the receiving one). */
export class DossierRepository extends CommuneRepository {
  /** Inserts the row with an empty chain (seq 0); the first event moves the head. */
  async insert(d: NewDossier): Promise<void> {
    if (d.communeCode !== this.communeCode) throw new Error(`dossier of commune ${d.communeCode} inserted through commune ${this.communeCode}`);
    const values = INSERT_COLUMNS.map(([key]) => (key === 'components' ? JSON.stringify(d.components) : d[key]));
    const placeholders = values.map((_, i) => `$${i + 2}`);
    await this.sql(
      `INSERT INTO dossiers (commune_code, ${INSERT_COLUMNS.map(([, c]) => c).join(', ')}, last_seq, last_hash)
       VALUES ($1, ${placeholders.join(', ')}, 0, '${'0'.repeat(64)}')`,
      values,
    );
  }

  async findById(id: string): Promise<DossierEntity | null> {
    const [row] = await this.entities(DossierEntity, `SELECT * FROM dossiers WHERE id = $2 AND commune_code = $1`, [id]);
    return row ?? null;
  }

  /**
   * Loads the dossier and locks its row until the transaction ends: every command on one dossier
   * runs one after the other, so two units finishing a fork at once cannot both miss the join.
   * Another commune's dossier is not found, exactly like an unknown id.
   */
  async lock(id: string): Promise<DossierEntity | null> {
    const [row] = await this.entities(DossierEntity, `SELECT * FROM dossiers WHERE id = $2 AND commune_code = $1 FOR UPDATE`, [id]);
    return row ?? null;
  }

  /** Partial updates of the columns the officer's actions own (the state moves with the event append). */
  async update(id: string, patch: DossierPatch): Promise<void> {
    const cols: string[] = [];
    const values: unknown[] = [id];
    for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof DossierPatch, string][]) {
      if (!(key in patch)) continue;
      values.push(patch[key] ?? null);
      cols.push(`${column} = $${values.length + 1}`);
    }
    if (cols.length > 0) await this.sql(`UPDATE dossiers SET ${cols.join(', ')} WHERE id = $2 AND commune_code = $1`, values);
  }

  async markResolved(id: string, at: Date): Promise<void> {
    await this.update(id, { resolvedAt: at });
  }

  /**
   * Sổ theo dõi hồ sơ (Mẫu 07): the dossiers an office of this commune received in [from, to),
   * in book order, with their procedure. Scoped by the receiving commune: since Decree 118/2025
   * the office receives for any commune of the province, and its book lists them all.
   */
  async receivedAtOffice(officeCode: string, from: Date, to: Date, limit: number): Promise<{ dossier: DossierEntity; procedureName: string; leadUnit: string }[]> {
    const rows = await this.sql<Record<string, unknown>[]>(
      `SELECT d.*, p.name AS procedure_name, p.lead_unit AS procedure_lead_unit
         FROM dossiers d JOIN procedure_versions p ON p.id = d.procedure_version_id
        WHERE d.receiving_commune_code = $1 AND d.receiving_office_code = $2 AND d.received_at >= $3 AND d.received_at < $4
        ORDER BY d.book_number, d.book_entry LIMIT $5`,
      [officeCode, from, to, limit],
    );
    return rows.map((r) => ({ dossier: this.toEntity(DossierEntity, r), procedureName: r.procedure_name as string, leadUnit: r.procedure_lead_unit as string }));
  }
}
