import type { EntityManager } from 'typeorm';
import { DossierEntity } from './entities/dossier.entity';
import { UserEntity } from './entities/commune.entity';
import { AUDIT_INSERT, type AuditEntry, auditValues } from './repositories/audit.repository';
import { IntegrityRepository } from './repositories/integrity.repository';
import { handoffJobsFrom, handoffJobWaiting } from './repositories/outbox.repository';
import { PortalSyncQueue } from './repositories/portal-sync.repository';
import { PUBLIC_KEY_COLUMNS, type PublicSigningKey, type ResultSignatureRow, SIGNATURE_COLUMNS } from './repositories/signing.repository';

/** A deadline passed that nothing acted on yet. */
export interface PassedDeadline {
  readonly id: string;
  readonly communeCode: string;
  readonly kind: 'dossier-due' | 'supplement-due';
  readonly dueAt: Date;
}

/** Sent outbox rows deleted per purge statement at most. */
export const PURGE_BATCH = 5000;

/** A reminder of the timer table whose moment came, claimed by one sweeper. */
export interface DueTimer {
  readonly id: string;
  readonly communeCode: string;
  readonly dossierId: string;
  readonly kind: string;
  readonly stepKey: string;
  readonly dueAt: Date;
  readonly attempts: number;
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

  /** The portal syncers' claims and cursors (one syncer serves every commune). */
  get portalSync(): PortalSyncQueue {
    return new PortalSyncQueue(this.m);
  }

  /** The public lookup: a dossier by its printed code (the caller then checks the second factor). */
  async dossierByCode(code: string): Promise<DossierEntity | null> {
    return this.m.findOne(DossierEntity, { where: { code } });
  }

  /**
   * Deadlines passed that nothing acted on yet (the sweep behind the delayed jobs): dossiers
   * still processing past their due date and not marked overdue, and supplement requests past
   * the citizen's deadline. Each is claimed for `leaseMs` in the same statement, so sweeps of N
   * workers check it once; a claim left by a worker that died runs out and the next sweep takes
   * it. Partial indexes keep this cheap at any volume.
   */
  async claimPassedDeadlines(now: Date, limit: number, leaseMs: number, claimedBy: string): Promise<PassedDeadline[]> {
    return (await this.m.query(
      `WITH due AS (
         (SELECT id, commune_code, 'dossier-due' AS kind, due_at FROM dossiers
           WHERE overdue_at IS NULL AND state IN ('received', 'in_progress') AND due_at <= $1 ORDER BY due_at LIMIT $2)
         UNION ALL
         (SELECT id, commune_code, 'supplement-due', supplement_due_at FROM dossiers
           WHERE state = 'waiting_supplement' AND supplement_due_at <= $1 ORDER BY supplement_due_at LIMIT $2)
       ), claimed AS (
         INSERT INTO deadline_claims (dossier_id, kind, due_at, claimed_until, claimed_by)
         SELECT id, kind, due_at, now() + make_interval(secs => $3 / 1000.0), $4 FROM due
         ON CONFLICT (dossier_id, kind, due_at) DO UPDATE SET claimed_until = EXCLUDED.claimed_until, claimed_by = EXCLUDED.claimed_by
           WHERE deadline_claims.claimed_until < now()
         RETURNING dossier_id, kind, due_at
       )
       SELECT d.id, d.commune_code AS "communeCode", d.kind, d.due_at AS "dueAt"
         FROM due d JOIN claimed c ON c.dossier_id = d.id AND c.kind = d.kind AND c.due_at = d.due_at
        ORDER BY d.due_at`,
      [now, limit, leaseMs, claimedBy],
    )) as PassedDeadline[];
  }

