import request, { type Response } from 'supertest';
import { type Role, standsAboveUnits } from '@motcua/domain';
import { startTestApi, type TestApi } from './support/api';
import { withWorker } from './support/in-process-worker';
import { inInbox, receive, resultDocument } from './support/workflow';

/** Communes of the matrix: A holds the dossier; B is another commune of the same province. */
const A = '26734';
const B = '26737';

/** One caller of the matrix: a role, a unit (own = the step's unit, Tư pháp; other = Công an), a commune. */
interface Caller {
  readonly label: string;
  readonly username?: string;
  readonly role?: Role;
  readonly units: readonly string[];
  readonly commune?: string;
}

const CALLERS: Caller[] = [{ label: 'anonymous', units: [] }];
for (const commune of [A, B]) {
  const c = (login: string, role: Role, units: string[], label: string = role): Caller => ({ label: `${label}@${commune}`, username: `${login}.${commune}`, role, units, commune });
  CALLERS.push(
    c('motcua', 'reception', ['van-phong']),
    c('tuphap', 'officer', ['tu-phap'], 'officer-own-unit'),
    c('congan', 'officer', ['cong-an'], 'officer-other-unit'),
    c('lanhdao', 'leader', ['lanh-dao']),
    c('giamsat', 'supervisor', []),
    c('quantri', 'admin', []),
    c('dvcqg', 'service', []),
  );
}

/** The step every dossier of the matrix waits at: Tư pháp's. */
const STEP_UNIT = 'tu-phap';

/**
 * One endpoint of the API and its rule. `tenancy`: `dossier` — another commune's is 404 like an
 * unknown id; `office` — another commune's office is 403 (intake) or 404 (its book, its
 * indicators, its accounts); `own` — the caller's own commune's data (lists). `unit`: `act` —
 * only the step's unit; `view` — the roles above the units, or a unit the dossier passed through.
 */
interface Endpoint {
  readonly name: string;
  readonly method: 'get' | 'post' | 'patch';
  readonly path: (dossierId: string) => string;
  readonly body?: (caller: Caller, n: number) => Record<string, unknown>;
  readonly roles: readonly Role[] | 'any';
  readonly tenancy: 'dossier' | 'own' | { readonly otherCommune: 403 | 404 };
  readonly unit?: 'act' | 'view';
  /** What an allowed caller gets, with the dossier waiting at Tư pháp. */
  readonly ok: number;
  /** An allowed call changes the dossier: it gets a dossier of its own. */
  readonly mutates?: boolean;
}

const d = (rest = '') => (id: string) => `/api/dossiers/${id}${rest}`;
const step = (action: string) => d(`/steps/xu-ly/${action}`);
const BOOK = '/api/tracking-book?officeCode=H26.01.01&from=2026-03-01T00:00:00%2B07:00&to=2026-04-01T00:00:00%2B07:00';

