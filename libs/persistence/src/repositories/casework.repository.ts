import { CommuneRepository } from '../tenancy';

/** One thing the citizen must add or complete (a line of Mẫu 02). */
export interface SupplementItem {
  readonly name: string;
  readonly originals: number;
  readonly copies: number;
  readonly note?: string;
}

/** Yêu cầu bổ sung hồ sơ — a supplement request made during processing. */
export interface SupplementRequestRow {
  readonly id: string;
  readonly dossierId: string;
  readonly number: number;
  readonly stepKey: string;
  readonly unitKind: string;
  readonly reason: string;
  readonly items: SupplementItem[];
  readonly requestedBy: string;
  readonly requestedAt: Date;
  readonly citizenDueAt: Date;
  readonly flagged: boolean;
  readonly suppliedAt: Date | null;
  readonly suppliedBy: string | null;
  readonly suppliedVia: string | null;
  readonly note: string | null;
}

/** Văn bản xin lỗi và đề nghị gia hạn (Mẫu 04) — at most one per dossier. */
export interface ApologyRow {
  readonly id: string;
  readonly dossierId: string;
  readonly reason: string;
  readonly originalDueAt: Date;
  readonly previousDueAt: Date;
  readonly newDueAt: Date;
  readonly issuedBy: string;
  readonly issuedAt: Date;
  readonly inTime: boolean;
}

/** Tài liệu của hồ sơ — a document's metadata with its SHA-256 checksum (the file lives elsewhere). */
export interface DossierDocumentRow {
  readonly id?: string;
  readonly dossierId: string;
  readonly stepKey: string | null;
  readonly kind: 'attachment' | 'result' | 'supplement';
  readonly name: string;
  readonly mediaType: string | null;
  readonly sizeBytes: number | null;
  readonly sha256: string;
  readonly addedBy: string;
  readonly addedAt: Date;
}

/** Thông báo — a reminder or an escalation for a unit's officers or the commune's supervisors. */
export interface NewNotification {
  readonly dossierId: string;
  /** A unit kind, or `supervisor` / `reception`. */
  readonly audience: string;
  readonly kind: string;
  readonly message: string;
  /** The same reminder is written once (a job delivered twice, the sweep after the job). */
  readonly dedupeKey: string;
  readonly createdAt: Date;
}

const SUPPLEMENT_COLUMNS = `id, dossier_id AS "dossierId", number, step_key AS "stepKey", unit_kind AS "unitKind", reason, items,
  requested_by AS "requestedBy", requested_at AS "requestedAt", citizen_due_at AS "citizenDueAt", flagged,
  supplied_at AS "suppliedAt", supplied_by AS "suppliedBy", supplied_via AS "suppliedVia", note`;

const APOLOGY_COLUMNS = `id, dossier_id AS "dossierId", reason, original_due_at AS "originalDueAt", previous_due_at AS "previousDueAt",
  new_due_at AS "newDueAt", issued_by AS "issuedBy", issued_at AS "issuedAt", in_time AS "inTime"`;

/**
 * The records an officer's actions leave besides the event log: supplement requests, the apology
 * letter, document checksums and notifications, of one commune.
 */
