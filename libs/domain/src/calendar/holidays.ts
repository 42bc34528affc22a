import { DomainValidationError } from '../errors';
import { assertSupportedYear, hungKingsDay, lunarNewYearsEve } from './lunar';
import { addDays, dayOfWeek, parseLocalDate } from './vn-time';

/**
 * The public holidays of Labour Code 2019 Art. 112(1), by stable key. The 11 days: New Year 1,
 * Tết 5, Hùng Kings 1, Victory Day 1, Labour Day 1, National Day 2.
 */
export type HolidayKey = 'new-year' | 'tet' | 'hung-kings' | 'victory-day' | 'labour-day' | 'national-day';

export const HOLIDAY_KEYS: readonly HolidayKey[] = [
  'new-year',
  'tet',
  'hung-kings',
  'victory-day',
  'labour-day',
  'national-day',
];

/** Vietnamese names as the Labour Code and the yearly schedules write them. */
export const HOLIDAY_NAMES: Readonly<Record<HolidayKey, string>> = {
  'new-year': 'Tết Dương lịch',
  tet: 'Tết Nguyên đán',
  'hung-kings': 'Giỗ Tổ Hùng Vương',
  'victory-day': 'Ngày Chiến thắng',
  'labour-day': 'Ngày Quốc tế lao động',
  'national-day': 'Quốc khánh',
};

/**
 * Ngày nghỉ lễ — one day off. `holiday` is a day the rules give; `compensatory` (nghỉ bù) is the
 * working day given back for a holiday that fell on a weekend (Art. 111(3)); `official` comes from
 * a published yearly schedule that replaced the rules for that holiday.
 */
export interface Holiday {
  readonly date: string;
  readonly key: HolidayKey;
  readonly name: string;
  readonly kind: 'holiday' | 'compensatory' | 'official';
}

/**
 * Lịch nghỉ lễ chính thức — a published schedule for one year (e.g. the Ministry of Home Affairs'
 * Tết schedule for civil servants). It replaces the rule-based days of the holidays in `replaces`
 * (and their compensatory days), adds its own days off, and may turn days into make-up working
 * days (đi làm bù, usually a Saturday). It is data, so a province can load the year's schedule
 * without a release.
 */
export interface CalendarOverride {
  /** The year whose rule-based days are replaced (days off may spill into a neighbouring year). */
  readonly year: number;
  readonly replaces: readonly HolidayKey[];
  readonly daysOff: readonly { readonly from: string; readonly to: string; readonly key: HolidayKey; readonly name: string }[];
  readonly workingDays: readonly { readonly date: string; readonly note: string }[];
  /** Where the schedule was published, for audit. */
  readonly source: string;
}

/**
 * Official schedules shipped with MotCua (DOMAIN.md decision 3): Tết 2026 for civil servants,
 * Saturday 14 to Sunday 22 February 2026 (27 tháng Chạp to mùng 6), with no make-up Saturday.
 */
export const DEFAULT_CALENDAR_OVERRIDES: readonly CalendarOverride[] = Object.freeze([
  Object.freeze({
    year: 2026,
    replaces: Object.freeze(['tet'] as HolidayKey[]),
    daysOff: Object.freeze([
      Object.freeze({ from: '2026-02-14', to: '2026-02-22', key: 'tet' as HolidayKey, name: HOLIDAY_NAMES.tet }),
    ]),
    workingDays: Object.freeze([]),
    source:
      'Lịch nghỉ Tết Nguyên đán Bính Ngọ 2026 của cán bộ, công chức, viên chức: nghỉ từ thứ Bảy 14/02/2026 ' +
      'đến hết Chủ nhật 22/02/2026 (shared/domain/one-stop-rules.md §4.3).',
  }),
]);

/** Longest official stretch accepted; guards against a typo such as a wrong year in `to`. */
const MAX_OVERRIDE_SPAN_DAYS = 31;

function overrideError(message: string, override: CalendarOverride, details: Record<string, unknown> = {}): DomainValidationError {
  return new DomainValidationError('CALENDAR_OVERRIDE', message, 'calendarOverride', { year: override.year, ...details });
}

