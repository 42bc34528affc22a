import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { verifyChain } from '@motcua/domain';
import { startTestApi, type TestApi } from './support/api';
import { eventually, startPortalStub } from './support/apps';
import { testEnv } from './support/env';
import { startWorkerProcess, type WorkerProcess } from './support/processes';
import { chainOf, completeStep, eventTypes, inInbox, receive, waitForState, expectStatus } from './support/workflow';

/**
 * Electronic hand-offs between units, end to end: the real API (in this process), a real worker
 * process consuming every unit's queue, BullMQ on the real Redis (private prefix), PostgreSQL
 * (private database), and the outside-system stubs over HTTP.
 */
describe('electronic hand-offs (Luân chuyển hồ sơ điện tử)', () => {
  let api: TestApi;
  let stub: { app: INestApplication; url: string };
  let worker: WorkerProcess;

  beforeAll(async () => {
    api = await startTestApi('live');
    stub = await startPortalStub();
    const env = testEnv(api.dbName, api.env.QUEUE_PREFIX, { PORTAL_URL: `${stub.url}/dvcqg`, STUBS_URL: stub.url });
    worker = await startWorkerProcess(env, { JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '100' });
  });
  afterAll(async () => {
    await worker?.stop();
    await stub?.app.close();
    await api?.close();
  });

  it('routes a dossier desk → Tư pháp → Lãnh đạo → desk, each hop received once, to result ready', async () => {
    const d = await receive(api);
    expect(await inInbox(api.ds, d.id, 'xu-ly')).toEqual({ unit_kind: 'tu-phap', status: 'pending' });
    const first = await expectStatus(completeStep(api, d.id, 'xu-ly'), 200);
    expect(first.body).toEqual({ next: 'handoff', toUnits: ['lanh-dao'] });
    const [signStep] = await api.ds.query(`SELECT step_key FROM handoffs WHERE dossier_id = $1 AND to_unit = 'lanh-dao'`, [d.id]);
    await inInbox(api.ds, d.id, signStep.step_key);
    const last = await expectStatus(completeStep(api, d.id, signStep.step_key), 200);
    expect(last.body).toMatchObject({ next: 'return', toUnits: ['van-phong'] });
    await waitForState(api.ds, d.id, 'result_ready');

    const handoffs = await api.ds.query(
      `SELECT from_unit, to_unit, channel, received_at IS NOT NULL AS received FROM handoffs WHERE dossier_id = $1 ORDER BY sent_at`,
      [d.id],
    );
    expect(handoffs).toEqual([
      { from_unit: 'van-phong', to_unit: 'tu-phap', channel: 'electronic', received: true },
      { from_unit: 'tu-phap', to_unit: 'lanh-dao', channel: 'electronic', received: true },
      { from_unit: 'lanh-dao', to_unit: 'van-phong', channel: 'electronic', received: true },
    ]);
    expect(await eventTypes(api.ds, d.id)).toEqual([
      'DossierReceived', 'HandoffSent', 'HandoffReceived', 'StepCompleted', 'HandoffSent', 'HandoffReceived',
      'ResultSigned', 'StepCompleted', 'HandoffSent', 'HandoffReceived', 'ResultReady',
    ]);
    expect(verifyChain(await chainOf(api.ds, d.id))).toBeUndefined();
    // The portal hears "finished" (9) once the result is back at the desk.
    await eventually(async () => {
      const res = await fetch(`${stub.url}/stub/dossiers/${d.code}`);
      const body = res.ok ? ((await res.json()) as { header: { TrangThaiHoSo: number } }) : undefined;
      return body?.header.TrangThaiHoSo === 9 ? true : undefined;
    }, 10_000, 'portal status 9');
  });

  it('forks the birth group to Công an and BHXH in parallel, issues the card automatically, and joins', async () => {
    const d = await receive(api, { procedureCode: 'lien-thong-khai-sinh', channel: 'online' });
    await inInbox(api.ds, d.id, 'dang-ky-khai-sinh');
    await expectStatus(completeStep(api, d.id, 'dang-ky-khai-sinh'), 200);
    await inInbox(api.ds, d.id, 'ky-giay-khai-sinh');
    const fork = await expectStatus(completeStep(api, d.id, 'ky-giay-khai-sinh'), 200);
    expect(fork.body).toMatchObject({ next: 'handoff', toUnits: ['cong-an', 'bhxh'] });

    // BHXH's step is automatic: the consumer asks the BHXH stub for the card and completes it.
    await eventually(async () => {
      const [row] = await api.ds.query(`SELECT status FROM work_items WHERE dossier_id = $1 AND step_key = 'cap-the-bhyt'`, [d.id]);
      return row?.status === 'done' ? true : undefined;
    }, 15_000, 'automatic BHXH card');
    // Join: Công an has not finished, so nothing goes back to the desk yet.
    await inInbox(api.ds, d.id, 'dang-ky-thuong-tru');
    const [waiting] = await api.ds.query(`SELECT state, (SELECT count(*)::int FROM handoffs WHERE dossier_id = $1 AND to_unit = 'van-phong' AND from_unit <> 'van-phong') AS returns FROM dossiers WHERE id = $1`, [d.id]);
    expect(waiting).toEqual({ state: 'in_progress', returns: 0 });

    const join = await expectStatus(completeStep(api, d.id, 'dang-ky-thuong-tru'), 200);
    expect(join.body).toMatchObject({ next: 'return', toUnits: ['van-phong'] });
    await waitForState(api.ds, d.id, 'result_ready');
    const cards = (await (await fetch(`${stub.url}/stub/bhxh/cards`)).json()) as { dossierCode: string }[];
    expect(cards.filter((c) => c.dossierCode === d.code)).toHaveLength(1);
    const [completed] = await api.ds.query(
      `SELECT payload->'result'->>'cardNumber' AS card FROM dossier_events WHERE dossier_id = $1 AND type = 'StepCompleted' AND payload->>'stepKey' = 'cap-the-bhyt'`,
      [d.id],
    );
    expect(completed.card).toMatch(/^TE1\d{12}$/);
  });

  it('skips the units of procedures the citizen did not choose', async () => {
    const d = await receive(api, { procedureCode: 'lien-thong-khai-sinh', channel: 'online', options: ['khai-sinh', 'the-bhyt'] });
    await inInbox(api.ds, d.id, 'dang-ky-khai-sinh');
    await expectStatus(completeStep(api, d.id, 'dang-ky-khai-sinh'), 200);
    await inInbox(api.ds, d.id, 'ky-giay-khai-sinh');
    const next = await expectStatus(completeStep(api, d.id, 'ky-giay-khai-sinh'), 200);
    expect(next.body).toMatchObject({ next: 'handoff', toUnits: ['bhxh'] });
    await waitForState(api.ds, d.id, 'result_ready');
    const units = await api.ds.query(`SELECT DISTINCT to_unit FROM handoffs WHERE dossier_id = $1`, [d.id]);
    expect(units.map((u: { to_unit: string }) => u.to_unit)).not.toContain('cong-an');
  });

  it('refuses to complete a step twice, or a step not in the inbox, with 409 and no change', async () => {
    const d = await receive(api);
    await inInbox(api.ds, d.id, 'xu-ly');
    await expectStatus(completeStep(api, d.id, 'xu-ly'), 200);
    const [sign] = await api.ds.query(`SELECT step_key FROM handoffs WHERE dossier_id = $1 AND to_unit = 'lanh-dao'`, [d.id]);
    await inInbox(api.ds, d.id, sign.step_key); // let the worker's receipt land first
    const before = await eventTypes(api.ds, d.id);
    const again = await expectStatus(completeStep(api, d.id, 'xu-ly'), 409);
    expect(again.body.rule).toBe('STEP_NOT_PENDING');
    await expectStatus(completeStep(api, d.id, 'no-such-step'), 409);
    expect(await eventTypes(api.ds, d.id)).toEqual(before);
    await expectStatus(completeStep(api, '00000000-0000-4000-8000-000000000000', 'xu-ly'), 404);
    const bad = await expectStatus(completeStep(api, d.id, 'xu-ly', { notes: 42 }), 400);
    expect(bad.body.errors[0].field).toBe('notes');
    expect(await eventTypes(api.ds, d.id)).toEqual(before);
  });

  it('moves an exhausted job to the dead-letter list with its reason, and a replay delivers it once', async () => {
    const put = (mode: string) =>
      fetch(`${stub.url}/stub/fault/bhxh`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode }) });
    const admin = `Bearer ${await api.token('quantri.26734')}`;
    await put('fail');
    const d = await receive(api, { procedureCode: 'lien-thong-khai-sinh', channel: 'online', options: ['khai-sinh', 'the-bhyt'] });
    await inInbox(api.ds, d.id, 'dang-ky-khai-sinh');
    await expectStatus(completeStep(api, d.id, 'dang-ky-khai-sinh'), 200);
    await inInbox(api.ds, d.id, 'ky-giay-khai-sinh');
    await expectStatus(completeStep(api, d.id, 'ky-giay-khai-sinh'), 200);

    const dead = await eventually(async () => {
      const res = await request(api.app.getHttpServer()).get('/api/dead-letters').set('authorization', admin).query({ queue: 'bhxh' }).expect(200);
      return res.body.find((j: { data: { dossierId: string } }) => j.data.dossierId === d.id);
    }, 15_000, 'a dead letter');
    expect(dead).toMatchObject({ queue: 'bhxh', name: 'handoff', attemptsMade: 2 });
    expect(dead.failedReason).toMatch(/503|bhxh/i);
    // The receipt was recorded before the card call failed; the step waits for the replay.
    expect(await inInbox(api.ds, d.id, 'cap-the-bhyt')).toEqual({ unit_kind: 'bhxh', status: 'pending' });

    await put('none');
    await request(api.app.getHttpServer()).post(`/api/dead-letters/bhxh/${dead.jobId}/replay`).set('authorization', `Bearer ${await api.token('tuphap.26734')}`).expect(403);
    await request(api.app.getHttpServer()).post(`/api/dead-letters/bhxh/${dead.jobId}/replay`).set('authorization', admin).expect(202);
    await waitForState(api.ds, d.id, 'result_ready');
    const receipts = await api.ds.query(`SELECT count(*)::int AS n FROM dossier_events WHERE dossier_id = $1 AND type = 'HandoffReceived' AND payload->>'unit' = 'bhxh'`, [d.id]);
    expect(receipts[0].n).toBe(1);
    await request(api.app.getHttpServer()).post(`/api/dead-letters/bhxh/${dead.jobId}/replay`).set('authorization', admin).expect(409);
    await request(api.app.getHttpServer()).post(`/api/dead-letters/nowhere/1/replay`).set('authorization', admin).expect(404);
  });
});
