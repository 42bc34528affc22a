import { DomainValidationError } from '../errors';

/**
 * Vietnam local time (giờ Việt Nam, UTC+7). Vietnam has kept UTC+7 without daylight saving since
 * 1975, so a fixed offset is exact for every date the engine handles and no time-zone database is
 * needed. Instants are JS `Date`s; local dates are 'YYYY-MM-DD' strings; local times 'HH:MM'.
 */
export const VN_UTC_OFFSET_MINUTES = 7 * 60;

const OFFSET_MS = VN_UTC_OFFSET_MINUTES * 60_000;
const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})$/;

/** A local date and the minutes elapsed since its local midnight. */
export interface LocalDateTime {
  readonly date: string;
  /** Minutes since local midnight; carries a fraction when the instant has seconds. */
  readonly minutes: number;
}

function checkInstant(at: Date, field: string): number {
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new DomainValidationError('INSTANT', 'Thời điểm không hợp lệ.', field);
  return ms;
}

/** UTC midnight of a local date, used as a day number carrier (ms). Throws on a malformed date. */
export function parseLocalDate(date: string, field = 'date'): number {
  const m = DATE_RE.exec(date);
  if (m) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    // Round-trip so that 2026-02-30 is refused instead of silently becoming 2026-03-02.
    if (new Date(ms).toISOString().slice(0, 10) === date) return ms;
  }
  throw new DomainValidationError('DATE', `Ngày không hợp lệ: ${date} (định dạng YYYY-MM-DD).`, field);
}

/** 'HH:MM' → minutes since midnight (00:00–24:00). */
export function parseLocalTime(time: string, field = 'time'): number {
  const m = TIME_RE.exec(time);
  if (m) {
    const h = Number(m[1]);
    const min = Number(m[2]);
    if (min < 60 && (h < 24 || (h === 24 && min === 0))) return h * 60 + min;
  }
  throw new DomainValidationError('TIME', `Giờ không hợp lệ: ${time} (định dạng HH:MM).`, field);
}

function formatUtcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The Vietnam calendar date of an instant. */
export function toLocalDate(at: Date): string {
  return formatUtcDate(checkInstant(at, 'at') + OFFSET_MS);
}

/** The Vietnam calendar date of an instant and the minutes since that date's midnight. */
export function toLocalDateTime(at: Date): LocalDateTime {
  const shifted = checkInstant(at, 'at') + OFFSET_MS;
  const midnight = Math.floor(shifted / DAY_MS) * DAY_MS;
  return { date: formatUtcDate(midnight), minutes: (shifted - midnight) / 60_000 };
}

/** The instant at `minutes` after local midnight of `date` (minutes may pass 1440). */
export function fromLocal(date: string, minutes: number): Date {
  // Rounded to the millisecond so that fractional minutes from toLocalDateTime round-trip exactly.
  return new Date(Math.round(parseLocalDate(date) + minutes * 60_000 - OFFSET_MS));
}

/** `date` moved by `n` calendar days (n may be negative). */
export function addDays(date: string, n: number): string {
  return formatUtcDate(parseLocalDate(date) + n * DAY_MS);
}

/** Day of the week of a local date: 0 = Sunday (Chủ nhật) … 6 = Saturday (thứ Bảy). */
export function dayOfWeek(date: string): number {
  return new Date(parseLocalDate(date)).getUTCDay();
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((parseLocalDate(to, 'to') - parseLocalDate(from, 'from')) / DAY_MS);
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * The way Vietnamese forms write a moment, e.g. on the receipt slip (Mẫu 01):
 * '14 giờ 05 phút, ngày 10/03/2026'. Seconds are dropped, not rounded, as a clock shows them.
 */
export function formatVn(at: Date): string {
  const { date, minutes } = toLocalDateTime(at);
  const whole = Math.floor(minutes);
  const [y, mo, d] = date.split('-');
  return `${pad2(Math.floor(whole / 60))} giờ ${pad2(whole % 60)} phút, ngày ${d}/${mo}/${y}`;
}
