import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { JobName, outboxJobId, producerConnection, QueueRegistry } from '@motcua/messaging';
import type { PortalCall } from '../apps/portal-stub/src/portal-state';
import { startTestApi, type TestApi } from './support/api';
import { eventually, startPortalStub, startWorker } from './support/apps';
import { testEnv } from './support/env';

/**
 * From intake to the national portal: the outbox row written with the dossier is relayed to
 * BullMQ (real Redis, private prefix), the worker syncs it to the portal stub (a real HTTP
 * service), retries through the stub's faults, and never sends a state-secret dossier. "Once" is
 * judged on the calls as the stub received them (its call log), not on its state, which drops a
 * repeated progress row and refuses a repeated create by itself.
 */
describe('portal sync through the outbox', () => {
  let api: TestApi;
  let stub: { app: INestApplication; url: string };
  let worker: INestApplicationContext;
  let queues: QueueRegistry;
  const server = () => api.app.getHttpServer();

  const receive = async (over: Record<string, unknown> = {}) =>
    request(server())
      .post('/api/dossiers')
      .set('authorization', `Bearer ${await api.token('dvcqg.26734')}`)
      .send({
        procedureCode: 'cap-giay-xac-nhan-tinh-trang-hon-nhan',
        officeCode: 'H26.01.01',
        channel: 'online',
        applicant: { fullName: 'Hoàng Văn Em', phone: '0911222333' },
        ...over,
      })
      .expect(201);

  /** The dossier as the portal holds it, once its header and at least one progress row arrived. */
  const portalDossier = async (code: string) => {
    const res = await fetch(`${stub.url}/stub/dossiers/${code}`);
    if (res.status !== 200) return undefined;
    const body = (await res.json()) as { header: Record<string, unknown>; progress: Record<string, unknown>[] };
    // The header (DongBoHoSoMC) and the progress row (CapNhatTienDoHoSoMC) are two calls.
    return body.progress.length > 0 ? body : undefined;
  };

  /** The integration calls naming the dossier, as the portal received them. */
  const callsFor = async (code: string): Promise<PortalCall[]> => (await fetch(`${stub.url}/stub/portal/calls?dossier=${code}`)).json() as Promise<PortalCall[]>;
  /** What reached the portal's logic (no fault played), in order. */
  const handled = (calls: PortalCall[]) =>
    calls.filter((c) => c.fault === 'none').map(({ service, isUpdating, progressIds, errorCode }) => ({ service, isUpdating, progressIds, errorCode }));
  /** The calls one received dossier's first sync makes: the header created, its progress row added. */
  const firstSync = (dossierId: string) => [
    { service: 'DongBoHoSoMC', isUpdating: false, progressIds: [], errorCode: '00' },
    { service: 'CapNhatTienDoHoSoMC', isUpdating: false, progressIds: [`${dossierId}:1`], errorCode: '00' },
  ];

  /** True once every portal-sync message of the dossier was relayed and its job completed. */
  const syncJobsDone = async (dossierId: string): Promise<true | undefined> => {
    const rows: { id: string; created_at: Date; sent_at: Date | null }[] = await api.ds.query(
      `SELECT id, created_at, sent_at FROM outbox WHERE queue = 'portal-sync' AND payload->>'dossierId' = $1`,
      [dossierId],
    );
    if (rows.length === 0 || rows.some((r) => r.sent_at === null)) return undefined;
    const states = await Promise.all(rows.map((r) => queues.get('portal-sync').getJobState(outboxJobId(String(r.id), r.created_at))));
    return states.every((s) => s === 'completed') ? true : undefined;
  };

  beforeAll(async () => {
    api = await startTestApi('2026-03-02T02:00:00Z');
    stub = await startPortalStub();
    worker = await startWorker(testEnv(api.dbName, api.env.QUEUE_PREFIX, { PORTAL_URL: `${stub.url}/dvcqg` }));
    queues = new QueueRegistry(producerConnection(api.env.REDIS_URL), api.env.QUEUE_PREFIX);
  });
  afterAll(async () => {
    await queues?.close();
    await worker?.close();
    await stub?.app.close();
    await api?.close();
  });

  it('syncs a received dossier to the portal (receipt step 2, current status 4) and marks the outbox row sent', async () => {
    const res = await receive();
    const synced = await eventually(() => portalDossier(res.body.code), 10_000, 'portal sync');
    expect(synced.header).toMatchObject({
      MaHoSo: res.body.code,
      MaTTHC: '1.004873',
      KenhThucHien: 2,
      TrangThaiHoSo: 4, // already forwarded to Tư pháp when the sync ran
      NgayTiepNhan: '20260302090000',
      NgayHenTra: '20260305170000',
    });
    expect(synced.progress).toHaveLength(1);
    expect(synced.progress[0]).toMatchObject({ TrangThai: 2, IdTienDo: `${res.body.id}:1` });
    const [row] = await api.ds.query(`SELECT sent_at FROM outbox WHERE payload->>'dossierId' = $1`, [res.body.id]);
    expect(row.sent_at).not.toBeNull();
    await eventually(() => syncJobsDone(res.body.id), 10_000, 'the portal-sync job to complete');
    expect(handled(await callsFor(res.body.code))).toEqual(firstSync(res.body.id));
  });

  it('retries through portal failures and arrives once', async () => {
    await fetch(`${stub.url}/stub/fault`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'fail', remaining: 2 }) });
    const res = await receive();
    await eventually(() => syncJobsDone(res.body.id), 15_000, 'the portal-sync job to complete after the faults');
    const calls = await callsFor(res.body.code);
    // The portal refused two calls (the faults); the retries sent each thing once after them.
    expect(calls.filter((c) => c.fault === 'fail')).toHaveLength(2);
    expect(handled(calls)).toEqual(firstSync(res.body.id));
    expect((await portalDossier(res.body.code))?.progress).toHaveLength(1);
  });

  it('never sends a state-secret dossier', async () => {
    const secret = await receive({ channel: 'desk', stateSecret: true });
    const marker = await receive(); // received after it: once its sync completed, the relay went past the secret one
    await eventually(() => syncJobsDone(marker.body.id), 10_000, 'the marker\'s portal sync');
    const rows: { queue: string; sent_at: Date | null }[] = await api.ds.query(`SELECT queue, sent_at FROM outbox WHERE payload->>'dossierId' = $1`, [secret.body.id]);
    expect(rows.filter((r) => r.queue === 'portal-sync')).toEqual([]);
    expect(rows.filter((r) => r.sent_at === null)).toEqual([]);
    expect(await callsFor(secret.body.code)).toEqual([]);
    expect((await fetch(`${stub.url}/stub/dossiers/${secret.body.code}`)).status).toBe(404);
  });

  it('skips a portal-sync message of a state-secret dossier that slipped through, sending nothing', async () => {
    const secret = await receive({ channel: 'desk', stateSecret: true });
    const [{ commune_code: communeCode }] = await api.ds.query(`SELECT commune_code FROM dossiers WHERE id = $1`, [secret.body.id]);
    const queue = queues.get('portal-sync');
    const job = await queue.add(JobName.PortalSync, { dossierId: secret.body.id, communeCode, eventSeq: 1 });
    await eventually(async () => ((await queue.getJobState(job.id!)) === 'completed' ? true : undefined), 10_000, 'the slipped job to complete');
    expect((await queue.getJob(job.id!))?.returnvalue).toBe('skipped');
    expect(await callsFor(secret.body.code)).toEqual([]);
  });
});
