import { Queue } from 'bullmq';
import Redis from 'ioredis';
import request from 'supertest';
import { startTestApi, type TestApi } from './support/api';
import { eventually, startPortalStub } from './support/apps';
import { REDIS_URL, testEnv } from './support/env';
import { startWorkerProcess, type WorkerProcess } from './support/processes';
import { completeStep, inInbox, receive, waitForState, expectStatus } from './support/workflow';
import type { INestApplication } from '@nestjs/common';

/**
 * Idempotent receipts, paper hand-offs and the electronic-circulation indicator (DOMAIN.md
 * decision 9) on a mix of electronic, paper and state-secret dossiers.
 */
describe('receipts and the electronic-circulation indicator', () => {
  let api: TestApi;
  let stub: { app: INestApplication; url: string };
  let worker: WorkerProcess;
  const from = new Date(Date.now() - 3600_000).toISOString();

  beforeAll(async () => {
    api = await startTestApi('live');
    stub = await startPortalStub();
    worker = await startWorkerProcess(testEnv(api.dbName, api.env.QUEUE_PREFIX, { PORTAL_URL: `${stub.url}/dvcqg`, STUBS_URL: stub.url }));
  });
  afterAll(async () => {
    await worker?.stop();
    await stub?.app.close();
    await api?.close();
  });

  it('records one receipt when the same hand-off job is delivered twice', async () => {
    const d = await receive(api);
    await inInbox(api.ds, d.id, 'xu-ly');
    const [h] = await api.ds.query(`SELECT id FROM handoffs WHERE dossier_id = $1`, [d.id]);
    // Deliver the same hand-off again, twice, as BullMQ may after a crash (new job ids, same hand-off).
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue('tu-phap', { connection, prefix: api.env.QUEUE_PREFIX });
    const data = { handoffId: h.id, dossierId: d.id, communeCode: '26734' };
    const jobs = await Promise.all([queue.add('handoff', data, { jobId: `dup-a-${h.id}` }), queue.add('handoff', data, { jobId: `dup-b-${h.id}` })]);
    await eventually(async () => ((await Promise.all(jobs.map((j) => j.isCompleted()))).every(Boolean) ? true : undefined), 10_000, 'duplicates processed');
    const results = await Promise.all(jobs.map(async (j) => (await queue.getJob(j.id!))?.returnvalue));
    expect(results).toEqual(['duplicate', 'duplicate']);
    await queue.close();
    connection.disconnect();

    const [counts] = await api.ds.query(
      `SELECT (SELECT count(*)::int FROM dossier_events WHERE dossier_id = $1 AND type = 'HandoffReceived') AS receipts,
              (SELECT count(*)::int FROM work_items WHERE dossier_id = $1) AS items`,
      [d.id],
    );
    expect(counts).toEqual({ receipts: 1, items: 1 });
  });

  it('computes the electronic share on a mix of electronic, paper and state-secret dossiers', async () => {
    // 1: fully electronic, 2 units and back (3 hand-offs).
    const electronic = await receive(api);
    await inInbox(api.ds, electronic.id, 'xu-ly');
    await expectStatus(completeStep(api, electronic.id, 'xu-ly'), 200);
    const [sign] = await api.ds.query(`SELECT step_key FROM handoffs WHERE dossier_id = $1 AND to_unit = 'lanh-dao'`, [electronic.id]);
    await inInbox(api.ds, electronic.id, sign.step_key);
    await expectStatus(completeStep(api, electronic.id, sign.step_key), 200);
    await waitForState(api.ds, electronic.id, 'result_ready');

    // 2: one hop carried on paper (originals needed), the rest electronic.
    const mixed = await receive(api);
    await inInbox(api.ds, mixed.id, 'xu-ly');
    await expectStatus(completeStep(api, mixed.id, 'xu-ly', { handoff: { channel: 'paper', reason: 'originals_needed' } }), 200);
    const [paper] = await api.ds.query(`SELECT channel, reason, received_at IS NOT NULL AS received FROM handoffs WHERE dossier_id = $1 AND from_unit = 'tu-phap'`, [mixed.id]);
    expect(paper).toEqual({ channel: 'paper', reason: 'originals_needed', received: true });

    // 3: state secret, paper everywhere and left out of the denominator.
    const secret = await receive(api, { stateSecret: true });
    await inInbox(api.ds, secret.id, 'xu-ly');
    await expectStatus(completeStep(api, secret.id, 'xu-ly', { handoff: { channel: 'electronic' } }), 400);
    await expectStatus(completeStep(api, secret.id, 'xu-ly'), 200);

    // Other dossiers of this file (the duplicate test) are fully electronic too.
    const [others] = await api.ds.query(`SELECT count(*)::int AS n FROM dossiers WHERE id NOT IN ($1, $2, $3)`, [electronic.id, mixed.id, secret.id]);
    const to = new Date(Date.now() + 3600_000).toISOString();
    const supervisor = `Bearer ${await api.token('giamsat.26734')}`;
    const res = await request(api.app.getHttpServer()).get('/api/indicators/electronic-share').set('authorization', supervisor).query({ communeCode: '26734', from, to }).expect(200);
    expect(res.body.dossiers).toEqual({
      total: 2 + others.n,
      electronic: 1 + others.n,
      share: Math.round(((1 + others.n) / (2 + others.n)) * 10_000) / 10_000,
      stateSecretExcluded: 1,
    });
    const [h] = await api.ds.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE h.channel = 'electronic')::int AS electronic
         FROM handoffs h JOIN dossiers d ON d.id = h.dossier_id WHERE NOT d.state_secret`,
    );
    expect(res.body.handoffs).toMatchObject({ total: h.total, electronic: h.electronic });
    expect(res.body.handoffs.total - res.body.handoffs.electronic).toBe(1);
    expect(res.body.target).toBe(0.9);

    const perDossier = await request(api.app.getHttpServer()).get(`/api/dossiers/${mixed.id}/handoffs`).set('authorization', supervisor).expect(200);
    expect(perDossier.body.circulatedElectronically).toBe(false);
    expect(perDossier.body.handoffs.find((x: { channel: string }) => x.channel === 'paper').reason).toBe('Cần bản gốc giấy tờ');
    const secretView = await request(api.app.getHttpServer()).get(`/api/dossiers/${secret.id}/handoffs`).set('authorization', supervisor).expect(200);
    expect(secretView.body.circulatedElectronically).toBeNull();

    const tuPhap = await request(api.app.getHttpServer())
      .get('/api/indicators/electronic-share')
      .set('authorization', supervisor)
      .query({ communeCode: '26734', from, to, unit: 'lanh-dao' })
      .expect(200);
    expect(tuPhap.body.handoffs.total).toBeGreaterThan(0);
    await request(api.app.getHttpServer()).get('/api/indicators/electronic-share').set('authorization', supervisor).query({ communeCode: '26734', from: to, to: from }).expect(400);
    // Another commune's supervisor finds no such commune (404, like an unknown one); an officer may not read them.
    await request(api.app.getHttpServer()).get('/api/indicators/electronic-share').set('authorization', `Bearer ${await api.token('giamsat.26737')}`).query({ communeCode: '26734', from, to }).expect(404);
    await request(api.app.getHttpServer()).get('/api/indicators/electronic-share').set('authorization', `Bearer ${await api.token('tuphap.26734')}`).query({ communeCode: '26734', from, to }).expect(403);
  });
});
