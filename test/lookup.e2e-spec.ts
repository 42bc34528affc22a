import request from 'supertest';
import { startTestApi, type TestApi } from './support/api';

/** The citizen's public lookup, health and the OpenAPI document, over HTTP. */
describe('public lookup (Tra cứu hồ sơ)', () => {
  let api: TestApi;
  let code: string;
  const server = () => api.app.getHttpServer();

  beforeAll(async () => {
    api = await startTestApi('2026-03-02T02:00:00Z');
    const res = await request(server())
      .post('/api/dossiers')
      .set('authorization', `Bearer ${await api.token('motcua.26734')}`)
      .send({
        procedureCode: 'dang-ky-thuong-tru',
        officeCode: 'H26.01.01',
        channel: 'desk',
        applicant: { fullName: 'Phạm Thị Dung', phone: '0987654321', idNumber: '001190054321' },
      })
      .expect(201);
    code = res.body.code;
  });
  afterAll(async () => {
    await api.close();
  });

  it('finds a dossier by its code and the applicant’s phone', async () => {
    const res = await request(server()).post('/api/public/lookup').send({ code, phone: '0987654321' }).expect(200);
    expect(res.body).toMatchObject({
      code,
      procedureName: 'Đăng ký thường trú',
      state: 'in_progress',
      stateLabel: 'Đang xử lý',
      portalStatus: 4,
      appointmentText: '17 giờ 00 phút, ngày 11/03/2026',
    });
    expect(res.body.history).toEqual([
      { at: '2026-03-02T02:00:00.000Z', description: 'Hồ sơ được tiếp nhận' },
      { at: '2026-03-02T02:00:00.000Z', description: 'Chuyển đến Công an xã' },
    ]);
    // Nothing personal comes back: the caller already knows it, and the page may be shared.
    expect(JSON.stringify(res.body)).not.toMatch(/0987654321|001190054321|Phạm Thị Dung/);
  });

  it('finds it by the ID number too', async () => {
    await request(server()).post('/api/public/lookup').send({ code, idNumber: '001190054321' }).expect(200);
  });

  it('answers a wrong second factor exactly like an unknown code', async () => {
    const wrongPhone = await request(server()).post('/api/public/lookup').send({ code, phone: '0987654320' }).expect(404);
    const wrongId = await request(server()).post('/api/public/lookup').send({ code, idNumber: '001190054320' }).expect(404);
    const unknown = await request(server()).post('/api/public/lookup').send({ code: 'H26.01.01-260302-9999', phone: '0987654321' }).expect(404);
    expect(wrongPhone.body).toEqual(unknown.body);
    expect(wrongId.body).toEqual(unknown.body);
    expect(unknown.body.message).toBe('Không tìm thấy hồ sơ với mã và thông tin đã nhập.');
  });

  it('asks for a second factor with a 400 naming the fields', async () => {
    const res = await request(server()).post('/api/public/lookup').send({ code }).expect(400);
    expect(new Set(res.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['phone', 'idNumber']));
  });

  it('reports PostgreSQL and Redis up', async () => {
    const res = await request(server()).get('/api/health').expect(200);
    expect(res.body.details).toEqual({ postgres: expect.objectContaining({ status: 'up' }), redis: { status: 'up' } });
  });

  it('publishes the OpenAPI document at /api/docs', async () => {
    const res = await request(server()).get('/api/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/dossiers', '/api/public/lookup', '/api/procedures', '/api/health']),
    );
    await request(server()).get('/api/docs').expect(200);
  });

  it('lists the commune’s procedures, and 404s an unknown commune', async () => {
    const res = await request(server()).get('/api/procedures').query({ communeCode: '26734' }).expect(200);
    expect(res.body.length).toBeGreaterThanOrEqual(20);
    expect(res.body.find((p: { code: string }) => p.code === 'dang-ky-thuong-tru')).toMatchObject({ legalTimeText: '7 ngày làm việc' });
    await request(server()).get('/api/procedures').query({ communeCode: '99999' }).expect(404);
  });

  it('rate-limits lookups per address (last, it uses up the budget)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await request(server()).post('/api/public/lookup').send({ code, phone: '0987654321' })).status);
    }
    expect(statuses).toContain(429);
    const limited = await request(server()).post('/api/public/lookup').send({ code, phone: '0987654321' }).expect(429);
    expect(limited.body.rule).toBe('RATE_LIMITED');
  });
});
