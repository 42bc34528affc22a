import type { EntityManager } from 'typeorm';

/** Nhật ký thao tác — one request an authenticated user made, allowed or refused. */
export interface AuditEntry {
  readonly communeCode: string | null;
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

/** The audit log: append-only (a trigger refuses UPDATE and DELETE). */
export class AuditRepository {
  constructor(private readonly m: EntityManager) {}

  async append(e: AuditEntry): Promise<void> {
    await this.m.query(
      `INSERT INTO audit_log (commune_code, actor_id, actor_username, action, method, path, target_id, status, ip, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [e.communeCode, e.actorId, e.actorUsername, e.action, e.method, e.path, e.targetId, e.status, e.ip, e.at],
    );
  }

  /** A commune's entries, newest first, optionally for one target (a dossier id) or one user. */
  async list(communeCode: string, filter: { targetId?: string; actorUsername?: string; limit: number }) {
    const params: unknown[] = [communeCode];
    const where = ['commune_code = $1'];
    if (filter.targetId) {
      params.push(filter.targetId);
      where.push(`target_id = $${params.length}`);
    }
    if (filter.actorUsername) {
      params.push(filter.actorUsername);
      where.push(`actor_username = $${params.length}`);
    }
    params.push(filter.limit);
    return (await this.m.query(
      `SELECT id::text AS id, actor_username AS "actorUsername", action, method, path, target_id AS "targetId", status, ip, at
         FROM audit_log WHERE ${where.join(' AND ')} ORDER BY at DESC, id DESC LIMIT $${params.length}`,
      params,
    )) as { id: string; actorUsername: string | null; action: string; method: string; path: string; targetId: string | null; status: number; ip: string | null; at: Date }[];
  }
}
