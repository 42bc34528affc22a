import fc from 'fast-check';
import { DEMO_PASSWORD } from '@motcua/catalog';
import { DEEP, f, type Shape, setAt, short, validOf, type ValueMutation, valueMutations } from './bad-input';
import type { RawRequest } from './raw-http';
import { KNOWN_CITIZEN, resultDocument } from './workflow';

/** What the campaign's requests point at: dossiers in each state, and what the public pages look up. */
export interface Targets {
  /** In Tư pháp's inbox (xu-ly pending): take, assign, complete, reject, supplement-request, apology, withdraw. */
  readonly inInbox: string;
  readonly inInboxCode: string;
  /** Waiting for the citizen's supplement. */
  readonly waitingSupplement: string;
  /** At the leader's signature (ky-duyet). */
  readonly atSignature: string;
  /** Result ready at the desk. */
  readonly resultReady: string;
  /** Commune 26737's. */
  readonly otherCommune: string;
  /** The hand-off, the work item and an outbox message of the dossier in the inbox: none of them stuck. */
  readonly handoff: string;
  readonly workItem: string;
  readonly outboxMessage: string;
  readonly verificationToken: string;
  readonly signed: { readonly payload: string; readonly signature: string; readonly keyId: string };
}

/** The demo accounts that sign in for the campaign, by role. */
export const CAMPAIGN_USERS = ['motcua.26734', 'dvcqg.26734', 'tuphap.26734', 'congan.26734', 'lanhdao.26734', 'giamsat.26734', 'quantri.26734', 'motcua.26737'] as const;
type User = (typeof CAMPAIGN_USERS)[number];

/** One endpoint: its valid request, and who may send it. */
interface Endpoint {
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** The route, `:name` for each path parameter. */
  readonly route: string;
  /** Valid path parameters (`id` a dossier). */
  readonly params?: (t: Targets) => Record<string, string>;
  /** The account that sends the valid request; none for a public page. */
  readonly user?: User;
  /** Accounts the route refuses by role (403). */
  readonly refused?: readonly User[];
  /** The body's DTO; `{}` for an action that takes none. */
  readonly body?: Shape | ((t: Targets) => Shape);
  readonly query?: Shape;
}

const doc = resultDocument();
const documentShape: Shape = {
  name: f.text(doc.name, 255),
  sha256: f.code(doc.sha256),
  mediaType: f.code(doc.mediaType, f.opt),
  sizeBytes: f.int(doc.sizeBytes, 0, Number.MAX_SAFE_INTEGER),
};
const handoffShape: Shape = { channel: f.code('electronic'), reason: f.code('other', f.absent), note: f.text('Chuyển điện tử', 500, f.absent) };
const dossier = (key: keyof Targets) => (t: Targets) => ({ id: t[key] as string });
const onStep = (t: Targets) => ({ id: t.inInbox, stepKey: 'xu-ly' });
const NOT_DESK: readonly User[] = ['tuphap.26734', 'giamsat.26734', 'quantri.26734'];
const NOT_LEADER: readonly User[] = ['tuphap.26734', 'motcua.26734', 'giamsat.26734'];

