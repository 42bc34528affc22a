import { DomainValidationError } from '../errors';
import {
  type CalendarOverride,
  DEFAULT_CALENDAR_OVERRIDES,
  type Holiday,
  holidaysForRuleYear,
  validateCalendarOverride,
} from './holidays';
import { LEGAL_TIME_UNITS, type LegalTime } from './legal-time';
import { assertSupportedYear, MAX_CALENDAR_YEAR, MIN_CALENDAR_YEAR } from './lunar';
import { compileOfficeProfile, DEFAULT_OFFICE_PROFILE, type OfficeProfile } from './office-profile';
import { addDays, dayOfWeek, fromLocal, parseLocalDate, toLocalDateTime } from './vn-time';

/** Longest run of days off searched before giving up: Tết plus weekends is 9–10 days. */
const MAX_DAYS_OFF_IN_A_ROW = 60;

type Period = readonly [number, number];

/**
 * Lịch làm việc — which days and hours count toward a deadline, and the deadline arithmetic of
 * DOMAIN.md decisions 2–4. Holidays come from the Labour Code rules, replaced year by year by the
 * published schedules given as overrides. Pure and synchronous; one instance can serve every
 * office, since office hours are passed per call.
 */
export class WorkingCalendar {
  private readonly overrides: readonly CalendarOverride[];
  private readonly makeUpDays: ReadonlyMap<string, string>;
  private readonly byYear = new Map<number, { list: readonly Holiday[]; dates: ReadonlySet<string> }>();

  /** Throws a DomainValidationError when an override is malformed, so bad data fails at start. */
  constructor(overrides: readonly CalendarOverride[] = DEFAULT_CALENDAR_OVERRIDES) {
    overrides.forEach(validateCalendarOverride);
    this.overrides = [...overrides];
    this.makeUpDays = new Map(overrides.flatMap((o) => o.workingDays.map((w) => [w.date, w.note] as const)));
  }

  /** The days off whose date falls in `year`, sorted by date (cached per year). */
  holidays(year: number): Holiday[] {
    return [...this.year(year).list];
  }

  /** Whether `date` is a public holiday, a compensatory day or an official day off. */
  isHoliday(date: string): boolean {
    return this.year(yearOf(date)).dates.has(date);
  }

  /** A make-up working day (đi làm bù) declared by an override, with its note; undefined otherwise. */
  makeUpWorkingDay(date: string): string | undefined {
    parseLocalDate(date);
    return this.makeUpDays.get(date);
  }

  /**
   * Whether deadlines run on `date` for this office: Monday–Friday, Saturday only with a
   * Saturday-morning profile, any make-up day; never a day off.
   */
  isWorkingDay(date: string, profile: OfficeProfile = DEFAULT_OFFICE_PROFILE): boolean {
    return this.officePeriods(date, profile).length > 0;
  }

  /**
   * The office periods of `date` as [start, end) minutes since local midnight: none on a day off,
   * only the first (morning) one on an ordinary Saturday of a Saturday-morning office, all of
   * them on a make-up Saturday (it replaces a full weekday).
   */
  officePeriods(date: string, profile: OfficeProfile = DEFAULT_OFFICE_PROFILE): readonly Period[] {
    const p = compileOfficeProfile(profile);
    if (this.isHoliday(date)) return [];
    if (this.makeUpDays.has(date)) return p.periods;
    const dow = dayOfWeek(date);
    if (dow === 0) return [];
    if (dow === 6) return p.saturdayMorning ? p.periods.slice(0, 1) : [];
    return p.periods;
  }

  /** The first working day strictly after `date`. */
  nextWorkingDay(date: string, profile: OfficeProfile = DEFAULT_OFFICE_PROFILE): string {
    let d = date;
    for (let i = 0; i < MAX_DAYS_OFF_IN_A_ROW; i++) {
      d = addDays(d, 1);
      if (this.isWorkingDay(d, profile)) return d;
    }
    throw new DomainValidationError('NO_WORKING_DAY', `Không tìm thấy ngày làm việc nào sau ngày ${date}.`, 'date');
  }

  /** The end of the last office period of a working day (where a day-counted deadline ends). */
  endOfOfficeHours(date: string, profile: OfficeProfile = DEFAULT_OFFICE_PROFILE): Date {
    const periods = this.officePeriods(date, profile);
    if (periods.length === 0) {
      throw new DomainValidationError('NOT_A_WORKING_DAY', `Ngày ${date} không phải ngày làm việc.`, 'date');
    }
    return fromLocal(date, periods[periods.length - 1][1]);
  }

