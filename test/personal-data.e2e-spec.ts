import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DEMO_PASSWORD } from '@motcua/catalog';
import { eventually } from './support/apps';
import { createTestDatabase, dropQueuePrefix, dropTestDatabase } from './support/database';
import { databaseUrl, REDIS_URL, uniqueName } from './support/env';
import { freePort } from './support/private-redis';
import { AppProcess } from './support/processes';

/** The citizens the population stub registers (apps/portal-stub/src/population-state.ts), with their phones. */
const AN = { fullName: 'Nguyễn Văn An', idNumber: '001090012345', phone: '0912345678' };
const DUNG = { fullName: 'Phạm Thị Dung', idNumber: '001190054321', phone: '0987654321' };
const PERSONAL = [AN.idNumber, AN.phone, DUNG.idNumber, DUNG.phone];

/**
 * No personal data in logs or dead letters (issue 8): the whole life of two dossiers through
 * every process, as they run in production (api, worker, portal stub, all logging at the most
 * verbose level, JSON and text), with an outside system failing and echoing the ID number it
 * was sent. Nothing any process prints, nothing left in Redis and nothing in the audit log
 * holds a seeded ID or phone number.
 */
describe('no personal data in logs, dead letters or the audit log', () => {
  let db: string;
  const prefix = uniqueName('pii');
  const procs: AppProcess[] = [];
  let api = '';
  let stub = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    const [apiPort, stubPort] = [await freePort(), await freePort()];
    stub = `http://127.0.0.1:${stubPort}`;
    api = `http://127.0.0.1:${apiPort}/api`;
    const env = {
      DATABASE_URL: databaseUrl(db),
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      MIGRATIONS_RUN: 'false',
      API_PORT: String(apiPort),
      PORTAL_STUB_PORT: String(stubPort),
      PORTAL_URL: `${stub}/dvcqg`,
      STUBS_URL: stub,
      JOB_BACKOFF_MS: '100',
      DEADLINE_SWEEP_MS: '500',
    };
    const verbose = { LOG_LEVEL: 'verbose' };
    const started = [
      new AppProcess('portal-stub', env, { ...verbose, LOG_JSON: 'false' }),
      new AppProcess('worker', env, { ...verbose, LOG_JSON: 'false' }),
      new AppProcess('api', env, { ...verbose, LOG_JSON: 'true' }),
    ];
    procs.push(...started);
    await Promise.all([started[0].waitFor('portal stub on'), started[1].waitFor('outbox relay running'), started[2].waitFor('API on http://')]);
  });
  afterAll(async () => {
    for (const p of procs) await p.stop();
    await dropTestDatabase(db);
    await dropQueuePrefix(REDIS_URL, prefix);
  });

  const json = (method: string, url: string, body?: unknown, token?: string) =>
    fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const tokens = new Map<string, string>();
  async function as(username: string): Promise<string> {
    if (!tokens.has(username)) {
      const res = await json('POST', `${api}/auth/login`, { username, password: DEMO_PASSWORD });
      tokens.set(username, ((await res.json()) as { accessToken: string }).accessToken);
    }
    return tokens.get(username)!;
  }
  async function ok(method: string, path: string, username: string | undefined, body?: unknown): Promise<Record<string, unknown>> {
    const res = await json(method, `${api}${path}`, body, username ? await as(username) : undefined);
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }
  const stepWaiting = (id: string, stepKey: string) =>
    eventually(async () => {
      const d = await ok('GET', `/dossiers/${id}`, 'giamsat.26734');
      const items = d.workItems as { stepKey: string; status: string }[];
      return items.some((w) => w.stepKey === stepKey && w.status === 'pending') ? true : undefined;
    }, 20_000, `step ${stepKey}`);
  const stateIs = (id: string, state: string) =>
    eventually(async () => ((await ok('GET', `/dossiers/${id}`, 'giamsat.26734')).state === state ? true : undefined), 20_000, `state ${state}`);

  it('runs two whole lives, with the population database failing and echoing the ID, and nothing personal leaks', async () => {
    // 1. Permanent residence: the identity check fails twice (the stub's error names the ID), then passes.
    await json('PUT', `${stub}/stub/fault/population`, { mode: 'fail', remaining: 2 });
    const residence = await ok('POST', '/dossiers', 'motcua.26734', {
      procedureCode: 'dang-ky-thuong-tru',
      officeCode: 'H26.01.01',
      channel: 'desk',
      applicant: { ...AN, address: 'Thôn Đông, xã Thanh Bình' },
    });
    await stepWaiting(residence.id as string, 'xu-ly');
    const checks = (await (await fetch(`${stub}/stub/population/checks`)).json()) as unknown[];
    expect(checks.length).toBe(1); // the two failures recorded nothing; the third call answered
    const inbox = await ok('GET', `/inbox?q=${AN.phone}`, 'congan.26734');
    expect(inbox.total).toBe(0); // a search by phone finds nothing (name or code only), and stays out of the logs
    await ok('POST', `/dossiers/${residence.id}/steps/xu-ly/take`, 'congan.26734');
    await ok('POST', `/dossiers/${residence.id}/steps/xu-ly/complete`, 'congan.26734', { notes: 'Đủ điều kiện đăng ký thường trú' });
    await stateIs(residence.id as string, 'result_ready');
    await ok('POST', `/dossiers/${residence.id}/return`, 'motcua.26734', { delivery: 'post', postalTrackingNumber: 'EB123456789VN' });

    // 2. Marital-status certificate: supplement, apology, the leader's signature, return, the citizen's lookups.
    const cert = await ok('POST', '/dossiers', 'motcua.26734', {
      procedureCode: 'cap-giay-xac-nhan-tinh-trang-hon-nhan',
      officeCode: 'H26.01.01',
      channel: 'desk',
      applicant: { ...DUNG, email: 'dung@example.vn' },
    });
    const id = cert.id as string;
    await stepWaiting(id, 'xu-ly');
    await ok('POST', `/dossiers/${id}/steps/xu-ly/supplement-request`, 'tuphap.26734', { reason: 'Thiếu bản sao Căn cước', items: [{ name: 'Bản sao Căn cước', copies: 1 }] });
    await ok('POST', `/dossiers/${id}/supplement`, 'motcua.26734', { via: 'desk' });
    await ok('POST', `/dossiers/${id}/steps/xu-ly/complete`, 'tuphap.26734', { notes: 'Đủ điều kiện' });
    await stepWaiting(id, 'ky-duyet');
    await ok('POST', `/dossiers/${id}/apology`, 'lanhdao.26734', { reason: 'Cần xác minh thêm', newDueAt: new Date(Date.now() + 30 * 86_400_000).toISOString() });
    const sha256 = createHash('sha256').update('ket qua').digest('hex');
    const signed = await ok('POST', `/dossiers/${id}/sign`, 'lanhdao.26734', { document: { name: 'ket-qua.pdf', sha256 } });
    await stateIs(id, 'result_ready');
    await ok('POST', `/dossiers/${id}/return`, 'motcua.26734', { delivery: 'desk', receiverName: DUNG.fullName });
    await ok('POST', '/public/lookup', undefined, { code: cert.code, phone: DUNG.phone });
    await ok('POST', '/public/lookup', undefined, { code: cert.code, idNumber: DUNG.idNumber });
    expect((await json('POST', `${api}/public/lookup`, { code: cert.code, phone: AN.phone })).status).toBe(404);
    expect((await fetch(`${api.replace(/\/api$/, '')}${signed.verificationUrl as string}`)).status).toBe(200);
    for (const form of ['mau-01', 'mau-02', 'mau-04', 'mau-06']) expect((await fetch(`${api}/dossiers/${id}/forms/${form}?format=pdf`, { headers: { authorization: `Bearer ${await as('motcua.26734')}` } })).status).toBe(200);
    // A number typed where a username goes.
    expect((await json('POST', `${api}/auth/login`, { username: DUNG.phone, password: 'x' })).status).toBe(401);

    // The failures were logged (the path was exercised) and the portal got every status.
    const worker = procs[1];
    await eventually(async () => (/population: HTTP 503/.test(worker.log) ? true : undefined), 5000, 'the failures in the worker log');
    await eventually(async () => {
      const d = (await (await fetch(`${stub}/stub/dossiers/${cert.code}`)).json()) as { header?: { TrangThaiHoSo?: unknown } };
      return String(d.header?.TrangThaiHoSo) === '10' ? true : undefined;
    }, 20_000, 'the portal to hear of the return');

    // Nothing personal in any process's output…
    for (const p of procs) for (const n of PERSONAL) expect([p.app, p.log.includes(n)]).toEqual([p.app, false]);
    expect(procs[2].log).toContain('"msg":"request completed"'); // the API did log its requests, as JSON
    // …in Redis (jobs, their failure reasons and stacks, events, rate limits)…
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}:*`);
      expect(keys.length).toBeGreaterThan(0);
      let dump = '';
      for (const key of keys) {
        const type = await redis.type(key);
        if (type === 'string') dump += await redis.get(key);
        if (type === 'hash') dump += JSON.stringify(await redis.hgetall(key));
        if (type === 'list') dump += JSON.stringify(await redis.lrange(key, 0, -1));
        if (type === 'set') dump += JSON.stringify(await redis.smembers(key));
        if (type === 'zset') dump += JSON.stringify(await redis.zrange(key, 0, -1));
        if (type === 'stream') dump += JSON.stringify(await redis.xrange(key, '-', '+'));
      }
      expect(dump).toContain('failedReason');
      for (const n of PERSONAL) expect(dump.includes(n)).toBe(false);
    } finally {
      redis.disconnect();
    }
    // …and in the audit log.
    const audit = await ok('GET', '/audit?limit=1000', 'giamsat.26734');
    expect((audit.items as unknown[]).length).toBeGreaterThan(20);
    for (const n of PERSONAL) expect(JSON.stringify(audit).includes(n)).toBe(false);
    // The whole table, the entries of no commune (the sign-in with a phone number) included.
    const pg = new Client({ connectionString: databaseUrl(db) });
    await pg.connect();
    try {
      const { rows } = await pg.query(`SELECT * FROM audit_log`);
      expect(rows.some((r) => r.commune_code === null && r.action === 'POST /api/auth/login')).toBe(true);
      for (const n of PERSONAL) expect(JSON.stringify(rows).includes(n)).toBe(false);
    } finally {
      await pg.end();
    }
  });
});
