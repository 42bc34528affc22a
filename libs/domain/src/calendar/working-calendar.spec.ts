import { DomainValidationError } from '../errors';
import { type LegalTime } from './legal-time';
import { DEFAULT_OFFICE_PROFILE, type OfficeProfile } from './office-profile';
import { WorkingCalendar } from './working-calendar';

/** An instant written in Vietnam time, parsed by the platform (not by the code under test). */
const vn = (local: string): Date => new Date(`${local.replace(' ', 'T')}:00+07:00`);
const iso = (d: Date): string => d.toISOString();

const SATURDAY_MORNING: OfficeProfile = { ...DEFAULT_OFFICE_PROFILE, saturdayMorning: true };
const wd = (value: number): LegalTime => ({ value, unit: 'working_days' });
const days = (value: number): LegalTime => ({ value, unit: 'calendar_days' });
const hours = (value: number): LegalTime => ({ value, unit: 'working_hours' });
const SAME_DAY: LegalTime = { value: 0, unit: 'same_day' };

// Reference week: Mon 2026-03-09 … Sun 2026-03-15, no holidays.
describe('WorkingCalendar', () => {
  const cal = new WorkingCalendar();

  describe('working days', () => {
    it('counts Monday–Friday only, unless the office counts Saturday morning', () => {
      expect(cal.isWorkingDay('2026-03-13')).toBe(true);
      expect(cal.isWorkingDay('2026-03-14')).toBe(false);
      expect(cal.isWorkingDay('2026-03-14', SATURDAY_MORNING)).toBe(true);
      expect(cal.isWorkingDay('2026-03-15', SATURDAY_MORNING)).toBe(false);
      expect(cal.officePeriods('2026-03-14', SATURDAY_MORNING)).toEqual([[450, 690]]);
    });

    it('gives a Saturday-morning office no Saturday inside the official Tết 2026 break', () => {
      expect(cal.isWorkingDay('2026-02-21', SATURDAY_MORNING)).toBe(false);
      expect(new WorkingCalendar([]).isWorkingDay('2026-02-21', SATURDAY_MORNING)).toBe(true);
    });

    it('finds the next working day strictly after a date, past holidays', () => {
      expect(cal.nextWorkingDay('2026-03-10')).toBe('2026-03-11');
      expect(cal.nextWorkingDay('2026-02-13')).toBe('2026-02-23');
      expect(cal.nextWorkingDay('2026-04-24')).toBe('2026-04-28'); // Sun 26 Giỗ Tổ, Mon 27 nghỉ bù
      expect(cal.nextWorkingDay('2026-03-13', SATURDAY_MORNING)).toBe('2026-03-14');
    });
  });

  describe('receiptTime (online dossiers outside office hours)', () => {
    it.each([
      ['inside the morning period', '2026-03-10 08:00', '2026-03-10 08:00'],
      ['at opening', '2026-03-10 07:30', '2026-03-10 07:30'],
      ['before opening', '2026-03-10 06:45', '2026-03-10 07:30'],
      ['in the lunch break', '2026-03-10 12:15', '2026-03-10 13:00'],
      ['at 11:30 sharp', '2026-03-10 11:30', '2026-03-10 13:00'],
      ['at 17:00 sharp', '2026-03-10 17:00', '2026-03-11 07:30'],
      ['on a Saturday night', '2026-03-14 21:00', '2026-03-16 07:30'],
      ['on a Friday evening before Giỗ Tổ and its Monday', '2026-04-24 18:00', '2026-04-28 07:30'],
      ['the evening before the Tết 2026 break', '2026-02-13 20:00', '2026-02-23 07:30'],
    ])('%s', (_case, at, expected) => {
      expect(iso(cal.receiptTime(vn(at)))).toBe(iso(vn(expected)));
    });

    it('keeps Saturday morning for a Saturday-morning office, but not Saturday afternoon', () => {
      expect(iso(cal.receiptTime(vn('2026-03-14 10:00'), SATURDAY_MORNING))).toBe(iso(vn('2026-03-14 10:00')));
      expect(iso(cal.receiptTime(vn('2026-03-14 13:30'), SATURDAY_MORNING))).toBe(iso(vn('2026-03-16 07:30')));
      expect(iso(cal.receiptTime(vn('2026-03-13 18:00'), SATURDAY_MORNING))).toBe(iso(vn('2026-03-14 07:30')));
    });
  });

  describe('dueDate: working days (receipt day not counted)', () => {
    it.each([
      ['3 days within a week', '2026-03-10 09:00', 3, '2026-03-13 17:00'],
      ['3 days across a weekend', '2026-03-12 10:00', 3, '2026-03-17 17:00'],
      ['0 days: end of the receipt day', '2026-03-10 09:00', 0, '2026-03-10 17:00'],
      ['received Saturday night: counted from Monday', '2026-03-14 21:00', 1, '2026-03-17 17:00'],
      ['across the official Tết 2026 break', '2026-02-12 10:00', 3, '2026-02-24 17:00'],
      ['across Giỗ Tổ on Sunday and its Monday', '2026-04-24 09:00', 2, '2026-04-29 17:00'],
      ['across Giỗ Tổ, 30/4 and 1/5', '2026-04-24 09:00', 3, '2026-05-04 17:00'],
    ])('%s', (_case, at, n, expected) => {
      expect(iso(cal.dueDate(vn(at), wd(n)))).toBe(iso(vn(expected)));
    });

    it('ends on Saturday at 11:30 for a Saturday-morning office', () => {
      expect(iso(cal.dueDate(vn('2026-03-12 10:00'), wd(2), SATURDAY_MORNING))).toBe(iso(vn('2026-03-14 11:30')));
    });

    it('skips the Saturdays of the Tết 2026 break even for a Saturday-morning office', () => {
      expect(iso(cal.dueDate(vn('2026-02-12 10:00'), wd(3), SATURDAY_MORNING))).toBe(iso(vn('2026-02-24 17:00')));
      // By the rule alone the break would be Mon–Fri and its Saturdays would count.
      const rulesOnly = new WorkingCalendar([]);
      expect(iso(rulesOnly.dueDate(vn('2026-02-12 10:00'), wd(3), SATURDAY_MORNING))).toBe(iso(vn('2026-02-21 11:30')));
    });
  });

  describe('dueDate: calendar days', () => {
    it('ends at the end of office hours of the N-th day', () => {
      expect(iso(cal.dueDate(vn('2026-03-10 09:00'), days(3)))).toBe(iso(vn('2026-03-13 17:00')));
    });

    it('carries a last day on a weekend to Monday', () => {
      expect(iso(cal.dueDate(vn('2026-03-10 09:00'), days(5)))).toBe(iso(vn('2026-03-16 17:00')));
      expect(iso(cal.dueDate(vn('2026-03-10 09:00'), days(4)))).toBe(iso(vn('2026-03-16 17:00')));
    });

    it('ends on Saturday morning for a Saturday-morning office', () => {
      expect(iso(cal.dueDate(vn('2026-03-10 09:00'), days(4), SATURDAY_MORNING))).toBe(iso(vn('2026-03-14 11:30')));
    });

    it('carries a last day on a compensatory day to the next working day', () => {
      expect(iso(cal.dueDate(vn('2026-04-22 10:00'), days(5)))).toBe(iso(vn('2026-04-28 17:00')));
    });
  });

  describe('dueDate: working hours', () => {
    it.each([
      ['spanning lunch', '2026-03-10 10:00', 4, '2026-03-10 15:30'],
      ['spanning the night', '2026-03-10 15:00', 4, '2026-03-11 09:30'],
      ['spanning a weekend', '2026-03-13 16:00', 2, '2026-03-16 08:30'],
      ['ending exactly at lunch stays at 11:30', '2026-03-10 09:30', 2, '2026-03-10 11:30'],
      ['a full day', '2026-03-10 07:30', 8, '2026-03-10 17:00'],
      ['received over lunch: counted from 13:00', '2026-03-10 12:00', 1, '2026-03-10 14:00'],
    ])('%s', (_case, at, n, expected) => {
      expect(iso(cal.dueDate(vn(at), hours(n)))).toBe(iso(vn(expected)));
    });
  });

  describe('dueDate: same day with the 15:00 cut-off', () => {
    it.each([
      ['14:59: same day', '2026-03-10 14:59', '2026-03-10 17:00'],
      ['15:00: next working day', '2026-03-10 15:00', '2026-03-11 17:00'],
      ['16:30: next working day', '2026-03-10 16:30', '2026-03-11 17:00'],
      ['Friday 15:30: Monday', '2026-03-13 15:30', '2026-03-16 17:00'],
      ['online at 20:00: received next morning, due that day', '2026-03-10 20:00', '2026-03-11 17:00'],
      ['Friday 15:10 before Giỗ Tổ: the Tuesday after', '2026-04-24 15:10', '2026-04-28 17:00'],
    ])('%s', (_case, at, expected) => {
      expect(iso(cal.dueDate(vn(at), SAME_DAY))).toBe(iso(vn(expected)));
    });

    it('uses the office’s own cut-off', () => {
      const early: OfficeProfile = { ...DEFAULT_OFFICE_PROFILE, sameDayCutoff: '14:00' };
      expect(iso(cal.dueDate(vn('2026-03-10 14:30'), SAME_DAY, early))).toBe(iso(vn('2026-03-11 17:00')));
    });
  });

  describe('working minutes', () => {
    it('counts only office time between two instants', () => {
      expect(cal.workingMinutesBetween(vn('2026-03-10 10:00'), vn('2026-03-10 15:30'))).toBe(240);
      expect(cal.workingMinutesBetween(vn('2026-03-13 16:00'), vn('2026-03-16 08:30'))).toBe(120);
      expect(cal.workingMinutesBetween(vn('2026-04-24 07:30'), vn('2026-04-28 17:00'))).toBe(960);
      expect(cal.workingMinutesBetween(vn('2026-03-16 08:30'), vn('2026-03-13 16:00'))).toBe(-120);
    });

    it('keeps seconds', () => {
      const from = new Date('2026-03-10T03:00:30Z'); // 10:00:30
      expect(iso(cal.addWorkingMinutes(from, 30))).toBe('2026-03-10T03:30:30.000Z');
    });

    it('refuses a negative amount', () => {
      expect(() => cal.addWorkingMinutes(vn('2026-03-10 10:00'), -1)).toThrow(DomainValidationError);
    });
  });

  describe('extendForPause (supplement request during processing)', () => {
    it('moves the due date by the working time spent with the citizen, across a weekend', () => {
      // Paused Wed 15:00, resumed Fri 15:00: two working days out, so Fri 17:00 → Tue 17:00.
      const due = vn('2026-03-13 17:00');
      expect(iso(cal.extendForPause(due, vn('2026-03-11 15:00'), vn('2026-03-13 15:00')))).toBe(iso(vn('2026-03-17 17:00')));
    });

    it('does not count public holidays in what remained or in what follows', () => {
      // Left at pause: Fri 24 and Tue 28 (Mon 27 is nghỉ bù) = 960 min. From Wed 29 09:00:
      // 390 that day, 30/4 and 1/5 off, 480 on Mon 4/5, 90 on Tue 5/5 → 09:00.
      const due = vn('2026-04-28 17:00');
      expect(iso(cal.extendForPause(due, vn('2026-04-23 17:00'), vn('2026-04-29 09:00')))).toBe(iso(vn('2026-05-05 09:00')));
    });

    it('restarts a supplement that arrives online at night from the next office opening', () => {
      const due = vn('2026-03-13 17:00');
      expect(iso(cal.extendForPause(due, vn('2026-03-11 15:00'), vn('2026-03-14 22:00')))).toBe(iso(vn('2026-03-18 09:30')));
    });

    it('leaves the due date alone when the pause began after it', () => {
      const due = vn('2026-03-13 17:00');
      expect(iso(cal.extendForPause(due, vn('2026-03-16 09:00'), vn('2026-03-17 09:00')))).toBe(iso(due));
    });

    it('refuses a resumption before the pause', () => {
      expect(() => cal.extendForPause(vn('2026-03-13 17:00'), vn('2026-03-12 09:00'), vn('2026-03-11 09:00'))).toThrow(
        DomainValidationError,
      );
    });
  });

  describe('subtractWorkingMinutes (when to warn before a deadline)', () => {
    it('is one working day before: the previous working day at the same time, across a weekend', () => {
      expect(cal.minutesPerWorkingDay()).toBe(480);
      expect(iso(cal.subtractWorkingMinutes(vn('2026-03-16 17:00'), 480))).toBe(iso(vn('2026-03-13 17:00')));
    });

    it('skips the lunch break and public holidays, and undoes addWorkingMinutes', () => {
      // Tue 5/5 10:00 back 2 h 30: 07:30–10:00 is 150 min exactly → the previous day's close; 30 more → 16:30.
      expect(iso(cal.subtractWorkingMinutes(vn('2026-05-05 10:00'), 150))).toBe(iso(vn('2026-05-04 17:00')));
      expect(iso(cal.subtractWorkingMinutes(vn('2026-05-05 10:00'), 180))).toBe(iso(vn('2026-05-04 16:30')));
      // Across 30/4–1/5 and the weekend: Mon 4/5 08:00 back 60 min → Wed 29/4 16:30.
      expect(iso(cal.subtractWorkingMinutes(vn('2026-05-04 08:00'), 60))).toBe(iso(vn('2026-04-29 16:30')));
      const from = vn('2026-03-11 14:10');
      expect(iso(cal.subtractWorkingMinutes(cal.addWorkingMinutes(from, 1000), 1000))).toBe(iso(from));
    });
  });

  describe('validation', () => {
    it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses legal time value %p', (value) => {
      expect(() => cal.dueDate(vn('2026-03-10 09:00'), { value, unit: 'working_days' })).toThrow(DomainValidationError);
    });

    it('refuses an unknown unit', () => {
      expect(() => cal.dueDate(vn('2026-03-10 09:00'), { value: 1, unit: 'weeks' as never })).toThrow(DomainValidationError);
    });

    it('refuses dates outside 1900–2199', () => {
      expect(() => cal.dueDate(vn('2200-03-10 09:00'), wd(1))).toThrow(DomainValidationError);
      expect(() => cal.receiptTime(vn('1899-12-30 09:00'))).toThrow(DomainValidationError);
    });

    it.each<[string, OfficeProfile]>([
      ['no period', { ...DEFAULT_OFFICE_PROFILE, periods: [] }],
      ['a period ending before it starts', { ...DEFAULT_OFFICE_PROFILE, periods: [{ start: '11:30', end: '07:30' }] }],
      [
        'overlapping periods',
        { ...DEFAULT_OFFICE_PROFILE, periods: [{ start: '07:30', end: '12:00' }, { start: '11:00', end: '17:00' }] },
      ],
      ['a malformed cut-off', { ...DEFAULT_OFFICE_PROFILE, sameDayCutoff: '3pm' }],
    ])('refuses an office profile with %s', (_case, profile) => {
      expect(() => cal.isWorkingDay('2026-03-10', profile)).toThrow(DomainValidationError);
    });
  });
});
