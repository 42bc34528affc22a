import request from 'supertest';
import { DEMO_PASSWORD } from '@motcua/catalog';
import { ALL_QUEUES, QueueRegistry } from '@motcua/messaging';
import { startTestApi, type TestApi } from './support/api';

const BOARD = '/admin/queues';
const OPERATOR = 'quantri.26734';

/** The board's session cookie (`name=value`) of a Set-Cookie answer, and its attributes. */
function sessionCookie(res: request.Response): { pair: string; attributes: string } {
  const all = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const line = all.find((c) => c.startsWith('motcua_queue_board='));
  if (!line) throw new Error(`no board cookie in ${JSON.stringify(all)}`);
  const [pair, ...attributes] = line.split(';').map((s) => s.trim());
  return { pair, attributes: attributes.join('; ') };
}

/**
 * The queue board (issue 11 item 5): bull-board over every unit and connector queue, real Redis.
 * The queues are shared by every commune, so only a deployment-wide operator (an administrator
 * named in QUEUE_BOARD_ADMINS, here quantri.26734) may open it, and it is read-only: replays go
 * through the audited dead-letter endpoint. A job carrying a field it should not shows only its ids.
 */
describe('queue board (/admin/queues)', () => {
  let api: TestApi;
  let http: ReturnType<TestApi['app']['getHttpServer']>;
  const bearer = async (username: string) => ({ Authorization: `Bearer ${await api.token(username)}` });

  beforeAll(async () => {
    api = await startTestApi('live', undefined, { QUEUE_BOARD_ADMINS: ` Quantri.26734 ,nobody.99999` });
    http = api.app.getHttpServer();
    // A waiting job (no worker runs here); `applicant` stands for data a payload must never carry.
    await api.app
      .get(QueueRegistry)
      .get('tu-phap')
      .add('handoff', { handoffId: 'h-1', dossierId: 'd-1', communeCode: '26737', applicant: 'Nguyễn Văn A' }, { jobId: 'board-job-1' });
  });
  afterAll(() => api?.close());

  it('without a session or a token: 401 as JSON, never the board', async () => {
    for (const path of [BOARD, `${BOARD}/`, `${BOARD}/api/queues`, `${BOARD}/static/images/logo.svg`]) {
      const res = await request(http).get(path);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.text).not.toMatch(/<html/i);
    }
    const forged = await request(http).get(BOARD).set('Cookie', 'motcua_queue_board=eyJhbGciOiJIUzI1NiJ9.e30.x');
    expect(forged.status).toBe(401);
    expect((await request(http).post('/api/admin/queues/session')).status).toBe(401);
  });

  it('a non-administrator, and a commune administrator not named an operator: 403', async () => {
    for (const username of ['giamsat.26734', 'motcua.26734', 'quantri.26737']) {
      const headers = await bearer(username);
      const session = await request(http).post('/api/admin/queues/session').set(headers);
      expect(session.status).toBe(403);
      expect(session.headers['set-cookie']).toBeUndefined();
      const board = await request(http).get(BOARD).set(headers);
      expect(board.status).toBe(403);
      expect(board.text).not.toMatch(/<html/i);
    }
  });

  it('the operator opens a session and sees the board; its API lists every queue, read-only, job data reduced to ids', async () => {
    const session = await request(http).post('/api/admin/queues/session').set(await bearer(OPERATOR));
    expect(session.status).toBe(204);
    const { pair, attributes } = sessionCookie(session);
    expect(attributes).toMatch(/HttpOnly/);
    expect(attributes).toMatch(/SameSite=Strict/);
    expect(attributes).toMatch(/Path=\/admin\/queues/);
    expect(attributes).toMatch(/Max-Age=900/);
    expect(attributes).not.toMatch(/Secure/); // development; production: see production.e2e-spec.ts

    const page = await request(http).get(`${BOARD}/`).set('Cookie', pair);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('MotCua — hàng đợi');
    expect(page.headers['cache-control']).toBe('no-store');

    const list = await request(http).get(`${BOARD}/api/queues`).query({ activeQueue: 'tu-phap', status: 'waiting', page: 1, jobsPerPage: 10 }).set('Cookie', pair);
    expect(list.status).toBe(200);
    const queues = list.body.queues as { name: string; readOnlyMode: boolean; allowRetries: boolean; jobs: { id: string; data: unknown }[] }[];
    expect(queues.map((q) => q.name).sort()).toEqual([...ALL_QUEUES].sort());
    expect(queues.every((q) => q.readOnlyMode && !q.allowRetries)).toBe(true);
    const job = queues.find((q) => q.name === 'tu-phap')?.jobs.find((j) => j.id === 'board-job-1');
    expect(job?.data).toEqual({ handoffId: 'h-1', dossierId: 'd-1', communeCode: '26737' });
    expect(list.text).not.toContain('Nguyễn Văn A');

    // A bearer token opens it too (scripts); the cookie is no access token for the API.
    expect((await request(http).get(`${BOARD}/api/queues`).set(await bearer(OPERATOR))).status).toBe(200);
    expect((await request(http).get('/api/auth/me').set('Authorization', `Bearer ${pair.split('=')[1]}`)).status).toBe(401);
  });

  it('refuses every mutating call: the queue stays unpaused and the job where it was', async () => {
    const headers = await bearer(OPERATOR);
    const calls: [string, string][] = [
      ['put', `${BOARD}/api/queues/tu-phap/pause`],
      ['put', `${BOARD}/api/queues/pause`],
      ['put', `${BOARD}/api/queues/tu-phap/clean/waiting`],
      ['put', `${BOARD}/api/queues/tu-phap/board-job-1/clean`],
      ['put', `${BOARD}/api/queues/tu-phap/retry/failed`],
      ['put', `${BOARD}/api/queues/tu-phap/empty`],
      ['post', `${BOARD}/api/queues/tu-phap/add`],
      ['patch', `${BOARD}/api/queues/tu-phap/board-job-1/update-data`],
    ];
    for (const [method, path] of calls) {
      const res = await (request(http) as unknown as Record<string, (p: string) => request.Test>)[method](path).set(headers).send({});
      expect({ path, status: res.status }).toEqual({ path, status: 405 });
    }
    const queue = api.app.get(QueueRegistry).get('tu-phap');
    expect(await queue.isPaused()).toBe(false);
    expect(await queue.getJobState('board-job-1')).toBe('waiting');
  });

  it('a session ends with the account’s tokens (logout)', async () => {
    const { accessToken } = (await request(http).post('/api/auth/login').send({ username: OPERATOR, password: DEMO_PASSWORD })).body as { accessToken: string };
    const { pair } = sessionCookie(await request(http).post('/api/admin/queues/session').set('Authorization', `Bearer ${accessToken}`));
    expect((await request(http).get(`${BOARD}/api/queues`).set('Cookie', pair)).status).toBe(200);
    expect((await request(http).post('/api/auth/logout').set('Authorization', `Bearer ${accessToken}`)).status).toBe(204);
    const after = await request(http).get(`${BOARD}/api/queues`).set('Cookie', pair);
    expect(after.status).toBe(401);
  });
});
