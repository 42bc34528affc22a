import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { startTestApi, type TestApi } from './support/api';
import { eventually, startPortalStub } from './support/apps';
import { testEnv } from './support/env';
import { freePort } from './support/private-redis';
import { startWorkerProcess, type WorkerProcess } from './support/processes';
import { completeStep, expectStatus, inInbox, receive } from './support/workflow';

/** One sample of Prometheus' text format: `name{a="x",b="y"} value`, labels in any order. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** Secrets long enough and not the defaults, as production wants them. */
const SECRETS = {
  JWT_SECRET: 'jwt-secret-of-this-province-0123456789',
  SIGNING_KEY_PASSPHRASE: 'signing-passphrase-of-this-province-0123',
  PORTAL_USERNAME: 'tinh-binh-an',
  PORTAL_PASSWORD: 'portal-password-issued-by-dvcqg-0123456789',
};
const TOKEN = 'metrics-token-of-this-province-0123456789';

/**
 * Prometheus metrics (issue 11 item 5) of the API (in this process) and of real worker processes
 * on their own listeners: three dossiers are received while no consumer of their unit runs, so
 * their hand-offs wait, first in the outbox and then in the unit's queue; a worker then receives
 * them, and the counters and gauges follow each step.
 */
describe('Prometheus metrics', () => {
  let api: TestApi;
  let stub: { app: INestApplication; url: string };
  let worker: WorkerProcess | undefined;
  const env = () => testEnv(api.dbName, api.env.QUEUE_PREFIX, { PORTAL_URL: `${stub.url}/dvcqg`, STUBS_URL: stub.url });
  const scrapeApi = async () => (await expectStatus(request(api.app.getHttpServer()).get('/metrics'), 200)).text;
  const scrapeWorker = async (port: number, headers: Record<string, string> = {}) => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers });
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    api = await startTestApi('live');
    stub = await startPortalStub();
  });
  afterAll(async () => {
    await worker?.stop();
    await stub?.app.close();
    await api?.close();
  });

  it('counts hand-offs waiting in the outbox, then in their queue, then received, with their latency', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await receive(api)).id);
    // No relay runs: the three hand-offs to Tư pháp wait in the outbox, unsent.
    await new Promise((r) => setTimeout(r, 50));
    // Projection lag: none without the projections' table; once it is there (made here with the
    // migration's shape if this database predates it), the events each cursor is behind.
    const [{ present }] = await api.ds.query(`SELECT to_regclass('projection_cursors') IS NOT NULL AS present`);
    let text = await scrapeApi();
    if (!present) {
      expect(text).not.toContain('motcua_projection_lag_events{');
      expect(sample(text, 'motcua_metrics_collector_up', { source: 'projections' })).toBe(1);
      await api.ds.query(`CREATE TABLE projection_cursors (name varchar(64) PRIMARY KEY, position bigint NOT NULL DEFAULT 0); INSERT INTO projection_cursors (name) VALUES ('daily-rollups')`);
      text = await scrapeApi();
    }
    // No projector runs while no worker does: the cursors stand still.
    const cursors: { name: string; behind: string }[] = await api.ds.query(`SELECT name, (SELECT max(id) FROM dossier_events) - position AS behind FROM projection_cursors`);
    expect(cursors.length).toBeGreaterThan(0);
    for (const c of cursors) {
      expect(sample(text, 'motcua_projection_lag_events', { projection: c.name })).toBe(Number(c.behind));
      expect(sample(text, 'motcua_projection_lag_seconds', { projection: c.name })).toBeGreaterThan(0);
    }
    expect(sample(text, 'motcua_commands_total', { command: 'ReceiveDossierCommand', result: 'ok' })).toBe(3);
    expect(sample(text, 'motcua_outbox_unsent')).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'motcua_outbox_lag_seconds')).toBeGreaterThan(0);
    expect(sample(text, 'motcua_queue_jobs', { queue: 'tu-phap', state: 'waiting' })).toBe(0);
    expect(sample(text, 'motcua_portal_sync_backlog')).toBeGreaterThanOrEqual(3);
    for (const source of ['queues', 'database', 'projections']) expect(sample(text, 'motcua_metrics_collector_up', { source })).toBe(1);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);

    // A worker that consumes another unit (and syncs nothing to the portal): its relay moves the
    // hand-offs into Tư pháp's queue, where they wait for a consumer.
    const port1 = await freePort();
    worker = await startWorkerProcess(env(), { UNITS: 'cong-an', PORTAL_SYNC: 'false', METRICS_PORT: String(port1) });
    await worker.waitFor(`metrics on http://127.0.0.1:${port1}/metrics`);
    text = await eventually(async () => {
      const t = await scrapeWorker(port1);
      return sample(t, 'motcua_queue_jobs', { queue: 'tu-phap', state: 'waiting' }) === 3 ? t : undefined;
    }, 10_000, 'three jobs waiting in tu-phap');
    expect(sample(text, 'motcua_outbox_unsent')).toBe(0);
    expect(sample(text, 'motcua_outbox_lag_seconds')).toBe(0);
    expect(sample(text, 'motcua_dead_letters', { queue: 'tu-phap' })).toBe(0);
    expect(sample(text, 'motcua_handoffs_total', { unit: 'tu-phap' })).toBeUndefined();
    // The API sees the same queue from its own process.
    expect(sample(await scrapeApi(), 'motcua_queue_jobs', { queue: 'tu-phap', state: 'waiting' })).toBe(3);
    await worker.stop();

    // A worker of every unit receives them: three receipts, three latencies, an empty queue.
    const port2 = await freePort();
    worker = await startWorkerProcess(env(), { METRICS_PORT: String(port2) });
    for (const id of ids) await inInbox(api.ds, id, 'xu-ly');
    text = await eventually(async () => {
      const t = await scrapeWorker(port2);
      return sample(t, 'motcua_handoffs_total', { unit: 'tu-phap', outcome: 'received' }) === 3 ? t : undefined;
    }, 10_000, 'three receipts counted');
    expect(sample(text, 'motcua_handoff_latency_seconds_count', { unit: 'tu-phap' })).toBe(3);
    // The jobs waited in the queue while the first worker ran: at least a few milliseconds each.
    expect(sample(text, 'motcua_handoff_latency_seconds_sum', { unit: 'tu-phap' })).toBeGreaterThan(0);
    expect(sample(text, 'motcua_handoff_latency_seconds_bucket', { unit: 'tu-phap', le: '+Inf' })).toBe(3);
    expect(sample(text, 'motcua_commands_total', { command: 'RecordReceiptCommand', result: 'ok' })).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'motcua_queue_jobs', { queue: 'tu-phap', state: 'waiting' })).toBe(0);
    expect(sample(text, 'motcua_queue_jobs', { queue: 'tu-phap', state: 'active' })).toBe(0);

    // One step completed: the API counts the command, the worker the next unit's receipt.
    await expectStatus(completeStep(api, ids[0], 'xu-ly'), 200);
    expect(sample(await scrapeApi(), 'motcua_commands_total', { command: 'CompleteStepCommand', result: 'ok' })).toBe(1);
    await eventually(async () => {
      const t = await scrapeWorker(port2);
      return sample(t, 'motcua_handoffs_total', { unit: 'lanh-dao', outcome: 'received' }) === 1 ? true : undefined;
    }, 10_000, 'the leader unit receipt counted');
    // A refused command is counted as refused: the step is no longer Tư pháp's to complete.
    await completeStep(api, ids[0], 'xu-ly');
    expect(sample(await scrapeApi(), 'motcua_commands_total', { command: 'CompleteStepCommand', result: 'refused' })).toBe(1);
    // The portal syncer of this worker catches up.
    await eventually(async () => (sample(await scrapeWorker(port2), 'motcua_portal_sync_backlog') === 0 ? true : undefined), 15_000, 'portal backlog drained');
  });

  it('counts open dossiers past their due time per commune', async () => {
    const before = sample(await scrapeApi(), 'motcua_dossiers_overdue', { commune: '26734' }) ?? 0;
    const d = await receive(api);
    await api.ds.query(`UPDATE dossiers SET due_at = now() - interval '1 day' WHERE id = $1`, [d.id]);
    expect(sample(await scrapeApi(), 'motcua_dossiers_overdue', { commune: '26734' })).toBe(before + 1);
  });

  it('keeps a worker\'s listener off with METRICS_PORT=0', async () => {
    await worker?.stop();
    worker = await startWorkerProcess(env(), { METRICS_PORT: '0', UNITS: 'quan-su' });
    expect(worker.log).not.toContain('metrics on http://');
    await worker.stop();
    worker = undefined;
  });

  describe('under NODE_ENV=production', () => {
    it('the API serves /metrics only to a scraper with METRICS_TOKEN', async () => {
      const prod = await startTestApi('live', undefined, { NODE_ENV: 'production', ...SECRETS, METRICS_TOKEN: TOKEN });
      try {
        const server = prod.app.getHttpServer();
        expect((await request(server).get('/metrics')).status).toBe(401);
        expect((await request(server).get('/metrics').set('authorization', 'Bearer not-the-token')).status).toBe(401);
        const ok = await request(server).get('/metrics').set('authorization', `Bearer ${TOKEN}`);
        expect(ok.status).toBe(200);
        expect(ok.text).toContain('motcua_outbox_unsent');
      } finally {
        await prod.close();
      }
    });

    it('without METRICS_TOKEN every /metrics is closed; a worker with it asks for it', async () => {
      const prod = await startTestApi('live', undefined, { NODE_ENV: 'production', ...SECRETS });
      try {
        const res = await request(prod.app.getHttpServer()).get('/metrics');
        expect(res.status).toBe(403);
        expect(res.text).toContain('METRICS_TOKEN');
      } finally {
        await prod.close();
      }
      const closed = await freePort();
      worker = await startWorkerProcess(env(), { NODE_ENV: 'production', ...SECRETS, UNITS: 'quan-su', METRICS_PORT: String(closed) });
      await worker.waitFor('metrics on http://');
      expect((await fetch(`http://127.0.0.1:${closed}/metrics`)).status).toBe(403);
      await worker.stop();
      const port = await freePort();
      worker = await startWorkerProcess(env(), { NODE_ENV: 'production', ...SECRETS, METRICS_TOKEN: TOKEN, UNITS: 'quan-su', METRICS_PORT: String(port) });
      await worker.waitFor('metrics on http://');
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
      expect(await scrapeWorker(port, { authorization: `Bearer ${TOKEN}` })).toContain('motcua_queue_jobs');
      await worker.stop();
      worker = undefined;
    });
  });
});
