import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { DossierEventEntity } from '../entities/dossier-event.entity';
import { DossierEntity } from '../entities/dossier.entity';
import { CommuneRepository } from '../tenancy';
import type { StuckAction } from './stuck-work.repository';

/**
 * SQL of the CTE body that marks a dossier as wanting portal sync up to `upTo` (the seq of its
 * last portal event), for the commune bound as `$1`: the event append runs it in its one
 * statement, so a command pays no round trip for the portal. A new row starts its cursor at
 * `from`, the head before the command: 0 for a new dossier; for a dossier older than the table,
 * what came before was the old per-event jobs' to send. The cursor itself is the syncer's.
 */
export function portalWantedSql(dossierId: string, upTo: string, from: string): string {
  return `INSERT INTO portal_sync (commune_code, dossier_id, wanted_seq, synced_seq) VALUES ($1, ${dossierId}, ${upTo}, ${from})
       ON CONFLICT (dossier_id) DO UPDATE SET wanted_seq = greatest(portal_sync.wanted_seq, EXCLUDED.wanted_seq), updated_at = now()
       RETURNING 1`;
}

/** Where one dossier's portal sync stands (a row of `portal_sync`). */
export interface PortalSyncRow {
  readonly wantedSeq: number;
  readonly syncedSeq: number;
  readonly attempts: number;
  /** Scrubbed: names the call and the portal's code, never the portal's text or personal data. */
  readonly lastError: string | null;
  readonly failingSince: Date | null;
  readonly nextAttemptAt: Date;
  readonly syncedAt: Date | null;
}

/** Đồng bộ Cổng DVCQG — what the dossier detail shows of its portal sync. */
export interface PortalSyncView {
  /** `not_applicable`: a state-secret dossier, or one the portal has nothing to hear of. */
  readonly status: 'synced' | 'pending' | 'failing' | 'not_applicable';
  readonly syncedSeq: number;
  readonly wantedSeq: number;
  readonly lastError?: string;
  readonly failingSince?: Date;
  readonly nextAttemptAt?: Date;
}

/** The view of a dossier's sync row (or of none). */
export function portalSyncView(row: PortalSyncRow | null, stateSecret: boolean): PortalSyncView {
  if (stateSecret || row === null) return { status: 'not_applicable', syncedSeq: 0, wantedSeq: 0 };
  const base = { syncedSeq: row.syncedSeq, wantedSeq: row.wantedSeq };
  if (row.failingSince !== null) {
    return { status: 'failing', ...base, lastError: row.lastError ?? '', failingSince: row.failingSince, nextAttemptAt: row.nextAttemptAt };
  }
  return row.wantedSeq > row.syncedSeq ? { status: 'pending', ...base } : { status: 'synced', ...base };
}

/** A dossier's portal sync that failed and waits for its next attempt, for the supervisors. */
export interface FailingPortalSync {
  readonly dossierId: string;
  readonly dossierCode: string;
  readonly syncedSeq: number;
  readonly wantedSeq: number;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly failingSince: Date;
  readonly nextAttemptAt: Date;
}

const ROW_COLUMNS = `wanted_seq AS "wantedSeq", synced_seq AS "syncedSeq", attempts, last_error AS "lastError",
  failing_since AS "failingSince", next_attempt_at AS "nextAttemptAt", synced_at AS "syncedAt"`;

/** One commune's portal sync rows: the detail view, the supervisors' list and actions, the old jobs' drain. */
export class PortalSyncRepository extends CommuneRepository {
  async stateOf(dossierId: string): Promise<PortalSyncRow | null> {
    const [row] = await this.sql<PortalSyncRow[]>(`SELECT ${ROW_COLUMNS} FROM portal_sync WHERE commune_code = $1 AND dossier_id = $2`, [dossierId]);
    return row ?? null;
  }

  /** Dossiers whose last attempt failed, longest failing first. */
  failing(limit: number): Promise<FailingPortalSync[]> {
    return this.sql<FailingPortalSync[]>(
      `SELECT p.dossier_id AS "dossierId", d.code AS "dossierCode", p.synced_seq AS "syncedSeq", p.wanted_seq AS "wantedSeq", p.attempts,
              p.last_error AS "lastError", p.failing_since AS "failingSince", p.next_attempt_at AS "nextAttemptAt"
         FROM portal_sync p JOIN dossiers d ON d.id = p.dossier_id
        WHERE p.commune_code = $1 AND p.failing_since IS NOT NULL
        ORDER BY p.failing_since LIMIT ${Math.max(1, Math.floor(limit))}`,
    );
  }

  /**
   * A supervisor's "try now" on a failing sync: due at once instead of after its backoff. A row
   * a syncer holds right now is left to it (its lease keeps a second syncer off the dossier).
   */
  async retryNow(dossierId: string): Promise<StuckAction> {
    const [rows] = await this.sql<[{ failing: boolean }[], number]>(
      `UPDATE portal_sync SET next_attempt_at = CASE WHEN claim IS NULL THEN now() ELSE next_attempt_at END, updated_at = now()
        WHERE commune_code = $1 AND dossier_id = $2 AND failing_since IS NOT NULL RETURNING true AS failing`,
      [dossierId],
    );
    if (rows.length > 0) return 'sent';
    const exists = await this.sql<unknown[]>(`SELECT 1 FROM portal_sync WHERE commune_code = $1 AND dossier_id = $2`, [dossierId]);
    return exists.length > 0 ? 'not-stuck' : 'not-found';
  }

