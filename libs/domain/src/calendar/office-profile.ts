import { DomainValidationError } from '../errors';
import { parseLocalTime } from './vn-time';

/**
 * Giờ làm việc của bộ phận một cửa — an office's working hours (DOMAIN.md decision 2). Hours are
 * set locally, so they are data per office, not constants.
 */
export interface OfficeProfile {
  /** Office periods of a working day, 'HH:MM' local time, in order and not overlapping. */
  readonly periods: readonly { readonly start: string; readonly end: string }[];
  /**
   * Whether Saturday morning counts toward deadlines. When true, a Saturday that is not a holiday
   * is a working day with only the first period (many one-stops receive on Saturday morning).
   */
  readonly saturdayMorning: boolean;
  /** 'HH:MM'; a same-day dossier received at or after it is due the next working day. */
  readonly sameDayCutoff: string;
}

/** Mon–Fri 07:30–11:30 and 13:00–17:00, Saturday not counted, same-day cut-off 15:00. */
export const DEFAULT_OFFICE_PROFILE: OfficeProfile = Object.freeze({
  periods: Object.freeze([
    Object.freeze({ start: '07:30', end: '11:30' }),
    Object.freeze({ start: '13:00', end: '17:00' }),
  ]),
  saturdayMorning: false,
  sameDayCutoff: '15:00',
});

/** A profile with its times turned into minutes since midnight, checked once. */
export interface CompiledOfficeProfile {
  /** [start, end) in minutes since local midnight, ascending. */
  readonly periods: readonly (readonly [number, number])[];
  readonly saturdayMorning: boolean;
  readonly cutoff: number;
}

const compiled = new WeakMap<OfficeProfile, CompiledOfficeProfile>();

function invalid(message: string, details: Record<string, unknown> = {}): DomainValidationError {
  return new DomainValidationError('OFFICE_PROFILE', message, 'officeProfile', details);
}

/**
 * Parses and checks a profile (cached per profile object). Throws when it has no period, a period
 * that ends before it starts, or periods out of order or overlapping — any of those would make
 * working-time arithmetic loop or count hours twice.
 */
export function compileOfficeProfile(profile: OfficeProfile): CompiledOfficeProfile {
  const hit = compiled.get(profile);
  if (hit) return hit;
  if (!profile || !Array.isArray(profile.periods) || profile.periods.length === 0) {
    throw invalid('Hồ sơ giờ làm việc phải có ít nhất một buổi làm việc.');
  }
  const periods: [number, number][] = [];
  for (const p of profile.periods) {
    const start = parseLocalTime(p.start, 'officeProfile.periods.start');
    const end = parseLocalTime(p.end, 'officeProfile.periods.end');
    if (end <= start) throw invalid(`Buổi làm việc ${p.start}–${p.end} kết thúc trước khi bắt đầu.`, { period: p });
    const prev = periods[periods.length - 1];
    if (prev && start < prev[1]) {
      throw invalid('Các buổi làm việc phải theo thứ tự và không chồng lấn nhau.', { period: p });
    }
    periods.push([start, end]);
  }
  const result: CompiledOfficeProfile = {
    // Frozen: officePeriods hands these arrays to callers.
    periods: Object.freeze(periods.map((p) => Object.freeze(p))),
    saturdayMorning: profile.saturdayMorning === true,
    cutoff: parseLocalTime(profile.sameDayCutoff, 'officeProfile.sameDayCutoff'),
  };
  compiled.set(profile, result);
  return result;
}
