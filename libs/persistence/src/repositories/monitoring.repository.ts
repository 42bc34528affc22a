import { CommuneRepository } from '../tenancy';

/** Received and finished in one bucket (a local day, or an hour). */
export interface ThroughputBucket {
  /** `YYYY-MM-DD` (a Vietnam local day) or the hour's start as an ISO instant. */
  readonly bucket: string;
  readonly received: number;
  /** Result ready, rejected after appraisal, or withdrawn: the dossier left the work. */
  readonly finished: number;
}

/** One unit's open work in the commune. */
export interface UnitBacklog {
  readonly unit: string;
  /** Steps in the unit's inbox, waiting or taken by an officer. */
  readonly open: number;
  readonly waiting: number;
  readonly taken: number;
  /** Open steps past their step due time. */
  readonly overdue: number;
  /** Hand-offs sent to the unit and not yet received (electronic or paper). */
  readonly inTransit: number;
  /** When the longest-waiting step (pending, not taken) reached the inbox; null when none waits. */
  readonly oldestWaitingSince: string | null;
}

/** Hand-off latency (received_at − sent_at, electronic only) of one receiving unit. */
export interface UnitHandoffLatency {
  readonly unit: string;
  readonly handoffs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

/** The commune's outbox: messages written and not yet handed to Redis. */
export interface OutboxLag {
  readonly unsent: number;
  /** Seconds since the oldest unsent row was written; 0 when none waits. */
  readonly lagSeconds: number;
}

/**
 * The supervisors' throughput and backlog board (issue 11 item 3), scoped to one commune. Every
 * read is a range of an index: `daily_rollups`' primary key, `dossier_list_commune_received`,
 * `dossier_list_commune_resolved`, `work_items_inbox`, `handoffs_pending`, `outbox_unsent`,
 * `handoffs_commune_received_electronic`.
 */
export class MonitoringRepository extends CommuneRepository {
  /**
   * Per local day of [fromDay, toDay], from the daily rollups (the projector's, one round behind
   * the log). Days without a row are zeros.
   */
  async dailyThroughput(fromDay: string, toDay: string): Promise<ThroughputBucket[]> {
    return this.sql<ThroughputBucket[]>(
      `SELECT to_char(d, 'YYYY-MM-DD') AS bucket, coalesce(r.received, 0)::int AS received, coalesce(r.finished, 0)::int AS finished
         FROM generate_series($2::date, $3::date, interval '1 day') d
         LEFT JOIN (SELECT day,
                           sum(received_online + received_desk + received_post) AS received,
                           sum(resolved_early + resolved_on_time + resolved_late + rejected + withdrawn) AS finished
                      FROM daily_rollups
                     WHERE commune_code = $1 AND day >= $2::date AND day <= $3::date
                     GROUP BY day) r ON r.day = d::date
        ORDER BY d`,
      [fromDay, toDay],
    );
  }

  /**
   * Per hour of [from, to), from the dossier search list's timestamps: the rollups have no hour.
   * Two index ranges (received, resolved) counted per hour, then laid on the series of hours.
   */
  async hourlyThroughput(from: Date, to: Date): Promise<ThroughputBucket[]> {
    const rows = await this.sql<{ bucket: Date; received: number; finished: number }[]>(
      `WITH received AS (
              SELECT date_trunc('hour', received_at) AS h, count(*) AS n FROM dossier_list
               WHERE commune_code = $1 AND received_at >= $2 AND received_at < $3 GROUP BY 1),
            finished AS (
              SELECT date_trunc('hour', resolved_at) AS h, count(*) AS n FROM dossier_list
               WHERE commune_code = $1 AND resolved_at IS NOT NULL AND resolved_at >= $2 AND resolved_at < $3 GROUP BY 1)
       SELECT h AS bucket, coalesce(r.n, 0)::int AS received, coalesce(f.n, 0)::int AS finished
         FROM generate_series(date_trunc('hour', $2::timestamptz), $3::timestamptz - interval '1 microsecond', interval '1 hour') h
         LEFT JOIN received r USING (h)
         LEFT JOIN finished f USING (h)
        ORDER BY h`,
      [from, to],
    );
    return rows.map((r) => ({ bucket: new Date(r.bucket).toISOString(), received: r.received, finished: r.finished }));
  }

  /** Open steps per unit (work items not done nor cancelled) and hand-offs still in transit to it. */
  async backlog(now: Date): Promise<UnitBacklog[]> {
    const rows = await this.sql<
      { unit: string; waiting: number; taken: number; overdue: number; in_transit: number; oldest: Date | null }[]
    >(
      `WITH steps AS (
              SELECT unit_kind AS unit,
                     count(*) FILTER (WHERE status = 'pending') AS waiting,
                     count(*) FILTER (WHERE status = 'taken') AS taken,
                     count(*) FILTER (WHERE due_at < $2) AS overdue,
                     min(created_at) FILTER (WHERE status = 'pending') AS oldest
                FROM work_items
               WHERE commune_code = $1 AND status IN ('pending', 'taken')
               GROUP BY unit_kind),
            transit AS (
              SELECT to_unit AS unit, count(*) AS n FROM handoffs
               WHERE commune_code = $1 AND received_at IS NULL GROUP BY to_unit)
       SELECT unit, coalesce(s.waiting, 0)::int AS waiting, coalesce(s.taken, 0)::int AS taken,
              coalesce(s.overdue, 0)::int AS overdue, coalesce(t.n, 0)::int AS in_transit, s.oldest
         FROM steps s FULL JOIN transit t USING (unit)
        ORDER BY unit`,
      [now],
    );
    return rows.map((r) => ({
      unit: r.unit,
      open: r.waiting + r.taken,
      waiting: r.waiting,
      taken: r.taken,
      overdue: r.overdue,
      inTransit: r.in_transit,
      oldestWaitingSince: r.oldest ? new Date(r.oldest).toISOString() : null,
    }));
  }

  /** p50/p95/p99 of electronic hand-offs received in [since, until), per receiving unit. */
  async handoffLatency(since: Date, until: Date): Promise<UnitHandoffLatency[]> {
    const rows = await this.sql<{ unit: string; n: number; p: number[] }[]>(
      `SELECT to_unit AS unit, count(*)::int AS n,
              percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - sent_at) * 1000) AS p
         FROM handoffs
        WHERE commune_code = $1 AND channel = 'electronic' AND received_at IS NOT NULL AND received_at >= $2 AND received_at < $3
        GROUP BY to_unit
        ORDER BY to_unit`,
      [since, until],
    );
    const ms = (v: number) => Math.max(0, Math.round(Number(v) * 10) / 10);
    return rows.map((r) => ({ unit: r.unit, handoffs: r.n, p50Ms: ms(r.p[0]), p95Ms: ms(r.p[1]), p99Ms: ms(r.p[2]) }));
  }

  /** The commune's unsent outbox rows and the age of the oldest (database time, as it wrote them). */
  async outboxLag(): Promise<OutboxLag> {
    const [row] = await this.sql<{ unsent: number; lag: number }[]>(
      `SELECT count(*)::int AS unsent, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS lag
         FROM outbox WHERE commune_code = $1 AND sent_at IS NULL AND dead_at IS NULL`,
    );
    return { unsent: row.unsent, lagSeconds: Math.max(0, Math.round(Number(row.lag) * 1000) / 1000) };
  }
}