export class CaseworkRepository extends CommuneRepository {
  async insertSupplementRequest(r: Omit<SupplementRequestRow, 'id' | 'suppliedAt' | 'suppliedBy' | 'suppliedVia' | 'note'>): Promise<string> {
    const [row] = await this.sql<{ id: string }[]>(
      `INSERT INTO supplement_requests (commune_code, dossier_id, number, step_key, unit_kind, reason, items, requested_by, requested_at, citizen_due_at, flagged)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [r.dossierId, r.number, r.stepKey, r.unitKind, r.reason, JSON.stringify(r.items), r.requestedBy, r.requestedAt, r.citizenDueAt, r.flagged],
    );
    return row.id;
  }

  /** The request still waiting for the citizen, if any. */
  async openSupplementRequest(dossierId: string): Promise<SupplementRequestRow | null> {
    const rows = await this.sql<SupplementRequestRow[]>(
      `SELECT ${SUPPLEMENT_COLUMNS} FROM supplement_requests WHERE commune_code = $1 AND dossier_id = $2 AND supplied_at IS NULL ORDER BY number DESC LIMIT 1`,
      [dossierId],
    );
    return rows[0] ?? null;
  }

  supplementRequests(dossierId: string): Promise<SupplementRequestRow[]> {
    return this.sql<SupplementRequestRow[]>(`SELECT ${SUPPLEMENT_COLUMNS} FROM supplement_requests WHERE commune_code = $1 AND dossier_id = $2 ORDER BY number`, [dossierId]);
  }

  async markSupplied(id: string, at: Date, by: string, via: string, note: string | null): Promise<void> {
    await this.sql(`UPDATE supplement_requests SET supplied_at = $3, supplied_by = $4, supplied_via = $5, note = $6 WHERE commune_code = $1 AND id = $2`, [
      id,
      at,
      by,
      via,
      note,
    ]);
  }

  /** Inserts the dossier's apology letter; false when it already has one (one re-appointment only). */
  async insertApology(a: Omit<ApologyRow, 'id'>): Promise<boolean> {
    const rows = await this.sql<unknown[]>(
      `INSERT INTO apology_letters (commune_code, dossier_id, reason, original_due_at, previous_due_at, new_due_at, issued_by, issued_at, in_time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dossier_id) DO NOTHING RETURNING id`,
      [a.dossierId, a.reason, a.originalDueAt, a.previousDueAt, a.newDueAt, a.issuedBy, a.issuedAt, a.inTime],
    );
    return rows.length === 1;
  }

  async apologyOf(dossierId: string): Promise<ApologyRow | null> {
    const rows = await this.sql<ApologyRow[]>(`SELECT ${APOLOGY_COLUMNS} FROM apology_letters WHERE commune_code = $1 AND dossier_id = $2`, [dossierId]);
    return rows[0] ?? null;
  }

  /** Document checksums, in one statement. */
  async insertDocuments(docs: readonly DossierDocumentRow[]): Promise<void> {
    if (docs.length === 0) return;
    const values: unknown[] = [];
    const param = (value: unknown): string => {
      values.push(value);
      return `$${values.length + 1}`;
    };
    const rows = docs.map(
      (d) => `($1, ${[d.dossierId, d.stepKey, d.kind, d.name, d.mediaType, d.sizeBytes, d.sha256, d.addedBy, d.addedAt].map(param).join(', ')})`,
    );
    await this.sql(
      `INSERT INTO dossier_documents (commune_code, dossier_id, step_key, kind, name, media_type, size_bytes, sha256, added_by, added_at) VALUES ${rows.join(', ')}`,
      values,
    );
  }

  documentsOf(dossierId: string): Promise<DossierDocumentRow[]> {
    return this.sql<DossierDocumentRow[]>(
      `SELECT id, dossier_id AS "dossierId", step_key AS "stepKey", kind, name, media_type AS "mediaType",
              size_bytes::float8 AS "sizeBytes", sha256, added_by AS "addedBy", added_at AS "addedAt"
         FROM dossier_documents WHERE commune_code = $1 AND dossier_id = $2 ORDER BY added_at, name`,
      [dossierId],
    );
  }

  /** Writes the notification unless its dedupe key exists; true when this call wrote it. */
  async notify(n: NewNotification): Promise<boolean> {
    const rows = await this.sql<unknown[]>(
      `INSERT INTO notifications (commune_code, dossier_id, audience, kind, message, dedupe_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      [n.dossierId, n.audience, n.kind, n.message, n.dedupeKey, n.createdAt],
    );
    return rows.length === 1;
  }

  /** Notifications for these audiences, newest first. */
  notifications(audiences: readonly string[], limit: number) {
    return this.sql<{ id: string; dossierId: string; dossierCode: string; audience: string; kind: string; message: string; createdAt: Date }[]>(
      `SELECT n.id::text AS id, n.dossier_id AS "dossierId", d.code AS "dossierCode", n.audience, n.kind, n.message, n.created_at AS "createdAt"
         FROM notifications n JOIN dossiers d ON d.id = n.dossier_id
        WHERE n.commune_code = $1 AND n.audience = ANY($2) ORDER BY n.created_at DESC, n.id DESC LIMIT $3`,
      [audiences, limit],
    );
  }
}
