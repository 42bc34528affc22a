/**
 * Units of legal time (thời hạn giải quyết), DOMAIN.md decision 2.
 * - working_days: N working days, receipt day not counted, due at the end of office hours of
 *   the N-th working day after it;
 * - calendar_days: N calendar days ("ngày"), ending at the end of office hours of the last day,
 *   carried to the next working day if that day is not one (Civil Code Art. 148);
 * - working_hours: N hours counted through office periods only;
 * - same_day: due the same working day, or the next working day when received after the
 *   office's cut-off (15:00 by default). `value` is 0.
 */
export type LegalTimeUnit = 'working_days' | 'calendar_days' | 'working_hours' | 'same_day';

export const LEGAL_TIME_UNITS: readonly LegalTimeUnit[] = [
  'working_days',
  'calendar_days',
  'working_hours',
  'same_day',
];

/** Thời hạn giải quyết — a duration in one of the legal units. */
export interface LegalTime {
  readonly value: number;
  readonly unit: LegalTimeUnit;
}

export const LEGAL_TIME_UNIT_LABELS: Readonly<Record<LegalTimeUnit, string>> = {
  working_days: 'ngày làm việc',
  calendar_days: 'ngày',
  working_hours: 'giờ làm việc',
  same_day: 'trong ngày',
};

/** "3 ngày làm việc", "Trong ngày (sau 15 giờ: ngày làm việc tiếp theo)". */
export function describeLegalTime(t: LegalTime): string {
  if (t.unit === 'same_day') return 'Trong ngày (nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo)';
  return `${t.value} ${LEGAL_TIME_UNIT_LABELS[t.unit]}`;
}