  /**
   * A per-event portal-sync job from before the cursor (in Redis at the upgrade, or a dead letter
   * replayed): lowers the cursor to just before its event, so the syncer sends from there, in
   * order (the portal drops a progress row it already has by its IdTienDo). False when the
   * dossier is unknown or state-secret: nothing is written.
   */
  async rewind(dossierId: string, eventSeq: number): Promise<boolean> {
    const rows = await this.sql<unknown[]>(
      `INSERT INTO portal_sync (commune_code, dossier_id, wanted_seq, synced_seq)
       SELECT d.commune_code, d.id, d.last_seq, greatest($3::int - 1, 0) FROM dossiers d WHERE d.commune_code = $1 AND d.id = $2 AND NOT d.state_secret
       ON CONFLICT (dossier_id) DO UPDATE SET synced_seq = least(portal_sync.synced_seq, EXCLUDED.synced_seq),
              wanted_seq = greatest(portal_sync.wanted_seq, EXCLUDED.wanted_seq), next_attempt_at = least(portal_sync.next_attempt_at, now()), updated_at = now()
       RETURNING 1`,
      [dossierId, eventSeq],
    );
    return rows.length > 0;
  }
}

/** A due dossier a syncer claimed, with its cursor as it was at the claim. */
export interface ClaimedPortalSync {
  readonly dossierId: string;
  readonly communeCode: string;
  readonly syncedSeq: number;
  readonly wantedSeq: number;
  /** Whether the portal already has the dossier's header (create, or update). */
  readonly headerSynced: boolean;
  readonly attempts: number;
}

/** A claimed dossier as one statement read it: its header row and its portal events after the cursor, in seq order. */
export interface PortalSyncWork {
  readonly claimed: ClaimedPortalSync;
  readonly dossier: DossierEntity;
  readonly events: DossierEventEntity[];
}

/** What a syncer sent of one dossier: from the cursor it started at up to the head it read. */
export interface PortalSyncSent {
  readonly dossierId: string;
  readonly fromSeq: number;
  readonly sentSeq: number;
}

/** How a failed dossier waits: `backoffMs` doubled per failed attempt, at most `maxBackoffMs`. */
export interface PortalBackoff {
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

const EVENT_COLUMNS = ['id', 'commune_code', 'dossier_id', 'seq', 'type', 'payload', 'actor', 'occurred_at', 'prev_hash', 'hash'];

/**
 * The portal syncers' side of `portal_sync`, across communes (one syncer serves them all). No
 * statement here holds a transaction across the portal's HTTP calls: the claim is a lease
 * (`next_attempt_at` moved to its end, SKIP LOCKED so syncers take disjoint rows), and every
 * write after the calls checks the claim is still the syncer's own.
 */
export class PortalSyncQueue {
  constructor(private readonly m: EntityManager) {}

