import { CommuneRepository } from '../tenancy';

/** Số liệu tổng hợp theo ngày — one day's counts of one unit × procedure × field (lĩnh vực), from `daily_rollups`. */
export interface DailyRollup {
  readonly day: string;
  readonly unit: string;
  readonly procedureCode: string;
  readonly fieldCode: string;
  readonly stateSecret: boolean;
  readonly counts: Readonly<Record<string, number>>;
}

/** Hồ sơ đang giải quyết / quá hạn / chờ bổ sung — the commune's live counters. */
export interface LiveCounters {
  readonly inProcess: number;
  readonly overdue: number;
  readonly waitingSupplement: number;
}

/**
 * The dashboard's reads of the projector's read models, scoped to one commune. They lag the log
 * by one projector round (`PROJECTION_POLL_MS`).
 */
export class ProjectionRepository extends CommuneRepository {
  /** The rollup rows of local days [fromDay, toDay], optionally of one unit. */
  async rollups(fromDay: string, toDay: string, unit: string | null = null): Promise<DailyRollup[]> {
    const rows = (await this.sql(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, unit, procedure_code, field_code, state_secret, to_jsonb(r) AS row
         FROM daily_rollups r
        WHERE commune_code = $1 AND day >= $2::date AND day <= $3::date AND ($4::text IS NULL OR unit = $4)
        ORDER BY day, unit, procedure_code`,
      [fromDay, toDay, unit],
    )) as { day: string; unit: string; procedure_code: string; field_code: string; state_secret: boolean; row: Record<string, unknown> }[];
    const keys = new Set(['day', 'commune_code', 'unit', 'procedure_code', 'field_code', 'state_secret']);
    return rows.map((r) => ({
      day: r.day,
      unit: r.unit,
      procedureCode: r.procedure_code,
      fieldCode: r.field_code,
      stateSecret: r.state_secret,
      counts: Object.fromEntries(Object.entries(r.row).filter(([k]) => !keys.has(k)) as [string, number][]),
    }));
  }

  /** The live counters; zeros before the projector has seen the commune. */
  async liveCounters(): Promise<LiveCounters> {
    const [row] = (await this.sql(`SELECT in_process, overdue, waiting_supplement FROM commune_counters WHERE commune_code = $1`)) as {
      in_process: number;
      overdue: number;
      waiting_supplement: number;
    }[];
    return { inProcess: row?.in_process ?? 0, overdue: row?.overdue ?? 0, waitingSupplement: row?.waiting_supplement ?? 0 };
  }
}
