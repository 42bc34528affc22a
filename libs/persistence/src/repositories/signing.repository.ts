import type { EntityManager } from 'typeorm';

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
}

const KEY_COLUMNS = `id, commune_code AS "communeCode", algorithm, public_key AS "publicKey", private_key AS "privateKey", active, created_at AS "createdAt"`;
const SIGNATURE_COLUMNS = `id, commune_code AS "communeCode", dossier_id AS "dossierId", dossier_code AS "dossierCode", key_id AS "keyId",
  payload, signature, document_sha256 AS "documentSha256", signed_by AS "signedBy", signed_at AS "signedAt"`;

/** Signing keys and the signatures made with them. */
export class SigningRepository {
  constructor(private readonly m: EntityManager) {}

  async activeKey(communeCode: string): Promise<SigningKeyRow | null> {
    const rows = (await this.m.query(`SELECT ${KEY_COLUMNS} FROM signing_keys WHERE commune_code = $1 AND active`, [communeCode])) as SigningKeyRow[];
    return rows[0] ?? null;
  }

  /** Stores a new active key unless the commune got one meanwhile; returns the active key. */
  async insertKey(k: Omit<SigningKeyRow, 'active' | 'createdAt'>): Promise<SigningKeyRow> {
    await this.m.query(
      `INSERT INTO signing_keys (id, commune_code, algorithm, public_key, private_key) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING`,
      [k.id, k.communeCode, k.algorithm, k.publicKey, k.privateKey],
    );
    const active = await this.activeKey(k.communeCode);
    if (!active) throw new Error(`no active signing key for commune ${k.communeCode}`);
    return active;
  }

  async key(id: string): Promise<SigningKeyRow | null> {
    const rows = (await this.m.query(`SELECT ${KEY_COLUMNS} FROM signing_keys WHERE id = $1`, [id])) as SigningKeyRow[];
    return rows[0] ?? null;
  }

  async insertSignature(s: Omit<ResultSignatureRow, 'id'>): Promise<string> {
    const [row] = (await this.m.query(
      `INSERT INTO result_signatures (commune_code, dossier_id, dossier_code, key_id, payload, signature, document_sha256, signed_by, signed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [s.communeCode, s.dossierId, s.dossierCode, s.keyId, s.payload, s.signature, s.documentSha256, s.signedBy, s.signedAt],
    )) as { id: string }[];
    return row.id;
  }

  /** The signatures of a dossier, found by its code (the public verification page). */
  async signaturesByCode(dossierCode: string): Promise<ResultSignatureRow[]> {
    return (await this.m.query(`SELECT ${SIGNATURE_COLUMNS} FROM result_signatures WHERE dossier_code = $1 ORDER BY signed_at`, [dossierCode])) as ResultSignatureRow[];
  }
}
