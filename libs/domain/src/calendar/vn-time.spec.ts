import { DomainValidationError } from '../errors';
import { addDays, dayOfWeek, daysBetween, formatVn, fromLocal, parseLocalTime, toLocalDate, toLocalDateTime } from './vn-time';

describe('Vietnam local time (UTC+7, no daylight saving)', () => {
  it('reads the local date seven hours ahead of UTC', () => {
    expect(toLocalDate(new Date('2026-03-10T16:59:59Z'))).toBe('2026-03-10');
    expect(toLocalDate(new Date('2026-03-10T17:00:00Z'))).toBe('2026-03-11');
    expect(toLocalDate(new Date('2025-12-31T17:30:00Z'))).toBe('2026-01-01');
  });

  it('gives minutes since local midnight, with seconds as a fraction', () => {
    expect(toLocalDateTime(new Date('2026-03-10T01:05:00Z'))).toEqual({ date: '2026-03-10', minutes: 8 * 60 + 5 });
    expect(toLocalDateTime(new Date('2026-03-10T17:00:30Z'))).toEqual({ date: '2026-03-11', minutes: 0.5 });
  });

  it('builds instants from a local date and minutes', () => {
    expect(fromLocal('2026-03-10', 7 * 60 + 30).toISOString()).toBe('2026-03-10T00:30:00.000Z');
    expect(fromLocal('2026-03-11', 0).toISOString()).toBe('2026-03-10T17:00:00.000Z');
    expect(fromLocal('2026-03-10', 24 * 60 + 60).toISOString()).toBe('2026-03-10T18:00:00.000Z');
  });

  it('round-trips an instant with seconds and milliseconds exactly', () => {
    const at = new Date('2026-03-10T03:17:42.123Z');
    const { date, minutes } = toLocalDateTime(at);
    expect(fromLocal(date, minutes).getTime()).toBe(at.getTime());
  });

  it('adds calendar days across month, leap-day and year boundaries', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(daysBetween('2026-02-14', '2026-02-22')).toBe(8);
  });

  it('numbers the days of the week from Sunday', () => {
    expect(dayOfWeek('2026-04-26')).toBe(0); // Sunday: Giỗ Tổ 2026
    expect(dayOfWeek('2026-04-27')).toBe(1);
    expect(dayOfWeek('2026-02-14')).toBe(6); // Saturday: first day of the Tết 2026 break
  });

  it('writes moments the way Vietnamese forms do, in Vietnam time', () => {
    expect(formatVn(new Date('2026-03-10T07:05:59Z'))).toBe('14 giờ 05 phút, ngày 10/03/2026');
    expect(formatVn(new Date('2026-03-10T17:30:00Z'))).toBe('00 giờ 30 phút, ngày 11/03/2026');
  });

  it('refuses malformed dates, times and instants', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(DomainValidationError);
    expect(() => dayOfWeek('2026-2-3')).toThrow(DomainValidationError);
    expect(() => parseLocalTime('7:30')).toThrow(DomainValidationError);
    expect(() => parseLocalTime('24:01')).toThrow(DomainValidationError);
    expect(parseLocalTime('24:00')).toBe(1440);
    expect(() => toLocalDate(new Date('not a date'))).toThrow(DomainValidationError);
  });
});
