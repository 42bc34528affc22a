import { DossierEvents, EventSql, type PeriodicReportCounts, type ProcedureCounts, ZERO_COUNTS } from '@motcua/domain';
import { CommuneRepository } from '../tenancy';

const E = DossierEvents;
const t = EventSql.type;
/** The Vietnam calendar day (UTC+7) of a timestamptz expression, independent of the session's time zone. */
const vnDay = (x: string): string => `(((${x}) AT TIME ZONE 'UTC') + interval '7 hours')::date`;

/** One row of the grouped statement: a procedure's counts, or the total (procedure_code null). */
type CountsRow = { procedure_code: string | null; procedure_name: string | null; field_code: string | null; field_name: string | null } & Record<keyof PeriodicReportCounts, number>;

/** A periodic report's counts: per procedure, and the total counted over the dossiers themselves. */
export interface PeriodicReportData {
  readonly procedures: readonly ProcedureCounts[];
  readonly total: PeriodicReportCounts;
}

/**
 * The periodic report (biểu "Tình hình, kết quả giải quyết TTHC"), recomputed from the event log
 * of the dossiers the commune decides: receipt, result, withdrawal, rejection and supplement
 * events with their timestamps. See `libs/domain/src/reports/periodic-report.ts` for what each
 * column counts. One statement, one pass over the commune's events before the end of the period;
 * the total comes from the same pass (GROUPING SETS), so it is counted over dossiers, not added up
 * from rows, and the identity can catch a dossier lost between rows. Each bucket is counted by its
 * own condition, with no tie-breaking between them: a log that closes a dossier twice (a result and
 * a withdrawal at the same instant) counts it twice and breaks the identity, as it should.
 */