  /**
   * When a dossier counts as received: unchanged inside an office period; otherwise the start of
   * the next office period — a dossier submitted online at night, on a day off or over lunch is
   * taken as received when the office next opens (DOMAIN.md decision 2).
   */
  receiptTime(at: Date, profile: OfficeProfile = DEFAULT_OFFICE_PROFILE): Date {
    const { date, minutes } = toLocalDateTime(at);
    for (const [start, end] of this.officePeriods(date, profile)) {
      if (minutes < start) return fromLocal(date, start);
      if (minutes < end) return new Date(at.getTime());
    }
    const next = this.nextWorkingDay(date, profile);
    return fromLocal(next, this.officePeriods(next, profile)[0][0]);
  }

  /**
   * Hạn giải quyết — the due instant of a dossier received at `receivedAt` (decision 2), after
   * normalising the receipt with receiptTime:
   * - working_days N: the receipt day is not counted; end of office hours of the N-th working day
   *   after it;
   * - calendar_days N: end of office hours of receipt day + N, carried to the next working day
   *   when that day is not one (Civil Code Art. 148);
   * - working_hours N: N × 60 working minutes from the receipt;
   * - same_day: end of office hours of the receipt day if received before the cut-off, else of
   *   the next working day.
   */
  dueDate(receivedAt: Date, legal: LegalTime, profile: OfficeProfile = DEFAULT_OFFICE_PROFILE): Date {
    checkLegalTime(legal);
    const receipt = this.receiptTime(receivedAt, profile);
    const { date, minutes } = toLocalDateTime(receipt);
    switch (legal.unit) {
      case 'working_days': {
        let d = date;
        for (let i = 0; i < legal.value; i++) d = this.nextWorkingDay(d, profile);
        return this.endOfOfficeHours(d, profile);
      }
      case 'calendar_days': {
        let d = addDays(date, legal.value);
        if (!this.isWorkingDay(d, profile)) d = this.nextWorkingDay(d, profile);
        return this.endOfOfficeHours(d, profile);
      }
      case 'working_hours':
        return this.addWorkingMinutes(receipt, legal.value * 60, profile);
      case 'same_day': {
        const cutoff = compileOfficeProfile(profile).cutoff;
        return this.endOfOfficeHours(minutes < cutoff ? date : this.nextWorkingDay(date, profile), profile);
      }
    }
  }

  /**
   * The instant after `minutes` of office time from `from`; time outside office periods does not
   * count. Landing exactly on the end of a period returns that end (11:30), not the next start.
   */
  addWorkingMinutes(from: Date, minutes: number, profile: OfficeProfile = DEFAULT_OFFICE_PROFILE): Date {
    if (!Number.isFinite(minutes) || minutes < 0) {
      throw new DomainValidationError('WORKING_MINUTES', 'Số phút làm việc phải không âm.', 'minutes', { minutes });
    }
    let { date, minutes: cursor } = toLocalDateTime(from);
    let remaining = minutes;
    for (;;) {
      for (const [start, end] of this.officePeriods(date, profile)) {
        if (end <= cursor) continue;
        const begin = Math.max(start, cursor);
        if (remaining <= end - begin) return fromLocal(date, begin + remaining);
        remaining -= end - begin;
      }
      date = this.nextWorkingDay(date, profile);
      cursor = 0;
    }
  }

  /**
   * The instant `minutes` of office time before `to` (the reverse of addWorkingMinutes): when to
   * warn that a deadline is near, counting only office periods. Landing exactly on the start of a
   * period returns the end of the one before (Mon 07:30 less nothing more is Fri 17:00).
   */
  subtractWorkingMinutes(to: Date, minutes: number, profile: OfficeProfile = DEFAULT_OFFICE_PROFILE): Date {
    if (!Number.isFinite(minutes) || minutes < 0) {
      throw new DomainValidationError('WORKING_MINUTES', 'Số phút làm việc phải không âm.', 'minutes', { minutes });
    }
    let { date, minutes: cursor } = toLocalDateTime(to);
    let remaining = minutes;
    for (let i = 0; i < 3660; i++) {
      for (const [start, end] of [...this.officePeriods(date, profile)].reverse()) {
        if (start >= cursor) continue;
        const finish = Math.min(end, cursor);
        if (remaining < finish - start) return fromLocal(date, finish - remaining);
        remaining -= finish - start;
      }
      date = addDays(date, -1);
      cursor = Number.POSITIVE_INFINITY;
    }
    throw new DomainValidationError('NO_WORKING_DAY', 'Không tìm thấy đủ thời gian làm việc trước thời hạn.', 'minutes');
  }