const ENDPOINTS: Endpoint[] = [
  { name: 'GET /auth/me', method: 'get', path: () => '/api/auth/me', roles: 'any', tenancy: 'own', ok: 200 },
  { name: 'GET /users', method: 'get', path: () => '/api/users', roles: ['admin'], tenancy: 'own', ok: 200 },
  {
    name: 'POST /users',
    method: 'post',
    path: () => '/api/users',
    body: (c, n) => ({ username: `moi${n}.${c.commune}`, fullName: 'Cán bộ mới', roles: ['reception'], password: 'mat-khau-moi-2026' }),
    roles: ['admin'],
    tenancy: 'own',
    ok: 201,
  },
  { name: 'PATCH /users/:username', method: 'patch', path: () => `/api/users/yte.${A}`, body: () => ({ fullName: 'Ngô Thị Mai' }), roles: ['admin'], tenancy: { otherCommune: 404 }, ok: 200 },
  {
    name: 'POST /dossiers (intake)',
    method: 'post',
    path: () => '/api/dossiers',
    body: () => ({ procedureCode: 'cap-giay-xac-nhan-tinh-trang-hon-nhan', officeCode: 'H26.01.01', channel: 'desk', applicant: { fullName: 'Lý Văn Ma Trận', phone: '0912000999' } }),
    roles: ['reception', 'service'],
    tenancy: { otherCommune: 403 },
    ok: 201,
  },
  { name: 'GET /dossiers/:id', method: 'get', path: d(), roles: 'any', tenancy: 'dossier', unit: 'view', ok: 200 },
  { name: 'GET /dossiers/:id/forms/mau-01', method: 'get', path: d('/forms/mau-01'), roles: 'any', tenancy: 'dossier', unit: 'view', ok: 200 },
  { name: 'GET /dossiers/:id/handoffs', method: 'get', path: d('/handoffs'), roles: 'any', tenancy: 'dossier', unit: 'view', ok: 200 },
  { name: 'POST take', method: 'post', path: step('take'), roles: ['officer', 'leader', 'reception'], tenancy: 'dossier', unit: 'act', ok: 200, mutates: true },
  { name: 'POST assign', method: 'post', path: step('assign'), body: () => ({ assignee: `tuphap.${A}` }), roles: ['supervisor', 'admin'], tenancy: 'dossier', ok: 200, mutates: true },
  { name: 'POST complete', method: 'post', path: step('complete'), body: () => ({ notes: 'Đủ điều kiện' }), roles: ['officer', 'leader', 'reception'], tenancy: 'dossier', unit: 'act', ok: 200, mutates: true },
  {
    name: 'POST supplement-request',
    method: 'post',
    path: step('supplement-request'),
    body: () => ({ reason: 'Thiếu tờ khai', items: [{ name: 'Tờ khai' }] }),
    roles: ['officer', 'leader'],
    tenancy: 'dossier',
    unit: 'act',
    ok: 200,
    mutates: true,
  },
  { name: 'POST reject', method: 'post', path: step('reject'), body: () => ({ reason: 'Không đủ điều kiện' }), roles: ['officer', 'leader'], tenancy: 'dossier', unit: 'act', ok: 200, mutates: true },
  // Not waiting for a supplement: the citizen's supplement is a conflict for whoever may record it.
  { name: 'POST supplement', method: 'post', path: d('/supplement'), body: () => ({ via: 'desk' }), roles: ['reception', 'service'], tenancy: 'dossier', ok: 409 },
  // No signing step waits yet.
  { name: 'POST sign', method: 'post', path: d('/sign'), body: () => ({ document: resultDocument() }), roles: ['leader'], tenancy: 'dossier', ok: 409 },
  { name: 'POST apology', method: 'post', path: d('/apology'), body: () => ({ reason: 'Cần xác minh', newDueAt: '2026-03-20T10:00:00Z' }), roles: ['leader'], tenancy: 'dossier', ok: 200, mutates: true },
  // No result yet.
  { name: 'POST return', method: 'post', path: d('/return'), body: () => ({ delivery: 'desk' }), roles: ['reception'], tenancy: 'dossier', ok: 409 },
  { name: 'POST withdraw', method: 'post', path: d('/withdraw'), body: () => ({ reason: 'Công dân rút hồ sơ' }), roles: ['reception', 'service'], tenancy: 'dossier', ok: 200, mutates: true },
  { name: 'GET /tracking-book', method: 'get', path: () => BOOK, roles: ['reception', 'leader', 'supervisor', 'admin'], tenancy: { otherCommune: 404 }, ok: 200 },
  { name: 'GET /inbox', method: 'get', path: () => '/api/inbox?limit=200', roles: ['officer', 'leader', 'reception', 'supervisor', 'admin'], tenancy: 'own', ok: 200 },
  { name: 'GET /notifications', method: 'get', path: () => '/api/notifications', roles: 'any', tenancy: 'own', ok: 200 },
  { name: 'GET /audit', method: 'get', path: () => '/api/audit?limit=1000', roles: ['supervisor', 'admin'], tenancy: 'own', ok: 200 },
  {
    name: 'GET /indicators/electronic-share',
    method: 'get',
    path: () => `/api/indicators/electronic-share?communeCode=${A}&from=2026-03-01T00:00:00%2B07:00&to=2026-04-01T00:00:00%2B07:00`,
    roles: ['supervisor', 'leader', 'admin'],
    tenancy: { otherCommune: 404 },
    ok: 200,
  },
  { name: 'GET /reports/periodic', method: 'get', path: () => '/api/reports/periodic?period=month&year=2026&index=3', roles: ['supervisor', 'leader', 'admin'], tenancy: 'own', ok: 200 },
  {
    name: 'GET /monitoring/throughput',
    method: 'get',
    path: () => '/api/monitoring/throughput?granularity=hour&from=2026-03-02T00:00:00%2B07:00&to=2026-03-03T00:00:00%2B07:00',
    roles: ['supervisor', 'leader', 'admin'],
    tenancy: 'own',
    ok: 200,
  },
  // GET /monitoring/stream never ends; its roles are checked in monitoring.e2e-spec.ts.
  { name: 'GET /monitoring/backlog', method: 'get', path: () => '/api/monitoring/backlog', roles: ['supervisor', 'leader', 'admin'], tenancy: 'own', ok: 200 },
  { name: 'GET /dead-letters', method: 'get', path: () => '/api/dead-letters', roles: ['supervisor', 'admin'], tenancy: 'own', ok: 200 },
  // Nothing failed: the job is not found, for every commune alike.
  { name: 'POST /dead-letters/:queue/:jobId/replay', method: 'post', path: () => '/api/dead-letters/tu-phap/ob-1-x/replay', roles: ['supervisor', 'admin'], tenancy: 'own', ok: 404 },
];

