import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { JobName, producerConnection, QueueRegistry } from '@motcua/messaging';
import type { PortalCall } from '../apps/portal-stub/src/portal-state';
import { startTestApi, type TestApi } from './support/api';
import { eventually, startPortalStub, startWorker } from './support/apps';
import { testEnv } from './support/env';

/**
 * From intake to the national portal: the intake marks the dossier for the portal in its own
 * statement (no outbox row), the worker's portal syncer sends it to the portal stub (a real HTTP
 * service), retries through the stub's faults, and never sends a state-secret dossier. Per-event
 * jobs of before the cursor still drain through the portal-sync queue. "Once" is judged on the
 * calls as the stub received them (its call log), not on its state, which drops a repeated
 * progress row and refuses a repeated create by itself.
 */
describe('portal sync behind a per-dossier cursor', () => {
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

  /** The dossier's sync row once its cursor passed all it wants: nothing left for the portal. */
  const syncedRow = async (dossierId: string): Promise<{ synced_seq: number; attempts: number } | undefined> => {
    const [row] = await api.ds.query(`SELECT synced_seq, attempts FROM portal_sync WHERE dossier_id = $1 AND synced_seq >= wanted_seq`, [dossierId]);
    return row;
  };

  beforeAll(async () => {
    api = await startTestApi('2026-03-02T02:00:00Z');
    stub = await startPortalStub();
    worker = await startWorker(testEnv(api.dbName, api.env.QUEUE_PREFIX, { PORTAL_URL: `${stub.url}/dvcqg`, PORTAL_SYNC_POLL_MS: '50', PORTAL_SYNC_BACKOFF_MS: '50' }));
    queues = new QueueRegistry(producerConnection(api.env.REDIS_URL), api.env.QUEUE_PREFIX);
  });
  afterAll(async () => {
    await queues?.close();
    await worker?.close();
    await stub?.app.close();
    await api?.close();
  });

  it('syncs a received dossier to the portal (receipt step 2, current status 4) with no outbox row, and moves its cursor', async () => {
    const res = await receive();
    const synced = await eventually(() => portalDossier(res.body.code), 10_000, 'portal sync');
    expect(synced.header).toMatchObject({
      MaHoSo: res.body.code,
      MaTTHC: '1.004873',
      KenhThucHien: 2,
      TrangThaiHoSo: 4, // already forwarded to Tư pháp in the intake's transaction
      NgayTiepNhan: '20260302090000',
      NgayHenTra: '20260305170000',
    });
    expect(synced.progress).toHaveLength(1);
    expect(synced.progress[0]).toMatchObject({ TrangThai: 2, IdTienDo: `${res.body.id}:1` });
    expect(await api.ds.query(`SELECT 1 FROM outbox WHERE job_name = 'portal-sync' OR queue = 'portal-sync'`)).toEqual([]);
    await eventually(() => syncedRow(res.body.id), 10_000, 'the cursor at the head');
    expect(handled(await callsFor(res.body.code))).toEqual(firstSync(res.body.id));
  });

  it('retries through portal failures and arrives once', async () => {
    await fetch(`${stub.url}/stub/fault`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'fail', remaining: 2 }) });
    const res = await receive();
    await eventually(() => syncedRow(res.body.id), 15_000, 'the portal sync to complete after the faults');
    const calls = await callsFor(res.body.code);
    // The portal refused two calls (the faults); the retries sent each thing once after them.
    expect(calls.filter((c) => c.fault === 'fail')).toHaveLength(2);
    expect(handled(calls)).toEqual(firstSync(res.body.id));
    expect((await portalDossier(res.body.code))?.progress).toHaveLength(1);
  });

  it('never sends a state-secret dossier: it has no sync row', async () => {
    const secret = await receive({ channel: 'desk', stateSecret: true });
    const marker = await receive(); // received after it: once the marker is synced, the syncer went past the secret one
    await eventually(() => syncedRow(marker.body.id), 10_000, 'the marker\'s portal sync');
    expect(await api.ds.query(`SELECT 1 FROM portal_sync WHERE dossier_id = $1`, [secret.body.id])).toEqual([]);
    expect(await api.ds.query(`SELECT 1 FROM outbox WHERE payload->>'dossierId' = $1 AND sent_at IS NULL`, [secret.body.id])).toEqual([]);
    expect(await callsFor(secret.body.code)).toEqual([]);
    expect((await fetch(`${stub.url}/stub/dossiers/${secret.body.code}`)).status).toBe(404);
    const detail = await request(server()).get(`/api/dossiers/${secret.body.id}`).set('authorization', `Bearer ${await api.token('motcua.26734')}`).expect(200);
    expect(detail.body.portalSync).toEqual({ status: 'not_applicable', syncedSeq: 0, wantedSeq: 0 });
  });

  it('skips a portal-sync job of a state-secret dossier that slipped through, writing and sending nothing', async () => {
    const secret = await receive({ channel: 'desk', stateSecret: true });
    const [{ commune_code: communeCode }] = await api.ds.query(`SELECT commune_code FROM dossiers WHERE id = $1`, [secret.body.id]);
    const queue = queues.get('portal-sync');
    const job = await queue.add(JobName.PortalSync, { dossierId: secret.body.id, communeCode, eventSeq: 1 });
    await eventually(async () => ((await queue.getJobState(job.id!)) === 'completed' ? true : undefined), 10_000, 'the slipped job to complete');
    expect((await queue.getJob(job.id!))?.returnvalue).toBe('skipped');
    expect(await api.ds.query(`SELECT 1 FROM portal_sync WHERE dossier_id = $1`, [secret.body.id])).toEqual([]);
    expect(await callsFor(secret.body.code)).toEqual([]);
  });

  it('drains a per-event job of before the cursor: the cursor goes back before its event and the syncer sends from there, in order', async () => {
    const res = await receive();
    await eventually(() => syncedRow(res.body.id), 10_000, 'the first sync');
    const before = (await callsFor(res.body.code)).length;
    // As a job an older worker left in Redis, or a replayed dead letter, would arrive.
    const queue = queues.get('portal-sync');
    const job = await queue.add(JobName.PortalSync, { dossierId: res.body.id, communeCode: '26734', eventSeq: 1 });
    await eventually(async () => ((await queue.getJobState(job.id!)) === 'completed' ? true : undefined), 10_000, 'the old job to drain');
    expect((await queue.getJob(job.id!))?.returnvalue).toBe('rewound');
    await eventually(async () => ((await callsFor(res.body.code)).length >= before + 2 && (await syncedRow(res.body.id)) ? true : undefined), 10_000, 'the re-send');
    // The header is known to the portal now: updated, not created again; the row comes once more (the portal keeps one by IdTienDo).
    expect(handled((await callsFor(res.body.code)).slice(before))).toEqual([
      { service: 'DongBoHoSoMC', isUpdating: true, progressIds: [], errorCode: '00' },
      { service: 'CapNhatTienDoHoSoMC', isUpdating: false, progressIds: [`${res.body.id}:1`], errorCode: '00' },
    ]);
    expect((await portalDossier(res.body.code))?.progress).toHaveLength(1);
  });
});
