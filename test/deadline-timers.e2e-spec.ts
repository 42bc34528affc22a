import { CommandBus } from '@nestjs/cqrs';
import { UnitOfWork } from '@motcua/persistence';
import { DeadlineSweeper, TIMER_MAX_ATTEMPTS } from '../apps/worker/src/deadlines/deadline-sweeper';
import { startTestApi, type TestApi } from './support/api';
import { receive } from './support/workflow';

/**
 * Deadline reminders come from an indexed timer table (issue 10): the command that sets a date
 * writes its reminders with its events, and one claim statement per poll fires the due ones,
 * once however many workers poll.
 */
describe('deadline timers', () => {
  let api: TestApi;
  let sweepers: DeadlineSweeper[];

  beforeAll(async () => {
    api = await startTestApi('2026-03-02T02:15:00Z'); // Monday 09:15 in Vietnam
    const uow = new UnitOfWork(api.ds);
    const commands = api.app.get(CommandBus);
    sweepers = [0, 1, 2].map(() => new DeadlineSweeper(uow, commands, api.clock, 60_000, 1_000));
  });
  afterAll(() => api?.close());

  const timers = (dossierId: string) =>
    api.ds.query(`SELECT kind, fire_at, fired_at IS NOT NULL AS fired, outcome, attempts FROM deadline_timers WHERE dossier_id = $1 ORDER BY fire_at`, [dossierId]);
  /** Every sweeper polls at once; the outcomes of all of them, added up. */
  async function fireAll(): Promise<Record<string, number>> {
    const results = await Promise.all(sweepers.map((s) => s.fireDueTimers()));
    const sum: Record<string, number> = {};
    for (const r of results) for (const [k, n] of Object.entries(r)) sum[k] = (sum[k] ?? 0) + (n ?? 0);
    return sum;
  }

  it('writes the reminders with the intake and fires each once, at its time, however many workers poll', async () => {
    api.clock.set('2026-03-02T02:15:00Z');
    const d = await receive(api);
    expect(await timers(d.id)).toEqual([
      { kind: 'dossier-due-soon', fire_at: new Date('2026-03-04T17:00:00+07:00'), fired: false, outcome: null, attempts: 0 },
      { kind: 'dossier-due', fire_at: new Date('2026-03-05T17:00:00+07:00'), fired: false, outcome: null, attempts: 0 },
    ]);
    const [{ n: delayed }] = await api.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE queue = 'deadlines'`);
    expect(delayed).toBe(0);

    // Not yet due: nothing fires.
    api.clock.set('2026-03-04T09:59:00Z');
    expect(await fireAll()).toEqual({});

    api.clock.set('2026-03-04T10:00:30Z'); // 17:00:30 in Vietnam, the day before the appointment
    expect(await fireAll()).toEqual({ warned: 1 });
    const notes = await api.ds.query(`SELECT audience, kind FROM notifications WHERE dossier_id = $1`, [d.id]);
    expect(notes).toEqual([{ audience: 'van-phong', kind: 'dossier-due-soon' }]);
    expect((await timers(d.id)).map((t: { fired: boolean; outcome: string }) => [t.fired, t.outcome])).toEqual([
      [true, 'warned'],
      [false, null],
    ]);

    api.clock.set('2026-03-05T10:01:00Z'); // past the appointment
    expect(await fireAll()).toEqual({ overdue: 1 });
    const [{ n: overdue }] = await api.ds.query(`SELECT count(*)::int AS n FROM dossier_events WHERE dossier_id = $1 AND type = 'DossierOverdue'`, [d.id]);
    expect(overdue).toBe(1);
    expect(await fireAll()).toEqual({});
  });

  it('retries a timer whose check fails after its claim runs out, then marks it failed', async () => {
    api.clock.set('2026-03-09T02:15:00Z');
    const d = await receive(api);
    // A timer the check refuses every time: it names the dossier under another commune.
    await api.ds.query(
      `INSERT INTO deadline_timers (commune_code, dossier_id, kind, due_at, fire_at) VALUES ('26737', $1, 'dossier-due', now(), '2026-03-09T02:00:00Z')`,
      [d.id],
    );
    const row = () => api.ds.query(`SELECT attempts, fired_at IS NOT NULL AS fired, outcome FROM deadline_timers WHERE dossier_id = $1 AND commune_code = '26737'`, [d.id]);
    expect(await fireAll()).toEqual({});
    expect(await row()).toEqual([{ attempts: 1, fired: false, outcome: null }]);
    // Claimed: the other pollers keep off it until the claim runs out.
    expect(await fireAll()).toEqual({});
    expect(await row()).toEqual([{ attempts: 1, fired: false, outcome: null }]);
    for (let i = 2; i <= TIMER_MAX_ATTEMPTS; i++) {
      await api.ds.query(`UPDATE deadline_timers SET claimed_until = now() - interval '1 second' WHERE commune_code = '26737'`);
      await fireAll();
    }
    expect(await row()).toEqual([{ attempts: TIMER_MAX_ATTEMPTS, fired: true, outcome: 'failed' }]);
  });

  it('moves the reminders with the due date: the timer of the old date finds it moved and does nothing', async () => {
    api.clock.set('2026-03-16T02:15:00Z');
    await fireAll(); // the earlier tests' dossiers' reminders
    const d = await receive(api);
    await api.ds.query(`UPDATE dossiers SET due_at = due_at + interval '7 days' WHERE id = $1`, [d.id]);
    api.clock.set('2026-03-20T10:30:00Z');
    expect(await fireAll()).toEqual({ moved: 2 });
    const [{ n }] = await api.ds.query(`SELECT count(*)::int AS n FROM notifications WHERE dossier_id = $1`, [d.id]);
    expect(n).toBe(0);
  });
});
