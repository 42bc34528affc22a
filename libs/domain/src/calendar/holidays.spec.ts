import { DomainValidationError } from '../errors';
import { type CalendarOverride, DEFAULT_CALENDAR_OVERRIDES } from './holidays';
import { WorkingCalendar } from './working-calendar';

const brief = (cal: WorkingCalendar, year: number): string[] =>
  cal.holidays(year).map((h) => `${h.date} ${h.key} ${h.kind}`);

/** Shaped like the 2025 civil-servant Tết schedule: 9 days off and a make-up Saturday. */
const TET_2025_WITH_MAKE_UP: CalendarOverride = {
  year: 2025,
  replaces: ['tet'],
  daysOff: [{ from: '2025-01-25', to: '2025-02-02', key: 'tet', name: 'Tết Nguyên đán' }],
  workingDays: [{ date: '2025-02-08', note: 'Làm bù cho thứ Hai 27/01/2025' }],
  source: 'test fixture',
};

describe('holidays: the 2026 calendar with the shipped official Tết schedule', () => {
  const cal = new WorkingCalendar();

  it('lists every day off of 2026 in date order', () => {
    expect(brief(cal, 2026)).toEqual([
      '2026-01-01 new-year holiday',
      ...['14', '15', '16', '17', '18', '19', '20', '21', '22'].map((d) => `2026-02-${d} tet official`),
      '2026-04-26 hung-kings holiday', // a Sunday…
      '2026-04-27 hung-kings compensatory', // …so Monday is off
      '2026-04-30 victory-day holiday',
      '2026-05-01 labour-day holiday',
      '2026-09-01 national-day holiday',
      '2026-09-02 national-day holiday',
    ]);
  });

  it('names days in Vietnamese', () => {
    const byDate = new Map(cal.holidays(2026).map((h) => [h.date, h.name]));
    expect(byDate.get('2026-02-17')).toBe('Tết Nguyên đán');
    expect(byDate.get('2026-04-26')).toBe('Giỗ Tổ Hùng Vương');
    expect(byDate.get('2026-04-27')).toBe('Nghỉ bù Giỗ Tổ Hùng Vương');
    expect(byDate.get('2026-09-02')).toBe('Quốc khánh');
  });

  it('ships the 2026 schedule as data that replaces the Tết rule', () => {
    expect(DEFAULT_CALENDAR_OVERRIDES).toEqual([
      expect.objectContaining({ year: 2026, replaces: ['tet'], daysOff: [expect.objectContaining({ from: '2026-02-14', to: '2026-02-22' })] }),
    ]);
  });

  it('answers isHoliday from the same list', () => {
    expect(cal.isHoliday('2026-02-14')).toBe(true);
    expect(cal.isHoliday('2026-02-22')).toBe(true);
    expect(cal.isHoliday('2026-02-23')).toBe(false);
    expect(cal.isHoliday('2026-04-27')).toBe(true);
    expect(cal.isHoliday('2026-04-28')).toBe(false);
  });

  it('returns a copy, so callers cannot corrupt the cache', () => {
    const list = cal.holidays(2026);
    list.length = 0;
    expect(cal.holidays(2026)).toHaveLength(16);
  });
});

describe('holidays: Labour Code rules where no official schedule exists', () => {
  const rulesOnly = new WorkingCalendar([]);

  it('makes Tết the last day of the old lunar year and the first four of the new (2026 by rule)', () => {
    expect(brief(rulesOnly, 2026).filter((s) => s.includes('tet'))).toEqual(
      ['16', '17', '18', '19', '20'].map((d) => `2026-02-${d} tet holiday`),
    );
    expect(rulesOnly.isHoliday('2026-02-14')).toBe(false);
  });

  it('gives a Saturday Tết day its compensatory Monday (2025 by rule)', () => {
    expect(brief(rulesOnly, 2025).filter((s) => s.includes('tet'))).toEqual([
      ...['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01'].map((d) => `${d} tet holiday`),
      '2025-02-03 tet compensatory',
    ]);
  });

  it('stacks compensation when Tết covers a whole weekend (2027: Sat and Sun → Wed and Thu)', () => {
    expect(brief(rulesOnly, 2027).filter((s) => s.includes('tet'))).toEqual([
      ...['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09'].map((d) => `${d} tet holiday`),
      '2027-02-10 tet compensatory',
      '2027-02-11 tet compensatory',
    ]);
  });

  it('stacks 30/4 on Saturday and 1/5 on Sunday onto Monday and Tuesday (2022)', () => {
    expect(brief(rulesOnly, 2022).filter((s) => /-0[45]-/.test(s))).toEqual([
      '2022-04-10 hung-kings holiday',
      '2022-04-11 hung-kings compensatory',
      '2022-04-30 victory-day holiday',
      '2022-05-01 labour-day holiday',
      '2022-05-02 victory-day compensatory',
      '2022-05-03 labour-day compensatory',
    ]);
  });

  it('compensates a Saturday National Day on Monday, after Friday’s own holiday (2028)', () => {
    expect(brief(rulesOnly, 2028).filter((s) => s.includes('national-day'))).toEqual([
      '2028-09-01 national-day holiday',
      '2028-09-02 national-day holiday',
      '2028-09-04 national-day compensatory',
    ]);
  });

  it('gives Hùng Kings 2033 (a Saturday) its Monday', () => {
    expect(brief(rulesOnly, 2033).filter((s) => s.includes('hung-kings'))).toEqual([
      '2033-04-09 hung-kings holiday',
      '2033-04-11 hung-kings compensatory',
    ]);
  });
});