  /**
   * A write to several claimed rows: it locks them in dossier-id order first (the order in which
   * the commands' batches lock theirs), so it never waits in a circle with a batch of commands
   * raising `wanted_seq`; should PostgreSQL still report a deadlock, the write goes again.
   */
  private async inOrder(update: string, params: readonly unknown[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.m.transaction(async (m) => {
          await m.query(`SELECT 1 FROM portal_sync WHERE dossier_id = ANY($2::uuid[]) AND claim = $1 ORDER BY dossier_id FOR UPDATE`, [params[0], params[1]]);
          await m.query(update, params);
        });
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== '40P01' || attempt >= 5) throw e;
      }
    }
  }

  /**
   * Claims up to `limit` due dossiers (something wanted past the cursor, next attempt passed) for
   * `leaseMs`, in one statement; soonest due first. The partial index of due rows keeps it cheap.
   */
  async claim(limit: number, leaseMs: number, claim: string, claimedBy: string): Promise<ClaimedPortalSync[]> {
    const [rows] = (await this.m.query(
      `UPDATE portal_sync p SET next_attempt_at = now() + make_interval(secs => $2 / 1000.0), claim = $3, claimed_by = $4
        WHERE p.dossier_id IN (SELECT dossier_id FROM portal_sync WHERE wanted_seq > synced_seq AND next_attempt_at <= now()
                                ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING p.dossier_id AS "dossierId", p.commune_code AS "communeCode", p.synced_seq AS "syncedSeq", p.wanted_seq AS "wantedSeq",
                  p.header_synced AS "headerSynced", p.attempts`,
      [limit, leaseMs, claim, claimedBy],
    )) as [ClaimedPortalSync[], number];
    return rows;
  }

  /**
   * The claimed dossiers' rows and their events of `types` after each cursor, in one statement,
   * so each header and its events are of one snapshot: the header is the dossier as of its last
   * event read. A claimed row whose dossier is gone is left out.
   */
  async load(claimed: readonly ClaimedPortalSync[], types: readonly string[]): Promise<PortalSyncWork[]> {
    if (claimed.length === 0) return [];
    const rows = (await this.m.query(
      `SELECT d.*, ${EVENT_COLUMNS.map((c) => `e.${c} AS "e.${c}"`).join(', ')}
         FROM unnest($1::uuid[], $2::int[]) AS c(dossier_id, after)
         JOIN dossiers d ON d.id = c.dossier_id
         LEFT JOIN dossier_events e ON e.dossier_id = c.dossier_id AND e.seq > c.after AND e.type = ANY($3::text[])
        ORDER BY d.id, e.seq`,
      [claimed.map((c) => c.dossierId), claimed.map((c) => c.syncedSeq), types],
    )) as Record<string, unknown>[];
    const byId = new Map(claimed.map((c) => [c.dossierId, c]));
    const work = new Map<string, PortalSyncWork>();
    for (const row of rows) {
      const id = row.id as string;
      let w = work.get(id);
      if (!w) {
        w = { claimed: byId.get(id)!, dossier: this.toEntity(DossierEntity, row), events: [] };
        work.set(id, w);
      }
      if (row['e.seq'] !== null) w.events.push(this.toEntity(DossierEventEntity, row, 'e.'));
    }
    return [...work.values()];
  }

  /** Moves each cursor to what was sent (never back, and not past a rewind made meanwhile); clears the failure. */
  async markSynced(claim: string, sent: readonly PortalSyncSent[]): Promise<void> {
    if (sent.length === 0) return;
    await this.inOrder(
      `UPDATE portal_sync p SET synced_seq = CASE WHEN p.synced_seq >= s.from_seq THEN greatest(p.synced_seq, s.sent_seq) ELSE p.synced_seq END,
              header_synced = true, attempts = 0, last_error = NULL, failing_since = NULL, next_attempt_at = now(),
              claim = NULL, claimed_by = NULL, synced_at = now(), updated_at = now()
         FROM unnest($2::uuid[], $3::int[], $4::int[]) AS s(dossier_id, from_seq, sent_seq)
        WHERE p.dossier_id = s.dossier_id AND p.claim = $1`,
      [claim, sent.map((s) => s.dossierId), sent.map((s) => s.fromSeq), sent.map((s) => s.sentSeq)],
    );
  }

  /**
   * Counts a failed attempt and sets the next one after the backoff (with ±20 % jitter, so a
   * crowd failed together does not come back together); never gives up. `error` must be scrubbed.
   * `headerSynced`: dossiers whose header the portal took before the failure.
   */
  async markFailed(claim: string, dossierIds: readonly string[], headerSynced: ReadonlySet<string>, error: string, backoff: PortalBackoff): Promise<void> {
    if (dossierIds.length === 0) return;
    await this.inOrder(
      `UPDATE portal_sync p SET attempts = p.attempts + 1, last_error = $3, failing_since = coalesce(p.failing_since, now()),
              next_attempt_at = now() + make_interval(secs => least($5::float8, $4::float8 * 2 ^ least(p.attempts, 30)) * (0.8 + random() * 0.4) / 1000.0),
              header_synced = p.header_synced OR s.header_synced, claim = NULL, claimed_by = NULL, updated_at = now()
         FROM unnest($2::uuid[], $6::boolean[]) AS s(dossier_id, header_synced)
        WHERE p.dossier_id = s.dossier_id AND p.claim = $1`,
      [claim, dossierIds, error.slice(0, 500), backoff.backoffMs, backoff.maxBackoffMs, dossierIds.map((id) => headerSynced.has(id))],
    );
  }

  /** Gives claimed rows back untried (the round ran short of its lease): due again at once, nothing counted. */
  async release(claim: string, dossierIds: readonly string[]): Promise<void> {
    if (dossierIds.length === 0) return;
    await this.inOrder(`UPDATE portal_sync SET next_attempt_at = now(), claim = NULL, claimed_by = NULL WHERE dossier_id = ANY($2::uuid[]) AND claim = $1`, [
      claim,
      dossierIds,
    ]);
  }

  /** Drops the rows of state-secret dossiers (none should exist: the journal never writes one). */
  async forget(dossierIds: readonly string[]): Promise<void> {
    if (dossierIds.length === 0) return;
    await this.m.query(`DELETE FROM portal_sync WHERE dossier_id = ANY($1::uuid[])`, [dossierIds]);
  }

  /** One raw row (its columns named with `prefix`) as `entity`, by the entity's column metadata. */
  private toEntity<T extends ObjectLiteral>(entity: EntityTarget<T>, row: Record<string, unknown>, prefix = ''): T {
    const out: Record<string, unknown> = {};
    for (const c of this.m.connection.getMetadata(entity).columns) {
      const key = `${prefix}${c.databaseName}`;
      if (key in row) out[c.propertyName] = row[key];
    }
    return out as T;
  }
}
