import request from 'supertest';
import { DEMO_PASSWORD } from '@motcua/catalog';
import { startTestApi, type TestApi } from './support/api';
import { eventually } from './support/apps';
import { dropQueuePrefix } from './support/database';
import { REDIS_URL, uniqueName } from './support/env';
import { freePort } from './support/private-redis';
import { AppProcess } from './support/processes';
import { expectStatus, getAs, KNOWN_CITIZEN, postAs, receive } from './support/workflow';

interface Entry {
  actor_username: string | null;
  action: string;
  status: number;
  target_id: string | null;
  commune_code: string | null;
}

/** Complete audit (issue 8): printed forms, refusals of the body parser, and entries a crash cannot lose. */
describe('audit log (Nhật ký thao tác)', () => {
  let api: TestApi;
  const server = () => api.app.getHttpServer();
  const entries = (where: string, params: unknown[] = []) =>
    api.ds.query(`SELECT actor_username, action, status, target_id, commune_code FROM audit_log WHERE ${where} ORDER BY id`, params) as Promise<Entry[]>;
  /** Entries are written when the response finishes: wait for the one expected. */
  const entry = (where: string, params: unknown[] = []) => eventually(async () => (await entries(where, params))[0], 5000, `audit entry ${where}`);

  beforeAll(async () => {
    api = await startTestApi('2026-03-02T02:00:00Z');
  });
  afterAll(() => api.close());

  it('audits every printed form, the dossier record and the tracking book, with who read them', async () => {
    const d = await receive(api);
    await expectStatus(getAs(api, 'motcua.26734', `/api/dossiers/${d.id}/forms/mau-01?format=pdf`), 200);
    await expectStatus(getAs(api, 'motcua.26734', `/api/dossiers/${d.id}`), 200);
    await expectStatus(getAs(api, 'tuphap.26737', `/api/dossiers/${d.id}/forms/mau-01`), 404);
    await expectStatus(getAs(api, 'giamsat.26734', '/api/tracking-book?officeCode=H26.01.01&from=2026-03-01T00:00:00%2B07:00&to=2026-04-01T00:00:00%2B07:00'), 200);
    expect(await entry(`action = 'GET /api/dossiers/:id/forms/:form' AND status = 200`)).toEqual({
      actor_username: 'motcua.26734',
      action: 'GET /api/dossiers/:id/forms/:form',
      status: 200,
      target_id: d.id,
      commune_code: '26734',
    });
    expect(await entry(`action = 'GET /api/dossiers/:id/forms/:form' AND status = 404`)).toMatchObject({ actor_username: 'tuphap.26737', commune_code: '26737' });
    expect(await entry(`action = 'GET /api/dossiers/:id'`)).toMatchObject({ actor_username: 'motcua.26734', target_id: d.id, status: 200 });
    expect(await entry(`action = 'GET /api/tracking-book'`)).toMatchObject({ actor_username: 'giamsat.26734', status: 200 });
  });

  it('audits requests the body parser refuses (413, 415, malformed JSON), naming who sent them; nothing is written', async () => {
    const token = await api.token('motcua.26734');
    const [{ n: before }] = await api.ds.query(`SELECT count(*)::int AS n FROM dossiers`);
    const huge = await request(server())
      .post('/api/dossiers')
      .set('authorization', `Bearer ${token}`)
      .send({ summary: 'x'.repeat(200_000) })
      .expect(413);
    expect(huge.body).toMatchObject({ statusCode: 413, rule: 'PAYLOAD_TOO_LARGE' });
    const text = await request(server()).post('/api/dossiers').set('authorization', `Bearer ${token}`).set('content-type', 'text/plain').send('xin chào').expect(415);
    expect(text.body.rule).toBe('UNSUPPORTED_MEDIA_TYPE');
    const latin = await request(server()).post('/api/dossiers').set('authorization', `Bearer ${token}`).set('content-type', 'application/json; charset=latin9').send('{}').expect(415);
    expect(latin.body.rule).toBe('UNSUPPORTED_MEDIA_TYPE');
    const broken = await request(server()).post('/api/dossiers').set('authorization', `Bearer ${token}`).set('content-type', 'application/json').send('{"applicant": ').expect(400);
    expect(broken.body.rule).toBe('MALFORMED_JSON');
    for (const status of [413, 415, 400]) {
      expect(await entry(`path = '/api/dossiers' AND status = $1`, [status])).toMatchObject({ actor_username: 'motcua.26734', commune_code: '26734' });
    }
    expect((await entries(`path = '/api/dossiers' AND status = 415`)).length).toBe(2);
    const [{ n: after }] = await api.ds.query(`SELECT count(*)::int AS n FROM dossiers`);
    expect(after).toBe(before);
  });

  it("writes an action's entry once, in its own transaction; a refusal's after the answer", async () => {
    const d = await receive(api);
    await expectStatus(postAs(api, 'motcua.26734', `/api/dossiers/${d.id}/withdraw`, { reason: 'Công dân rút hồ sơ' }), 200);
    await expectStatus(postAs(api, 'motcua.26734', `/api/dossiers/${d.id}/withdraw`, { reason: 'Lần nữa' }), 409);
    const rows = await eventually(async () => {
      const r = await entries(`target_id = $1 AND action = 'POST /api/dossiers/:id/withdraw'`, [d.id]);
      return r.length === 2 ? r : undefined;
    });
    expect(rows.map((r) => [r.actor_username, r.status])).toEqual([
      ['motcua.26734', 200],
      ['motcua.26734', 409],
    ]);
    // A failed sign-in is audited with the name tried, in no commune.
    await request(server()).post('/api/auth/login').send({ username: ' Nobody.X ', password: 'sai' }).expect(401);
    expect(await entry(`action = 'POST /api/auth/login' AND status = 401`)).toMatchObject({ actor_username: 'nobody.x', commune_code: null });
  });

  it('keeps the entry of an action whose process dies right after the commit', async () => {
    const port = await freePort();
    const prefix = uniqueName('aud');
    const proc = new AppProcess('api', { ...api.env, API_PORT: String(port), QUEUE_PREFIX: prefix }, { FAILPOINTS: 'command.after-commit' });
    try {
      await proc.waitFor('API on http://');
      const url = `http://127.0.0.1:${port}/api`;
      const login = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'motcua.26734', password: DEMO_PASSWORD }) });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const intake = fetch(`${url}/dossiers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ procedureCode: 'cap-giay-xac-nhan-tinh-trang-hon-nhan', officeCode: 'H26.01.01', channel: 'desk', applicant: { ...KNOWN_CITIZEN, fullName: 'Trần Văn Sập' } }),
      }).catch((e: unknown) => e);
      await proc.waitFor('FAILPOINT command.after-commit');
      await proc.kill('SIGKILL');
      expect((await intake) as { name?: string }).toMatchObject({ name: 'TypeError' }); // fetch failed: the answer never came
      const [dossier] = await api.ds.query(`SELECT id FROM dossiers WHERE applicant_name = 'Trần Văn Sập'`);
      expect(dossier).toBeDefined();
      const rows = await entries(`target_id = $1`, [dossier.id]);
      expect(rows).toEqual([{ actor_username: 'motcua.26734', action: 'POST /api/dossiers', status: 201, target_id: dossier.id, commune_code: '26734' }]);
    } finally {
      await proc.kill('SIGKILL');
      await dropQueuePrefix(REDIS_URL, prefix);
    }
  });
});
