import { execFileSync } from 'node:child_process';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { type Job, Worker } from 'bullmq';
import Redis from 'ioredis';
import { consumerConnection, DEDUPE_WINDOW, DEFAULT_JOB_OPTIONS, DEFAULT_RELAY_OPTIONS, OutboxRelay, producerConnection, QueueRegistry } from '@motcua/messaging';
import { UnitOfWork } from '@motcua/persistence';
import { DeadlineSweeper } from '../apps/worker/src/deadlines/deadline-sweeper';
import { RecoverySweeper } from '../apps/worker/src/recovery-sweeper';
import { startTestApi, type TestApi } from './support/api';
import { eventually, startPortalStub, startWorker } from './support/apps';
import { dropQueuePrefix } from './support/database';
import { REDIS_URL, testEnv, uniqueName } from './support/env';
import { PrivateRedis } from './support/private-redis';
import { runCli, startWorkerProcess, type WorkerProcess } from './support/processes';
import { completeStep, expectStatus, getAs, inInbox, postAs, receive, waitForState } from './support/workflow';

const WEEK_MS = 7 * 24 * 3600 * 1000;
const SUPERVISOR = 'giamsat.26734';

/**
 * Nothing lost, and anything stuck visible (issue 9): work the system stopped driving by itself
 * (a hand-off never received after its re-sends, a received automatic step that never completed,
 * an outbox row Redis refuses) is listed for a supervisor, reported by `check-invariants`, and
 * re-armed by a supervisor's action; a fork's automatic branch may finish while the other branch
 * waits for a supplement; the relay holds no transaction across Redis; sent rows are purged; the
 * deadline sweep claims its work; the BullMQ dedupe window is the one stated.
 */
