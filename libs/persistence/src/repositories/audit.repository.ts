import { CommuneRepository } from '../tenancy';

/** Nhật ký thao tác — one request a user made, allowed or refused. */
export interface AuditEntry {
  readonly actorId: string | null;
  readonly actorUsername: string | null;
  /** e.g. `POST /api/dossiers/:id/supplement-requests`. */
  readonly action: string;
  readonly method: string;
  readonly path: string;
  readonly targetId: string | null;
  readonly status: number;
  readonly ip: string | null;
  readonly at: Date;
}

/** The audit columns after the commune, in insert order. */
export function auditValues(e: AuditEntry): unknown[] {
  return [e.actorId, e.actorUsername, e.action.slice(0, 300), e.method, e.path.slice(0, 500), e.targetId?.slice(0, 100) ?? null, e.status, e.ip, e.at];
}

export const AUDIT_INSERT = `INSERT INTO audit_log (commune_code, actor_id, actor_username, action, method, path, target_id, status, ip, at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

/** A commune's audit log: append-only (a trigger refuses UPDATE and DELETE). */
export class AuditRepository extends CommuneRepository {
  async append(e: AuditEntry): Promise<void> {
    await this.sql(AUDIT_INSERT, auditValues(e));
  }

  /** The commune's entries, newest first, optionally for one target (a dossier id) or one user. */
  list(filter: { targetId?: string; actorUsername?: string; limit: number }) {
    const params: unknown[] = [];
    const where = ['commune_code = $1'];
    if (filter.targetId) {
      params.push(filter.targetId);
      where.push(`target_id = $${params.length + 1}`);
    }
    if (filter.actorUsername) {
      params.push(filter.actorUsername);
      where.push(`actor_username = $${params.length + 1}`);
    }
    params.push(filter.limit);
    return this.sql<{ id: string; actorUsername: string | null; action: string; method: string; path: string; targetId: string | null; status: number; ip: string | null; at: Date }[]>(
      `SELECT id::text AS id, actor_username AS "actorUsername", action, method, path, target_id AS "targetId", status, ip, at
         FROM audit_log WHERE ${where.join(' AND ')} ORDER BY at DESC, id DESC LIMIT $${params.length + 1}`,
      params,
    );
  }
}
