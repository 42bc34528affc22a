import { judgeTimeliness, TIMELINESS_LABELS } from './early-on-time-late';

describe('judgeTimeliness: by the Vietnam calendar day of the due date', () => {
  // Due Tuesday 10/03/2026 at 17:00 Vietnam time.
  const due = new Date('2026-03-10T10:00:00Z');

  it.each([
    ['Monday 23:59:59 in Vietnam (the 9th in UTC too)', '2026-03-09T16:59:59Z', 'early'],
    ['Tuesday 00:00 in Vietnam, still the 9th in UTC', '2026-03-09T17:00:00Z', 'on_time'],
    ['Tuesday 16:59', '2026-03-10T09:59:00Z', 'on_time'],
    ['Tuesday 20:00, after the due hour but on the due day', '2026-03-10T13:00:00Z', 'on_time'],
    ['Tuesday 23:59 in Vietnam', '2026-03-10T16:59:00Z', 'on_time'],
    ['Wednesday 00:30 in Vietnam, still the 10th in UTC', '2026-03-10T17:30:00Z', 'late'],
  ])('%s', (_case, completedAt, expected) => {
    expect(judgeTimeliness(new Date(completedAt), due)).toBe(expected);
  });

  it('reads the due instant in Vietnam time too', () => {
    // 2026-03-10T17:30Z is already Wednesday 11/03 in Vietnam.
    const dueJustAfterMidnight = new Date('2026-03-10T17:30:00Z');
    expect(judgeTimeliness(new Date('2026-03-10T16:00:00Z'), dueJustAfterMidnight)).toBe('early');
  });

  it('has the Vietnamese labels of the reports', () => {
    expect(TIMELINESS_LABELS).toEqual({ early: 'Trước hạn', on_time: 'Đúng hạn', late: 'Quá hạn' });
  });
});
