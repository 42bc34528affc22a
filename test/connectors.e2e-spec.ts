import type { INestApplication } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BhxhClient, ConnectorError, type ConnectorFailure, PaymentClient, PopulationClient } from '@motcua/connectors';
import { eventually, startPortalStub } from './support/apps';

/**
 * The connectors against the outside systems' stand-ins, both real HTTP in this process: the
 * answers the automatic steps rely on, idempotency by reference, and every fault the stubs can
 * play turning into a ConnectorError (so the job is retried) rather than a wrong answer.
 */
describe('connectors to payment, population and BHXH stubs', () => {
  let stub: { app: INestApplication; url: string };
  let n = 0;
  const ref = () => `handoff-${process.pid}-${++n}`;
  const DOSSIER = 'H26.01.01-260302-0001';

  const payment = (timeoutMs = 2000) => new PaymentClient({ baseUrl: stub.url, timeoutMs });
  const population = (timeoutMs = 2000) => new PopulationClient({ baseUrl: stub.url, timeoutMs });
  const bhxh = (timeoutMs = 2000) => new BhxhClient({ baseUrl: stub.url, timeoutMs });

  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${stub.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const list = async <T = Record<string, unknown>>(path: string) => (await (await send('GET', path)).json()) as T[];
  const fault = async (system: string, plan: Record<string, unknown>) => expect((await send('PUT', `/stub/fault/${system}`, plan)).status).toBe(200);

  /** Awaits `call`, expecting a ConnectorError with the given fields. */
  const failure = async (call: Promise<unknown>, expected: { system: string; failure?: ConnectorFailure; status?: number; code?: string }) => {
    const e = await call.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ConnectorError);
    expect(e).toMatchObject(expected);
  };

  beforeAll(async () => {
    stub = await startPortalStub();
  });
  afterAll(async () => {
    await stub?.app.close();
  });
  beforeEach(async () => {
    expect((await send('DELETE', '/stub/state')).status).toBe(204);
  });

  describe('payment', () => {
    it('confirms a fee once per reference', async () => {
      const reference = ref();
      const first = await payment().confirm({ reference, dossierCode: DOSSIER, amount: 50_000 });
      expect(first).toEqual({ status: 'paid', transactionId: expect.stringMatching(/^GD\d{14}$/), paidAt: expect.any(String) });
      expect(new Date(first.paidAt).toISOString()).toBe(first.paidAt);
      expect(await payment().confirm({ reference, dossierCode: DOSSIER, amount: 50_000 })).toEqual(first);
      expect(await list('/stub/payment/transactions')).toEqual([{ reference, dossierCode: DOSSIER, amount: 50_000, transactionId: first.transactionId, paidAt: first.paidAt }]);
    });

    it('accepts a zero fee and refuses amounts that are not non-negative integers with 400 invalid_amount', async () => {
      await expect(payment().confirm({ reference: ref(), dossierCode: DOSSIER, amount: 0 })).resolves.toMatchObject({ status: 'paid' });
      for (const amount of [-1, 1.5, '1000' as unknown as number, Number.NaN]) {
        await failure(payment().confirm({ reference: ref(), dossierCode: DOSSIER, amount }), { system: 'payment', failure: 'http', status: 400, code: 'invalid_amount' });
      }
      const res = await send('POST', '/payment/confirm', { reference: ref(), dossierCode: DOSSIER, amount: -5 });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'invalid_amount', message: expect.stringContaining('Số tiền') });
      expect(await list('/stub/payment/transactions')).toHaveLength(1);
    });

    it('refuses a reused reference with another amount (409 reference_conflict)', async () => {
      const reference = ref();
      await payment().confirm({ reference, dossierCode: DOSSIER, amount: 50_000 });
      await failure(payment().confirm({ reference, dossierCode: DOSSIER, amount: 60_000 }), { system: 'payment', status: 409, code: 'reference_conflict' });
    });
  });

  describe('population', () => {
    it('matches a demo citizen whatever the Unicode form, case and spacing of the name', async () => {
      await expect(population().verify({ reference: ref(), idNumber: '001090012345', fullName: 'Nguyễn Văn An' })).resolves.toEqual({ match: true });
      const nfd = '  PHẠM   THỊ DUNG '.normalize('NFD');
      expect(nfd).not.toBe(nfd.normalize('NFC'));
      await expect(population().verify({ reference: ref(), idNumber: '001190054321', fullName: nfd })).resolves.toEqual({ match: true });
    });

    it('answers not_found and name_mismatch', async () => {
      await expect(population().verify({ reference: ref(), idNumber: '079000000000', fullName: 'Nguyễn Văn An' })).resolves.toEqual({ match: false, reason: 'not_found' });
      await expect(population().verify({ reference: ref(), idNumber: '001095011111', fullName: 'Hoàng Văn Êm' })).resolves.toEqual({ match: false, reason: 'name_mismatch' });
    });

    it('verifies a citizen registered through the stub control, until the state is reset', async () => {
      const citizen = { idNumber: '026301000123', fullName: 'Lê Thị Giang', birthDate: '2001-04-30' };
      expect((await send('POST', '/stub/population/citizens', citizen)).status).toBe(201);
      await expect(population().verify({ reference: ref(), idNumber: citizen.idNumber, fullName: 'lê thị giang' })).resolves.toEqual({ match: true });
      await send('DELETE', '/stub/state');
      await expect(population().verify({ reference: ref(), idNumber: citizen.idNumber, fullName: citizen.fullName })).resolves.toEqual({ match: false, reason: 'not_found' });
      await expect(population().verify({ reference: ref(), idNumber: '001090012345', fullName: 'Nguyễn Văn An' })).resolves.toEqual({ match: true });
      expect((await send('POST', '/stub/population/citizens', { idNumber: '12345', fullName: 'X' })).status).toBe(400);
    });

    it('refuses an ID number that is not 12 digits (400 invalid_id_number)', async () => {
      await failure(population().verify({ reference: ref(), idNumber: '00109001234', fullName: 'Nguyễn Văn An' }), { system: 'population', status: 400, code: 'invalid_id_number' });
    });

    it('lists every verification call; a repeated reference replays the first answer', async () => {
      const reference = ref();
      const request = { reference, idNumber: '001090012345', fullName: 'Nguyễn Văn An' };
      await population().verify(request);
      await population().verify(request);
      const checks = await list<{ reference: string; repeat: boolean; answer: unknown }>('/stub/population/checks');
      expect(checks.map((c) => [c.reference, c.repeat, c.answer])).toEqual([
        [reference, false, { match: true }],
        [reference, true, { match: true }],
      ]);
    });
  });

  describe('BHXH', () => {
    it('issues one card per reference, its number derived from the reference', async () => {
      const reference = ref();
      const card = await bhxh().issueCard({ reference, dossierCode: DOSSIER, fullName: 'Trần Minh Khôi' });
      expect(card).toEqual({ cardNumber: expect.stringMatching(/^TE1\d{12}$/), issuedAt: expect.any(String) });
      expect(await bhxh().issueCard({ reference, dossierCode: DOSSIER, fullName: 'Trần Minh Khôi' })).toEqual(card);
      expect(await list('/stub/bhxh/cards')).toEqual([{ reference, dossierCode: DOSSIER, fullName: 'Trần Minh Khôi', ...card }]);
      const other = await bhxh().issueCard({ reference: ref(), dossierCode: DOSSIER, fullName: 'Trần Minh Khôi' });
      expect(other.cardNumber).not.toBe(card.cardNumber);
      await send('DELETE', '/stub/state'); // the number survives a restart of the stub
      expect((await bhxh().issueCard({ reference, dossierCode: DOSSIER, fullName: 'Trần Minh Khôi' })).cardNumber).toBe(card.cardNumber);
    });
  });

  /** Each system's call with a fresh or given reference, and how many records its stub holds. */
  const systems = [
    {
      system: 'payment',
      call: (timeoutMs: number, reference = ref()) => payment(timeoutMs).confirm({ reference, dossierCode: DOSSIER, amount: 30_000 }),
      records: async () => (await list('/stub/payment/transactions')).length,
    },
    {
      system: 'population',
      call: (timeoutMs: number, reference = ref()) => population(timeoutMs).verify({ reference, idNumber: '001090012345', fullName: 'Nguyễn Văn An' }),
      records: async () => (await list('/stub/population/checks')).length,
    },
    {
      system: 'bhxh',
      call: (timeoutMs: number, reference = ref()) => bhxh(timeoutMs).issueCard({ reference, dossierCode: DOSSIER, fullName: 'Trần Minh Khôi' }),
      records: async () => (await list('/stub/bhxh/cards')).length,
    },
  ];

  describe.each(systems)('faults of $system', ({ system, call, records }) => {
    it('fail: HTTP 503 becomes a ConnectorError and nothing is recorded', async () => {
      await fault(system, { mode: 'fail' });
      await failure(call(2000), { system, failure: 'http', status: 503, code: 'unavailable' });
      await failure(call(2000), { system, status: 503 });
      expect(await records()).toBe(0);
    });

    it('fail with remaining 1: fails once, then succeeds', async () => {
      await fault(system, { mode: 'fail', remaining: 1 });
      const reference = ref();
      await failure(call(2000, reference), { system, status: 503 });
      await expect(call(2000, reference)).resolves.toBeDefined();
      expect(await records()).toBe(1);
    });

    it('slow beyond the client timeout: a timeout ConnectorError; the retry with the same reference records nothing twice', async () => {
      await fault(system, { mode: 'slow', delayMs: 400, remaining: 1 });
      const reference = ref();
      // The stub does answer, with success, once its delay is over: a timeout failure means the
      // client gave up first, on its own deadline, without waiting for that answer.
      await failure(call(100, reference), { system, failure: 'timeout', status: undefined });
      await eventually(async () => ((await records()) === 1 ? true : undefined), 3000, 'the slow call to finish at the stub');
      const again = await call(2000, reference);
      expect(again).toBeDefined();
      // payment and BHXH keep one transaction/card; population lists both calls (the second as a repeat)
      expect(await records()).toBe(system === 'population' ? 2 : 1);
    });

    it('slow within the client timeout: answered', async () => {
      await fault(system, { mode: 'slow', delayMs: 150 });
      await expect(call(2000)).resolves.toBeDefined();
    });

    it('timeout: never answered, a timeout ConnectorError', async () => {
      await fault(system, { mode: 'timeout', remaining: 1 });
      await failure(call(150), { system, failure: 'timeout' });
      await expect(call(2000)).resolves.toBeDefined();
    });
  });

  describe('fault control', () => {
    const portalCall = async () => {
      const auth = (await (await send('POST', '/dvcqg/auth', { username: 'u', password: 'p' })).json()) as { session: string };
      return (await (await send('POST', '/dvcqg/integration', { session: auth.session, service: 'TraCuuHoSo', mahoso: 'x' })).json()) as { error_code: string };
    };

    it('keeps each system’s plan apart, PUT /stub/fault still meaning the portal', async () => {
      await send('PUT', '/stub/fault', { mode: 'fail', remaining: 1 });
      await expect(payment().confirm({ reference: ref(), dossierCode: DOSSIER, amount: 1 })).resolves.toBeDefined();
      expect((await portalCall()).error_code).toBe('-1');
      expect((await portalCall()).error_code).toBe('00');
      await fault('portal', { mode: 'fail', remaining: 1 });
      await fault('bhxh', { mode: 'fail' });
      await expect(population().verify({ reference: ref(), idNumber: '001090012345', fullName: 'Nguyễn Văn An' })).resolves.toEqual({ match: true });
      expect((await portalCall()).error_code).toBe('-1');
      await send('DELETE', '/stub/state');
      await expect(bhxh().issueCard({ reference: ref(), dossierCode: DOSSIER, fullName: 'A' })).resolves.toBeDefined();
    });

    it('refuses an unknown system (404) and a bad plan (400)', async () => {
      expect((await send('PUT', '/stub/fault/post', { mode: 'fail' })).status).toBe(404);
      expect((await send('PUT', '/stub/fault/payment', { mode: 'explode' })).status).toBe(400);
      expect((await send('PUT', '/stub/fault/payment', { mode: 'fail', remaining: 0 })).status).toBe(400);
    });
  });

  describe('answers that are not what the system promises', () => {
    let bad: Server;
    let badUrl: string;
    let answer = '';
    beforeAll(async () => {
      bad = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(answer));
      await new Promise<void>((r) => bad.listen(0, '127.0.0.1', r));
      badUrl = `http://127.0.0.1:${(bad.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((r) => bad.close(r));
    });

    it.each([
      ['payment', '{"status":"pending","transactionId":"GD1","paidAt":"2026-03-02T02:00:00Z"}', () => new PaymentClient({ baseUrl: badUrl, timeoutMs: 1000 }).confirm({ reference: 'r', dossierCode: DOSSIER, amount: 1 })],
      ['population', '{"match":false,"reason":"dead"}', () => new PopulationClient({ baseUrl: badUrl, timeoutMs: 1000 }).verify({ reference: 'r', idNumber: '001090012345', fullName: 'A' })],
      ['bhxh', '{"cardNumber":"TE1123","issuedAt":"2026-03-02T02:00:00Z"}', () => new BhxhClient({ baseUrl: badUrl, timeoutMs: 1000 }).issueCard({ reference: 'r', dossierCode: DOSSIER, fullName: 'A' })],
      ['bhxh', '<html>Bad gateway</html>', () => new BhxhClient({ baseUrl: badUrl, timeoutMs: 1000 }).issueCard({ reference: 'r', dossierCode: DOSSIER, fullName: 'A' })],
    ])('%s answering %s is malformed', async (system, body, call) => {
      answer = body;
      await failure(call(), { system, failure: 'malformed', status: 200 });
    });

    it('an unreachable system is a network ConnectorError', async () => {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((r) => closed.close(r));
      await failure(new PaymentClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 1000 }).confirm({ reference: 'r', dossierCode: DOSSIER, amount: 1 }), {
        system: 'payment',
        failure: 'network',
        status: undefined,
      });
    });
  });
});
