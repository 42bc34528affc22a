import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { MIGRATIONS, UnitOfWork } from '@motcua/persistence';
import { PORTAL_EVENT_TYPES, ReferenceCache } from '@motcua/workflow';
import type { PortalCall } from '../apps/portal-stub/src/portal-state';
import { PortalClient } from '../apps/worker/src/portal/portal-client';
import { PortalSyncer, type PortalSyncerOptions } from '../apps/worker/src/portal/portal-syncer';
import { startTestApi, type TestApi } from './support/api';
import { eventually, startPortalStub, startWorker } from './support/apps';
import { testEnv } from './support/env';
import { completeStep, expectStatus, getAs, inInbox, postAs, receive, waitForState } from './support/workflow';

/**
 * The portal syncer behind each dossier's cursor, against the real portal stub over HTTP: the
 * commands only mark their dossier (the portal hears nothing from a command, and no outbox row
 * is written for it); syncers started here (several at once where it matters) claim the due
 * dossiers, coalesce each dossier's events into one round, batch dossiers into one call, keep
 * each dossier's order, and ride out a portal that fails for a while. The worker of this file
 * runs the unit consumers only (PORTAL_SYNC=false), so the tests decide when syncers run.
 */
describe('portal sync: coalesced, batched, ordered, durable', () => {
  let api: TestApi;
  let stub: { app: INestApplication; url: string };
  let worker: INestApplicationContext | undefined;
  const running: PortalSyncer[] = [];

  const syncer = (o: Partial<PortalSyncerOptions> = {}): PortalSyncer => {
    const client = new PortalClient({ baseUrl: `${stub.url}/dvcqg`, username: 'motcua', password: 'motcua-demo', unitCode: '000.00.00.H26', timeoutMs: 5000 });
    const s = new PortalSyncer(new UnitOfWork(api.ds), new ReferenceCache(), client, {
      batchSize: 100,
      pollMs: 20,
      leaseMs: 60_000,
      callTimeoutMs: 5000,
      backoffMs: 50,
      maxBackoffMs: 400,
      ...o,
    });
    running.push(s);
    return s;
  };
  const stopSyncers = async () => {
    await Promise.all(running.map((s) => s.stop()));
    running.length = 0;
  };
  const fault = (plan: Record<string, unknown>) =>
    fetch(`${stub.url}/stub/fault`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(plan) });

  const allCalls = async (): Promise<PortalCall[]> => (await fetch(`${stub.url}/stub/portal/calls`)).json() as Promise<PortalCall[]>;
  const callsFor = async (code: string): Promise<PortalCall[]> => (await fetch(`${stub.url}/stub/portal/calls?dossier=${code}`)).json() as Promise<PortalCall[]>;
  const row = async (dossierId: string) =>
    (
      await api.ds.query(
        `SELECT wanted_seq, synced_seq, header_synced, attempts, last_error, failing_since, next_attempt_at, updated_at FROM portal_sync WHERE dossier_id = $1`,
        [dossierId],
      )
    )[0] as { wanted_seq: number; synced_seq: number; header_synced: boolean; attempts: number; last_error: string | null; failing_since: Date | null; next_attempt_at: Date; updated_at: Date } | undefined;
  const synced = async (dossierId: string) => {
    const r = await row(dossierId);
    return r && r.synced_seq >= r.wanted_seq ? r : undefined;
  };
  /** The dossier's events the portal is to hear of, each with its portal status. */
  const portalEvents = async (dossierId: string): Promise<{ seq: number; status: string }[]> =>
    (
      await api.ds.query(`SELECT seq, payload->>'portalStatus' AS status FROM dossier_events WHERE dossier_id = $1 AND type = ANY($2) ORDER BY seq`, [
        dossierId,
        PORTAL_EVENT_TYPES,
      ])
    ).map((e: { seq: number; status: string }) => ({ seq: e.seq, status: e.status }));

  /**
   * What the portal took of one dossier, checked against its log: every portal event arrived as
   * one progress row, once, in seq order, with its status; and each header went with the rows of
   * its round, carrying the status of the last of them (never an older one).
   */
  async function expectOrdered(d: { id: string; code: string }): Promise<void> {
    const events = await portalEvents(d.id);
    const taken = (await callsFor(d.code)).filter((c) => c.fault === 'none' && c.errorCode === '00');
    const rows: { id: string; status: string }[] = [];
    let header: string | undefined;
    for (const c of taken) {
      const mine = c.dossierCodes.flatMap((code, i) => (code === d.code ? [i] : []));
      if (c.service === 'DongBoHoSoMC') {
        header = c.statuses[mine[0]];
        continue;
      }
      const round = mine.map((i) => ({ id: c.progressIds[i], status: c.statuses[i] }));
      if (round.length === 0) continue;
      const last = round[round.length - 1].status;
      // A desk intake forwards in its own transaction: the header says 4 already beside the receipt row's 2.
      expect(header).toBe(last === '2' ? '4' : last);
      rows.push(...round);
    }
    expect(rows).toEqual(events.map((e) => ({ id: `${d.id}:${e.seq}`, status: e.status })));
  }

  /** Takes a dossier through `cycles` supplement rounds (status 5, then 4 again) and on to result ready (9). */
  async function lifecycle(d: { id: string; code: string }, cycles: number): Promise<void> {
    await inInbox(api.ds, d.id, 'xu-ly');
    for (let i = 0; i < cycles; i++) {
      await expectStatus(postAs(api, 'tuphap.26734', `/api/dossiers/${d.id}/steps/xu-ly/supplement-request`, { reason: `Thiếu lần ${i + 1}`, items: [{ name: 'Tờ khai' }] }), 200);
      await expectStatus(postAs(api, 'motcua.26734', `/api/dossiers/${d.id}/supplement`, { via: 'desk' }), 200);
    }
    await expectStatus(completeStep(api, d.id, 'xu-ly'), 200);
    const sign = await eventually(async () => (await api.ds.query(`SELECT step_key FROM handoffs WHERE dossier_id = $1 AND to_unit = 'lanh-dao'`, [d.id]))[0], 10_000, 'the hand-off to the leader');
    await inInbox(api.ds, d.id, sign.step_key);
    await expectStatus(completeStep(api, d.id, sign.step_key), 200);
    await waitForState(api.ds, d.id, 'result_ready');
  }

  beforeAll(async () => {
    api = await startTestApi('2026-03-02T02:00:00Z');
    stub = await startPortalStub();
    worker = await startWorker(testEnv(api.dbName, api.env.QUEUE_PREFIX, { PORTAL_URL: `${stub.url}/dvcqg`, STUBS_URL: stub.url, PORTAL_SYNC: 'false' }), api.clock);
  });
  afterEach(() => stopSyncers());
  afterAll(async () => {
    await stopSyncers();
    await worker?.close();
    await stub?.app.close();
    await api?.close();
  });

  it('does no portal work in the hand-off path, and coalesces a dossier\'s whole life into one header and one progress call', async () => {
    const d = await receive(api);
    await lifecycle(d, 5);
    // Nothing reached the portal while no syncer ran, and no command wrote a portal message.
    expect(await callsFor(d.code)).toEqual([]);
    expect(await api.ds.query(`SELECT 1 FROM outbox WHERE job_name = 'portal-sync' OR queue = 'portal-sync'`)).toEqual([]);
    const events = await portalEvents(d.id);
    expect(events.length).toBe(14); // receipt, 5 × (supplement asked, supplied), 2 steps done, result ready
    expect(await row(d.id)).toMatchObject({ wanted_seq: events[events.length - 1].seq, synced_seq: 0, header_synced: false, attempts: 0 });

    // Per event, the old jobs made 14 header syncs (a create, then "already exists" and an update) and 14 progress calls.
    const outcome = await syncer().round();
    expect(outcome).toMatchObject({ claimed: 1, synced: 1, failed: 0 });
    const calls = await callsFor(d.code);
    expect(calls.map((c) => [c.service, c.isUpdating, c.errorCode])).toEqual([
      ['DongBoHoSoMC', false, '00'],
      ['CapNhatTienDoHoSoMC', false, '00'],
    ]);
    expect(calls[0].statuses).toEqual(['9']);
    expect(calls[1].progressIds).toEqual(events.map((e) => `${d.id}:${e.seq}`));
    await expectOrdered(d);
    const [head] = await api.ds.query(`SELECT last_seq FROM dossiers WHERE id = $1`, [d.id]);
    expect(await row(d.id)).toMatchObject({ synced_seq: head.last_seq, header_synced: true, attempts: 0, last_error: null, failing_since: null });
    const detail = await expectStatus(getAs(api, 'motcua.26734', `/api/dossiers/${d.id}`), 200);
    expect(detail.body.portalSync).toEqual({ status: 'synced', syncedSeq: head.last_seq, wantedSeq: events[events.length - 1].seq });
  });

  it('batches several dossiers into one header call and one progress call', async () => {
    const before = (await allCalls()).length;
    const dossiers = [];
    for (let i = 0; i < 5; i++) dossiers.push(await receive(api));
    for (const d of dossiers) await inInbox(api.ds, d.id, 'xu-ly');
    expect((await allCalls()).length).toBe(before);
    const pending = await expectStatus(getAs(api, 'motcua.26734', `/api/dossiers/${dossiers[0].id}`), 200);
    expect(pending.body.portalSync).toEqual({ status: 'pending', syncedSeq: 0, wantedSeq: 1 });

    expect(await syncer().round()).toMatchObject({ claimed: 5, synced: 5 });
    const calls = (await allCalls()).slice(before);
    expect(calls.map((c) => [c.service, c.isUpdating, c.errorCode])).toEqual([
      ['DongBoHoSoMC', false, '00'],
      ['CapNhatTienDoHoSoMC', false, '00'],
    ]);
    expect([...calls[0].dossierCodes].sort()).toEqual(dossiers.map((d) => d.code).sort());
    expect([...calls[1].progressIds].sort()).toEqual(dossiers.map((d) => `${d.id}:1`).sort());
    for (const d of dossiers) await expectOrdered(d);
    // Known and new dossiers in one round: one update call for the known, one create call for the new.
    await expectStatus(postAs(api, 'tuphap.26734', `/api/dossiers/${dossiers[0].id}/steps/xu-ly/supplement-request`, { reason: 'Thiếu', items: [{ name: 'Tờ khai' }] }), 200);
    const fresh = await receive(api);
    const mark = (await allCalls()).length;
    expect(await syncer().round()).toMatchObject({ claimed: 2, synced: 2 });
    expect((await allCalls()).slice(mark).map((c) => [c.service, c.isUpdating, c.dossierCodes])).toEqual([
      ['DongBoHoSoMC', false, [fresh.code]],
      ['DongBoHoSoMC', true, [dossiers[0].code]],
      ['CapNhatTienDoHoSoMC', false, expect.arrayContaining([fresh.code, dossiers[0].code])],
    ]);
  });

  it('keeps each dossier\'s order under several syncers: no status goes backwards, rows arrive in seq order, once', async () => {
    for (let i = 0; i < 3; i++) syncer({ batchSize: 2, pollMs: 10 }).start();
    const dossiers = [];
    for (let i = 0; i < 4; i++) dossiers.push(await receive(api));
    await Promise.all(dossiers.map((d) => lifecycle(d, 6)));
    for (const d of dossiers) await eventually(() => synced(d.id), 15_000, `the sync of ${d.code}`);
    // The syncers kept up as the dossiers moved: each dossier went in several rounds, not in one at the end.
    const rounds = await Promise.all(dossiers.map(async (d) => (await callsFor(d.code)).filter((c) => c.service === 'CapNhatTienDoHoSoMC').length));
    expect(Math.min(...rounds)).toBeGreaterThan(2);
    for (const d of dossiers) {
      await expectOrdered(d);
      const portal = (await (await fetch(`${stub.url}/stub/dossiers/${d.code}`)).json()) as { header: { TrangThaiHoSo: number }; progress: unknown[] };
      expect(portal.header.TrangThaiHoSo).toBe(9);
      expect(portal.progress).toHaveLength((await portalEvents(d.id)).length);
    }
  });

  it('backs off while the portal fails, shows the dossier failing with a scrubbed error, then catches up with nothing lost or doubled', async () => {
    await fault({ mode: 'fail' });
    const d = await receive(api);
    syncer({ backoffMs: 50, maxBackoffMs: 400 }).start();
    const failing = await eventually(async () => {
      const r = await row(d.id);
      return r && r.attempts >= 4 ? r : undefined;
    }, 15_000, 'four failed attempts');
    expect(failing.last_error).toBe('portal error -1 (DongBoHoSoMC)');
    expect(failing.failing_since).not.toBeNull();
    expect(failing.synced_seq).toBe(0);
    // The wait after the n-th failure: 50 ms doubled per attempt, at most 400 ms, ±20 %.
    const waited = failing.next_attempt_at.getTime() - failing.updated_at.getTime();
    const expected = Math.min(400, 50 * 2 ** (failing.attempts - 1));
    expect(waited).toBeGreaterThanOrEqual(expected * 0.8 - 5);
    expect(waited).toBeLessThanOrEqual(expected * 1.2 + 5);

    const detail = await expectStatus(getAs(api, 'motcua.26734', `/api/dossiers/${d.id}`), 200);
    expect(detail.body.portalSync).toMatchObject({ status: 'failing', syncedSeq: 0, wantedSeq: 1, lastError: 'portal error -1 (DongBoHoSoMC)' });
    expect(detail.body.portalSync.failingSince).toEqual(failing.failing_since!.toISOString());
    expect(JSON.stringify(detail.body.portalSync)).not.toContain('0912345678');
    const stuck = await expectStatus(getAs(api, 'giamsat.26734', '/api/stuck'), 200);
    expect(stuck.body.portalSync).toEqual([expect.objectContaining({ dossierId: d.id, dossierCode: d.code, syncedSeq: 0, lastError: 'portal error -1 (DongBoHoSoMC)' })]);
    await expectStatus(postAs(api, 'giamsat.26734', `/api/stuck/portal/${d.id}/retry`), 202);
    await expectStatus(postAs(api, 'giamsat.26737', `/api/stuck/portal/${d.id}/retry`), 404);

    // Work goes on meanwhile: the hand-off path never waits for the portal.
    await inInbox(api.ds, d.id, 'xu-ly');
    await expectStatus(postAs(api, 'tuphap.26734', `/api/dossiers/${d.id}/steps/xu-ly/supplement-request`, { reason: 'Thiếu', items: [{ name: 'Tờ khai' }] }), 200);
    await expectStatus(postAs(api, 'motcua.26734', `/api/dossiers/${d.id}/supplement`, { via: 'desk' }), 200);

    await fault({ mode: 'none' });
    await eventually(() => synced(d.id), 15_000, 'the catch-up');
    const calls = await callsFor(d.code);
    expect(calls.filter((c) => c.fault === 'fail').length).toBeGreaterThanOrEqual(4);
    await expectOrdered(d);
    expect(await row(d.id)).toMatchObject({ attempts: 0, last_error: null, failing_since: null });
    const after = await expectStatus(getAs(api, 'motcua.26734', `/api/dossiers/${d.id}`), 200);
    expect(after.body.portalSync.status).toBe('synced');
    expect((await expectStatus(getAs(api, 'giamsat.26734', '/api/stuck'), 200)).body.portalSync).toEqual([]);
    expect((await expectStatus(postAs(api, 'giamsat.26734', `/api/stuck/portal/${d.id}/retry`), 409)).body.rule).toBe('NOT_STUCK');
  });

  it('splits a batch the portal refuses, so one bad dossier holds back no other', async () => {
    const good = await receive(api);
    const bad = await receive(api);
    // A header the portal refuses: its code is gone (the stub answers -4 "Thiếu MaHoSo" for the whole call).
    await api.ds.query(`UPDATE dossiers SET code = '' WHERE id = $1`, [bad.id]);
    expect(await syncer().round()).toMatchObject({ claimed: 2, synced: 1, failed: 1 });
    expect(await synced(good.id)).toBeDefined();
    expect(await row(bad.id)).toMatchObject({ synced_seq: 0, attempts: 1, last_error: 'portal error -4 (DongBoHoSoMC)' });
    await expectOrdered(good);
    await api.ds.query(`UPDATE dossiers SET code = $2 WHERE id = $1`, [bad.id, bad.code]);
    await api.ds.query(`UPDATE portal_sync SET next_attempt_at = now() WHERE dossier_id = $1`, [bad.id]);
    expect(await syncer().round()).toMatchObject({ claimed: 1, synced: 1 });
    await expectOrdered(bad);
  });

  it('migrates: pending portal-sync outbox rows become lowered cursors and leave the outbox; down and up again loses nothing', async () => {
    // No relay may take the rows the down migration writes: stop the worker.
    await worker?.close();
    worker = undefined;
    const migration = new (MIGRATIONS.find((M) => new M().name === 'PortalSync1765100000000')!)();
    const pending = await receive(api); // wanted 1, nothing sent
    const [done] = await api.ds.query(`SELECT dossier_id AS id FROM portal_sync WHERE synced_seq >= wanted_seq AND synced_seq > 1 LIMIT 1`);
    const q = api.ds.createQueryRunner();
    try {
      await migration.down(q);
      const moved = await api.ds.query(`SELECT payload FROM outbox WHERE job_name = 'portal-sync' AND sent_at IS NULL ORDER BY id`);
      expect(moved).toEqual([{ payload: { dossierId: pending.id, communeCode: '26734', eventSeq: 1 } }]);
      // As an older version would have left one for a synced dossier.
      await api.ds.query(
        `INSERT INTO outbox (commune_code, queue, job_name, payload) VALUES ('26734', 'portal-sync', 'portal-sync', jsonb_build_object('dossierId', $1::text, 'communeCode', '26734', 'eventSeq', 1))`,
        [done.id],
      );
      await migration.up(q);
    } finally {
      await q.release();
    }
    expect(await api.ds.query(`SELECT 1 FROM outbox WHERE job_name = 'portal-sync'`)).toEqual([]);
    const [heads] = [await api.ds.query(`SELECT id, last_seq FROM dossiers WHERE id = ANY($1)`, [[pending.id, done.id]])];
    const head = (id: string) => heads.find((h: { id: string }) => h.id === id).last_seq;
    expect(await row(pending.id)).toMatchObject({ synced_seq: 0, wanted_seq: head(pending.id), header_synced: false });
    expect(await row(done.id)).toMatchObject({ synced_seq: 0, wanted_seq: head(done.id), header_synced: false });
    const [others] = await api.ds.query(
      `SELECT count(*) FILTER (WHERE p.synced_seq <> d.last_seq OR p.wanted_seq <> d.last_seq OR NOT p.header_synced)::int AS off, count(*)::int AS n
         FROM portal_sync p JOIN dossiers d ON d.id = p.dossier_id WHERE p.dossier_id <> ALL($1)`,
      [[pending.id, done.id]],
    );
    expect(others.off).toBe(0);
    expect(others.n).toBeGreaterThan(5);
    expect(await api.ds.query(`SELECT count(*)::int AS n FROM portal_sync p JOIN dossiers d ON d.id = p.dossier_id WHERE d.state_secret`)).toEqual([{ n: 0 }]);

    // The syncer sends both from their first event: the one the portal has already is updated after its "already exists".
    const mark = (await allCalls()).length;
    expect(await syncer().round()).toMatchObject({ claimed: 2, synced: 2 });
    const [{ code: doneCode }] = await api.ds.query(`SELECT code FROM dossiers WHERE id = $1`, [done.id]);
    const calls = (await allCalls()).slice(mark).map((c) => [c.service, c.isUpdating, c.errorCode, [...c.dossierCodes].sort()]);
    expect(calls[0]).toEqual(['DongBoHoSoMC', false, '3', [pending.code, doneCode].sort()]);
    expect(calls.slice(1, -1)).toHaveLength(3);
    expect(calls.slice(1, -1)).toEqual(
      expect.arrayContaining([
        ['DongBoHoSoMC', false, '00', [pending.code]],
        ['DongBoHoSoMC', false, '3', [doneCode]],
        ['DongBoHoSoMC', true, '00', [doneCode]],
      ]),
    );
    expect(calls[calls.length - 1]).toEqual(['CapNhatTienDoHoSoMC', false, '00', expect.arrayContaining([pending.code, doneCode])]);
    expect(await synced(pending.id)).toBeDefined();
    expect(await synced(done.id)).toBeDefined();
    const portal = (await (await fetch(`${stub.url}/stub/dossiers/${doneCode}`)).json()) as { progress: unknown[] };
    expect(portal.progress).toHaveLength((await portalEvents(done.id)).length);
  });
});
