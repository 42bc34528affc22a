import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { startTestApi, type TestApi } from './support/api';
import { eventually, startPortalStub, startWorker } from './support/apps';
import { testEnv } from './support/env';

/**
 * From intake to the national portal: the outbox row written with the dossier is relayed to
 * BullMQ (real Redis, private prefix), the worker syncs it to the portal stub (a real HTTP
 * service), retries through the stub's faults, and never sends a state-secret dossier.
 */
describe('portal sync through the outbox', () => {
  let api: TestApi;
  let stub: { app: INestApplication; url: string };
  let worker: INestApplicationContext;
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

  beforeAll(async () => {
    api = await startTestApi('2026-03-02T02:00:00Z');
    stub = await startPortalStub();
    worker = await startWorker(testEnv(api.dbName, api.env.QUEUE_PREFIX, { PORTAL_URL: `${stub.url}/dvcqg` }));
  });
  afterAll(async () => {
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
  });

  it('retries through portal failures and arrives once', async () => {
    await fetch(`${stub.url}/stub/fault`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'fail', remaining: 2 }) });
    const res = await receive();
    const synced = await eventually(() => portalDossier(res.body.code), 15_000, 'portal sync after faults');
    expect(synced.progress).toHaveLength(1);
  });

  it('never sends a state-secret dossier', async () => {
    const secret = await receive({ channel: 'desk', stateSecret: true });
    const marker = await receive(); // received after it: once this one is synced, the secret one had its chance
    await eventually(() => portalDossier(marker.body.code), 10_000, 'marker sync');
    expect((await fetch(`${stub.url}/stub/dossiers/${secret.body.code}`)).status).toBe(404);
  });
});