/** Every route of the API, each with a request it would accept. */
export const ENDPOINTS: readonly Endpoint[] = [
  { method: 'POST', route: '/api/auth/login', body: { username: f.text('motcua.26734', 64), password: f.text(DEMO_PASSWORD, 200) } },
  { method: 'POST', route: '/api/auth/logout', user: 'motcua.26737', body: {} },
  { method: 'GET', route: '/api/auth/me', user: 'tuphap.26734' },
  { method: 'GET', route: '/api/users', user: 'quantri.26734', refused: ['giamsat.26734', 'tuphap.26734'] },
  {
    method: 'POST',
    route: '/api/users',
    user: 'quantri.26734',
    refused: ['giamsat.26734', 'motcua.26734'],
    body: {
      username: f.code('moi.26734'),
      fullName: f.text('Hà Thị Thu', 200),
      roles: f.texts(['officer']),
      units: f.texts(['tu-phap'], f.opt),
      password: f.text('mat-khau-moi-2026', 200),
    },
  },
  {
    method: 'PATCH',
    route: '/api/users/:username',
    params: () => ({ username: 'tuphap2.26734' }),
    user: 'quantri.26734',
    refused: ['giamsat.26734', 'tuphap.26734'],
    body: {
      fullName: f.text('Hà Thị Thu Hà', 200, f.opt),
      roles: f.texts(['officer'], f.absent),
      units: f.texts(['tu-phap'], f.absent),
      password: f.text('mat-khau-moi-2026', 200, f.absent),
      active: f.bool(true, f.absent),
    },
  },
  {
    method: 'POST',
    route: '/api/dossiers',
    user: 'motcua.26734',
    refused: ['tuphap.26734', 'lanhdao.26734', 'giamsat.26734'],
    body: {
      procedureCode: f.code('cap-giay-xac-nhan-tinh-trang-hon-nhan'),
      officeCode: f.code('H26.01.01'),
      communeCode: f.code('26734', f.absent),
      channel: f.code('desk'),
      resultDelivery: f.code('desk', f.opt),
      applicant: f.object({
        fullName: f.text(KNOWN_CITIZEN.fullName, 200),
        idNumber: f.code(KNOWN_CITIZEN.idNumber, f.opt),
        phone: f.code(KNOWN_CITIZEN.phone, f.opt),
        address: f.text('Thôn Đông, xã Thanh Bình', 500, f.opt),
        email: f.code('an.nguyen@example.vn', f.absent),
      }),
      summary: f.text('Xin cấp giấy xác nhận', 1000, f.opt),
      options: f.texts(['khai-sinh'], f.absent),
      components: f.objects({ name: f.text('Tờ khai', 300), originals: f.int(1, 0, 100, f.opt), copies: f.int(0, 0, 100, f.opt) }),
      setsCount: f.int(1, 1, 20),
      stateSecret: f.bool(false, f.absent),
      handoff: f.object({ channel: f.code('paper'), reason: f.code('originals_needed', f.opt), note: f.text('Bản chính', 500, f.opt) }, f.opt),
    },
  },
  { method: 'GET', route: '/api/dossiers/:id', params: dossier('inInbox'), user: 'tuphap.26734', refused: ['dvcqg.26734'] },
  { method: 'GET', route: '/api/dossiers/:id/forms/:form', params: (t) => ({ id: t.inInbox, form: 'mau-01' }), user: 'motcua.26734', query: { format: f.code('html', f.opt) } },
  {
    method: 'GET',
    route: '/api/tracking-book',
    user: 'motcua.26734',
    refused: ['tuphap.26734'],
    query: { officeCode: f.text('H26.01.01', 64), from: f.instant('2026-03-01T00:00:00+07:00'), to: f.instant('2026-04-01T00:00:00+07:00'), format: f.code('html', f.opt) },
  },
  { method: 'GET', route: '/api/dossiers/:id/handoffs', params: dossier('inInbox'), user: 'tuphap.26734' },
  { method: 'POST', route: '/api/dossiers/:id/steps/:stepKey/take', params: onStep, user: 'tuphap.26734', refused: ['giamsat.26734', 'congan.26734'], body: {} },
  { method: 'POST', route: '/api/dossiers/:id/steps/:stepKey/assign', params: onStep, user: 'giamsat.26734', refused: ['tuphap.26734', 'lanhdao.26734'], body: { assignee: f.text('tuphap2.26734', 64) } },
  {
    method: 'POST',
    route: '/api/dossiers/:id/steps/:stepKey/complete',
    params: onStep,
    user: 'tuphap.26734',
    refused: ['giamsat.26734', 'congan.26734'],
    body: { notes: f.text('Đủ điều kiện', 2000, f.opt), handoff: f.object(handoffShape, f.opt), documents: f.objects(documentShape) },
  },
  {
    method: 'POST',
    route: '/api/dossiers/:id/steps/:stepKey/supplement-request',
    params: onStep,
    user: 'tuphap.26734',
    refused: ['motcua.26734', 'congan.26734'],
    body: {
      reason: f.text('Thiếu bản sao Căn cước', 2000),
      items: f.objects({ name: f.text('Bản sao Căn cước', 500), originals: f.int(0, 0, 100), copies: f.int(1, 0, 100), note: f.text('Bản sao', 500, f.opt) }, { required: true }),
    },
  },
  {
    method: 'POST',
    route: '/api/dossiers/:id/supplement',
    params: dossier('waitingSupplement'),
    user: 'motcua.26734',
    refused: NOT_DESK,
    body: { via: f.code('desk'), note: f.text('Đã bổ sung', 2000, f.opt), documents: f.objects(documentShape) },
  },
  { method: 'POST', route: '/api/dossiers/:id/steps/:stepKey/reject', params: onStep, user: 'tuphap.26734', refused: ['motcua.26734', 'congan.26734'], body: { reason: f.text('Không đủ điều kiện', 2000) } },
  {
    method: 'POST',
    route: '/api/dossiers/:id/sign',
    params: dossier('atSignature'),
    user: 'lanhdao.26734',
    refused: NOT_LEADER,
    body: { document: f.object(documentShape), notes: f.text('Đồng ý', 2000, f.opt), handoff: f.object(handoffShape, f.opt) },
  },
  { method: 'POST', route: '/api/dossiers/:id/apology', params: dossier('inInbox'), user: 'lanhdao.26734', refused: NOT_LEADER, body: { reason: f.text('Cần xác minh thêm', 2000), newDueAt: f.instant('2026-03-20T10:00:00Z') } },
  {
    method: 'POST',
    route: '/api/dossiers/:id/return',
    params: dossier('resultReady'),
    user: 'motcua.26734',
    refused: NOT_DESK,
    body: { delivery: f.code('desk'), receiverName: f.text('Nguyễn Văn An', 200, f.opt), postalTrackingNumber: f.code('VN123456', f.absent) },
  },
  {
    method: 'POST',
    route: '/api/dossiers/:id/withdraw',
    params: dossier('inInbox'),
    user: 'motcua.26734',
    refused: NOT_DESK,
    body: { reason: f.text('Công dân đề nghị dừng', 2000), requestedAt: f.instant('2026-03-02T02:30:00Z', f.opt) },
  },
  {
    method: 'GET',
    route: '/api/inbox',
    user: 'tuphap.26734',
    refused: ['dvcqg.26734'],
    query: {
      unit: f.code('tu-phap', f.absent),
      status: f.code('pending', f.opt),
      overdue: f.bool(false, f.opt),
      procedure: f.text('cap-giay-xac-nhan-tinh-trang-hon-nhan', 64, f.absent),
      state: f.code('in_progress', f.absent),
      q: f.text('Nguyễn', 100, f.opt),
      limit: f.int(10, 1, 200),
      offset: f.int(0, 0, 2_147_483_647),
    },
  },
  { method: 'GET', route: '/api/notifications', user: 'tuphap.26734' },
  { method: 'GET', route: '/api/public/signatures/:token', params: (t) => ({ token: t.verificationToken }) },
  { method: 'GET', route: '/api/public/signing-keys/:keyId', params: (t) => ({ keyId: t.signed.keyId }) },
  {
    method: 'POST',
    route: '/api/public/signatures/verify',
    body: (t) => ({ payload: f.text(t.signed.payload, 10_000), signature: f.text(t.signed.signature, 1000), keyId: f.code(t.signed.keyId) }),
  },
  { method: 'POST', route: '/api/public/lookup', body: (t) => ({ code: f.text(t.inInboxCode, 80), phone: f.code(KNOWN_CITIZEN.phone, f.opt), idNumber: f.code(KNOWN_CITIZEN.idNumber, f.absent) }) },
  { method: 'GET', route: '/api/audit', user: 'giamsat.26734', refused: ['tuphap.26734'], query: { targetId: f.text('x', 64, f.opt), username: f.text('tuphap.26734', 64, f.absent), limit: f.int(5, 1, 1000) } },
  { method: 'GET', route: '/api/procedures', query: { communeCode: f.code('26734') } },
  {
    method: 'GET',
    route: '/api/indicators/electronic-share',
    user: 'giamsat.26734',
    refused: ['tuphap.26734'],
    query: { communeCode: f.code('26734'), from: f.instant('2026-03-01T00:00:00+07:00'), to: f.instant('2026-04-01T00:00:00+07:00'), unit: f.code('tu-phap', f.absent) },
  },
  {
    method: 'GET',
    route: '/api/reports/periodic',
    user: 'giamsat.26734',
    refused: ['tuphap.26734', 'motcua.26734'],
    query: { period: f.code('quarter'), year: f.code('2026'), index: f.code('1', f.opt), window: f.code('15-14', f.opt), format: f.code('json', f.opt) },
  },
  {
    method: 'GET',
    route: '/api/monitoring/throughput',
    user: 'giamsat.26734',
    refused: ['tuphap.26734', 'motcua.26734'],
    query: { from: f.instant('2026-03-01T00:00:00+07:00'), to: f.instant('2026-03-08T00:00:00+07:00'), granularity: f.code('hour', f.opt) },
  },
  { method: 'GET', route: '/api/monitoring/backlog', user: 'lanhdao.26734', refused: ['tuphap.26734', 'motcua.26734'] },
  { method: 'GET', route: '/api/dead-letters', user: 'giamsat.26734', refused: ['tuphap.26734'], query: { queue: f.code('tu-phap', f.opt), limit: f.int(5, 1, 500) } },
  { method: 'POST', route: '/api/dead-letters/:queue/:jobId/replay', params: () => ({ queue: 'tu-phap', jobId: '1' }), user: 'giamsat.26734', refused: ['tuphap.26734'], body: {} },
  { method: 'GET', route: '/api/stuck', user: 'giamsat.26734', refused: ['tuphap.26734', 'lanhdao.26734'] },
  { method: 'POST', route: '/api/stuck/handoffs/:id/resend', params: (t) => ({ id: t.handoff }), user: 'giamsat.26734', refused: ['tuphap.26734'] },
  { method: 'POST', route: '/api/stuck/steps/:workItemId/redrive', params: (t) => ({ workItemId: t.workItem }), user: 'giamsat.26734', refused: ['tuphap.26734'] },
  { method: 'POST', route: '/api/stuck/outbox/:id/retry', params: (t) => ({ id: t.outboxMessage }), user: 'quantri.26734', refused: ['motcua.26734'] },
  { method: 'GET', route: '/api/health' },
];

