import { Queue } from 'bullmq';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { startTestApi, type TestApi } from './support/api';
import { eventually, startPortalStub } from './support/apps';
import { testEnv } from './support/env';
import { PrivateRedis } from './support/private-redis';
import { startWorkerProcess, WorkerProcess } from './support/processes';
import { inInbox, receive, waitForState } from './support/workflow';

/**
 * Crash safety with real processes: a worker SIGKILLed in the middle of a hand-off, and Redis
 * stopped while dossiers keep arriving. Redis here is a private server on its own port; the
 * shared one is never touched.
 */
describe('faults: nothing lost, nothing applied twice', () => {
  let redis: PrivateRedis;
  let api: TestApi;
  let stub: { app: INestApplication; url: string };
  const workers: WorkerProcess[] = [];
  const workerEnv = () => testEnv(api.dbName, api.env.QUEUE_PREFIX, { REDIS_URL: redis.url, PORTAL_URL: `${stub.url}/dvcqg`, STUBS_URL: stub.url });
  // A killed worker's job is handed to another after about a lock period, and the outbox rows its
  // relay had claimed to another relay after the claim.
  const FAST_STALL = { JOB_LOCK_MS: '1000', OUTBOX_CLAIM_MS: '1000' };

  async function worker(extra: Record<string, string> = {}, ready = true): Promise<WorkerProcess> {
    const w = ready ? await startWorkerProcess(workerEnv(), { ...FAST_STALL, ...extra }) : new WorkerProcess(workerEnv(), { ...FAST_STALL, ...extra });
    workers.push(w);
    return w;
  }

  async function receiptsOf(dossierId: string): Promise<{ receipts: number; items: number }> {
    const [row] = await api.ds.query(
      `SELECT (SELECT count(*)::int FROM dossier_events WHERE dossier_id = $1 AND type = 'HandoffReceived') AS receipts,
              (SELECT count(*)::int FROM work_items WHERE dossier_id = $1) AS items`,
      [dossierId],
    );
    return row;
  }

  /** Resolves once no job of the unit queues waits, runs or is delayed: every delivery, a second one included, is done. */
  async function queuesSettled(queue = 'tu-phap'): Promise<void> {
    const q = new Queue(queue, { connection: { url: redis.url }, prefix: api.env.QUEUE_PREFIX });
    try {
      await eventually(async () => {
        const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
        return Object.values(c).every((n) => n === 0) ? true : undefined;
      }, 20_000, `queue ${queue} settled`);
    } finally {
      await q.close();
    }
  }

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    api = await startTestApi('live', undefined, { REDIS_URL: redis.url });
    stub = await startPortalStub();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });
  afterAll(async () => {
    await stub?.app.close();
    await api?.close();
    redis?.destroy();
  });

  it('delivers exactly once when the worker is SIGKILLed inside the receipt transaction', async () => {
    const doomed = await worker({ FAILPOINTS: 'receipt.before-commit' });
    const d = await receive(api);
    await doomed.waitFor('FAILPOINT receipt.before-commit');
    await doomed.kill('SIGKILL');
    // The transaction died with the process: no receipt yet.
    expect(await receiptsOf(d.id)).toEqual({ receipts: 0, items: 0 });

    await worker();
    await inInbox(api.ds, d.id, 'xu-ly', 20_000);
    await queuesSettled(); // the killed delivery, retried after its lock, must change nothing
    expect(await receiptsOf(d.id)).toEqual({ receipts: 1, items: 1 });
  });

  it('issues one card, one receipt and one completion when the worker is SIGKILLed between the card and their transaction', async () => {
    const doomed = await worker({ FAILPOINTS: 'automatic.after-call' });
    const d = await receive(api, { procedureCode: 'cap-the-bhyt-tre-em-duoi-6-tuoi' });
    await doomed.waitFor('FAILPOINT automatic.after-call');
    await doomed.kill('SIGKILL');
    // The card was issued; nothing of the step was recorded: receipt and completion commit together.
    expect(await receiptsOf(d.id)).toEqual({ receipts: 0, items: 0 });

    await worker();
    await waitForState(api.ds, d.id, 'result_ready', 20_000);
    const cards = (await (await fetch(`${stub.url}/stub/bhxh/cards`)).json()) as { dossierCode: string }[];
    expect(cards.filter((c) => c.dossierCode === d.code)).toHaveLength(1);
    const [steps] = await api.ds.query(
      `SELECT count(*) FILTER (WHERE type = 'StepCompleted')::int AS completed,
              count(*) FILTER (WHERE type = 'HandoffReceived' AND payload->>'unit' = 'bhxh')::int AS bhxh_receipts,
              count(DISTINCT xmin::text) FILTER (WHERE type = 'StepCompleted' OR (type = 'HandoffReceived' AND payload->>'unit' = 'bhxh'))::int AS transactions
         FROM dossier_events WHERE dossier_id = $1`,
      [d.id],
    );
    expect(steps).toEqual({ completed: 1, bhxh_receipts: 1, transactions: 1 });
  });

  it.each(['relay.after-claim', 'relay.after-add'])('delivers each hand-off once when the relay is SIGKILLed in the middle of a batch (%s)', async (point) => {
    const doomed = await worker({ FAILPOINTS: point }, false);
    await doomed.waitFor('outbox relay running');
    const batch = [];
    for (let i = 0; i < 5; i++) batch.push(await receive(api));
    await doomed.waitFor(`FAILPOINT ${point}`);
    await doomed.kill('SIGKILL');
    // Claimed by the dead relay, not marked sent: the next relay takes them when the claim runs out.
    // (The batch it died in may hold rows an earlier test left unsent, not only these dossiers'.)
    const [claimed] = await api.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL AND next_attempt_at IS NOT NULL`);
    expect(claimed.n).toBeGreaterThan(0);

    await worker();
    for (const d of batch) await inInbox(api.ds, d.id, 'xu-ly', 30_000);
    await eventually(async () => {
      const [left] = await api.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`);
      return left.n === 0 ? true : undefined;
    }, 15_000, 'every row sent, the dead relay\'s claimed ones included');
    for (const d of batch) expect(await receiptsOf(d.id)).toEqual({ receipts: 1, items: 1 });
  });

  it('keeps hand-offs in the outbox while Redis is down and delivers each once when it returns', async () => {
    const w = await worker();
    const first = await receive(api);
    await inInbox(api.ds, first.id, 'xu-ly');

    redis.down();
    const during = [];
    for (let i = 0; i < 5; i++) during.push(await receive(api)); // intake never needs Redis
    await request(api.app.getHttpServer()).get('/api/health').expect(503);
    await w.waitFor('outbox relay cannot send yet'); // the relay tried, and kept the rows
    const ids = during.map((d) => d.id);
    const [waiting] = await api.ds.query(
      `SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL AND job_name = 'handoff' AND payload->>'dossierId' = ANY($1)`,
      [ids],
    );
    expect(waiting.n).toBe(5);

    await redis.up();
    for (const d of during) await inInbox(api.ds, d.id, 'xu-ly', 30_000);
    await queuesSettled();
    for (const d of during) expect(await receiptsOf(d.id)).toEqual({ receipts: 1, items: 1 });
    const [left] = await api.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`);
    expect(left.n).toBe(0);
    await eventually(async () => ((await request(api.app.getHttpServer()).get('/api/health')).status === 200 ? true : undefined), 10_000, 'health');
  });

  it('re-sends a hand-off whose job was lost after the outbox marked it sent', async () => {
    // No worker runs: the hand-off sits in the outbox. Mark it sent, as if Redis then lost it.
    const d = await receive(api);
    await api.ds.query(`UPDATE outbox SET sent_at = now() WHERE sent_at IS NULL`);
    await api.ds.query(`UPDATE handoffs SET sent_at = now() - interval '1 hour' WHERE dossier_id = $1`, [d.id]);
    await worker({ HANDOFF_RESEND_AFTER_MS: '500' });
    await inInbox(api.ds, d.id, 'xu-ly', 20_000);
    const [h] = await api.ds.query(`SELECT resend_count FROM handoffs WHERE dossier_id = $1`, [d.id]);
    expect(h.resend_count).toBe(1);
    expect(await receiptsOf(d.id)).toEqual({ receipts: 1, items: 1 });
  });

  it('drains a backlog with a cold cache and a pool far smaller than its concurrency (no pool deadlock)', async () => {
    const backlog = [];
    for (let i = 0; i < 20; i++) backlog.push(await receive(api)); // no worker yet: the outbox fills
    // Every job needs one connection at a time; with 2 connections and 16 jobs at once a command
    // that asked for a second connection inside its transaction would wait forever.
    const w = await worker({ DATABASE_POOL_SIZE: '2', WORKER_CONCURRENCY: '16', AUTO_OFFICER: 'true' });
    for (const d of backlog) await waitForState(api.ds, d.id, 'result_ready', 60_000);
    // …and not merely after timeouts and retries: no job failed on the way.
    expect(w.log).not.toMatch(/attempt \d+ failed/);
  });

  it('delivers the jobs of a new database on a Redis that still holds an old one\'s (outbox ids restart at 1)', async () => {
    await worker();
    const old = await receive(api);
    await inInbox(api.ds, old.id, 'xu-ly');
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    // A fresh database, same Redis and queue prefix: its first outbox rows have ids 1, 2, …
    const fresh = await startTestApi('live', api.env.QUEUE_PREFIX, { REDIS_URL: redis.url });
    try {
      workers.push(await startWorkerProcess(testEnv(fresh.dbName, api.env.QUEUE_PREFIX, { REDIS_URL: redis.url, STUBS_URL: stub.url })));
      const d = await receive(fresh);
      await inInbox(fresh.ds, d.id, 'xu-ly', 15_000);
    } finally {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      await fresh.close();
    }
  });
});

