import { toLocalDate } from './vn-time';

/**
 * Kết quả giải quyết trước hạn / đúng hạn / quá hạn — how a step or a dossier finished against its
 * due date (DOMAIN.md decision 6).
 */
export type Timeliness = 'early' | 'on_time' | 'late';

/** The words the control sheet and the reports print. */
export const TIMELINESS_LABELS: Readonly<Record<Timeliness, string>> = {
  early: 'Trước hạn',
  on_time: 'Đúng hạn',
  late: 'Quá hạn',
};

/**
 * Judges by the Vietnam calendar day of the due instant, not by the minute: finished on a day
 * before the due day is early, on the due day on time (even after the due hour), on a later day
 * late. Both instants are read in UTC+7, so 2026-03-10T17:30:00Z already counts as 11 March.
 */
export function judgeTimeliness(completedAt: Date, due: Date): Timeliness {
  const done = toLocalDate(completedAt);
  const dueDay = toLocalDate(due);
  if (done < dueDay) return 'early';
  return done === dueDay ? 'on_time' : 'late';
}
