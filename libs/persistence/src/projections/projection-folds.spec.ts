import { type DossierFiling, type DossierListRow, foldDossierRow, type ProjectedEvent, rollupDeltas } from './projection-folds';

const D = '00000000-0000-4000-8000-000000000001';
const filing: DossierFiling = {
  code: 'H26.01.01-260302-0001',
  procedureCode: 'cap-giay-xac-nhan-tinh-trang-hon-nhan',
  fieldCode: 'ho-tich',
  stateSecret: false,
  channel: 'desk',
  receivingCommuneCode: '26734',
  receivedAt: new Date('2026-03-02T02:00:00Z'),
  // 2026-03-05 17:00 in Vietnam.
  dueAt: '2026-03-05T10:00:00.000Z',
};
const filings = new Map([[D, filing]]);
let nextId = 0;
const ev = (type: string, occurredAt: string, payload: Record<string, unknown>): ProjectedEvent => ({
  id: String(++nextId),
  communeCode: '26734',
  dossierId: D,
  type,
  payload,
  occurredAt: new Date(occurredAt),
});

const received = ev('DossierReceived', '2026-03-02T02:00:00Z', {
  code: filing.code,
  procedureCode: filing.procedureCode,
  procedureVersion: 1,
  channel: 'post',
  stateSecret: false,
  receivingCommuneCode: '26734',
  dueAt: filing.dueAt,
  state: 'received',
});
const sentToTuPhap = ev('HandoffSent', '2026-03-02T02:00:01Z', { stepKey: 'xu-ly', fromUnit: 'van-phong', toUnit: 'tu-phap', channel: 'electronic' });
const receivedByTuPhap = ev('HandoffReceived', '2026-03-02T02:00:02Z', { stepKey: 'xu-ly', unit: 'tu-phap', channel: 'electronic' });
// 17:30 UTC is already the next day in Vietnam.
const completed = ev('StepCompleted', '2026-03-02T17:30:00Z', { stepKey: 'xu-ly', unit: 'tu-phap', timeliness: 'early', state: 'in_progress' });
const paperToLeader = ev('HandoffSent', '2026-03-02T17:30:00Z', { stepKey: 'ky', fromUnit: 'tu-phap', toUnit: 'lanh-dao', channel: 'paper' });
// An old ResultReady row without timeliness, on the due day after the due hour: on time (decision 6).
const ready = ev('ResultReady', '2026-03-05T12:00:00Z', { state: 'result_ready' });

describe('rollupDeltas', () => {
  it('files each event under its Vietnam day, its unit, the procedure and its field', () => {
    const rows = rollupDeltas([received, sentToTuPhap, receivedByTuPhap, completed, paperToLeader, ready], filings);
    const at = (day: string, unit: string) => rows.find((r) => r.day === day && r.unit === unit)?.counts;
    expect(at('2026-03-02', '')).toEqual({ received_post: 1 });
    expect(at('2026-03-02', 'van-phong')).toEqual({ handoffs_sent_electronic: 1 });
    expect(at('2026-03-02', 'tu-phap')).toEqual({ handoffs_received_electronic: 1 });
    expect(at('2026-03-03', 'tu-phap')).toEqual({ steps_completed: 1, steps_early: 1, handoffs_sent_paper: 1 });
    expect(at('2026-03-05', '')).toEqual({ resolved_on_time: 1 });
    expect(rows.every((r) => r.fieldCode === 'ho-tich' && r.communeCode === '26734' && !r.stateSecret)).toBe(true);
  });

  it("takes the payload's timeliness when it has one", () => {
    const late = { ...ready, id: '99', payload: { state: 'result_ready', timeliness: 'late' } };
    expect(rollupDeltas([late], filings)[0].counts).toEqual({ resolved_late: 1 });
  });

  it('leaves out events of a dossier it has no filing for', () => {
    expect(rollupDeltas([{ ...received, dossierId: 'other' }], filings)).toEqual([]);
  });
});

describe('foldDossierRow', () => {
  const fold = (events: ProjectedEvent[]): DossierListRow | undefined => events.reduce<DossierListRow | undefined>((row, e) => foldDossierRow(row, e, filing), undefined);

  it('follows the state, the units holding the dossier and its resolution', () => {
    const open = fold([received, sentToTuPhap, receivedByTuPhap]);
    expect(open).toMatchObject({ state: 'received', currentUnits: ['tu-phap'], resolvedAt: null, fieldCode: 'ho-tich', channel: 'post' });
    const handedOn = fold([received, sentToTuPhap, receivedByTuPhap, completed, paperToLeader]);
    expect(handedOn).toMatchObject({ state: 'in_progress', currentUnits: ['lanh-dao'], openSteps: { ky: 'lanh-dao' } });
    const done = fold([received, sentToTuPhap, receivedByTuPhap, completed, paperToLeader, ready]);
    expect(done).toMatchObject({ state: 'result_ready', currentUnits: [], resolvedAt: '2026-03-05T12:00:00.000Z', timeliness: 'on_time', overdue: false });
  });

  it('applies an event only once, and nothing before the dossier was received', () => {
    const row = fold([received, sentToTuPhap]);
    expect(foldDossierRow(row, sentToTuPhap, filing)).toBe(row);
    expect(foldDossierRow(undefined, sentToTuPhap, filing)).toBeUndefined();
  });

  it('marks an overdue notice and a late result overdue', () => {
    const overdue = ev('DossierOverdue', '2026-03-06T02:00:00Z', { dueAt: filing.dueAt, originalDueAt: filing.dueAt, escalatedTo: 'lanh-dao' });
    expect(fold([received, overdue])).toMatchObject({ overdue: true, resolvedAt: null });
    const lateReady = ev('ResultReady', '2026-03-07T02:00:00Z', { state: 'result_ready', timeliness: 'late' });
    expect(fold([received, lateReady])).toMatchObject({ overdue: true, timeliness: 'late' });
  });
});
