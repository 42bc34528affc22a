import Redis from 'ioredis';
import { Pool } from 'pg';
import { validateEnv } from '@motcua/config';
import { ALL_QUEUES } from '@motcua/messaging';
import { DEFAULT_WORKER_UNITS } from '../bench/engine';
import { PROCEDURE_MIX } from '../bench/engine-load';
import { audit, type AuditReport, settle } from './support/dossier-audit';
import { DossierTraffic } from './support/dossier-traffic';
import { PrivatePostgres } from './support/private-postgres';
import { freePort, PrivateRedis } from './support/private-redis';
import { AppProcess, runCli, startWorkerProcess, WorkerProcess } from './support/processes';

/**
 * The fault campaign (issue 9): real dossiers flow through the built API, worker and stub
 * processes, on a PostgreSQL cluster and a Redis of the test's own, while one fault after another
 * hits them: a worker SIGKILLed, the API SIGKILLed (at random and right after a commit), the relay
 * SIGKILLed in the middle of a batch, Redis stopped for 30 s, PostgreSQL restarted, the outside
 * systems failing and timing out. After each: the CLI's check-invariants and verify-chain are
 * clean, every dossier is accounted for and nothing was applied twice. Prints one summary line.
 */

/** Bench's mix (fork/join to the police and BHXH, identity check, fee) plus the BHXH card alone. */
const PROCEDURES = [...Object.keys(PROCEDURE_MIX), 'cap-the-bhyt-tre-em-duoi-6-tuoi'];
/** Unit queues the mix's first hand-offs go to. */
const FIRST_UNITS = ['tu-phap', 'cong-an', 'ke-toan', 'bhxh'];
const SETTLE_MS = 90_000;
const FAULT_MS = 150_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('fault campaign: dossiers keep flowing through faults', () => {
  let pg: PrivatePostgres;
  let redis: PrivateRedis;
  let pool: Pool;
  let probe: Redis;
  let env: Record<string, string>;
  let stub: AppProcess;
  let api: AppProcess;
  let traffic: DossierTraffic;
  let stubUrl: string;
  /** One worker per slot of bench's split of the units over two processes. */
  const workers: (WorkerProcess | undefined)[] = [];
  const spare: AppProcess[] = [];
  const notes: string[] = [];
  let last: AuditReport | undefined;

  async function startApi(extra: Record<string, string> = {}): Promise<AppProcess> {
    const p = new AppProcess('api', env, extra);
    spare.push(p);
    await p.waitFor('API on http://', 60_000);
    return p;
  }

  async function startWorker(slot: number): Promise<void> {
    const w = await startWorkerProcess(validateEnv(env), { UNITS: DEFAULT_WORKER_UNITS[slot] });
    workers[slot] = w;
  }

  /** After a fault: let everything drain, then the CLI's checks and the audit of every dossier so far. */
  async function accountFor(fault: string): Promise<void> {
    const t0 = Date.now();
    const settled = await settle(pool, stubUrl, traffic, SETTLE_MS);
    const settleMs = Date.now() - t0;
    const [invariants, chains] = await Promise.all([runCli(env, ['check-invariants']), runCli(env, ['verify-chain'])]);
    last = await audit(pool, stubUrl, traffic);
    const died = [api, stub, ...workers]
      .filter((p) => p && (p.child.exitCode !== null || p.child.signalCode !== null))
      .map((p) => `${p!.app} exited ${p!.child.exitCode ?? p!.child.signalCode}: ${p!.log.slice(-1500)}`);
    const answers: Record<string, number> = {};
    for (const s of traffic.submissions.filter((x) => x.fault === fault)) {
      const key = `${s.status ?? 'none'}${s.outages.length > 0 ? ` during ${s.outages.join('+')}` : ''}`;
      answers[key] = (answers[key] ?? 0) + 1;
    }
    // Dead letters are work handed to a person: not lost, but no fault here should exhaust a job's tries.
    const deadJobs = (await Promise.all(ALL_QUEUES.map((q) => probe.zcard(`${env.QUEUE_PREFIX}:${q}:failed`)))).reduce((a, b) => a + b, 0);
    const { rows: deadRows } = await pool.query(`SELECT count(*)::int AS n FROM outbox WHERE dead_at IS NOT NULL`);
    notes.push(
      `${fault}: answers ${JSON.stringify(answers)}; ${settled ? `settled in ${settleMs} ms` : 'NOT settled'}; ` +
        `dead letters ${deadJobs}, dead outbox rows ${deadRows[0].n}`,
    );
    expect({
      fault,
      invariants: invariants.code === 0 ? 'clean' : invariants.output.slice(-2000),
      chains: chains.code === 0 ? 'clean' : chains.output.slice(-2000),
      lost: last.lost,
      duplicated: last.duplicated,
      changed: last.changed,
      died,
    }).toEqual({ fault, invariants: 'clean', chains: 'clean', lost: [], duplicated: [], changed: [], died: [] });
  }

  /** Sum of the jobs waiting on the first units' queues. */
  async function waitingOnFirstUnits(): Promise<number> {
    const counts = await Promise.all(FIRST_UNITS.map((u) => probe.llen(`${env.QUEUE_PREFIX}:${u}:wait`)));
    return counts.reduce((a, b) => a + b, 0);
  }

  beforeAll(async () => {
    pg = await PrivatePostgres.start();
    redis = await PrivateRedis.start();
    const [apiPort, stubPort] = [await freePort(), await freePort()];
    stubUrl = `http://127.0.0.1:${stubPort}`;
    env = {
      DATABASE_URL: pg.url('motcua'),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'campaign',
      MIGRATIONS_RUN: 'false',
      HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      PORTAL_STUB_PORT: String(stubPort),
      PORTAL_URL: `${stubUrl}/dvcqg`,
      STUBS_URL: stubUrl,
      AUTO_OFFICER: 'true',
      DATABASE_POOL_SIZE: '10',
      // A killed worker's jobs and outbox claims go to another within seconds; a hand-off whose job vanished is re-sent.
      JOB_LOCK_MS: '2000',
      OUTBOX_CLAIM_MS: '2000',
      HANDOFF_RESEND_AFTER_MS: '10000',
      // A killed worker's portal-sync claims run out within seconds too (the lease must cover a round's calls).
      PORTAL_TIMEOUT_MS: '2000',
      PORTAL_SYNC_LEASE_MS: '10000',
      NO_COLOR: '1',
    };
    // The shared template is not on this cluster: the CLI migrates and seeds it, as in production.
    const seeded = await runCli(env, ['seed', '--demo']);
    if (seeded.code !== 0) throw new Error(`seed --demo failed: ${seeded.output}`);
    pool = new Pool({ connectionString: env.DATABASE_URL, max: 2 });
    pool.on('error', () => undefined); // idle clients die with the PostgreSQL restart
    probe = new Redis(redis.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    probe.on('error', () => undefined);
    stub = new AppProcess('portal-stub', env);
    spare.push(stub);
    await stub.waitFor('portal stub on http://', 60_000);
    api = await startApi();
    await Promise.all(DEFAULT_WORKER_UNITS.map((_, i) => startWorker(i)));
    traffic = new DossierTraffic(`http://127.0.0.1:${apiPort}`, stubUrl, PROCEDURES);
    await traffic.signIn();
  }, 180_000);

  afterAll(async () => {
    // Every step on its own: one failing must not leave a process, a Redis or a cluster behind.
    const steps: (() => unknown)[] = [
      () => traffic?.stopAll(),
      () => Promise.all([...workers, ...spare].map((p) => p?.stop())),
      () => probe?.disconnect(),
      () => pool?.end(),
      () => redis?.destroy(),
      () => pg?.destroy(),
    ];
    for (const step of steps) await Promise.resolve().then(step).catch((e: unknown) => console.error('fault campaign cleanup:', e));
  }, 60_000);

  it(
    'SIGKILL of a worker while dossiers flow',
    async () => {
      const flow = traffic.paced('worker-kill', 80, 60);
      let allSent = false;
      void flow.finished.then(() => (allSent = true));
      // Kill while its units have hand-offs in hand: after some were received.
      await until('hand-offs received', async () => (await pool.query(`SELECT count(*)::int AS n FROM handoffs WHERE received_at IS NOT NULL`)).rows[0].n >= 10);
      await workers[0]!.kill('SIGKILL');
      const before = traffic.acknowledged('worker-kill');
      await until('dossiers filed with the worker dead', () => allSent || traffic.acknowledged('worker-kill') >= before + 15);
      await startWorker(0);
      await flow.finished;
      await accountFor('worker-kill');
    },
    FAULT_MS,
  );

  it(
    'SIGKILL of the API in the middle of a batch, at random and right after a commit',
    async () => {
      const flow = traffic.paced('api-kill', 80);
      await until('dossiers filed', () => traffic.acknowledged('api-kill') >= 10);
      // At random: whatever is in flight is cut.
      let end = traffic.begin('api');
      await api.kill('SIGKILL');
      await until('clients refused', () => traffic.submissions.some((s) => s.fault === 'api-kill' && s.answer === 'no-answer'));
      // Right after the commit: every intake stops there, committed and unanswered, and dies so.
      const doomed = await startApi({ FAILPOINTS: 'command.after-commit' });
      end();
      await until('commits left unanswered', () => doomed.log.split('FAILPOINT command.after-commit').length > 4, 30_000);
      end = traffic.begin('api');
      await doomed.kill('SIGKILL');
      api = await startApi();
      end();
      const before = traffic.acknowledged('api-kill');
      await until('dossiers filed after the restart', () => traffic.acknowledged('api-kill') >= before + 10);
      await flow.stop();
      await accountFor('api-kill');
      expect(last!.writtenWithoutAnswer).toBeGreaterThanOrEqual(3);
    },
    FAULT_MS,
  );

  it(
    'SIGKILL of the relay in the middle of a batch',
    async () => {
      await Promise.all(workers.splice(0).map((w) => w?.stop()));
      const { rows } = await pool.query(`SELECT coalesce(max(id), 0)::text AS id FROM outbox`);
      const from = rows[0].id as string;
      // No relay runs: the backlog waits in the outbox, several batches of it.
      await traffic.burst('relay-kill', 100, 6);
      const waiting = await waitingOnFirstUnits();
      // A relay that consumes none of the first units, so what it adds stays in their queues in
      // sight, stopped by its failpoint once its first batch is in Redis and not yet marked sent.
      const relay = new WorkerProcess(validateEnv(env), { UNITS: 'cap-tren', FAILPOINTS: 'relay.after-add' });
      spare.push(relay);
      await relay.waitFor('FAILPOINT relay.after-add', 60_000);
      await relay.kill('SIGKILL');
      const { rows: sent } = await pool.query(`SELECT count(*)::int AS n FROM outbox WHERE id > $1 AND sent_at IS NOT NULL AND queue = ANY($2)`, [
        from,
        FIRST_UNITS,
      ]);
      const { rows: unsent } = await pool.query(`SELECT count(*)::int AS n FROM outbox WHERE id > $1 AND sent_at IS NULL`, [from]);
      // Jobs in Redis beyond the rows marked sent: the batch was added and the relay died before its "sent".
      const midBatch = (await waitingOnFirstUnits()) - waiting - sent[0].n;
      notes.push(`relay-kill: relay SIGKILLed with ${midBatch} hand-off job(s) in Redis not marked sent, ${unsent[0].n} outbox rows unsent`);
      expect(midBatch).toBeGreaterThan(0);
      await Promise.all(DEFAULT_WORKER_UNITS.map((_, i) => startWorker(i)));
      await accountFor('relay-kill');
    },
    FAULT_MS,
  );

  it(
    'a private Redis stopped for 30 s',
    async () => {
      const flow = traffic.paced('redis-down', 400);
      await until('dossiers filed', () => traffic.acknowledged('redis-down') >= 5);
      const end = traffic.begin('redis');
      redis.down();
      await sleep(30_000); // the fault itself lasts 30 s, dossiers arriving all along
      await redis.up();
      end();
      const before = traffic.acknowledged('redis-down');
      await until('dossiers filed after Redis returned', () => traffic.acknowledged('redis-down') >= before + 5);
      await flow.stop();
      await accountFor('redis-down');
    },
    FAULT_MS,
  );

  it(
    'a private PostgreSQL cluster restarted',
    async () => {
      const flow = traffic.paced('postgres-restart', 150);
      await until('dossiers filed', () => traffic.acknowledged('postgres-restart') >= 5);
      const end = traffic.begin('postgres');
      await pg.down('immediate');
      await sleep(5_000); // down long enough for requests, receipts and the relay to hit it
      await pg.up();
      end();
      const before = traffic.acknowledged('postgres-restart');
      await until('dossiers filed after the restart', () => traffic.acknowledged('postgres-restart') >= before + 10);
      await flow.stop();
      await accountFor('postgres-restart');
    },
    FAULT_MS,
  );

  it(
    'the portal, payment, population and BHXH stand-ins failing and timing out',
    async () => {
      const fault = (system: string, plan: Record<string, unknown>) =>
        fetch(`${stubUrl}/stub/fault/${system}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(plan) }).then((r) => {
          if (!r.ok) throw new Error(`fault ${system}: HTTP ${r.status}`);
        });
      // Slow past the client's 10 s timeout: BHXH issues the card after MotCua gave up, and the retry must get that same card.
      await fault('bhxh', { mode: 'slow', delayMs: 11_000, remaining: 2 });
      await fault('payment', { mode: 'timeout', remaining: 2 });
      await fault('population', { mode: 'fail', remaining: 4 });
      await fault('portal', { mode: 'fail', remaining: 8 });
      const portalCalls = async () => ((await (await fetch(`${stubUrl}/stub/stats`)).json()) as { calls: number }).calls;
      const callsBefore = await portalCalls();
      await traffic.burst('stub-faults', 20, 4);
      await until('the portal failures to be used up', async () => (await portalCalls()) >= callsBefore + 8);
      await fault('portal', { mode: 'timeout', remaining: 3 });
      await traffic.burst('stub-faults', 10, 4);
      await accountFor('stub-faults');
      for (const system of ['portal', 'payment', 'population', 'bhxh']) await fault(system, { mode: 'none' });
    },
    FAULT_MS,
  );

  it('accounts for every dossier of the campaign and prints its summary', () => {
    const c = traffic.counts;
    const report = last ?? { lost: ['no audit ran'], duplicated: [], changed: [], dossiers: 0, writtenWithoutAnswer: 0, checked: {} };
    console.log(
      `campaign faults: requests ${c.requests}, 5xx ${c.unexpected5xx}, changed ${report.changed.length}, lost ${report.lost.length}, duplicated ${report.duplicated.length}\n` +
        `  500s ${c.status500}; 503 while PostgreSQL or Redis was down ${c.expected503}; no answer while the API was killed ${c.noAnswerApiDown}, otherwise ${c.noAnswerOther}; ` +
        `answers ${JSON.stringify(c.byStatus)}; ${report.dossiers} dossiers, ${report.writtenWithoutAnswer} written without an answer; ` +
        `checked ${JSON.stringify(report.checked)}\n  ${notes.join('\n  ')}`,
    );
    expect({ status500: c.status500, lost: report.lost.length, duplicated: report.duplicated.length }).toEqual({ status500: 0, lost: 0, duplicated: 0 });
  });
});
