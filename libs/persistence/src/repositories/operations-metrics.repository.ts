import type { DataSource } from 'typeorm';

/** What the scrape-time gauges read of the database in one round trip (README, "Metrics"). */
export interface OperationsSnapshot {
  readonly outboxUnsent: number;
  /** Seconds since the oldest unsent outbox row was written; 0 when none waits. */
  readonly outboxLagSeconds: number;
  readonly outboxDead: number;
  /** Open dossiers past their due time, per commune code. */
  readonly overdueByCommune: Readonly<Record<string, number>>;
  readonly portalSyncBacklog: number;
  readonly portalSyncFailing: number;
  readonly deadlineTimersDue: number;
}

/** A projection's distance behind the event log. */
export interface ProjectionLag {
  readonly projection: string;
  /** Events with an id past its cursor (handed out, committed or not yet). */
  readonly events: number;
  /** Seconds since the oldest event it has not applied happened; 0 when it is caught up. */
  readonly seconds: number;
}

/**
 * The reads behind the operations metrics, across every commune (the metrics are the operators',
 * not a commune's). Each count is served by a partial or leading-column index the hot path
 * already keeps: `outbox_unsent`, `outbox_dead`, `portal_sync_due`, `portal_sync_failing`,
 * `deadline_timers_due`, `dossiers_commune_state_due`; so a scrape stays cheap at millions of
 * dossiers (it counts only what waits, is stuck or is overdue).
 */
export class OperationsMetricsRepository {
  constructor(private readonly ds: DataSource) {}

  /** `now`: the application clock's time, which deadlines and due times are measured against. */
  async snapshot(now: Date): Promise<OperationsSnapshot> {
    const [row] = await this.ds.query(
      `SELECT (SELECT count(*) FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL)::int AS outbox_unsent,
              coalesce(extract(epoch FROM now() - (SELECT created_at FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL ORDER BY id LIMIT 1)), 0)::float8 AS outbox_lag,
              (SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL)::int AS outbox_dead,
              (SELECT coalesce(json_object_agg(commune_code, n), '{}'::json)
                 FROM (SELECT commune_code, count(*)::int AS n FROM dossiers
                        WHERE state IN ('received', 'in_progress') AND due_at < $1 GROUP BY commune_code) o) AS overdue,
              (SELECT count(*) FROM portal_sync WHERE wanted_seq > synced_seq)::int AS portal_backlog,
              (SELECT count(*) FROM portal_sync WHERE failing_since IS NOT NULL)::int AS portal_failing,
              (SELECT count(*) FROM deadline_timers WHERE fired_at IS NULL AND fire_at <= $1)::int AS timers_due`,
      [now],
    );
    return {
      outboxUnsent: row.outbox_unsent,
      outboxLagSeconds: Math.max(0, Number(row.outbox_lag)),
      outboxDead: row.outbox_dead,
      overdueByCommune: row.overdue ?? {},
      portalSyncBacklog: row.portal_backlog,
      portalSyncFailing: row.portal_failing,
      deadlineTimersDue: row.timers_due,
    };
  }

  /**
   * How far each projection's cursor (`projection_cursors.position`: every event up to it
   * applied) is behind the event log; empty while the database has no such table (a database
   * from before the projections' migration).
   */
  async projectionLags(): Promise<ProjectionLag[]> {
    const [{ present }] = await this.ds.query(`SELECT to_regclass('projection_cursors') IS NOT NULL AS present`);
    if (!present) return [];
    const rows: { projection: string; events: string; seconds: number }[] = await this.ds.query(
      `SELECT c.name AS projection,
              greatest(coalesce((SELECT max(id) FROM dossier_events), 0) - c.position, 0)::text AS events,
              coalesce(extract(epoch FROM now() - (SELECT e.occurred_at FROM dossier_events e WHERE e.id > c.position ORDER BY e.id LIMIT 1)), 0)::float8 AS seconds
         FROM projection_cursors c`,
    );
    return rows.map((r) => ({ projection: r.projection, events: Number(r.events), seconds: Math.max(0, r.seconds) }));
  }
}