/** Path parameters that name nothing: malformed, too long, not UTF-8, or another commune's. */
function badParams(ep: Endpoint): fc.Arbitrary<{ what: string; name: string; value: (t: Targets) => string }> {
  const names = (ep.route.match(/:(\w+)/g) ?? []).map((n) => n.slice(1));
  const malformed = fc.constantFrom('%00', 'x%00y', '%ff', '%E0%A4%A', 'X'.repeat(300), '..', '%2e%2e', encodeURIComponent('Ω'), '%20', 'null', '%ED%A0%80');
  const value = (name: string): fc.Arbitrary<[string, (t: Targets) => string]> =>
    name === 'id'
      ? fc.oneof(
          malformed.map((v) => [v, () => v] as [string, (t: Targets) => string]),
          fc.uuid({ version: 4 }).map((u) => [`unknown ${u}`, () => u] as [string, (t: Targets) => string]),
          fc.constant(['another commune', (t: Targets) => t.otherCommune] as [string, (t: Targets) => string]),
        )
      : malformed.map((v) => [v, () => v] as [string, (t: Targets) => string]);
  return fc.constantFrom(...names).chain((name) => value(name).map(([what, v]) => ({ what: `:${name} = ${what}`, name, value: v })));
}

/** One way of breaking a request, beyond its body or query. */
type RequestMutation =
  | { readonly kind: 'value'; readonly m: ValueMutation }
  | { readonly kind: 'param'; readonly what: string; readonly name: string; readonly value: (t: Targets) => string }
  | { readonly kind: 'auth'; readonly what: string; readonly header: (token: string) => string | undefined }
  | { readonly kind: 'user'; readonly user: User }
  | { readonly kind: 'method'; readonly method: string }
  | { readonly kind: 'bytes'; readonly what: string; readonly contentType?: string; readonly encode: (json: string) => string | Buffer };