describe('nothing lost: stuck work re-driven and visible', () => {
  let api: TestApi;
  let stub: { app: INestApplication; url: string };
  const contexts: INestApplicationContext[] = [];
  const processes: WorkerProcess[] = [];
  const closers: (() => Promise<unknown> | void)[] = [];
  const env = (extra: Record<string, string> = {}) =>
    testEnv(api.dbName, api.env.QUEUE_PREFIX, { PORTAL_URL: `${stub.url}/dvcqg`, STUBS_URL: stub.url, ...extra });
  const cliEnv = () => ({ ...env({ HANDOFF_RESEND_AFTER_MS: '500' }) }) as unknown as Record<string, string>;
  const fault = (system: string, plan: Record<string, unknown>) =>
    fetch(`${stub.url}/stub/fault/${system}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(plan) });

  async function worker(extra: Record<string, string> = {}): Promise<INestApplicationContext> {
    const w = await startWorker(env(extra));
    contexts.push(w);
    return w;
  }

  async function stuck(): Promise<{ handoffs: { id: string; dossierCode: string; resendCount: number }[]; automaticSteps: { workItemId: string; dossierCode: string; redriveCount: number }[]; outbox: { id: string; queue: string; attempts: number; lastError: string }[] }> {
    return (await expectStatus(getAs(api, SUPERVISOR, '/api/stuck'), 200)).body;
  }

  async function cards(code: string): Promise<number> {
    const all = (await (await fetch(`${stub.url}/stub/bhxh/cards`)).json()) as { dossierCode: string }[];
    return all.filter((c) => c.dossierCode === code).length;
  }

  beforeAll(async () => {
    api = await startTestApi('live', undefined, { HANDOFF_RESEND_AFTER_MS: '500' });
    stub = await startPortalStub();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    await Promise.all(processes.splice(0).map((p) => p.stop()));
    for (const close of closers.splice(0)) await close();
    await fault('bhxh', { mode: 'none' });
  });
  afterAll(async () => {
    await stub?.app.close();
    await api?.close();
  });

  it('gives up a hand-off Redis keeps losing after its re-sends, lists and reports it, and a supervisor re-sends it', async () => {
    // A relay and a sweeper but no consumer: every job the relay adds is then lost with Redis's data.
    const registry = new QueueRegistry(producerConnection(REDIS_URL), api.env.QUEUE_PREFIX);
    const relay = new OutboxRelay(api.ds, registry, api.env.DATABASE_URL, { ...DEFAULT_RELAY_OPTIONS, pollIntervalMs: 100 });
    await relay.start();
    closers.push(() => relay.stop(), () => registry.close());
    const sweeper = new RecoverySweeper(new UnitOfWork(api.ds), { resendAfterMs: 100, outboxRetentionMs: WEEK_MS });
    const relayedAndLost = async () => {
      await eventually(async () => ((await api.ds.query(`SELECT 1 FROM outbox WHERE sent_at IS NULL`)).length === 0 ? true : undefined), 10_000, 'relayed');
      await dropQueuePrefix(REDIS_URL, api.env.QUEUE_PREFIX);
    };

    const d = await receive(api);
    await relayedAndLost();
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 150));
      await sweeper.sweep();
      await relayedAndLost();
    }
    const [h] = await api.ds.query(`SELECT id, resend_count, given_up_at, received_at FROM handoffs WHERE dossier_id = $1`, [d.id]);
    expect({ resends: h.resend_count, givenUp: h.given_up_at !== null, received: h.received_at }).toEqual({ resends: 3, givenUp: true, received: null });

    // Visible to the commune's supervisor (not to an officer), and to the operator's checker.
    const list = await stuck();
    expect(list.handoffs).toEqual([expect.objectContaining({ id: h.id, dossierCode: d.code, resendCount: 3 })]);
    await expectStatus(getAs(api, 'tuphap.26734', '/api/stuck'), 403);
    const check = await runCli(cliEnv(), ['check-invariants']);
    expect(check.code).toBe(1);
    expect(check.output).toContain(`STUCK ${d.code} handoff_not_received`);
    // Given up is not "on its way": the dossier is not lost twice over, it is stuck once.
    expect(check.output).not.toContain(`LOST ${d.code}`);

    // The supervisor re-sends it; a consumer now runs and receives it once.
    await worker();
    await expectStatus(postAs(api, SUPERVISOR, `/api/stuck/handoffs/${h.id}/resend`), 202);
    await inInbox(api.ds, d.id, 'xu-ly');
    expect((await stuck()).handoffs).toEqual([]);
    expect((await expectStatus(postAs(api, SUPERVISOR, `/api/stuck/handoffs/${h.id}/resend`), 409)).body.rule).toBe('NOT_STUCK');
    await expectStatus(postAs(api, SUPERVISOR, `/api/stuck/handoffs/00000000-0000-4000-8000-000000000000/resend`), 404);
    await expectStatus(postAs(api, SUPERVISOR, `/api/stuck/handoffs/not-a-uuid/resend`), 404);
    await expectStatus(postAs(api, SUPERVISOR, `/api/stuck/handoffs/${h.id}/resend`, { force: true }), 400);
    await expectStatus(postAs(api, 'giamsat.26737', `/api/stuck/handoffs/${h.id}/resend`), 404);
    const [receipts] = await api.ds.query(`SELECT count(*)::int AS n FROM dossier_events WHERE dossier_id = $1 AND type = 'HandoffReceived'`, [d.id]);
    expect(receipts.n).toBe(1);
  });

  it('re-drives a received automatic step whose worker died and whose Redis came back empty; the checker reports it meanwhile', async () => {
    // BHXH fails, so the receipts are recorded alone and the card calls retried, for two dossiers;
    // then the worker dies and Redis loses the jobs.
    await fault('bhxh', { mode: 'fail' });
    const doomed = await startWorkerProcess(env(), { JOB_LOCK_MS: '1000', JOB_ATTEMPTS: '100', JOB_BACKOFF_MS: '200' });
    processes.push(doomed);
    const a = await receive(api, { procedureCode: 'cap-the-bhyt-tre-em-duoi-6-tuoi' });
    const b = await receive(api, { procedureCode: 'cap-the-bhyt-tre-em-duoi-6-tuoi' });
    await inInbox(api.ds, a.id, 'cap-the-bhyt');
    await inInbox(api.ds, b.id, 'cap-the-bhyt');
    await doomed.kill('SIGKILL');
    await dropQueuePrefix(REDIS_URL, api.env.QUEUE_PREFIX);
    await fault('bhxh', { mode: 'none' });

    // Stuck: listed for the supervisor and reported by the checker once it waited past the re-drive time.
    const listed = await eventually(async () => {
      const s = await stuck();
      return s.automaticSteps.length === 2 ? s.automaticSteps : undefined;
    }, 10_000, 'two stuck automatic steps');
    expect(listed.map((s) => s.dossierCode).sort()).toEqual([a.code, b.code].sort());
    const check = await runCli(cliEnv(), ['check-invariants']);
    expect(check.code).toBe(1);
    expect(check.output).toContain(`STUCK ${a.code} automatic_step_stalled`);
    expect(check.output).toContain(`STUCK ${b.code} automatic_step_stalled`);

    // The supervisor re-drives one; the sweeper of the next worker re-drives the other.
    const itemA = listed.find((s) => s.dossierCode === a.code)!;
    await expectStatus(postAs(api, SUPERVISOR, `/api/stuck/steps/${itemA.workItemId}/redrive`), 202);
    await worker({ HANDOFF_RESEND_AFTER_MS: '500' });
    await waitForState(api.ds, a.id, 'result_ready', 20_000);
    await waitForState(api.ds, b.id, 'result_ready', 20_000);
    const [redriven] = await api.ds.query(`SELECT redrive_count FROM work_items WHERE dossier_id = $1 AND step_key = 'cap-the-bhyt'`, [b.id]);
    expect(redriven.redrive_count).toBeGreaterThanOrEqual(1);
    expect([await cards(a.code), await cards(b.code)]).toEqual([1, 1]);
    expect((await expectStatus(postAs(api, SUPERVISOR, `/api/stuck/steps/${itemA.workItemId}/redrive`), 409)).body.rule).toBe('NOT_STUCK');
    expect((await stuck()).automaticSteps).toEqual([]);
    const clean = await runCli(cliEnv(), ['check-invariants']);
    expect(clean.output).not.toContain('automatic_step_stalled');
  });

  it('records a fork’s BHXH card that arrives while the other branch waits for a supplement, and joins after the supplement', async () => {
    await fault('bhxh', { mode: 'fail' });
    await worker({ JOB_ATTEMPTS: '30', JOB_BACKOFF_MS: '200' });
    const d = await receive(api, { procedureCode: 'lien-thong-khai-sinh', channel: 'online', options: ['khai-sinh', 'thuong-tru', 'the-bhyt'] });
    await inInbox(api.ds, d.id, 'dang-ky-khai-sinh');
    await expectStatus(completeStep(api, d.id, 'dang-ky-khai-sinh'), 200);
    await inInbox(api.ds, d.id, 'ky-giay-khai-sinh');
    await expectStatus(completeStep(api, d.id, 'ky-giay-khai-sinh'), 200);
    await inInbox(api.ds, d.id, 'dang-ky-thuong-tru');
    await inInbox(api.ds, d.id, 'cap-the-bhyt'); // received; the card call fails and is retried

    // Công an asks the citizen for a supplement; meanwhile BHXH comes back and issues the card.
    await expectStatus(
      postAs(api, 'congan.26734', `/api/dossiers/${d.id}/steps/dang-ky-thuong-tru/supplement-request`, { reason: 'Thiếu giấy tờ chứng minh chỗ ở', items: [{ name: 'Giấy tờ chỗ ở hợp pháp' }] }),
      200,
    );
    await fault('bhxh', { mode: 'none' });
    await eventually(async () => {
      const [w] = await api.ds.query(`SELECT status FROM work_items WHERE dossier_id = $1 AND step_key = 'cap-the-bhyt'`, [d.id]);
      return w.status === 'done' ? true : undefined;
    }, 20_000, 'the card recorded during the pause');
    const [paused] = await api.ds.query(`SELECT state FROM dossiers WHERE id = $1`, [d.id]);
    expect(paused.state).toBe('waiting_supplement');
    const dead = await expectStatus(getAs(api, SUPERVISOR, '/api/dead-letters?queue=bhxh'), 200);
    expect(dead.body.filter((j: { data: { dossierId: string } }) => j.data.dossierId === d.id)).toEqual([]);

    // The supplement arrives, Công an finishes, and the join hands the result back to the desk.
    await expectStatus(postAs(api, 'motcua.26734', `/api/dossiers/${d.id}/supplement`, { via: 'desk' }), 200);
    const last = await expectStatus(completeStep(api, d.id, 'dang-ky-thuong-tru'), 200);
    expect(last.body).toMatchObject({ next: 'return' });
    await waitForState(api.ds, d.id, 'result_ready');
    expect(await cards(d.code)).toBe(1);
  });

  it('never lets an outbox row Redis refuses hold back the others: retried with backoff, then dead, listed, reported and retryable', async () => {
    const registry = new QueueRegistry(producerConnection(REDIS_URL), api.env.QUEUE_PREFIX);
    const relay = new OutboxRelay(api.ds, registry, api.env.DATABASE_URL, { ...DEFAULT_RELAY_OPTIONS, pollIntervalMs: 100, maxAttempts: 3, backoffMs: 50 });
    const first = await receive(api);
    // A row naming a queue no consumer of this version reads (written by a newer release, say), before a good one.
    const [bad] = await api.ds.query(
      `INSERT INTO outbox (commune_code, queue, job_name, payload) VALUES ('26734', 'tiep-nhan-v2', 'handoff', jsonb_build_object('dossierId', $1::text)) RETURNING id::text AS id`,
      [first.id],
    );
    const second = await receive(api);
    await relay.start();
    closers.push(() => relay.stop(), () => registry.close());

    const sentOf = async (dossierId: string) =>
      (await api.ds.query(`SELECT sent_at FROM outbox WHERE job_name = 'handoff' AND queue = 'tu-phap' AND payload->>'dossierId' = $1`, [dossierId]))[0]?.sent_at ?? undefined;
    await eventually(() => sentOf(first.id), 10_000, 'the first good row sent');
    await eventually(() => sentOf(second.id), 10_000, 'the good row after the bad one sent');
    const dead = await eventually(async () => {
      const [row] = await api.ds.query(`SELECT attempts, dead_at, sent_at, last_error FROM outbox WHERE id = $1`, [bad.id]);
      return row.dead_at ? row : undefined;
    }, 10_000, 'the bad row dead');
    expect(dead).toMatchObject({ attempts: 3, sent_at: null });
    expect(dead.last_error).toContain('tiep-nhan-v2');

    expect((await stuck()).outbox).toEqual([expect.objectContaining({ id: bad.id, queue: 'tiep-nhan-v2', attempts: 3 })]);
    const check = await runCli(cliEnv(), ['check-invariants']);
    expect(check.code).toBe(1);
    expect(check.output).toContain(`STUCK ${first.code} outbox_dead`);

    // A retry gives it its attempts back; it fails again on its own, and dies again.
    await expectStatus(postAs(api, SUPERVISOR, `/api/stuck/outbox/${bad.id}/retry`), 202);
    await eventually(async () => {
      const [row] = await api.ds.query(`SELECT attempts, dead_at FROM outbox WHERE id = $1`, [bad.id]);
      return row.dead_at && row.attempts === 3 ? true : undefined;
    }, 10_000, 'dead again');
    await expectStatus(postAs(api, SUPERVISOR, `/api/stuck/outbox/abc/retry`), 404);
    await expectStatus(postAs(api, SUPERVISOR, `/api/stuck/outbox/99999999999999999999999/retry`), 404);
    await expectStatus(postAs(api, 'giamsat.26737', `/api/stuck/outbox/${bad.id}/retry`), 404);
    const [good] = await api.ds.query(`SELECT id::text AS id FROM outbox WHERE sent_at IS NOT NULL LIMIT 1`);
    expect((await expectStatus(postAs(api, SUPERVISOR, `/api/stuck/outbox/${good.id}/retry`), 409)).body.rule).toBe('NOT_STUCK');
    await api.ds.query(`DELETE FROM outbox WHERE id = $1`, [bad.id]); // leave the later tests a clean outbox
  });

  it('holds no transaction open while Redis is slow to take a batch', async () => {
    const redis = await PrivateRedis.start();
    const registry = new QueueRegistry(producerConnection(redis.url), api.env.QUEUE_PREFIX);
    const relay = new OutboxRelay(api.ds, registry, api.env.DATABASE_URL, { ...DEFAULT_RELAY_OPTIONS, pollIntervalMs: 100 });
    closers.push(() => relay.stop(), () => registry.close(), () => redis.destroy());
    await relay.start();
    await registry.ready();
    execFileSync('redis-cli', ['-p', String(redis.port), 'CLIENT', 'PAUSE', '3000', 'ALL']);
    const d = await receive(api);
    // The relay claimed the row and is inside its call to the paused Redis…
    await eventually(async () => {
      const [row] = await api.ds.query(`SELECT next_attempt_at, sent_at FROM outbox WHERE payload->>'dossierId' = $1 AND job_name = 'handoff'`, [d.id]);
      return row.next_attempt_at && !row.sent_at ? true : undefined;
    }, 2000, 'the row claimed');
    // …and no session of this database waits inside a transaction meanwhile.
    for (let i = 0; i < 5; i++) {
      const [{ n }] = await api.ds.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`);
      expect(n).toBe(0);
      await new Promise((r) => setTimeout(r, 100));
    }
    await eventually(async () => {
      const [row] = await api.ds.query(`SELECT sent_at FROM outbox WHERE payload->>'dossierId' = $1 AND job_name = 'handoff'`, [d.id]);
      return row.sent_at ?? undefined;
    }, 10_000, 'sent once Redis answers');
  });

  it('purges sent outbox rows past the retention, and keeps unsent, recent and dead ones', async () => {
    const old = await receive(api);
    const recent = await receive(api);
    const unsent = await receive(api);
    const rowOf = async (dossierId: string) =>
      (await api.ds.query(`SELECT id FROM outbox WHERE job_name = 'handoff' AND payload->>'dossierId' = $1`, [dossierId]))[0]?.id as string | undefined;
    const [oldRow, recentRow, unsentRow] = [await rowOf(old.id), await rowOf(recent.id), await rowOf(unsent.id)];
    await api.ds.query(`UPDATE outbox SET sent_at = now() - interval '8 days' WHERE id = $1`, [oldRow]);
    await api.ds.query(`UPDATE outbox SET sent_at = now() - interval '6 days' WHERE id = $1`, [recentRow]);
    await api.ds.query(`UPDATE outbox SET dead_at = now() - interval '30 days', attempts = 10 WHERE id = $1`, [unsentRow]);
    await new RecoverySweeper(new UnitOfWork(api.ds), { resendAfterMs: 300_000, outboxRetentionMs: WEEK_MS }).sweep();
    const left = (await api.ds.query(`SELECT id FROM outbox WHERE id = ANY($1::bigint[])`, [[oldRow, recentRow, unsentRow]])).map((r: { id: string }) => r.id);
    expect(left.sort()).toEqual([recentRow, unsentRow].sort());
    await api.ds.query(`DELETE FROM outbox WHERE id = $1`, [unsentRow]);
  });

  it('checks a passed deadline once when several workers sweep at the same time', async () => {
    const dossiers = [];
    for (let i = 0; i < 4; i++) dossiers.push(await receive(api));
    const ids = dossiers.map((d) => d.id);
    // Their due dates pass: the sweep, not a delayed job, finds them.
    await api.ds.query(`UPDATE dossiers SET due_at = now() - interval '1 hour' WHERE id = ANY($1::uuid[])`, [ids]);
    const uow = new UnitOfWork(api.ds);
    const commands = api.app.get(CommandBus);
    const sweepers = [0, 1, 2].map(() => new DeadlineSweeper(uow, commands, api.clock, 60_000));
    const counts = await Promise.all(sweepers.map((s) => s.sweep()));
    const checks = counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
    const overdue = counts.reduce((sum, c) => sum + c.overdue, 0);
    expect({ checks, overdue }).toEqual({ checks: 4, overdue: 4 });
    const [events] = await api.ds.query(`SELECT count(*)::int AS n FROM dossier_events WHERE type = 'DossierOverdue' AND dossier_id = ANY($1::uuid[])`, [ids]);
    expect(events.n).toBe(4);
  });

  it('checks the conservation identity and each dossier’s state against its log', async () => {
    const ok = await runCli(cliEnv(), ['check-invariants']);
    const m = /conservation: received (\d+) = not yet handed on (\d+) \+ in progress (\d+) \+ waiting for supplement (\d+) \+ resolved (\d+) \(returned \d+\) \+ rejected (\d+) \+ withdrawn (\d+)/.exec(ok.output);
    expect(m).not.toBeNull();
    const [received, ...parts] = m!.slice(1).map(Number);
    expect(received).toBeGreaterThan(0);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(received);
    const [{ n }] = await api.ds.query(`SELECT count(*)::int AS n FROM dossiers`);
    expect(received).toBe(n);

    // A state changed behind the log's back (a hand-edited row) is caught, and counted as unaccounted when it is no state after receipt.
    const d = await receive(api);
    await api.ds.query(`UPDATE dossiers SET state = 'submitted' WHERE id = $1`, [d.id]);
    const bad = await runCli(cliEnv(), ['check-invariants']);
    expect(bad.code).toBe(1);
    expect(bad.output).toContain(`STUCK ${d.code} state_disagrees_with_log`);
    expect(bad.output).toContain('UNACCOUNTED 1');
    await api.ds.query(`UPDATE dossiers SET state = 'in_progress' WHERE id = $1`, [d.id]);
  });
});