/** Checks an override's shape and dates; throws a DomainValidationError naming what is wrong. */
export function validateCalendarOverride(override: CalendarOverride): void {
  assertSupportedYear(override.year, 'calendarOverride.year');
  for (const key of [...override.replaces, ...override.daysOff.map((d) => d.key)]) {
    if (!HOLIDAY_KEYS.includes(key)) throw overrideError(`Loại ngày lễ không hợp lệ: ${key}.`, override, { key });
  }
  for (const range of override.daysOff) {
    const from = parseLocalDate(range.from, 'calendarOverride.daysOff.from');
    const to = parseLocalDate(range.to, 'calendarOverride.daysOff.to');
    const span = (to - from) / 86_400_000 + 1;
    if (span < 1 || span > MAX_OVERRIDE_SPAN_DAYS) {
      throw overrideError(`Khoảng nghỉ ${range.from}–${range.to} không hợp lệ.`, override, { range });
    }
  }
  for (const w of override.workingDays) parseLocalDate(w.date, 'calendarOverride.workingDays.date');
}

/** Every date from `from` to `to`, both included. */
function eachDate(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

const isWeekend = (date: string): boolean => {
  const dow = dayOfWeek(date);
  return dow === 0 || dow === 6;
};

/** The days the Labour Code rules give for `year` (DOMAIN.md decision 3), before compensation. */
function ruleDays(year: number): { date: string; key: HolidayKey }[] {
  const y = String(year).padStart(4, '0');
  const eve = lunarNewYearsEve(year);
  return [
    { date: `${y}-01-01`, key: 'new-year' },
    // Tết: the last day of the old lunar year and the first four days of the new one.
    ...[0, 1, 2, 3, 4].map((i) => ({ date: addDays(eve, i), key: 'tet' as HolidayKey })),
    { date: hungKingsDay(year), key: 'hung-kings' },
    { date: `${y}-04-30`, key: 'victory-day' },
    { date: `${y}-05-01`, key: 'labour-day' },
    { date: `${y}-09-01`, key: 'national-day' },
    { date: `${y}-09-02`, key: 'national-day' },
  ];
}

/**
 * The days off that the rules and the overrides for `year` produce, sorted by date. Some may lie
 * outside `year` when an override says so; the caller filters by date.
 *
 * Compensation: each rule-based day on a Saturday or Sunday gives one day on the next day that is
 * not a weekend day, not a day off and not already a compensatory day, taken in date order so that
 * consecutive weekend holidays (30/4 Saturday and 1/5 Sunday) stack onto Monday and Tuesday.
 * Official days give no compensation: the published schedule already accounts for it.
 */
export function holidaysForRuleYear(year: number, overrides: readonly CalendarOverride[]): Holiday[] {
  assertSupportedYear(year);
  const mine = overrides.filter((o) => o.year === year);
  const replaced = new Set(mine.flatMap((o) => o.replaces));

  const base: Holiday[] = ruleDays(year)
    .filter((d) => !replaced.has(d.key))
    .map((d) => ({ date: d.date, key: d.key, name: HOLIDAY_NAMES[d.key], kind: 'holiday' as const }));
  const official: Holiday[] = mine.flatMap((o) =>
    o.daysOff.flatMap((r) => eachDate(r.from, r.to).map((date) => ({ date, key: r.key, name: r.name, kind: 'official' as const }))),
  );

  const off = new Set([...base, ...official].map((h) => h.date));
  const given = new Set<string>();
  const compensatory: Holiday[] = [];
  for (const h of [...base].sort((a, b) => a.date.localeCompare(b.date))) {
    if (!isWeekend(h.date)) continue;
    let d = addDays(h.date, 1);
    while (isWeekend(d) || off.has(d) || given.has(d)) d = addDays(d, 1);
    given.add(d);
    compensatory.push({ date: d, key: h.key, name: `Nghỉ bù ${h.name}`, kind: 'compensatory' });
  }

  return [...base, ...official, ...compensatory]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((h) => Object.freeze(h));
}