  /**
   * The reminders of the timer table due by `now`, soonest first, each claimed for `leaseMs` in
   * the same statement (SKIP LOCKED: sweepers of N workers take disjoint rows; a claim left by
   * a worker that died runs out and the next sweep takes it). The partial index of unfired
   * timers keeps it cheap however many have fired.
   */
  async claimDueTimers(now: Date, limit: number, leaseMs: number, claimedBy: string): Promise<DueTimer[]> {
    const [rows] = (await this.m.query(
      `UPDATE deadline_timers t SET claimed_until = now() + make_interval(secs => $3 / 1000.0), claimed_by = $4, attempts = t.attempts + 1
        WHERE t.id IN (SELECT id FROM deadline_timers WHERE fired_at IS NULL AND fire_at <= $1 AND (claimed_until IS NULL OR claimed_until < now())
                        ORDER BY fire_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING t.id::text, t.commune_code AS "communeCode", t.dossier_id AS "dossierId", t.kind, t.step_key AS "stepKey", t.due_at AS "dueAt", t.attempts`,
      [now, limit, leaseMs, claimedBy],
    )) as [DueTimer[], number];
    return rows.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  /** Marks claimed timers fired, with what their check did. */
  async markTimersFired(fired: readonly { readonly id: string; readonly outcome: string }[]): Promise<void> {
    if (fired.length === 0) return;
    await this.m.query(
      `UPDATE deadline_timers t SET fired_at = now(), outcome = f.outcome, claimed_until = NULL
         FROM unnest($1::bigint[], $2::text[]) AS f(id, outcome) WHERE t.id = f.id`,
      [fired.map((f) => f.id), fired.map((f) => f.outcome)],
    );
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
            AND h.resend_count < $2 AND h.given_up_at IS NULL
            AND NOT ${handoffJobWaiting('h.id')}
          ORDER BY h.sent_at LIMIT $3
          FOR UPDATE SKIP LOCKED
       ), marked AS (
         UPDATE handoffs h SET resent_at = now(), resend_count = h.resend_count + 1
           FROM stale WHERE h.id = stale.id
         RETURNING h.id, h.commune_code, h.dossier_id, h.to_unit
       )
       ${handoffJobsFrom('marked', { queue: 'to_unit', handoffId: 'id' })}
       RETURNING id`,
      [olderThanMs, maxResends, limit],
    )) as unknown[];
    return rows.length;
  }

  /**
   * Electronic hand-offs still unreceived `olderThanMs` after their last re-send, with every
   * re-send spent: marked given up, so they leave the sweeper and wait on the operators' list
   * of stuck work (and `check-invariants`). Returns what was given up, to log.
   */
  async giveUpHandoffs(olderThanMs: number, maxResends: number): Promise<{ id: string; dossierId: string; toUnit: string }[]> {
    return (await this.m.query(
      `WITH spent AS (
         SELECT id FROM handoffs
          WHERE channel = 'electronic' AND received_at IS NULL AND given_up_at IS NULL AND resend_count >= $2
            AND resent_at < now() - make_interval(secs => $1 / 1000.0)
          FOR UPDATE SKIP LOCKED)
       UPDATE handoffs h SET given_up_at = now() FROM spent WHERE h.id = spent.id
       RETURNING h.id, h.dossier_id AS "dossierId", h.to_unit AS "toUnit"`,
      [olderThanMs, maxResends],
    ).then((r: [unknown[], number]) => r[0])) as { id: string; dossierId: string; toUnit: string }[];
  }

  /**
   * Re-drives received automatic steps (BHXH card, fee, identity check) that have not completed
   * `olderThanMs` after their receipt or last re-drive — their job lost with a Redis that lost its
   * data, or a worker killed between the receipt and the step. Sends the hand-off's job again
   * (the consumer finds the receipt recorded and runs the step; outside calls are idempotent on
   * the hand-off id), at most `maxRedrives` times; after that the step waits on the list of stuck
   * work for a supervisor.
   */
  async redriveAutomaticSteps(olderThanMs: number, maxRedrives: number, limit = 500): Promise<number> {
    const rows = (await this.m.query(
      `WITH stale AS (
         SELECT w.id FROM work_items w JOIN dossiers d ON d.id = w.dossier_id
          WHERE w.automatic IS NOT NULL AND w.status = 'pending' AND w.handoff_id IS NOT NULL
            AND d.state IN ('in_progress', 'waiting_supplement')
            AND COALESCE(w.redriven_at, w.created_at) < now() - make_interval(secs => $1 / 1000.0)
            AND w.redrive_count < $2
            AND NOT ${handoffJobWaiting('w.handoff_id')}
          ORDER BY w.created_at LIMIT $3
          FOR UPDATE OF w SKIP LOCKED
       ), marked AS (
         UPDATE work_items w SET redriven_at = now(), redrive_count = w.redrive_count + 1
           FROM stale WHERE w.id = stale.id
         RETURNING w.commune_code, w.dossier_id, w.handoff_id, w.unit_kind
       )
       ${handoffJobsFrom('marked', { queue: 'unit_kind', handoffId: 'handoff_id' })}
       RETURNING id`,
      [olderThanMs, maxRedrives, limit],
    )) as unknown[];
    return rows.length;
  }

  /** Deletes sent outbox rows older than the retention, fired timers and deadline claims long run out. */
  async purgeSent(retentionMs: number, limit = PURGE_BATCH): Promise<number> {
    const [, n] = (await this.m.query(
      `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE sent_at < now() - make_interval(secs => $1 / 1000.0) LIMIT $2)`,
      [retentionMs, limit],
    )) as [unknown, number];
    await this.m.query(
      `DELETE FROM deadline_claims WHERE (dossier_id, kind, due_at) IN
         (SELECT dossier_id, kind, due_at FROM deadline_claims WHERE claimed_until < now() - make_interval(secs => $1 / 1000.0) LIMIT $2)`,
      [retentionMs, limit],
    );
    await this.m.query(
      `DELETE FROM deadline_timers WHERE id IN (SELECT id FROM deadline_timers WHERE fired_at < now() - make_interval(secs => $1 / 1000.0) LIMIT $2)`,
      [retentionMs, limit],
    );
    return n;
  }

  /**
   * VACUUM (ANALYZE) of the tables the hand-off path churns — every outbox row is written,
   * leased, marked sent and purged; timers fire; portal cursors move — so their partial indexes
   * shed the dead entries a claim would otherwise walk, whether or not the server runs
   * autovacuum. SKIP_LOCKED: a table another worker is vacuuming is left to it. Outside a
   * transaction (VACUUM cannot run in one); through PgBouncer it is one statement.
   */
  async vacuumHotTables(): Promise<void> {
    await this.m.query(`VACUUM (ANALYZE, SKIP_LOCKED) outbox, deadline_timers, portal_sync`);
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
