import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { DEFAULT_RELAY_OPTIONS, OutboxRelay, producerConnection, QueueRegistry } from '@motcua/messaging';
import { ProjectorRepository } from '@motcua/persistence';
import { startTestApi, type TestApi } from './support/api';
import { eventually } from './support/apps';
import { REDIS_URL } from './support/env';
import { withWorker } from './support/in-process-worker';
import { completeStep, expectStatus, getAs, inInbox, KNOWN_CITIZEN, receive, signResult, waitForState } from './support/workflow';

const A = '26734';
const B = '26737';
/** The API's fixed clock: Mon 2 March 2026, 09:00 Vietnam time. */
const NOW = '2026-03-02T02:00:00Z';

interface Unit {
  unit: string;
  open: number;
  waiting: number;
  taken: number;
  overdue: number;
  inTransit: number;
  oldestWaitingSince: string | null;
}

/**
 * The supervisors' throughput and backlog board, on a hand-built commune A: four dossiers
 * received on 2 March (09:00), one taken through to its result, two waiting at Tư pháp, one
 * received while no worker runs (its hand-off still in the outbox, then in Tư pháp's queue with
 * no consumer). Commune B has one dossier waiting at Tư pháp.
 */
describe('monitoring: throughput, backlog and the live stream of a commune', () => {
  let api: TestApi;
  let finishedId: string;
  let waitingIds: string[];
  const closers: (() => Promise<unknown>)[] = [];

  async function project(): Promise<void> {
    const projector = new ProjectorRepository(api.ds);
    for (let i = 0; i < 3; i++) await Promise.all([projector.round('daily-rollups', 1000), projector.round('dossier-list', 1000)]);
  }

  beforeAll(async () => {
    api = await startTestApi(NOW);
    await withWorker(api, async () => {
      const all = [await receive(api), await receive(api), await receive(api)];
      const theirs = await request(api.app.getHttpServer())
        .post('/api/dossiers')
        .set('authorization', `Bearer ${await api.token(`motcua.${B}`)}`)
        .send({ procedureCode: 'cap-giay-xac-nhan-tinh-trang-hon-nhan', officeCode: 'H26.02.01', channel: 'desk', applicant: KNOWN_CITIZEN });
      expect(theirs.status).toBe(201);
      for (const d of [...all, theirs.body]) await inInbox(api.ds, d.id, 'xu-ly');
      finishedId = all[0].id;
      waitingIds = [all[1].id, all[2].id];
      await expectStatus(completeStep(api, finishedId, 'xu-ly'), 200);
      await inInbox(api.ds, finishedId, 'ky-duyet');
      await expectStatus(signResult(api, finishedId), 200);
      await waitForState(api.ds, finishedId, 'result_ready');
    });
    // The two waiting steps' hand-offs took 100 ms and 300 ms, B's 5 s; the finished one's 200 ms.
    const latency = async (dossierId: string, ms: number) =>
      api.ds.query(`UPDATE handoffs SET sent_at = received_at - $2 * interval '1 millisecond' WHERE dossier_id = $1 AND to_unit = 'tu-phap'`, [dossierId, ms]);
    await latency(waitingIds[0], 100);
    await latency(waitingIds[1], 300);
    await latency(finishedId, 200);
    const [b] = await api.ds.query(`SELECT id FROM dossiers WHERE commune_code = $1`, [B]);
    await latency(b.id, 5000);
    // One of A's waiting steps is past its step due time.
    await api.ds.query(`UPDATE work_items SET due_at = $2 WHERE dossier_id = $1 AND step_key = 'xu-ly'`, [waitingIds[1], '2026-03-01T02:00:00Z']);
  }, 120_000);

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await api.close();
  });

  it('counts received and finished per day from the rollups, and per hour from the dossier list', async () => {
    await project();
    const days = await expectStatus(getAs(api, `giamsat.${A}`, '/api/monitoring/throughput?from=2026-03-01T00:00:00%2B07:00&to=2026-03-04T00:00:00%2B07:00'), 200);
    expect(days.body).toMatchObject({ granularity: 'day', total: { received: 3, finished: 1 } });
    expect(days.body.buckets).toEqual([
      { bucket: '2026-03-01', received: 0, finished: 0 },
      { bucket: '2026-03-02', received: 3, finished: 1 },
      { bucket: '2026-03-03', received: 0, finished: 0 },
    ]);
    const hours = await expectStatus(getAs(api, `lanhdao.${A}`, '/api/monitoring/throughput?granularity=hour&from=2026-03-02T00:00:00Z&to=2026-03-02T04:00:00Z'), 200);
    expect(hours.body.buckets).toEqual([
      { bucket: '2026-03-02T00:00:00.000Z', received: 0, finished: 0 },
      { bucket: '2026-03-02T01:00:00.000Z', received: 0, finished: 0 },
      { bucket: '2026-03-02T02:00:00.000Z', received: 3, finished: 1 },
      { bucket: '2026-03-02T03:00:00.000Z', received: 0, finished: 0 },
    ]);
    // Commune B's supervisor: only B's one dossier.
    const theirs = await expectStatus(getAs(api, `giamsat.${B}`, '/api/monitoring/throughput?granularity=hour&from=2026-03-02T00:00:00Z&to=2026-03-02T04:00:00Z'), 200);
    expect(theirs.body.total).toEqual({ received: 1, finished: 0 });
  });

  it('shows the backlog per unit, the oldest waiting step, overdue steps and the hand-off latency percentiles', async () => {
    await project();
    const res = await expectStatus(getAs(api, `giamsat.${A}`, '/api/monitoring/backlog'), 200);
    const [{ oldest }] = await api.ds.query(
      `SELECT min(created_at) AS oldest FROM work_items WHERE commune_code = $1 AND unit_kind = 'tu-phap' AND status = 'pending'`,
      [A],
    );
    const units = res.body.units as Unit[];
    // The finished dossier's steps are done: Tư pháp holds the two waiting ones, nobody else any.
    expect(units).toEqual([{ unit: 'tu-phap', open: 2, waiting: 2, taken: 0, overdue: 1, inTransit: 0, oldestWaitingSince: new Date(oldest).toISOString() }]);
    const [counters] = await api.ds.query(`SELECT in_process, overdue, waiting_supplement FROM commune_counters WHERE commune_code = $1`, [A]);
    expect(res.body.counters).toEqual({ inProcess: counters.in_process, overdue: counters.overdue, waitingSupplement: counters.waiting_supplement });
    expect(res.body.counters.inProcess).toBe(2);
    // 100, 200, 300 ms: p50 = 200; p95 = 200 + 0.9 × 100 = 290; p99 = 200 + 0.98 × 100 = 298. B's 5 s is not A's.
    const tuPhap = res.body.handoffLatency.find((l: { unit: string }) => l.unit === 'tu-phap');
    expect(tuPhap).toEqual({ unit: 'tu-phap', handoffs: 3, p50Ms: 200, p95Ms: 290, p99Ms: 298 });
    expect(res.body.outbox).toEqual({ unsent: 0, lagSeconds: 0 });
    expect(res.body.queues.map((q: { queue: string }) => q.queue)).toContain('tu-phap');

    const theirs = await expectStatus(getAs(api, `giamsat.${B}`, '/api/monitoring/backlog'), 200);
    expect(theirs.body.units).toEqual([expect.objectContaining({ unit: 'tu-phap', open: 1, waiting: 1, overdue: 0 })]);
    expect(theirs.body.handoffLatency).toEqual([expect.objectContaining({ unit: 'tu-phap', handoffs: 1, p50Ms: 5000 })]);
  });

  it('shows outbox lag, the hand-off in transit, then the queue depth while no worker consumes', async () => {
    const before = (await expectStatus(getAs(api, `giamsat.${A}`, '/api/monitoring/backlog'), 200)).body;
    const waitingBefore = before.queues.find((q: { queue: string }) => q.queue === 'tu-phap').waiting as number;
    const d = await receive(api);
    await api.ds.query(`UPDATE outbox SET created_at = now() - interval '30 seconds' WHERE sent_at IS NULL AND payload->>'dossierId' = $1`, [d.id]);
    const held = (await expectStatus(getAs(api, `giamsat.${A}`, '/api/monitoring/backlog'), 200)).body;
    expect(held.outbox.unsent).toBe(1);
    expect(held.outbox.lagSeconds).toBeGreaterThanOrEqual(30);
    expect(held.units.find((u: Unit) => u.unit === 'tu-phap')).toMatchObject({ open: 2, inTransit: 1 });
    // B's outbox is empty.
    expect((await expectStatus(getAs(api, `giamsat.${B}`, '/api/monitoring/backlog'), 200)).body.outbox).toEqual({ unsent: 0, lagSeconds: 0 });

    // A relay and no consumer: the hand-off waits in Tư pháp's queue.
    const registry = new QueueRegistry(producerConnection(REDIS_URL), api.env.QUEUE_PREFIX);
    const relay = new OutboxRelay(api.ds, registry, api.env.DATABASE_URL, { ...DEFAULT_RELAY_OPTIONS, pollIntervalMs: 100 });
    await relay.start();
    closers.push(() => registry.close(), () => relay.stop());
    await eventually(async () => ((await api.ds.query(`SELECT 1 FROM outbox WHERE sent_at IS NULL`)).length === 0 ? true : undefined), 10_000, 'relayed');
    const queued = (await expectStatus(getAs(api, `giamsat.${A}`, '/api/monitoring/backlog'), 200)).body;
    expect(queued.queues.find((q: { queue: string }) => q.queue === 'tu-phap').waiting).toBe(waitingBefore + 1);
    expect(queued.outbox).toEqual({ unsent: 0, lagSeconds: 0 });
  });

  it('streams backlog snapshots of the viewer\'s commune over server-sent events', async () => {
    const server = api.app.getHttpServer() as Server;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const first = async (username: string) => {
      const abort = new AbortController();
      const res = await fetch(`http://127.0.0.1:${port}/api/monitoring/stream`, { headers: { authorization: `Bearer ${await api.token(username)}` }, signal: abort.signal });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = res.body!.getReader();
      let text = '';
      try {
        while (!/\n\n/.test(text.slice(text.indexOf('data:')))) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
      } finally {
        abort.abort();
      }
      expect(text).toMatch(/^event: backlog$/m);
      const data = /^data: (.*)$/m.exec(text)![1];
      return JSON.parse(data) as { communeCode: string; units: Unit[] };
    };
    const ours = await first(`lanhdao.${A}`);
    expect(ours.communeCode).toBe(A);
    expect(ours.units.find((u) => u.unit === 'tu-phap')).toMatchObject({ open: 2, inTransit: 1 });
    const theirs = await first(`giamsat.${B}`);
    expect(theirs.communeCode).toBe(B);
    expect(theirs.units).toEqual([expect.objectContaining({ unit: 'tu-phap', open: 1, inTransit: 0 })]);
    // The aborted streams are closed on the server too.
    await eventually(async () => ((await new Promise<number>((r) => server.getConnections((_e, n) => r(n)))) === 0 ? true : undefined), 5_000, 'the streams to close');
  });

  it('refuses an officer, and names a bad parameter', async () => {
    for (const path of ['/api/monitoring/backlog', '/api/monitoring/stream', '/api/monitoring/throughput?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z']) {
      await expectStatus(getAs(api, `tuphap.${A}`, path), 403);
    }
    const field = async (query: string) => (await expectStatus(getAs(api, `giamsat.${A}`, `/api/monitoring/throughput?${query}`), 400)).body.errors.map((e: { field: string }) => e.field);
    expect(await field('from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z&granularity=week')).toEqual(['granularity']);
    expect(await field('from=yesterday&to=2026-03-02T00:00:00Z')).toEqual(['from']);
    expect(await field('to=2026-03-02T00:00:00Z')).toEqual(['from']);
    expect(await field('from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z')).toEqual(['to']);
    expect(await field('granularity=hour&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z')).toEqual(['to']);
  });
});
