import request from 'supertest';
import { DEMO_PASSWORD } from '@motcua/catalog';
import { startTestApi, type TestApi } from './support/api';
import { completeStep, expectStatus, getAs, receive } from './support/workflow';

/** Who may do what: logins, tokens, roles, and the commune and unit boundaries. */
describe('authentication and access control', () => {
  let api: TestApi;
  const server = () => api.app.getHttpServer();
  const login = (username: string, password: string) => request(server()).post('/api/auth/login').send({ username, password });

  beforeAll(async () => {
    api = await startTestApi('2026-03-02T02:00:00Z', undefined, { LOGIN_RATE_LIMIT: '5' });
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
    // No worker here: record the receipt as Tư pháp's consumer would.
    await api.ds.query(`UPDATE handoffs SET received_at = now() WHERE dossier_id = $1`, [d.id]);
    await api.ds.query(
      `INSERT INTO work_items (commune_code, dossier_id, unit_kind, step_key, status, handoff_id)
       SELECT commune_code, dossier_id, to_unit, step_key, 'pending', id FROM handoffs WHERE dossier_id = $1`,
      [d.id],
    );
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
});
