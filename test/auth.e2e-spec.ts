import fc from 'fast-check';
import request from 'supertest';
import { DEMO_PASSWORD } from '@motcua/catalog';
import { startTestApi, type TestApi } from './support/api';
import { eventually } from './support/apps';
import { withWorker } from './support/in-process-worker';
import { completeStep, expectStatus, getAs, inInbox, postAs, receive } from './support/workflow';

/** Who may do what: logins, tokens, roles, and the commune and unit boundaries. */
describe('authentication and access control', () => {
  let api: TestApi;
  const server = () => api.app.getHttpServer();
  const login = (username: string, password: string) => request(server()).post('/api/auth/login').send({ username, password });

  beforeAll(async () => {
    api = await startTestApi('2026-03-02T02:00:00Z', undefined, { LOGIN_RATE_LIMIT: '5', AUTH_CACHE_MS: '300' });
  });
  afterAll(() => api.close());

  it('logs a demo officer in and tells who is behind the token', async () => {
    const res = await login('tuphap.26734', DEMO_PASSWORD).expect(200);
    expect(res.body.actor).toMatchObject({ username: 'tuphap.26734', communeCode: '26734', roles: ['officer'], units: ['tu-phap'] });
    const me = await request(server()).get('/api/auth/me').set('authorization', `Bearer ${res.body.accessToken}`).expect(200);
    expect(me.body.fullName).toBe('Lê Văn Tư');
  });

  it('answers a wrong password exactly like an unknown user', async () => {
    const wrong = await login('congan.26734', 'sai-mat-khau').expect(401);
    const unknown = await login('khong-co.26734', 'sai-mat-khau').expect(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.message).toBe('Sai tên đăng nhập hoặc mật khẩu.');
  });

  it('refuses requests without a valid token', async () => {
    await request(server()).post('/api/dossiers').send({}).expect(401);
    await request(server()).get('/api/auth/me').set('authorization', 'Bearer not-a-token').expect(401);
    // Public routes stay open.
    await request(server()).get('/api/health').expect(200);
    await request(server()).get('/api/procedures').query({ communeCode: '26734' }).expect(200);
  });

  it('lets only the desk (or the portal account) receive dossiers, at offices of its own commune', async () => {
    const asOfficer = await request(server())
      .post('/api/dossiers')
      .set('authorization', `Bearer ${await api.token('tuphap.26734')}`)
      .send({ procedureCode: 'dang-ky-khai-tu', officeCode: 'H26.01.01', channel: 'desk', applicant: { fullName: 'Lê Văn Cường', phone: '0912000111' } })
      .expect(403);
    expect(asOfficer.body.rule).toBe('FORBIDDEN');
    await request(server())
      .post('/api/dossiers')
      .set('authorization', `Bearer ${await api.token('motcua.26737')}`)
      .send({ procedureCode: 'dang-ky-khai-tu', officeCode: 'H26.01.01', channel: 'desk', applicant: { fullName: 'Lê Văn Cường', phone: '0912000111' } })
      .expect(403);
    const [{ n }] = await api.ds.query(`SELECT count(*)::int AS n FROM dossiers`);
    expect(n).toBe(0);
  });

  it('lets an officer act only on steps of their own unit in their own commune; nothing changes on refusal', async () => {
    const d = await receive(api);
    // Tư pháp's consumer receives the hand-off and puts the step in its inbox.
    await withWorker(api, () => inInbox(api.ds, d.id, 'xu-ly'));
    const events = async () => (await api.ds.query(`SELECT count(*)::int AS n FROM dossier_events WHERE dossier_id = $1`, [d.id]))[0].n;
    const before = await events();
    const otherUnit = await expectStatus(completeStep(api, d.id, 'xu-ly', {}, 'congan.26734'), 403);
    expect(otherUnit.body.message).toMatch(/đơn vị khác/);
    // Another commune's dossier is not found, exactly like an unknown id.
    const otherCommune = await expectStatus(completeStep(api, d.id, 'xu-ly', {}, 'tuphap.26737'), 404);
    const unknown = await expectStatus(completeStep(api, '00000000-0000-4000-8000-000000000000', 'xu-ly', {}, 'tuphap.26734'), 404);
    expect(otherCommune.body).toEqual(unknown.body);
    expect(await events()).toBe(before);
    await expectStatus(getAs(api, 'congan.26734', `/api/dossiers/${d.id}/handoffs`), 403);
    await expectStatus(getAs(api, 'tuphap.26734', `/api/dossiers/${d.id}/handoffs`), 200);
    await expectStatus(completeStep(api, d.id, 'xu-ly', {}, 'tuphap.26734'), 200);
  });

  it('throttles repeated logins of one username from one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await login('yte.26734', 'sai-mat-khau')).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // Another username from the same address is not locked out by it.
    await login('vanhoa.26734', DEMO_PASSWORD).expect(200);
  });

  it('counts a username however it is written: a locked account stays locked as "name " or in capitals', async () => {
    for (let i = 0; i < 5; i++) await login('chinhsach.26734', 'sai-mat-khau').expect(401);
    for (const variant of ['chinhsach.26734 ', ' ChinhSach.26734', 'CHINHSACH.26734\t']) {
      const res = await login(variant, DEMO_PASSWORD);
      expect(res.status).toBe(429);
      expect(res.body.rule).toBe('RATE_LIMITED');
    }
  });

  const patchUser = async (as: string, username: string, body: Record<string, unknown>) =>
    request(server()).patch(`/api/users/${username}`).set('authorization', `Bearer ${await api.token(as)}`).send(body);
  const me = (token: string) => request(server()).get('/api/auth/me').set('authorization', `Bearer ${token}`);
  const tokenOf = async (username: string, password = DEMO_PASSWORD) => (await login(username, password).expect(200)).body.accessToken as string;
  /** The token is refused within the cache period (AUTH_CACHE_MS, 300 ms here), not hours later. */
  const refusedSoon = (token: string) => eventually(async () => ((await me(token)).status === 401 ? true : undefined), 3000, 'the token to be refused');

  it('stops trusting a token once its user is deactivated, and again after reactivation only new tokens work', async () => {
    const token = await tokenOf('quansu.26734');
    await me(token).expect(200);
    await expectStatus(patchUser('quantri.26734', 'quansu.26734', { active: false }), 200);
    await refusedSoon(token);
    expect((await me(token)).body.message).toMatch(/không còn hiệu lực/);
    await login('quansu.26734', DEMO_PASSWORD).expect(401);
    await expectStatus(patchUser('quantri.26734', 'quansu.26734', { active: true }), 200);
    await me(token).expect(401);
    await me(await tokenOf('quansu.26734')).expect(200);
  });

  it('stops trusting a token once its roles or units change; a new login carries the new ones', async () => {
    const token = await tokenOf('truonghoc.26734');
    await expectStatus(patchUser('quantri.26734', 'truonghoc.26734', { units: ['truong-hoc', 'van-hoa'] }), 200);
    await refusedSoon(token);
    const fresh = await login('truonghoc.26734', DEMO_PASSWORD).expect(200);
    expect(fresh.body.actor.units).toEqual(['truong-hoc', 'van-hoa']);
    // An unchanged save ends nothing: the token version stays, so the token keeps working.
    const version = async () => (await api.ds.query(`SELECT token_version FROM users WHERE username = 'truonghoc.26734'`))[0].token_version;
    const before = await version();
    await expectStatus(patchUser('quantri.26734', 'truonghoc.26734', { units: ['truong-hoc', 'van-hoa'] }), 200);
    expect(await version()).toBe(before);
    await me(fresh.body.accessToken).expect(200);
  });

  it('ends every session of the account at logout', async () => {
    const a = await tokenOf('ketoan.26734');
    const b = await tokenOf('ketoan.26734');
    await request(server()).post('/api/auth/logout').set('authorization', `Bearer ${a}`).expect(204);
    await me(a).expect(401);
    await refusedSoon(b);
  });

  it("lets only a commune's administrators manage its own accounts, with the rules named on refusal", async () => {
    const created = await expectStatus(
      postAs(api, 'quantri.26734', '/api/users', { username: 'tuphap2.26734', fullName: 'Hà Thị Thu', roles: ['officer'], units: ['tu-phap'], password: 'mat-khau-moi-2026' }),
      201,
    );
    expect(created.body).toMatchObject({ username: 'tuphap2.26734', communeCode: '26734', roles: ['officer'], units: ['tu-phap'], active: true, demo: false });
    expect(created.body.passwordHash).toBeUndefined();
    await login('tuphap2.26734', 'mat-khau-moi-2026').expect(200);
    const again = await expectStatus(postAs(api, 'quantri.26734', '/api/users', { username: 'tuphap2.26734', fullName: 'X', roles: ['officer'], units: ['tu-phap'], password: 'mat-khau-moi-2026' }), 409);
    expect(again.body.rule).toBe('USERNAME_TAKEN');
    const noUnit = await expectStatus(postAs(api, 'quantri.26734', '/api/users', { username: 'moi.26734', fullName: 'X', roles: ['officer'], password: 'mat-khau-moi-2026' }), 400);
    expect(noUnit.body.errors[0].field).toBe('units');
    const short = await expectStatus(postAs(api, 'quantri.26734', '/api/users', { username: 'moi.26734', fullName: 'X', roles: ['reception'], password: 'ngan' }), 400);
    expect(short.body.errors.map((e: { field: string }) => e.field)).toEqual(['password']);
    // Another commune's administrator does not find the account; an officer may not look.
    const before = await getAs(api, 'quantri.26734', '/api/users');
    await expectStatus(patchUser('quantri.26737', 'tuphap2.26734', { active: false }), 404);
    await expectStatus(getAs(api, 'tuphap.26734', '/api/users'), 403);
    const listed = (await expectStatus(getAs(api, 'quantri.26737', '/api/users'), 200)).body.items.map((u: { username: string }) => u.username);
    expect(listed.every((u: string) => u.endsWith('.26737'))).toBe(true);
    expect((await getAs(api, 'quantri.26734', '/api/users')).body).toEqual(before.body);
  });

  it('answers hostile input to sign-in and the accounts API with a 4xx, never a 500, and creates nothing', async () => {
    const [{ n: users }] = await api.ds.query(`SELECT count(*)::int AS n FROM users`);
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfffy', ' '.repeat(70)));
    const value = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 }), fc.dictionary(text, text, { maxKeys: 3 }));
    const admin = await api.token('quantri.26737');
    await fc.assert(
      fc.asyncProperty(
        fc.record({ username: value, fullName: value, roles: fc.oneof(value, fc.array(fc.constantFrom('officer', 'admin', 'x'))), units: value, password: value, active: value }, { requiredKeys: [] }),
        // The account in the path: any text (percent-encoded), or raw encodings that do not decode.
        fc.oneof(text.map((t) => encodeURIComponent(t.replace(/[\ud800-\udfff]/g, '\ufffd')) || 'x'), fc.constantFrom('%00', '%ff', '%E0%A4%A', 'a%20b', '..%2F..')),
        async (body, name) => {
          const created = await request(server()).post('/api/users').set('authorization', `Bearer ${admin}`).send(body);
          const patched = await request(server()).patch(`/api/users/${name}`).set('authorization', `Bearer ${admin}`).send(body);
          const signIn = await login(body.username as string, body.password as string);
          for (const res of [created, patched, signIn]) {
            expect(res.status).toBeGreaterThanOrEqual(400);
            expect(res.status).toBeLessThan(500);
            expect(typeof res.body.message === 'string' || Array.isArray(res.body.errors)).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
    const [{ n: after }] = await api.ds.query(`SELECT count(*)::int AS n FROM users`);
    expect(after).toBe(users);
  });
});