  /** Office minutes of an ordinary working day of the profile (one working day, for reminders). */
  minutesPerWorkingDay(profile: OfficeProfile = DEFAULT_OFFICE_PROFILE): number {
    return compileOfficeProfile(profile).periods.reduce((sum, [start, end]) => sum + (end - start), 0);
  }

  /**
   * Office minutes between two instants; negative when `to` is before `from` (how far past a
   * deadline, in working time, a dossier is).
   */
  workingMinutesBetween(from: Date, to: Date, profile: OfficeProfile = DEFAULT_OFFICE_PROFILE): number {
    if (to.getTime() < from.getTime()) return -this.workingMinutesBetween(to, from, profile);
    const a = toLocalDateTime(from);
    const b = toLocalDateTime(to);
    let total = 0;
    for (let d = a.date; d <= b.date; d = addDays(d, 1)) {
      const lo = d === a.date ? a.minutes : 0;
      const hi = d === b.date ? b.minutes : Number.POSITIVE_INFINITY;
      for (const [start, end] of this.officePeriods(d, profile)) {
        total += Math.max(0, Math.min(end, hi) - Math.max(start, lo));
      }
    }
    // Back to whole milliseconds: the minutes carry fractions of 1/60000 that floats blur.
    return Math.round(total * 60_000) / 60_000;
  }

  /**
   * The due instant after a supplement request paused the clock (decision 4): the office minutes
   * that were left between `pausedAt` and `due` run again from `resumedAt` (normalised like a
   * receipt), so the time the dossier spent with the citizen is excluded. A pause that began at
   * or after the due instant leaves nothing to add: `due` is returned unchanged.
   */
  extendForPause(due: Date, pausedAt: Date, resumedAt: Date, profile: OfficeProfile = DEFAULT_OFFICE_PROFILE): Date {
    if (resumedAt.getTime() < pausedAt.getTime()) {
      throw new DomainValidationError('PAUSE', 'Thời điểm tiếp tục phải sau thời điểm tạm dừng.', 'resumedAt');
    }
    const remaining = this.workingMinutesBetween(pausedAt, due, profile);
    if (remaining <= 0) return new Date(due.getTime());
    return this.addWorkingMinutes(this.receiptTime(resumedAt, profile), remaining, profile);
  }

  private year(year: number): { list: readonly Holiday[]; dates: ReadonlySet<string> } {
    assertSupportedYear(year);
    let entry = this.byYear.get(year);
    if (!entry) {
      const prefix = `${String(year).padStart(4, '0')}-`;
      // Neighbouring years too: an official schedule may put a day off across New Year.
      const list = [year - 1, year, year + 1]
        .filter((y) => y >= MIN_CALENDAR_YEAR && y <= MAX_CALENDAR_YEAR)
        .flatMap((y) => holidaysForRuleYear(y, this.overrides))
        .filter((h) => h.date.startsWith(prefix))
        .sort((x, y) => x.date.localeCompare(y.date));
      entry = { list: Object.freeze(list), dates: new Set(list.map((h) => h.date)) };
      this.byYear.set(year, entry);
    }
    return entry;
  }
}

function yearOf(date: string): number {
  return new Date(parseLocalDate(date)).getUTCFullYear();
}

function checkLegalTime(legal: LegalTime): void {
  if (!legal || !LEGAL_TIME_UNITS.includes(legal.unit)) {
    throw new DomainValidationError('LEGAL_TIME_UNIT', 'Đơn vị thời hạn giải quyết không hợp lệ.', 'legalTime.unit', {
      unit: legal?.unit,
    });
  }
  if (!Number.isInteger(legal.value) || legal.value < 0) {
    throw new DomainValidationError(
      'LEGAL_TIME_VALUE',
      'Thời hạn giải quyết phải là số nguyên không âm.',
      'legalTime.value',
      { value: legal.value },
    );
  }
}
