import request, { type Response } from 'supertest';
import { DEMO_PASSWORD } from '@motcua/catalog';
import { startTestApi, type TestApi } from './support/api';
import { RawClient } from './support/raw-http';
import { compareSnapshots, takeSnapshot } from './support/snapshot';
import { KNOWN_CITIZEN, receive, resultDocument } from './support/workflow';

/**
 * Hostile input (issue 9): every malformed request is a 4xx — a 400 naming the field when the body
 * or the query is wrong, a 404 when a path segment names nothing — in Vietnamese, and changes
 * nothing. Before, most of these cases were a 500, were stored (U+FFFD for a lone surrogate) or
 * acted on (an ignored `__proto__`, a take with fields), or were answered in English.
 */
describe('hostile input: 400 naming the field, nothing written', () => {
  let api: TestApi;
  /** A dossier in Tư pháp's inbox: every officer action applies to it. */
  let dossierId: string;
  const server = () => api.app.getHttpServer();

  beforeAll(async () => {
    api = await startTestApi('2026-03-02T02:00:00Z', undefined, { LOGIN_RATE_LIMIT: '100000', LOOKUP_RATE_LIMIT: '100000' });
    dossierId = (await receive(api)).id;
    // No worker here: record the receipt as Tư pháp's consumer would.
    await api.ds.query(`UPDATE handoffs SET received_at = now() WHERE dossier_id = $1`, [dossierId]);
    await api.ds.query(
      `INSERT INTO work_items (commune_code, dossier_id, unit_kind, step_key, status, handoff_id)
       SELECT commune_code, dossier_id, to_unit, step_key, 'pending', id FROM handoffs WHERE dossier_id = $1`,
      [dossierId],
    );
  });
  afterAll(() => api.close());

  const intake = { procedureCode: 'cap-giay-xac-nhan-tinh-trang-hon-nhan', officeCode: 'H26.01.01', channel: 'desk', applicant: KNOWN_CITIZEN };
  // Tables are built before the dossier exists: `:id` stands for it until the request is sent.
  const step = (action: string) => `/api/dossiers/:id/steps/xu-ly/${action}`;
  const on = (action: string) => `/api/dossiers/:id/${action}`;

  /** Sends `body` (an object, or raw text sent as JSON) as `username`, or without a token. */
  async function send(method: 'get' | 'post' | 'patch', path: string, username: string | null, body?: unknown): Promise<Response> {
    let req = request(server())[method](path.replace('/:id/', `/${dossierId}/`));
    if (username) req = req.set('authorization', `Bearer ${await api.token(username)}`);
    if (typeof body === 'string') return req.set('content-type', 'application/json').send(body);
    return body === undefined ? req : req.send(body as object);
  }

  /** The request is refused with `status`, the database unchanged; returns the fields named. */
  async function refused(status: number, method: 'get' | 'post' | 'patch', path: string, username: string | null, body?: unknown): Promise<string[]> {
    const before = await takeSnapshot(api.ds);
    const res = await send(method, path, username, body);
    if (res.status !== status) throw new Error(`${method.toUpperCase()} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
    expect(typeof res.body.message).toBe('string');
    expect(compareSnapshots(before, await takeSnapshot(api.ds)).changed).toEqual([]);
    const errors: { field: string; rule: string; message: string }[] = res.body.errors ?? [];
    for (const e of errors) {
      expect(typeof e.rule).toBe('string');
      // Vietnamese for people: no class-validator default ("property x should not exist", "nested property …").
      expect(e.message).not.toMatch(/should not exist|nested property|must be|unknown value/);
    }
    return errors.map((e) => e.field);
  }

  describe('text PostgreSQL cannot store (NUL bytes, lone UTF-16 surrogates) is a 400 naming the field', () => {
    const nul = 'Nguyễn\u0000Văn An';
    const lone = 'Nguyễn Văn \ud800An';
    const cases: [string, 'post' | 'patch', string, string | null, unknown, string][] = [
      ['a NUL in the applicant name', 'post', '/api/dossiers', 'motcua.26734', { ...intake, applicant: { ...KNOWN_CITIZEN, fullName: nul } }, 'applicant.fullName'],
      ['a lone surrogate in the applicant name', 'post', '/api/dossiers', 'motcua.26734', { ...intake, applicant: { ...KNOWN_CITIZEN, fullName: lone } }, 'applicant.fullName'],
      ['a NUL in the address', 'post', '/api/dossiers', 'motcua.26734', { ...intake, applicant: { ...KNOWN_CITIZEN, address: nul } }, 'applicant.address'],
      ['a low surrogate alone in the summary', 'post', '/api/dossiers', 'motcua.26734', { ...intake, summary: 'x\udc00' }, 'summary'],
      ['a NUL in a component', 'post', '/api/dossiers', 'motcua.26734', { ...intake, components: [{ name: nul, originals: 1, copies: 0 }] }, 'components[0].name'],
      ['a NUL in an option', 'post', '/api/dossiers', 'motcua.26734', { ...intake, options: ['khai\u0000sinh'] }, 'options[0]'],
      ['a NUL in a hand-off note', 'post', '/api/dossiers', 'motcua.26734', { ...intake, handoff: { channel: 'paper', reason: 'other', note: nul } }, 'handoff.note'],
      ['a NUL in the notes of a step', 'post', step('complete'), 'tuphap.26734', { notes: nul }, 'notes'],
      ['a lone surrogate in a document name', 'post', step('complete'), 'tuphap.26734', { documents: [{ ...resultDocument(), name: lone }] }, 'documents[0].name'],
      ['a NUL in a rejection reason', 'post', step('reject'), 'tuphap.26734', { reason: nul }, 'reason'],
      ['a NUL in the assignee', 'post', step('assign'), 'giamsat.26734', { assignee: 'tuphap\u0000.26734' }, 'assignee'],
      ['a NUL in a supplement item', 'post', step('supplement-request'), 'tuphap.26734', { reason: 'Thiếu giấy tờ', items: [{ name: nul }] }, 'items[0].name'],
      ['a NUL in a supplement note', 'post', on('supplement'), 'motcua.26734', { via: 'desk', note: nul }, 'note'],
      ['a NUL in the receiver name', 'post', on('return'), 'motcua.26734', { delivery: 'desk', receiverName: nul }, 'receiverName'],
      ['a NUL in a lookup code', 'post', '/api/public/lookup', null, { code: 'H26.01.01-260302-0001\u0000', phone: KNOWN_CITIZEN.phone }, 'code'],
      ['a NUL in a username at sign-in', 'post', '/api/auth/login', null, { username: 'motcua.26734\u0000', password: DEMO_PASSWORD }, 'username'],
      ['a lone surrogate in a password at sign-in', 'post', '/api/auth/login', null, { username: 'motcua.26734', password: 'x\ud83d' }, 'password'],
      ['a NUL in a signed payload', 'post', '/api/public/signatures/verify', null, { payload: '{}\u0000', signature: 'AAAA', keyId: '0'.repeat(32) }, 'payload'],
      ['a lone surrogate in an account name', 'patch', '/api/users/tuphap.26734', 'quantri.26734', { fullName: lone }, 'fullName'],
    ];
    it.each(cases)('%s', async (_name, method, path, username, body, field) => {
      expect(await refused(400, method, path, username, body)).toContain(field);
    });

    it.each([
      ['/api/inbox?q=An%00', 'tuphap.26734', 'q'],
      ['/api/inbox?procedure=%00', 'tuphap.26734', 'procedure'],
      ['/api/audit?targetId=a%00b', 'giamsat.26734', 'targetId'],
      ['/api/audit?username=a%00b', 'giamsat.26734', 'username'],
      ['/api/tracking-book?officeCode=H26%0001&from=2026-03-01&to=2026-04-01', 'motcua.26734', 'officeCode'],
    ])('in the query: GET %s', async (path, username, field) => {
      expect(await refused(400, 'get', path, username)).toContain(field);
    });

    it('answers a path segment that cannot name anything as not found', async () => {
      await refused(404, 'post', '/api/dossiers/:id/steps/xu%00ly/take', 'tuphap.26734', {});
      await refused(404, 'post', '/api/dossiers/:id/steps/xu%00ly/complete', 'tuphap.26734', {});
      await refused(404, 'post', `/api/dossiers/:id/steps/${'x'.repeat(65)}/reject`, 'tuphap.26734', { reason: 'Lý do' });
      // A malformed dossier id is answered exactly like an unknown one.
      const malformed = await send('get', '/api/dossiers/not-a-uuid', 'tuphap.26734');
      const unknown = await send('get', '/api/dossiers/00000000-0000-4000-8000-000000000000', 'tuphap.26734');
      expect(malformed.status).toBe(404);
      expect(malformed.body).toEqual(unknown.body);
    });
  });

  describe('a missing or wrongly typed nested object is a 400 naming it', () => {
    it('names applicant when the intake body is empty', async () => {
      expect(await refused(400, 'post', '/api/dossiers', 'motcua.26734', {})).toEqual(expect.arrayContaining(['procedureCode', 'officeCode', 'channel', 'applicant']));
      expect(await refused(400, 'post', '/api/dossiers', 'motcua.26734', undefined)).toContain('applicant');
    });

    it.each([
      ['without applicant', { ...intake, applicant: undefined }, 'applicant'],
      ['with applicant as an array', { ...intake, applicant: [] }, 'applicant'],
      ['with applicant as an array of a valid applicant', { ...intake, applicant: [KNOWN_CITIZEN] }, 'applicant'],
      ['with applicant as text', { ...intake, applicant: 'Nguyễn Văn An' }, 'applicant'],
      ['with applicant null', { ...intake, applicant: null }, 'applicant'],
      ['with handoff as an array', { ...intake, handoff: [] }, 'handoff'],
      ['with handoff a number', { ...intake, handoff: 7 }, 'handoff'],
      // class-validator names the list for an item that is an array (it would validate the array's items).
      ['with components [[]]', { ...intake, components: [[]] }, 'components'],
      ['with components as an object', { ...intake, components: { name: 'Tờ khai', originals: 1, copies: 0 } }, 'components'],
    ])('intake %s', async (_name, body, field) => {
      expect(await refused(400, 'post', '/api/dossiers', 'motcua.26734', body)).toContain(field);
    });

    it.each([
      ['sign with {}', on('sign'), 'lanhdao.26734', {}, 'document'],
      ['sign with document []', on('sign'), 'lanhdao.26734', { document: [] }, 'document'],
      ['sign with document [a valid document]', on('sign'), 'lanhdao.26734', { document: [resultDocument()] }, 'document'],
      ['sign with document {}', on('sign'), 'lanhdao.26734', { document: {} }, 'document.name'],
      ['complete with handoff []', step('complete'), 'tuphap.26734', { handoff: [] }, 'handoff'],
      ['complete with documents [[]]', step('complete'), 'tuphap.26734', { documents: [[]] }, 'documents'],
      ['complete with documents ["x"]', step('complete'), 'tuphap.26734', { documents: ['x'] }, 'documents[0]'],
      ['complete with documents [null]', step('complete'), 'tuphap.26734', { documents: [null] }, 'documents[0]'],
      ['supply with documents {}', on('supplement'), 'motcua.26734', { via: 'desk', documents: {} }, 'documents'],
      ['a supplement request with items [[]]', step('supplement-request'), 'tuphap.26734', { reason: 'Thiếu', items: [[]] }, 'items'],
    ])('%s', async (_name, path, username, body, field) => {
      expect(await refused(400, 'post', path, username, body)).toContain(field);
    });

    it('refuses fields on actions that take no body, naming them', async () => {
      expect(await refused(400, 'post', step('take'), 'tuphap.26734', { assignee: 'tuphap.26734' })).toEqual(['assignee']);
      expect(await refused(400, 'post', step('take'), 'tuphap.26734', '[]')).toEqual(['body']);
      expect(await refused(400, 'post', '/api/auth/logout', 'motcua.26737', { everywhere: false })).toEqual(['everywhere']);
      // Still signed in: the refused logout ended nothing.
      expect((await send('get', '/api/auth/me', 'motcua.26737')).status).toBe(200);
    });

    it('refuses a body that is not an object', async () => {
      expect(await refused(400, 'post', '/api/dossiers', 'motcua.26734', JSON.stringify([intake]))).toEqual(['body']);
      expect(await refused(400, 'post', '/api/public/lookup', null, '["H26.01.01-260302-0001"]')).toEqual(['body']);
    });
  });

  describe('keys every object has are refused, not dropped', () => {
    it.each([
      ['__proto__ in an intake', '/api/dossiers', 'motcua.26734', `{"procedureCode":"cap-giay-xac-nhan-tinh-trang-hon-nhan","officeCode":"H26.01.01","channel":"desk","applicant":{"fullName":"Nguyễn Văn An","phone":"0912345678"},"__proto__":{"x":1}}`, '__proto__'],
      ['constructor in a document', step('complete'), 'tuphap.26734', JSON.stringify({ documents: [{ ...resultDocument(), constructor: 'x' }] }), 'documents[0].constructor'],
      ['prototype in a hand-off', step('complete'), 'tuphap.26734', JSON.stringify({ handoff: { channel: 'electronic', prototype: [] } }), 'handoff.prototype'],
      // String() of it threw inside the login limiter: a 500.
      ['a username whose toString is not a function', '/api/auth/login', null, JSON.stringify({ username: { toString: 1, valueOf: 1 }, password: DEMO_PASSWORD }), 'username.toString'],
    ])('%s', async (_name, path, username, body, field) => {
      expect(await refused(400, 'post', path, username, body)).toContain(field);
    });

    it('in the query too', async () => {
      expect(await refused(400, 'get', '/api/inbox?constructor=1', 'tuphap.26734')).toEqual(['constructor']);
    });
  });

  describe('JSON nested deeper than the API reads is a 400 before anything recurses into it', () => {
    const deep = (depth: number, open = '{"a":', close = '}') => `${open.repeat(depth)}1${close.repeat(depth)}`;
    it.each([
      ['an intake with a deep extra field', '/api/dossiers', 'motcua.26734', `{"procedureCode":"cap-giay-xac-nhan-tinh-trang-hon-nhan","x":${deep(5000)}}`, 'x'],
      ['an intake that is an array 5000 levels deep', '/api/dossiers', 'motcua.26734', deep(5000, '[', ']'), 'body'],
      ['notes 3000 levels deep', step('complete'), 'tuphap.26734', `{"notes":${deep(3000, '[', ']')}}`, 'notes'],
      ['a lookup 40 levels deep', '/api/public/lookup', null, `{"code":${deep(40)}}`, 'code'],
    ])('%s', async (_name, path, username, body, field) => {
      expect(await refused(400, 'post', path, username, body)).toEqual([field]);
    });

    it('reads JSON up to the limit as usual', async () => {
      expect(await refused(400, 'post', '/api/public/lookup', null, `{"code":${deep(31)}}`)).toContain('code');
    });
  });

  describe('numbers past their column, and dates past the calendar', () => {
    it.each([
      ['sizeBytes 1e308', step('complete'), 'tuphap.26734', { documents: [{ ...resultDocument(), sizeBytes: 1e308 }] }, 'documents[0].sizeBytes'],
      ['sizeBytes 2^63', step('complete'), 'tuphap.26734', { documents: [{ ...resultDocument(), sizeBytes: 2 ** 63 }] }, 'documents[0].sizeBytes'],
      ['originals 1e308', step('supplement-request'), 'tuphap.26734', { reason: 'Thiếu', items: [{ name: 'Giấy chứng sinh', originals: 1e308 }] }, 'items[0].originals'],
      ['an apology dated year 9999', on('apology'), 'lanhdao.26734', { reason: 'Chậm', newDueAt: '9999-12-31T10:00:00Z' }, 'newDueAt'],
      ['an apology dated 30 February', on('apology'), 'lanhdao.26734', { reason: 'Chậm', newDueAt: '2026-02-30T10:00:00Z' }, 'newDueAt'],
      ['a stop requested in year 0', on('withdraw'), 'motcua.26734', { reason: 'Công dân rút', requestedAt: '0000-01-01T00:00:00Z' }, 'requestedAt'],
    ])('%s', async (_name, path, username, body, field) => {
      expect(await refused(400, 'post', path, username, body)).toEqual([field]);
    });

    it.each([
      ['/api/inbox?offset=12345678901234567890', 'tuphap.26734', 'offset'],
      ['/api/inbox?offset=1e300', 'tuphap.26734', 'offset'],
      ['/api/tracking-book?officeCode=H26.01.01&from=9999-01-01T00:00:00Z&to=9999-02-01T00:00:00Z', 'motcua.26734', 'from'],
      ['/api/tracking-book?officeCode=H26.01.01&from=2026-W10&to=2026-04-01', 'motcua.26734', 'from'],
      ['/api/indicators/electronic-share?communeCode=26734&from=2026-03-01&to=%2B275760-09-13T00:00:00Z', 'giamsat.26734', 'to'],
      ['/api/indicators/electronic-share?communeCode=26734&from=20260301&to=2026-04-01', 'giamsat.26734', 'from'],
    ])('GET %s', async (path, username, field) => {
      expect(await refused(400, 'get', path, username)).toEqual(expect.arrayContaining([field]));
    });
  });

  describe('what the framework answers by itself is Vietnamese JSON too', () => {
    it.each([
      ['an unknown route', 'get', '/api/khong-co-trang-nay', 'tuphap.26734', 404],
      ['an unknown method on a route', 'patch', '/api/inbox', 'tuphap.26734', 404],
      ['a path segment that does not decode', 'get', '/api/dossiers/%ff', 'tuphap.26734', 404],
      ['a lone surrogate percent-encoded in a path', 'post', '/api/dossiers/:id/steps/%ED%A0%80/take', 'tuphap.26734', 404],
      ['an unknown signing key (a PEM route)', 'get', `/api/public/signing-keys/${'0'.repeat(32)}`, null, 404],
    ] as const)('%s', async (_name, method, path, username, status) => {
      const before = await takeSnapshot(api.ds);
      const res = await send(method, path, username, method === 'get' ? undefined : {});
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ statusCode: status, rule: 'NOT_FOUND', message: expect.stringMatching(/^Không/) });
      expect(compareSnapshots(before, await takeSnapshot(api.ds)).changed).toEqual([]);
    });
  });

  describe('bodies that are not JSON in UTF-8', () => {
    it('refuses invalid UTF-8 instead of storing U+FFFD', async () => {
      const client = await RawClient.of(server());
      try {
        const before = await takeSnapshot(api.ds);
        const res = await client.send({
          method: 'POST',
          path: `/api/dossiers/${dossierId}/steps/xu-ly/complete`,
          headers: { authorization: `Bearer ${await api.token('tuphap.26734')}`, 'content-type': 'application/json' },
          body: Buffer.concat([Buffer.from('{"notes":"ý kiến '), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
        });
        expect(res.status).toBe(400);
        expect(res.json?.rule).toBe('NOT_UTF8');
        expect(typeof res.json?.message).toBe('string');
        expect(compareSnapshots(before, await takeSnapshot(api.ds)).changed).toEqual([]);
      } finally {
        client.close();
      }
    });
  });
});
