import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { createApi } from '../apps/api/src/bootstrap';
import { startTestApi, type TestApi } from './support/api';
import { startPortalStub, startWorker } from './support/apps';
import { testEnv, uniqueName } from './support/env';
import { completeStep, expectStatus, inInbox, KNOWN_CITIZEN, receive, signResult, waitForState } from './support/workflow';

/**
 * No enumeration from the public pages (issue 8): signatures are checked by an unguessable
 * token, never by the sequential dossier code; every public page is rate-limited per client,
 * with one budget shared by all API replicas (Redis), and the client is the real one behind a
 * trusted proxy only.
 */
describe('public pages: no enumeration', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let stub: { app: INestApplication; url: string };
  const replicas: INestApplication[] = [];

  /** Another API process of the same deployment: same database, same Redis and prefix. */
  async function replica(extra: Record<string, string> = {}, prefix = api.env.QUEUE_PREFIX): Promise<INestApplication> {
    const app = await createApi(testEnv(api.dbName, prefix, { LOOKUP_RATE_LIMIT: '4', ...extra }), api.clock);
    await app.init();
    replicas.push(app);
    return app;
  }

  beforeAll(async () => {
    api = await startTestApi('live', undefined, { LOOKUP_RATE_LIMIT: '4' });
    stub = await startPortalStub();
    worker = await startWorker(testEnv(api.dbName, api.env.QUEUE_PREFIX, { PORTAL_URL: `${stub.url}/dvcqg`, STUBS_URL: stub.url }));
  });
  afterAll(async () => {
    for (const r of replicas) await r.close();
    await worker?.close();
    await stub?.app.close();
    await api?.close();
  });

  it('checks a signature by the token printed on the result, never by the dossier code, with one answer for every miss', async () => {
    const verifier = await replica({}, uniqueName('pp'));
    const d = await receive(api);
    await inInbox(api.ds, d.id, 'xu-ly');
    await expectStatus(completeStep(api, d.id, 'xu-ly'), 200);
    await inInbox(api.ds, d.id, 'ky-duyet');
    const signed = await expectStatus(signResult(api, d.id), 200);
    await waitForState(api.ds, d.id, 'result_ready');

    const byCode = await request(verifier.getHttpServer()).get(`/api/public/signatures/${d.code}`).expect(404);
    const wrongToken = await request(verifier.getHttpServer()).get(`/api/public/signatures/${'0'.repeat(32)}`).expect(404);
    expect(byCode.body).toEqual(wrongToken.body);
    const ok = await request(verifier.getHttpServer()).get(signed.body.verificationUrl).expect(200);
    expect(ok.body).toMatchObject({ dossierCode: d.code, valid: true, algorithm: 'ed25519' });
    // The citizen, proven by the second factor, finds the same check through the lookup.
    const lookup = await request(verifier.getHttpServer()).post('/api/public/lookup').send({ code: d.code, phone: KNOWN_CITIZEN.phone }).expect(200);
    expect(lookup.body.signatures).toEqual([expect.objectContaining({ valid: true, verificationUrl: signed.body.verificationUrl })]);
    // The verification page is limited like the lookup: the fifth request of the minute is refused.
    const limited = await request(verifier.getHttpServer()).get(signed.body.verificationUrl).expect(429);
    expect(limited.body.rule).toBe('RATE_LIMITED');
  });

  it('shares one budget per client across API replicas', async () => {
    const prefix = uniqueName('pp');
    const [a, b] = [await replica({}, prefix), await replica({}, prefix)];
    const statuses: number[] = [];
    for (const app of [a, b, a, b, a, b]) statuses.push((await request(app.getHttpServer()).get(`/api/public/signatures/${'1'.repeat(32)}`)).status);
    // Four allowed in all, not four per replica.
    expect(statuses).toEqual([404, 404, 404, 404, 429, 429]);
  });

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    const probe = (app: INestApplication, client: string) =>
      request(app.getHttpServer()).get(`/api/public/signatures/${'2'.repeat(32)}`).set('x-forwarded-for', client).then((r) => r.status);
    // Without TRUST_PROXY a client cannot buy a fresh budget by inventing addresses.
    const direct = await replica({}, uniqueName('pp'));
    const invented: number[] = [];
    for (let i = 1; i <= 6; i++) invented.push(await probe(direct, `198.51.100.${i}`));
    expect(invented.slice(4)).toEqual([429, 429]);
    // Behind one trusted proxy (here the test's loopback), each real client has its own budget.
    const proxied = await replica({ TRUST_PROXY: 'loopback' }, uniqueName('pp'));
    const first: number[] = [];
    for (let i = 0; i < 5; i++) first.push(await probe(proxied, '203.0.113.10'));
    expect(first).toEqual([404, 404, 404, 404, 429]);
    expect(await probe(proxied, '203.0.113.11')).toBe(404);
  });
});
