/// <reference path="./amlich.d.ts" />
import { convertLunar2Solar, convertSolar2Lunar } from 'amlich';
import { DomainValidationError } from '../errors';
import { addDays, parseLocalDate } from './vn-time';

/**
 * The Vietnamese lunar calendar, reckoned for UTC+7 (DOMAIN.md decision 3). Vietnam's and China's
 * lunar dates differ when a new moon falls between 23:00 and 24:00 Vietnam time (e.g. Tết 2030 is
 * 2 February in Vietnam, 3 February in China), so the time zone passed to the algorithm is always
 * 7, never 8.
 */
const VN_TIME_ZONE = 7;

/** First and last years the calendar answers for; the lunar algorithm is only validated there. */
export const MIN_CALENDAR_YEAR = 1900;
export const MAX_CALENDAR_YEAR = 2199;

/** Ngày âm lịch — a date of the Vietnamese lunar calendar. */
export interface LunarDate {
  readonly day: number;
  readonly month: number;
  /** The lunar year, which starts at Tết: 20 January 2026 is still in lunar year 2025. */
  readonly year: number;
  /** True inside a leap (nhuận) month, which repeats the number of the month before it. */
  readonly leap: boolean;
}

/** Throws unless `year` is an integer in 1900–2199. */
export function assertSupportedYear(year: number, field = 'year'): void {
  if (!Number.isInteger(year) || year < MIN_CALENDAR_YEAR || year > MAX_CALENDAR_YEAR) {
    throw new DomainValidationError(
      'CALENDAR_YEAR',
      `Lịch chỉ hỗ trợ các năm từ ${MIN_CALENDAR_YEAR} đến ${MAX_CALENDAR_YEAR}.`,
      field,
      { year },
    );
  }
}

/** The lunar date of a solar (Gregorian) date, as observed in Vietnam. */
export function solarToLunar(date: string): LunarDate {
  const ms = parseLocalDate(date);
  const d = new Date(ms);
  assertSupportedYear(d.getUTCFullYear(), 'date');
  const [day, month, year, leap] = convertSolar2Lunar(d.getUTCDate(), d.getUTCMonth() + 1, d.getUTCFullYear(), VN_TIME_ZONE);
  return { day, month, year, leap: leap === 1 };
}

/**
 * The solar date of a lunar date. Throws when the lunar date does not exist: a leap month the
 * year does not have, or day 30 of a 29-day month (the algorithm would silently roll those over).
 */
export function lunarToSolar(day: number, month: number, year: number, leap = false): string {
  assertSupportedYear(year);
  const invalid = (): DomainValidationError =>
    new DomainValidationError('LUNAR_DATE', 'Ngày âm lịch không tồn tại.', 'lunarDate', { day, month, year, leap });
  if (!Number.isInteger(day) || day < 1 || day > 30 || !Number.isInteger(month) || month < 1 || month > 12) {
    throw invalid();
  }
  const [dd, mm, yyyy] = convertLunar2Solar(day, month, year, leap ? 1 : 0, VN_TIME_ZONE);
  if (dd === 0) throw invalid();
  const solar = `${String(yyyy).padStart(4, '0')}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
  // Converting back catches what the algorithm lets through: a leap flag in a year without a
  // leap month, and day 30 of a short month.
  const back = solarToLunar(solar);
  if (back.day !== day || back.month !== month || back.year !== year || back.leap !== leap) throw invalid();
  return solar;
}

/** Tết Nguyên đán: the first day of the first lunar month of lunar year `year`. */
export function lunarNewYear(year: number): string {
  return lunarToSolar(1, 1, year);
}

/** Giao thừa day: the last day of the lunar year before `year`'s Tết (the 29th or 30th). */
export function lunarNewYearsEve(year: number): string {
  return addDays(lunarNewYear(year), -1);
}

/**
 * Giỗ Tổ Hùng Vương: the 10th day of the 3rd lunar month of lunar year `year`. When that year
 * has a leap 3rd month (2031), the commemoration is in the regular month, which comes first.
 */
export function hungKingsDay(year: number): string {
  return lunarToSolar(10, 3, year, false);
}
