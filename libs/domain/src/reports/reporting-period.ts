import { DomainValidationError } from '../errors';
import { addDays, fromLocal } from '../calendar/vn-time';

/** Kỳ báo cáo — the report's period kinds (DOMAIN.md decision 11). */
export const REPORT_PERIODS = ['month', 'quarter', 'half', 'nine-months', 'year'] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];

/**
 * How a period's days are cut (DOMAIN.md decision 11):
 * - `calendar` (the default): the calendar months of the period, e.g. the "month" of March is
 *   1–31 March and the first quarter 1 January – 31 March.
 * - `15-14`: the cut-off window of Decree 09/2019 as it is applied in practice (portal-and-
 *   reports.md §2.4, UNCONFIRMED): from the 15th of the month before the period's first month to
 *   the 14th of its last month, both included. So the "month" of March is 15 Feb – 14 Mar, the
 *   first quarter 15 Dec – 14 Mar, the year 15 Dec – 14 Dec. Consecutive periods of one kind
 *   tile the time line without gap or overlap either way.
 */
export const REPORT_WINDOWS = ['calendar', '15-14'] as const;
export type ReportWindow = (typeof REPORT_WINDOWS)[number];

/** How many periods of each kind a year has: `index` runs from 1 to this. */
export const PERIODS_PER_YEAR: Readonly<Record<ReportPeriod, number>> = { month: 12, quarter: 4, half: 2, 'nine-months': 1, year: 1 };

/** The months a period covers, 1-based, first and last. */
function months(period: ReportPeriod, index: number): [number, number] {
  switch (period) {
    case 'month':
      return [index, index];
    case 'quarter':
      return [3 * index - 2, 3 * index];
    case 'half':
      return [6 * index - 5, 6 * index];
    case 'nine-months':
      return [1, 9];
    case 'year':
      return [1, 12];
  }
}

const pad = (n: number): string => String(n).padStart(2, '0');
/** The local date of day `day` of month `month` (1–12, or 0 for December of the year before; 13 for January after). */
function localDate(year: number, month: number, day: number): string {
  const y = month < 1 ? year - 1 : month > 12 ? year + 1 : year;
  const m = month < 1 ? 12 : month > 12 ? 1 : month;
  return `${y}-${pad(m)}-${pad(day)}`;
}

/** A report's time span: [from, to) as instants, and its first and last local days. */
export interface ReportingSpan {
  readonly period: ReportPeriod;
  readonly year: number;
  readonly index: number;
  readonly window: ReportWindow;
  /** First instant of the period: local midnight (UTC+7) of its first day. */
  readonly from: Date;
  /** First instant after the period: local midnight after its last day. */
  readonly to: Date;
  /** First and last local day, both included ('YYYY-MM-DD'). */
  readonly firstDay: string;
  readonly lastDay: string;
}

/**
 * The span of period `index` of `year`: month 1–12, quarter 1–4, half 1–2, nine-months and year 1.
 * Boundaries are Vietnam local midnights (UTC+7). Throws a validation error naming `index` when
 * it is out of range.
 */
export function reportingSpan(period: ReportPeriod, year: number, index: number, window: ReportWindow): ReportingSpan {
  const count = PERIODS_PER_YEAR[period];
  if (!Number.isInteger(index) || index < 1 || index > count) {
    throw new DomainValidationError('PERIOD_INDEX', `Kỳ thứ ${index} không có: kỳ "${period}" đánh số từ 1 đến ${count}.`, 'index');
  }
  const [first, last] = months(period, index);
  const firstDay = window === 'calendar' ? localDate(year, first, 1) : localDate(year, first - 1, 15);
  // The day after the last one: the 1st of the next month, or the 15th of the last month.
  const after = window === 'calendar' ? localDate(year, last + 1, 1) : localDate(year, last, 15);
  return { period, year, index, window, from: fromLocal(firstDay, 0), to: fromLocal(after, 0), firstDay, lastDay: addDays(after, -1) };
}

/** The title of the period as the report prints it, e.g. "Tháng 3 năm 2026 (từ 15/02/2026 đến 14/03/2026)". */
export function reportingSpanTitle(s: ReportingSpan): string {
  const name = {
    month: `Tháng ${s.index} năm ${s.year}`,
    quarter: `Quý ${['I', 'II', 'III', 'IV'][s.index - 1]} năm ${s.year}`,
    half: s.index === 1 ? `6 tháng đầu năm ${s.year}` : `6 tháng cuối năm ${s.year}`,
    'nine-months': `9 tháng năm ${s.year}`,
    year: `Năm ${s.year}`,
  }[s.period];
  const vn = (d: string) => d.split('-').reverse().join('/');
  return `${name} (từ ngày ${vn(s.firstDay)} đến ngày ${vn(s.lastDay)})`;
}