/** What the rule says `caller` gets from `ep`. */
function expected(ep: Endpoint, caller: Caller): number {
  if (!caller.role) return 401;
  if (ep.roles !== 'any' && !ep.roles.includes(caller.role)) return 403;
  if (caller.commune !== A) {
    if (ep.tenancy === 'dossier') return 404;
    if (typeof ep.tenancy === 'object') return ep.tenancy.otherCommune;
  }
  if (ep.unit === 'act' && !caller.units.includes(STEP_UNIT)) return 403;
  if (ep.unit === 'view' && !standsAboveUnits([caller.role]) && !caller.units.some((u) => u === STEP_UNIT || u === 'van-phong')) return 403;
  return ep.ok;
}

/**
 * Every authenticated endpoint × every role × own or other unit × own or other commune (issue 8):
 * the status is the rule's, and a refused call changes nothing (the audit log aside, which
 * records the refusal). Allowed calls that change a dossier get one of their own.
 */
describe('access matrix: endpoint × role × unit × commune', () => {
  let api: TestApi;
  let shared: { id: string; code: string };
  let n = 0;

  /** A dossier of commune A at Tư pháp's step, as the unit's consumer leaves it. */
  /**
   * Dossiers whose first step (Tư pháp's) sits in the inbox, received by the real consumer: made
   * up front, all with one run of the worker, so no worker runs while the matrix compares states.
   */
  const ready: { id: string; code: string }[] = [];
  function dossierAtStep(): { id: string; code: string } {
    const d = ready.pop();
    if (!d) throw new Error('the matrix needs more dossiers than it prepared');
    return d;
  }

  /** Everything a call could change, the audit log aside. */
  async function state(): Promise<unknown> {
    const [row] = await api.ds.query(`SELECT
      (SELECT count(*) FROM dossiers) AS dossiers,
      (SELECT md5(string_agg(id::text || state || last_seq || coalesce(due_at::text, ''), ',' ORDER BY id)) FROM dossiers) AS dossier_rows,
      (SELECT count(*) FROM dossier_events) AS events,
      (SELECT count(*) FROM outbox) AS outbox,
      (SELECT md5(string_agg(id::text || status || coalesce(assignee_id::text, ''), ',' ORDER BY id)) FROM work_items) AS work_items,
      (SELECT count(*) FROM handoffs) AS handoffs,
      (SELECT count(*) FROM supplement_requests) + (SELECT count(*) FROM apology_letters) + (SELECT count(*) FROM result_signatures)
        + (SELECT count(*) FROM dossier_documents) + (SELECT count(*) FROM notifications) AS casework,
      (SELECT md5(string_agg(username || full_name || active || token_version || roles::text || unit_kinds::text, ',' ORDER BY username)) FROM users) AS users`);
    return row;
  }

  function call(ep: Endpoint, caller: Caller, dossierId: string, token?: string): Promise<Response> {
    const req = request(api.app.getHttpServer())[ep.method](ep.path(dossierId));
    if (token) req.set('authorization', `Bearer ${token}`);
    return ep.body ? req.send(ep.body(caller, ++n)) : req;
  }

  beforeAll(async () => {
    api = await startTestApi('2026-03-02T02:00:00Z');
    const needed = 1 + ENDPOINTS.reduce((n, ep) => n + (ep.mutates ? CALLERS.filter((c) => expected(ep, c) === ep.ok).length : 0), 0);
    await withWorker(api, async () => {
      for (let i = 0; i < needed; i++) ready.push(await receive(api));
      for (const d of ready) await inInbox(api.ds, d.id, 'xu-ly');
    });
    shared = dossierAtStep();
  });
  afterAll(() => api.close());

  it.each(ENDPOINTS.map((ep) => [ep.name, ep] as const))('%s', async (_name, ep) => {
    const mismatches: string[] = [];
    for (const caller of CALLERS) {
      const want = expected(ep, caller);
      const allowed = want === ep.ok;
      const dossier = allowed && ep.mutates ? dossierAtStep() : shared;
      const token = caller.username ? await api.token(caller.username) : undefined;
      const before = allowed ? undefined : await state();
      const res = await call(ep, caller, dossier.id, token);
      if (res.status !== want) mismatches.push(`${caller.label}: expected ${want}, got ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
      if (before !== undefined && JSON.stringify(await state()) !== JSON.stringify(before)) mismatches.push(`${caller.label}: a refused call (${res.status}) changed something`);
      // Lists and records never show another commune's dossiers.
      if (caller.commune === B && res.status < 300 && JSON.stringify(res.body ?? res.text).includes(shared.code)) mismatches.push(`${caller.label}: sees commune A's dossier`);
      if (res.status >= 500) mismatches.push(`${caller.label}: ${res.status}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('answers another commune\'s dossier exactly like an unknown id, on every dossier route', async () => {
    const token = await api.token(`lanhdao.${B}`);
    for (const ep of ENDPOINTS.filter((e) => e.tenancy === 'dossier')) {
      const caller = CALLERS.find((c) => c.username === `lanhdao.${B}`)!;
      if (ep.roles !== 'any' && !ep.roles.includes('leader')) continue;
      const other = await call(ep, caller, shared.id, token);
      const unknown = await call(ep, caller, '00000000-0000-4000-8000-000000000000', token);
      expect([ep.name, other.status, other.body]).toEqual([ep.name, 404, unknown.body]);
    }
  });

  it('logs anyone out of their own sessions only (last: it ends the callers\' tokens)', async () => {
    for (const caller of CALLERS) {
      const token = caller.username ? await api.token(caller.username) : undefined;
      const res = await request(api.app.getHttpServer()).post('/api/auth/logout').set('authorization', token ? `Bearer ${token}` : '');
      expect([caller.label, res.status]).toEqual([caller.label, caller.role ? 204 : 401]);
    }
  });
});