const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=latin1', 'application/jsonx', 'text/json'];

/** The body's bytes broken: not JSON, not UTF-8, not an object, too big, or of another type. */
const bytesMutation: fc.Arbitrary<RequestMutation> = fc.oneof(
  fc.constantFrom(...CONTENT_TYPES).map((ct) => ({ kind: 'bytes' as const, what: `content-type ${ct}`, contentType: ct, encode: (j: string) => (j === '{}' ? '{"a":1}' : j) })),
  fc.constant({ kind: 'bytes' as const, what: 'no content-type', contentType: '', encode: (j: string) => j }),
  fc.double({ min: 0.05, max: 0.95, noNaN: true }).map((at) => ({ kind: 'bytes' as const, what: `JSON cut at ${Math.round(at * 100)} %`, encode: (j: string) => j.slice(0, Math.max(1, Math.min(j.length - 1, Math.floor(j.length * at)))) })),
  fc.constantFrom("'", '}', ',', 'x', ' {', ']').map((tail) => ({ kind: 'bytes' as const, what: `JSON followed by ${tail}`, encode: (j: string) => j + tail })),
  fc.constant({ kind: 'bytes' as const, what: 'single quotes', encode: (j: string) => (j.includes('"') ? j.replace(/"/g, "'") : "{'a':1}") }),
  fc.constant({ kind: 'bytes' as const, what: 'bytes that are not UTF-8', encode: (j: string) => Buffer.concat([Buffer.from(j.includes('"') ? j.slice(0, j.indexOf('"') + 1) : '{"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(j.includes('"') ? j.slice(j.indexOf('"') + 1) : '":1}')]) }),
  fc.constantFrom('[]', '[{}]', '"x"', '1', 'null', 'true', '[[[]]]').map((b) => ({ kind: 'bytes' as const, what: `body ${b}`, encode: (j: string) => (b === '[{}]' ? `[${j}]` : b) })),
  fc.constant({ kind: 'bytes' as const, what: 'body over 100 kB', encode: (j: string) => `${j.slice(0, -1)}${j.length > 2 ? ',' : ''}"pad":"${'x'.repeat(110_000)}"}` }),
);

const TOKEN_FAULTS: readonly [string, (token: string) => string | undefined][] = [
  ['no token', () => undefined],
  ['a token that is not a JWT', () => 'Bearer abc.def'],
  ['a tampered token', (t) => `Bearer ${t.slice(0, -2)}${t.endsWith('AA') ? 'BB' : 'AA'}`],
  ['basic auth', () => 'Basic dXNlcjpwYXNz'],
  ['bearer without a token', () => 'Bearer '],
];

function mutations(ep: Endpoint, t: Targets): fc.Arbitrary<RequestMutation> {
  const options: fc.WeightedArbitrary<RequestMutation>[] = [];
  const body = typeof ep.body === 'function' ? ep.body(t) : ep.body;
  if (body) options.push({ weight: 12, arbitrary: valueMutations(body, false, true).map((m) => ({ kind: 'value' as const, m })) });
  if (ep.query) options.push({ weight: 12, arbitrary: valueMutations(ep.query, true, true).map((m) => ({ kind: 'value' as const, m })) });
  if (body) options.push({ weight: 5, arbitrary: bytesMutation });
  if (ep.params) options.push({ weight: 3, arbitrary: badParams(ep).map((p) => ({ kind: 'param' as const, ...p })) });
  if (ep.user) options.push({ weight: 1, arbitrary: fc.constantFrom(...TOKEN_FAULTS).map(([what, header]) => ({ kind: 'auth' as const, what, header })) });
  if (ep.refused?.length) options.push({ weight: 1, arbitrary: fc.constantFrom(...ep.refused).map((user) => ({ kind: 'user' as const, user })) });
  options.push({ weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', ep.method === 'GET' ? 'POST' : 'GET').map((method) => ({ kind: 'method' as const, method })) });
  return fc.oneof(...options);
}

/** A malformed request, ready to send, with what was broken. */
export interface BadRequest extends RawRequest {
  readonly route: string;
  readonly user?: User;
  readonly broken: readonly string[];
  /** A write whose answer must be a 4xx; a read may also succeed (it changes nothing). */
  readonly write: boolean;
}

function describe(m: RequestMutation): string {
  switch (m.kind) {
    case 'value':
      return m.m.what;
    case 'user':
      return `as ${m.user}`;
    case 'method':
      return `method ${m.method}`;
    default:
      return m.what;
  }
}

/** Query text as a browser would send it: every key and value percent-encoded. */
function queryString(q: Record<string, unknown>): string {
  const parts = Object.entries(q).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(String(x))}`));
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Malformed requests to every endpoint, 1 to 3 things broken in each. */
export function badRequests(t: Targets, tokens: ReadonlyMap<string, string>): fc.Arbitrary<BadRequest> {
  return fc.constantFrom(...ENDPOINTS).chain((ep) =>
    fc.array(mutations(ep, t), { minLength: 1, maxLength: 3 }).map((ms): BadRequest => {
      const shape = typeof ep.body === 'function' ? ep.body(t) : ep.body;
      let value: Record<string, unknown> = validOf((shape ?? ep.query ?? {}) as Shape);
      const params = { ...ep.params?.(t) };
      let user = ep.user;
      let auth: string | undefined = undefined;
      let authBroken = false;
      let method: string = ep.method;
      let bytes: Extract<RequestMutation, { kind: 'bytes' }> | undefined;
      const deep: string[] = [];
      for (const m of ms) {
        if (m.kind === 'value') {
          value = m.m.apply(value);
          if (m.m.deep) deep.push(m.m.deep);
        } else if (m.kind === 'param') params[m.name] = m.value(t);
        else if (m.kind === 'user') user = m.user;
        else if (m.kind === 'auth') {
          authBroken = true;
          auth = m.header(tokens.get(user ?? '') ?? '');
        } else if (m.kind === 'method') method = m.method;
        else bytes = m;
      }
      if (!authBroken && user) auth = `Bearer ${tokens.get(user)}`;
      const path = ep.route.replace(/:(\w+)/g, (_, name: string) => params[name]) + (ep.query ? queryString(value) : '');
      const headers: Record<string, string> = { ...(auth ? { authorization: auth } : {}) };
      let body: string | Buffer | undefined;
      if (shape) {
        let json = JSON.stringify(value);
        for (const d of deep) json = json.replace(JSON.stringify(DEEP), d);
        body = bytes ? bytes.encode(json) : json;
        const contentType = bytes?.contentType ?? 'application/json';
        if (contentType) headers['content-type'] = contentType;
      }
      return { route: `${ep.method} ${ep.route}`, user, method, path, headers, body, broken: ms.map(describe), write: method !== 'GET' };
    }),
  );
}

/** A request as a failure message shows it. */
export function showRequest(r: BadRequest): string {
  const body = r.body === undefined ? '(none)' : Buffer.isBuffer(r.body) ? `bytes ${short(r.body.toString('latin1'), 1000)}` : short(r.body, 1000);
  return [`${r.method} ${short(r.path, 300)}`, `  as ${r.user ?? 'nobody'}; headers ${short({ ...r.headers, authorization: r.headers?.authorization?.slice(0, 20) })}`, `  body ${body}`, `  broken: ${r.broken.join('; ')}`].join('\n');
}

export { setAt };
