import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { IntegrityRepository } from '@motcua/persistence';
import { startTestApi, type TestApi } from './support/api';
import { withWorker } from './support/in-process-worker';
import { inInbox, receive } from './support/workflow';

const run = promisify(execFile);

/** The operator's integrity commands: the event-log hash chain, and no dossier lost. */
describe('integrity checks', () => {
  let api: TestApi;
  const dossiers: { id: string; code: string }[] = [];

  beforeAll(async () => {
    api = await startTestApi();
    for (let i = 0; i < 3; i++) dossiers.push(await receive(api));
  });
  afterAll(() => api.close());

  /** The CLI as an operator runs it, against this test's database. */
  async function cli(command: string): Promise<{ code: number; out: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: api.env.DATABASE_URL };
    delete env.NODE_OPTIONS;
    try {
      const { stdout } = await run(process.execPath, ['dist/apps/cli/apps/cli/src/main.js', command], { env });
      return { code: 0, out: stdout };
    } catch (e) {
      const err = e as { code: number; stdout: string };
      return { code: err.code, out: err.stdout };
    }
  }

  it('finds every chain intact, then names the first tampered event', async () => {
    const clean = await cli('verify-chain');
    expect(clean.code).toBe(0);
    expect(clean.out).toContain('3 dossier chains checked, 0 broken');

    const victim = dossiers[1];
    // The table refuses updates; an attacker with superuser rights disables the trigger first.
    await api.ds.query(`ALTER TABLE dossier_events DISABLE TRIGGER dossier_events_no_update`);
    await api.ds.query(`UPDATE dossier_events SET payload = jsonb_set(payload, '{channel}', '"post"') WHERE dossier_id = $1 AND seq = 1`, [victim.id]);
    await api.ds.query(`ALTER TABLE dossier_events ENABLE TRIGGER dossier_events_no_update`);

    const tampered = await cli('verify-chain');
    expect(tampered.code).toBe(1);
    expect(tampered.out).toContain(`BROKEN ${victim.code} (dossier ${victim.id}): first bad event seq 1, hash_mismatch`);
    expect(tampered.out).toContain('3 dossier chains checked, 1 broken');
  });

  it('refuses to update or delete an event while the trigger stands', async () => {
    await expect(api.ds.query(`DELETE FROM dossier_events WHERE dossier_id = $1`, [dossiers[0].id])).rejects.toThrow(/append-only/);
  });

  it('finds a dossier in progress that nothing will move on', async () => {
    expect(await new IntegrityRepository(api.ds.manager).strandedDossiers()).toEqual([]);
    const victim = dossiers[2];
    // The unit's consumer receives the hand-off (the step is in the inbox); then the step is lost.
    await withWorker(api, () => inInbox(api.ds, victim.id, 'xu-ly'));
    const check = await cli('check-invariants');
    expect(check.code).toBe(0);
    await api.ds.query(`DELETE FROM work_items WHERE dossier_id = $1`, [victim.id]);
    const lost = await cli('check-invariants');
    expect(lost.code).toBe(1);
    expect(lost.out).toContain(`LOST ${victim.code} in_progress_without_pending_work`);
  });
});