describe('holidays: official schedules as overrides', () => {
  it('replaces the rule days and their compensation, and adds a make-up Saturday', () => {
    const cal = new WorkingCalendar([TET_2025_WITH_MAKE_UP]);
    const tet = cal.holidays(2025).filter((h) => h.key === 'tet');
    expect(tet.map((h) => h.date)).toEqual([
      '2025-01-25', '2025-01-26', '2025-01-27', '2025-01-28', '2025-01-29',
      '2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02',
    ]);
    expect(tet.every((h) => h.kind === 'official')).toBe(true);
    // The rule's compensatory Monday 03/02 is gone with the rule days it compensated.
    expect(cal.isWorkingDay('2025-02-03')).toBe(true);
    expect(cal.isWorkingDay('2025-02-08')).toBe(true);
    expect(cal.makeUpWorkingDay('2025-02-08')).toBe('Làm bù cho thứ Hai 27/01/2025');
    expect(cal.isWorkingDay('2025-02-15')).toBe(false); // an ordinary Saturday stays off
  });

  it('applies only to its own year', () => {
    const cal = new WorkingCalendar([TET_2025_WITH_MAKE_UP]);
    expect(cal.holidays(2026).filter((h) => h.key === 'tet').map((h) => h.kind)).toEqual(Array(5).fill('holiday'));
  });

  it('lets a schedule cross New Year and files each day under its own year', () => {
    const cal = new WorkingCalendar([
      {
        year: 2027,
        replaces: ['new-year'],
        daysOff: [{ from: '2026-12-31', to: '2027-01-03', key: 'new-year', name: 'Tết Dương lịch' }],
        workingDays: [],
        source: 'test fixture',
      },
    ]);
    expect(brief(cal, 2026).slice(-1)).toEqual(['2026-12-31 new-year official']);
    expect(brief(cal, 2027).slice(0, 3)).toEqual([
      '2027-01-01 new-year official',
      '2027-01-02 new-year official',
      '2027-01-03 new-year official',
    ]);
    expect(cal.isWorkingDay('2026-12-31')).toBe(false);
  });

  it('refuses malformed overrides when the calendar is built', () => {
    const base = TET_2025_WITH_MAKE_UP;
    const bad: CalendarOverride[] = [
      { ...base, year: 1800 },
      { ...base, daysOff: [{ from: '2025-02-02', to: '2025-01-25', key: 'tet', name: 'x' }] },
      { ...base, daysOff: [{ from: '2025-01-25', to: '2026-01-25', key: 'tet', name: 'x' }] },
      { ...base, daysOff: [{ from: '2025-02-30', to: '2025-03-01', key: 'tet', name: 'x' }] },
      { ...base, replaces: ['christmas' as never] },
      { ...base, workingDays: [{ date: '08/02/2025', note: 'x' }] },
    ];
    for (const o of bad) expect(() => new WorkingCalendar([o])).toThrow(DomainValidationError);
  });

  it('refuses years outside 1900–2199', () => {
    const cal = new WorkingCalendar();
    expect(() => cal.holidays(1899)).toThrow(DomainValidationError);
    expect(() => cal.holidays(2200)).toThrow(DomainValidationError);
    expect(() => cal.holidays(2026.5)).toThrow(DomainValidationError);
    expect(() => cal.isWorkingDay('2200-01-02')).toThrow(DomainValidationError);
    expect(cal.holidays(1900).length).toBeGreaterThan(0);
  });
});
