import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { toLocalDate } from '@motcua/domain';
import { UnitOfWork } from '@motcua/persistence';
import { eventually } from './support/apps';
import { startTestApi, type TestApi } from './support/api';
import { withWorker } from './support/in-process-worker';
import { completeStep, expectStatus, inInbox, postAs, receive, waitForState } from './support/workflow';

const run = promisify(execFile);

/** The read models the worker's projector keeps, and `rebuild-projections` reproducing them from the log. */
describe('projections: live read models and their rebuild', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  const TABLES = {
    daily_rollups: `SELECT * FROM daily_rollups ORDER BY commune_code, day, unit, procedure_code, field_code, state_secret`,
    dossier_list: `SELECT * FROM dossier_list ORDER BY dossier_id`,
    commune_counters: `SELECT commune_code, in_process, overdue, waiting_supplement FROM commune_counters ORDER BY commune_code`,
  };
  const readModels = async (): Promise<Record<string, unknown[]>> =>
    Object.fromEntries(await Promise.all(Object.entries(TABLES).map(async ([t, q]) => [t, (await api.ds.query(q)) as unknown[]])));

  it('keeps the read models from a realistic run, and a rebuild reproduces them row for row', async () => {
    await withWorker(api, async () => {
      // 1: electronic all the way to the result.
      const electronic = await receive(api);
      await inInbox(api.ds, electronic.id, 'xu-ly');
      await expectStatus(completeStep(api, electronic.id, 'xu-ly'), 200);
      const [sign] = await api.ds.query(`SELECT step_key FROM handoffs WHERE dossier_id = $1 AND to_unit = 'lanh-dao'`, [electronic.id]);
      await inInbox(api.ds, electronic.id, sign.step_key);
      await expectStatus(completeStep(api, electronic.id, sign.step_key), 200);
      await waitForState(api.ds, electronic.id, 'result_ready');
      // 2: received by post, one hop carried on paper.
      const paper = await receive(api, { channel: 'post' });
      await inInbox(api.ds, paper.id, 'xu-ly');
      await expectStatus(completeStep(api, paper.id, 'xu-ly', { handoff: { channel: 'paper', reason: 'originals_needed' } }), 200);
      // 3: paused for a supplement.
      const paused = await receive(api);
      await inInbox(api.ds, paused.id, 'xu-ly');
      await expectStatus(postAs(api, 'tuphap.26734', `/api/dossiers/${paused.id}/steps/xu-ly/supplement-request`, { reason: 'Thiếu giấy tờ', items: [{ name: 'Tờ khai' }] }), 200);
      await waitForState(api.ds, paused.id, 'waiting_supplement');
      // 4: a state secret; 5: just received.
      const secret = await receive(api, { stateSecret: true });
      await inInbox(api.ds, secret.id, 'xu-ly');
      await expectStatus(completeStep(api, secret.id, 'xu-ly'), 200);
      await receive(api);

      // The worker's projector catches up with the whole log.
      await eventually(
        async () => {
          const [row] = await api.ds.query(
            `SELECT bool_and(c.position >= (SELECT max(id) FROM dossier_events)) AS done FROM projection_cursors c WHERE c.name IN ('daily-rollups', 'dossier-list')`,
          );
          return row.done ? true : undefined;
        },
        20_000,
        'projections caught up',
      );
    });

    const live = await readModels();
    expect(live.dossier_list).toHaveLength(5);
    expect(live.commune_counters).toEqual([{ commune_code: '26734', in_process: 4, overdue: 0, waiting_supplement: 1 }]);
    const [sums] = await api.ds.query(
      `SELECT sum(received_desk)::int AS desk, sum(received_post)::int AS post, sum(handoffs_sent_paper)::int AS paper,
              sum(resolved_early + resolved_on_time + resolved_late)::int AS resolved, sum(supplements_requested)::int AS supplements
         FROM daily_rollups WHERE commune_code = '26734'`,
    );
    expect(sums).toMatchObject({ desk: 4, post: 1, resolved: 1, supplements: 1 });
    // The paper hop of dossier 2, and the state secret's hops, which are all on paper.
    expect(sums.paper).toBeGreaterThanOrEqual(2);

    // The dashboard's reads, commune-scoped: the other commune sees nothing of these.
    const reads = new UnitOfWork(api.ds);
    expect(await reads.read('26734').projections.liveCounters()).toEqual({ inProcess: 4, overdue: 0, waitingSupplement: 1 });
    expect(await reads.read('26737').projections.liveCounters()).toEqual({ inProcess: 0, overdue: 0, waitingSupplement: 0 });
    const today = toLocalDate(api.clock.now());
    const rollups = await reads.read('26734').projections.rollups(today, today);
    expect(rollups.reduce((n, r) => n + (r.counts.received_post ?? 0), 0)).toBe(1);
    expect(rollups.find((r) => r.unit === '' && !r.stateSecret)).toMatchObject({ day: today, procedureCode: 'cap-giay-xac-nhan-tinh-trang-hon-nhan', fieldCode: 'ho-tich' });
    expect(await reads.read('26737').projections.rollups(today, today)).toEqual([]);

    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: api.env.DATABASE_URL };
    delete env.NODE_OPTIONS;
    const { stdout } = await run(process.execPath, ['dist/apps/cli/apps/cli/src/main.js', 'rebuild-projections'], { env });
    expect(stdout).toMatch(/daily-rollups: \d+ events replayed/);
    expect(await readModels()).toEqual(live);
  });
});