export class ReportRepository extends CommuneRepository {
  /**
   * Counts for the period [from, end): `end` is the period's end, or now for a period still
   * running; `endDay` the last local day the report covers (an unfinished dossier is overdue when
   * its original due day is before it — DOMAIN.md decision 6, by calendar day).
   */
  async periodicReport(from: Date, end: Date, endDay: string): Promise<PeriodicReportData> {
    const rows = await this.sql<CountsRow[]>(
      `WITH received AS (
         SELECT r.dossier_id, r.occurred_at AS received_at,
                ${EventSql.text('r', E.Received, 'procedureCode')} AS procedure_code,
                ${EventSql.text('r', E.Received, 'channel')} AS channel,
                (${EventSql.text('r', E.Received, 'dueAt')})::timestamptz AS due_at
           FROM dossier_events r
          WHERE r.commune_code = $1 AND r.type = ${t(E.Received)} AND r.occurred_at < $3
       ), life AS (
         SELECT e.dossier_id,
                min(e.occurred_at) FILTER (WHERE e.type = ${t(E.ResultReady)}) AS resolved_at,
                (array_agg(${EventSql.text('e', E.ResultReady, 'timeliness')} ORDER BY e.seq) FILTER (WHERE e.type = ${t(E.ResultReady)}))[1] AS timeliness,
                min(e.occurred_at) FILTER (WHERE e.type = ${t(E.Withdrawn)}) AS withdrawn_at,
                min(e.occurred_at) FILTER (WHERE e.type = ${t(E.RejectedAfterAppraisal)}) AS rejected_at,
                max(e.occurred_at) FILTER (WHERE e.type = ${t(E.SupplementRequested)}) AS paused_at,
                max(e.occurred_at) FILTER (WHERE e.type = ${t(E.SupplementReceived)}) AS resumed_at,
                -- The original due date moved by the citizen's supplement time (never by an apology).
                (array_agg(${EventSql.text('e', E.SupplementReceived, 'originalDueAt')} ORDER BY e.seq DESC)
                   FILTER (WHERE e.type = ${t(E.SupplementReceived)}))[1]::timestamptz AS moved_due_at
           FROM dossier_events e
          WHERE e.commune_code = $1 AND e.occurred_at < $3
            AND e.type IN (${EventSql.types([E.ResultReady, E.Withdrawn, E.RejectedAfterAppraisal, E.SupplementRequested, E.SupplementReceived])})
          GROUP BY e.dossier_id
       ), d AS (
         SELECT r.procedure_code, r.channel, r.received_at, l.resolved_at, l.withdrawn_at, l.rejected_at, l.timeliness,
                coalesce(l.moved_due_at, r.due_at) AS original_due_at,
                l.paused_at IS NOT NULL AND l.paused_at > coalesce(l.resumed_at, '-infinity') AS paused,
                l.paused_at,
                least(l.resolved_at, l.withdrawn_at, l.rejected_at) AS closed_at
           FROM received r LEFT JOIN life l ON l.dossier_id = r.dossier_id
       ), open_in_period AS (
         -- Closed before the period began: history, not this report.
         SELECT d.*,
                CASE WHEN d.resolved_at IS NULL THEN NULL
                     WHEN d.timeliness IS NOT NULL THEN d.timeliness
                     WHEN ${vnDay('d.resolved_at')} < ${vnDay('d.original_due_at')} THEN 'early'
                     WHEN ${vnDay('d.resolved_at')} = ${vnDay('d.original_due_at')} THEN 'on_time'
                     ELSE 'late' END AS judged,
                d.closed_at IS NULL AND CASE WHEN d.paused THEN ${vnDay('d.paused_at')} > ${vnDay('d.original_due_at')}
                                             ELSE ${vnDay('d.original_due_at')} < $4::date END AS overdue
           FROM d WHERE d.closed_at IS NULL OR d.closed_at >= $2
       ), counted AS (
         SELECT o.procedure_code,
                count(*)::int AS received,
                count(*) FILTER (WHERE o.received_at >= $2 AND o.channel = 'online')::int AS "receivedOnline",
                count(*) FILTER (WHERE o.received_at >= $2 AND o.channel <> 'online')::int AS "receivedInPersonOrPost",
                count(*) FILTER (WHERE o.received_at < $2)::int AS "carriedOver",
                count(*) FILTER (WHERE o.closed_at = o.resolved_at)::int AS resolved,
                count(*) FILTER (WHERE o.closed_at = o.resolved_at AND o.judged = 'early')::int AS "resolvedEarly",
                count(*) FILTER (WHERE o.closed_at = o.resolved_at AND o.judged = 'on_time')::int AS "resolvedOnTime",
                count(*) FILTER (WHERE o.closed_at = o.resolved_at AND o.judged = 'late')::int AS "resolvedLate",
                count(*) FILTER (WHERE o.closed_at IS NULL)::int AS "inProcess",
                count(*) FILTER (WHERE o.closed_at IS NULL AND NOT o.overdue)::int AS "inProcessWithinDeadline",
                count(*) FILTER (WHERE o.closed_at IS NULL AND o.overdue)::int AS "inProcessOverdue",
                count(*) FILTER (WHERE o.closed_at = o.withdrawn_at)::int AS withdrawn,
                count(*) FILTER (WHERE o.closed_at = o.rejected_at)::int AS rejected,
                grouping(o.procedure_code) = 1 AS is_total
           FROM open_in_period o
          GROUP BY GROUPING SETS ((o.procedure_code), ())
       )
       SELECT c.*, pv.name AS procedure_name, pv.field_code, pv.field_name
         FROM counted c
         LEFT JOIN LATERAL (SELECT p.name, p.field_code, p.field_name FROM procedure_versions p
                             WHERE p.commune_code = $1 AND p.code = c.procedure_code ORDER BY p.version DESC LIMIT 1) pv ON true
        ORDER BY c.is_total, c.procedure_code`,
      [from, end, endDay],
    );
    const counts = (r: CountsRow): PeriodicReportCounts => ({
      received: r.received,
      receivedOnline: r.receivedOnline,
      receivedInPersonOrPost: r.receivedInPersonOrPost,
      carriedOver: r.carriedOver,
      resolved: r.resolved,
      resolvedEarly: r.resolvedEarly,
      resolvedOnTime: r.resolvedOnTime,
      resolvedLate: r.resolvedLate,
      inProcess: r.inProcess,
      inProcessWithinDeadline: r.inProcessWithinDeadline,
      inProcessOverdue: r.inProcessOverdue,
      withdrawn: r.withdrawn,
      rejected: r.rejected,
    });
    const isTotal = (r: CountsRow) => (r as unknown as { is_total: boolean }).is_total;
    const totalRow = rows.find(isTotal);
    return {
      procedures: rows
        .filter((r) => !isTotal(r))
        .map((r) => ({
          ...counts(r),
          procedureCode: r.procedure_code ?? '',
          // A procedure the catalog no longer lists still has a row, under its code.
          procedureName: r.procedure_name ?? r.procedure_code ?? '',
          fieldCode: r.field_code ?? 'khac',
          fieldName: r.field_name ?? 'Khác',
        })),
      total: totalRow ? counts(totalRow) : ZERO_COUNTS,
    };
  }
}