describe('the BullMQ dedupe window', () => {
  it('is the stated one: completed jobs kept a day or the last 100,000, and a re-add of a kept id is dropped', async () => {
    expect(DEFAULT_JOB_OPTIONS.removeOnComplete).toEqual({ age: 24 * 3600, count: 100_000 });
    expect(DEDUPE_WINDOW).toEqual({ age: 24 * 3600, count: 100_000 });

    // The same rule with a window of 2 completed jobs, so the test can run past it.
    const prefix = uniqueName('dd');
    const registry = new QueueRegistry(producerConnection(REDIS_URL), prefix, { attempts: 1, backoffMs: 10, dedupeWindow: { age: 3600, count: 2 } });
    const connection = consumerConnection(REDIS_URL);
    const runs: string[] = [];
    const w = new Worker('tu-phap', async (job: Job) => void runs.push(job.id!), { connection, prefix });
    const ran = (id: string, times: number) => eventually(async () => (runs.filter((r) => r === id).length === times ? true : undefined), 10_000, `${id} run ${times}×`);
    try {
      const q = registry.get('tu-phap');
      await q.add('handoff', {}, { jobId: 'x' });
      await ran('x', 1);
      await q.add('handoff', {}, { jobId: 'x' }); // inside the window: dropped
      await q.add('handoff', {}, { jobId: 'y' });
      await ran('y', 1);
      expect(runs.filter((r) => r === 'x')).toHaveLength(1);
      await q.add('handoff', {}, { jobId: 'z' });
      await ran('z', 1); // x is now the third-newest completed job: trimmed
      await q.add('handoff', {}, { jobId: 'x' }); // past the window: a new job
      await ran('x', 2);
    } finally {
      await w.close();
      connection.disconnect();
      await registry.close();
      const r = new Redis(REDIS_URL);
      const keys = await r.keys(`${prefix}:*`);
      if (keys.length > 0) await r.del(...keys);
      r.disconnect();
    }
  });
});
