import { CommuneRepository } from '../tenancy';

/** Khoá ký số — a commune's signing key pair; the private key is stored encrypted. */
export interface SigningKeyRow {
  readonly id: string;
  readonly communeCode: string;
  readonly algorithm: string;
  readonly publicKey: string;
  readonly privateKey: string;
  readonly active: boolean;
  readonly createdAt: Date;
}

/** What anyone may know of a signing key: no private part. */
export type PublicSigningKey = Omit<SigningKeyRow, 'privateKey'>;

/** Chữ ký số trên kết quả — the signed statement about a result and its signature. */
export interface ResultSignatureRow {
  readonly id: string;
  readonly communeCode: string;
  readonly dossierId: string;
  readonly dossierCode: string;
  readonly keyId: string;
  /** The exact signed bytes (canonical JSON, UTF-8). */
  readonly payload: string;
  /** Base64. */
  readonly signature: string;
  readonly documentSha256: string;
  readonly signedBy: string;
  readonly signedAt: Date;
  /**
   * Mã xác thực — the unguessable token printed on the result (as the QR code of a Vietnamese
   * e-document); the public verification page answers only to it.
   */
  readonly verificationToken: string;
}

export const KEY_COLUMNS = `id, commune_code AS "communeCode", algorithm, public_key AS "publicKey", private_key AS "privateKey", active, created_at AS "createdAt"`;
export const PUBLIC_KEY_COLUMNS = `id, commune_code AS "communeCode", algorithm, public_key AS "publicKey", active, created_at AS "createdAt"`;
export const SIGNATURE_COLUMNS = `id, commune_code AS "communeCode", dossier_id AS "dossierId", dossier_code AS "dossierCode", key_id AS "keyId",
  payload, signature, document_sha256 AS "documentSha256", signed_by AS "signedBy", signed_at AS "signedAt", verification_token AS "verificationToken"`;

/** A commune's signing keys and the signatures made with them. */
export class SigningRepository extends CommuneRepository {
  async activeKey(): Promise<SigningKeyRow | null> {
    const rows = await this.sql<SigningKeyRow[]>(`SELECT ${KEY_COLUMNS} FROM signing_keys WHERE commune_code = $1 AND active`);
    return rows[0] ?? null;
  }

  /** Stores a new active key unless the commune got one meanwhile; returns the active key. */
  async insertKey(k: Omit<SigningKeyRow, 'communeCode' | 'active' | 'createdAt'>): Promise<SigningKeyRow> {
    await this.sql(
      `INSERT INTO signing_keys (commune_code, id, algorithm, public_key, private_key) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING`,
      [k.id, k.algorithm, k.publicKey, k.privateKey],
    );
    const active = await this.activeKey();
    if (!active) throw new Error(`no active signing key for commune ${this.communeCode}`);
    return active;
  }

  async insertSignature(s: Omit<ResultSignatureRow, 'id' | 'communeCode'>): Promise<string> {
    const [row] = await this.sql<{ id: string }[]>(
      `INSERT INTO result_signatures (commune_code, dossier_id, dossier_code, key_id, payload, signature, document_sha256, signed_by, signed_at, verification_token)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [s.dossierId, s.dossierCode, s.keyId, s.payload, s.signature, s.documentSha256, s.signedBy, s.signedAt, s.verificationToken],
    );
    return row.id;
  }

  /** The signatures on a dossier's result, oldest first. */
  signaturesOf(dossierId: string): Promise<ResultSignatureRow[]> {
    return this.sql<ResultSignatureRow[]>(`SELECT ${SIGNATURE_COLUMNS} FROM result_signatures WHERE commune_code = $1 AND dossier_id = $2 ORDER BY signed_at`, [dossierId]);
  }
}
