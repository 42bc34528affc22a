import type { EntityManager } from 'typeorm';
import { DossierEntity } from './entities/dossier.entity';
import { UserEntity } from './entities/commune.entity';
import { AUDIT_INSERT, type AuditEntry, auditValues } from './repositories/audit.repository';
import { IntegrityRepository } from './repositories/integrity.repository';
import { PUBLIC_KEY_COLUMNS, type PublicSigningKey, type ResultSignatureRow, SIGNATURE_COLUMNS } from './repositories/signing.repository';

/** A deadline passed that nothing acted on yet. */
export interface PassedDeadline {
  readonly id: string;
  readonly communeCode: string;
  readonly kind: 'dossier-due' | 'supplement-due';
  readonly dueAt: Date;
}

/** What the API checks of a token's user on each request (cached). */
export interface TokenState {
  readonly communeCode: string;
  readonly active: boolean;
  readonly tokenVersion: number;
}

/**
 * The only reads and writes that span communes, each named for its one use: the workers'
 * sweeps, the public pages (which find a dossier by its code or a signature by its token before
 * they know its commune), sign-in, requests no one signed in for, and the operator's integrity
 * checks. Everything else goes through a commune's repositories ({@link CommuneRepository}).
 */
export class AcrossCommunes {
  constructor(private readonly m: EntityManager) {}

  /** The operator's whole-database checks (hash chains, lost dossiers). */
  get integrity(): IntegrityRepository {
    return new IntegrityRepository(this.m);
  }

  /** The public lookup: a dossier by its printed code (the caller then checks the second factor). */
  async dossierByCode(code: string): Promise<DossierEntity | null> {
    return this.m.findOne(DossierEntity, { where: { code } });
  }

  /**
   * Deadlines passed that nothing acted on yet (the sweep behind the delayed jobs): dossiers
   * still processing past their due date and not marked overdue, and supplement requests past
   * the citizen's deadline. Partial indexes keep this cheap at any volume.
   */
  async passedDeadlines(now: Date, limit: number): Promise<PassedDeadline[]> {
    return (await this.m.query(
      `(SELECT id, commune_code AS "communeCode", 'dossier-due' AS kind, due_at AS "dueAt" FROM dossiers
         WHERE overdue_at IS NULL AND state IN ('received', 'in_progress') AND due_at <= $1 ORDER BY due_at LIMIT $2)
       UNION ALL
       (SELECT id, commune_code, 'supplement-due', supplement_due_at FROM dossiers
         WHERE state = 'waiting_supplement' AND supplement_due_at <= $1 ORDER BY supplement_due_at LIMIT $2)`,
      [now, limit],
    )) as PassedDeadline[];
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

  /** Sign-in: usernames are unique across the deployment, and the account names its commune. */
  async userForSignIn(username: string): Promise<UserEntity | null> {
    return this.m.findOne(UserEntity, { where: { username, active: true } });
  }

  /** The state a token is checked against: is its user still active, with the same token version? */
  async tokenState(userId: string): Promise<TokenState | null> {
    const [row] = (await this.m.query(`SELECT commune_code AS "communeCode", active, token_version AS "tokenVersion" FROM users WHERE id = $1`, [
      userId,
    ])) as TokenState[];
    return row ?? null;
  }

  /** Demo accounts still able to sign in with the published password (refused in production). */
  async activeDemoUsers(): Promise<string[]> {
    const rows = (await this.m.query(`SELECT username FROM users WHERE demo AND active ORDER BY username`)) as { username: string }[];
    return rows.map((r) => r.username);
  }

  /** Deactivates every demo account; returns how many were active. */
  async deactivateDemoUsers(): Promise<number> {
    const [, n] = (await this.m.query(`UPDATE users SET active = false WHERE demo AND active`)) as [unknown, number];
    return n;
  }

  /** A public key, for anyone checking a signature offline (never the private part). */
  async publicSigningKey(id: string): Promise<PublicSigningKey | null> {
    const rows = (await this.m.query(`SELECT ${PUBLIC_KEY_COLUMNS} FROM signing_keys WHERE id = $1`, [id])) as PublicSigningKey[];
    return rows[0] ?? null;
  }

  /** The public verification page: the signature that the token printed on a result stands for. */
  async signatureByToken(token: string): Promise<ResultSignatureRow | null> {
    const rows = (await this.m.query(`SELECT ${SIGNATURE_COLUMNS} FROM result_signatures WHERE verification_token = $1`, [token])) as ResultSignatureRow[];
    return rows[0] ?? null;
  }

  /** A request nobody signed in for (a refused login, a public lookup): audited with no commune. */
  async appendUnattributedAudit(e: AuditEntry): Promise<void> {
    await this.m.query(AUDIT_INSERT, [null, ...auditValues(e)]);
  }
}
