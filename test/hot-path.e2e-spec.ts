import { Queue } from 'bullmq';
import { Client } from 'pg';
import { CommandBus } from '@nestjs/cqrs';
import { UnitOfWork } from '@motcua/persistence';
import { CompleteStepCommand, RecordReceiptCommand, StepNotPendingError, systemActor } from '@motcua/workflow';
import { startTestApi, type TestApi } from './support/api';
import { eventually } from './support/apps';
import { databaseUrl, testEnv } from './support/env';
import { startWorkerProcess, type WorkerProcess } from './support/processes';
import { inInbox, receive } from './support/workflow';

/** The hand-off path's own costs (issue 10), asserted as behaviour: what one command asks of PostgreSQL. */
describe('hot path', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('wakes the relay with one NOTIFY per transaction, however many outbox rows it wrote', async () => {
    const listener = new Client({ connectionString: databaseUrl(api.dbName) });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query('LISTEN motcua_outbox');
    try {
      // One transaction writing four outbox rows in two statements (a fork's hand-offs and a re-send, say).
      const job = (n: number) => ({ queue: 'tu-phap', jobName: 'handoff', payload: { handoffId: `00000000-0000-4000-8000-00000000000${n}`, dossierId: 'none', communeCode: '26734' } });
      await new UnitOfWork(api.ds).run('26734', async (tx) => {
        await tx.outbox.add([job(1), job(2), job(3)]);
        await tx.outbox.add([job(4)]);
      });
      const [{ rows }] = await api.ds.query(`SELECT count(*)::int AS rows FROM outbox WHERE payload->>'dossierId' = 'none'`);
      expect(rows).toBe(4);
      // A marker sent after the intake's commit: once it is heard, everything before it was.
      await api.ds.query(`SELECT pg_notify('motcua_outbox', 'marker')`);
      await eventually(async () => (heard.includes('marker') ? true : undefined), 5000, 'the marker');
      expect(heard.filter((p) => p !== 'marker')).toHaveLength(1);
    } finally {
      await listener.end();
    }
  });
});

describe('a step completed and handed on', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('takes five statements: begin, the lock, the work items, one write (events, hand-off, work item, outbox, timers, portal), commit', async () => {
    const commands = api.app.get(CommandBus);
    const step = async () => {
      const d = await receive(api);
      const [h] = await api.ds.query(`SELECT id FROM handoffs WHERE dossier_id = $1`, [d.id]);
      await commands.execute(new RecordReceiptCommand('26734', d.id, h.id, 'Hệ thống – tu-phap'));
      return d;
    };
    const complete = (id: string) => commands.execute(new CompleteStepCommand(id, 'xu-ly', systemActor('Cán bộ tự động – tu-phap', '26734')));
    await complete((await step()).id); // the reference data read once, cached after
    const d = await step();
    const statements: string[] = [];
    const query = Client.prototype.query;
    Client.prototype.query = function (this: Client, ...args: unknown[]) {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text;
      statements.push(text.trim().split(/\s+/).slice(0, 2).join(' '));
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof Client.prototype.query;
    try {
      await expect(complete(d.id)).resolves.toEqual({ next: 'handoff', toUnits: ['lanh-dao'] });
    } finally {
      Client.prototype.query = query;
    }
    expect(statements).toEqual(['START TRANSACTION', 'SELECT *', 'SELECT *', 'WITH appended', 'COMMIT']);
    const [row] = await api.ds.query(
      `SELECT (SELECT status FROM work_items WHERE dossier_id = $1 AND step_key = 'xu-ly') AS done,
              (SELECT count(*)::int FROM handoffs WHERE dossier_id = $1 AND to_unit = 'lanh-dao' AND received_at IS NULL) AS sent,
              (SELECT count(*)::int FROM outbox WHERE queue = 'lanh-dao' AND payload->>'dossierId' = $1::text) AS jobs`,
      [d.id],
    );
    expect(row).toEqual({ done: 'done', sent: 1, jobs: 1 });
  });
});

describe('completions of a backlog', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('share one transaction, each with its lock, work and write; a refusal among them costs the others nothing', async () => {
    const commands = api.app.get(CommandBus);
    const received = async () => {
      const d = await receive(api);
      const [h] = await api.ds.query(`SELECT id FROM handoffs WHERE dossier_id = $1`, [d.id]);
      await commands.execute(new RecordReceiptCommand('26734', d.id, h.id, 'Hệ thống – tu-phap'));
      return d;
    };
    const complete = (id: string) => commands.execute(new CompleteStepCommand(id, 'xu-ly', systemActor('Cán bộ tự động – tu-phap', '26734')));
    const dossiers = [];
    for (let i = 0; i < 12; i++) dossiers.push(await received());
    await complete(dossiers[0].id); // the reference data read once, cached after
    const backlog = dossiers.slice(1);

    const statements: string[] = [];
    const query = Client.prototype.query;
    Client.prototype.query = function (this: Client, ...args: unknown[]) {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text;
      statements.push(text.trim().split(/\s+/)[0]);
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof Client.prototype.query;
    let results;
    try {
      results = await Promise.all(backlog.map((d) => complete(d.id)));
    } finally {
      Client.prototype.query = query;
    }
    expect(results.every((r) => r.next === 'handoff')).toBe(true);
    // One BEGIN and one COMMIT for the 11, not 11 of each.
    expect(statements.filter((t) => t === 'START').length).toBe(1);
    expect(statements.filter((t) => t === 'COMMIT').length).toBe(1);
    expect(statements.filter((t) => t === 'WITH').length).toBe(11);
    const [{ n }] = await api.ds.query(`SELECT count(*)::int AS n FROM work_items WHERE dossier_id = ANY($1::uuid[]) AND step_key = 'xu-ly' AND status = 'done'`, [
      backlog.map((d) => d.id),
    ]);
    expect(n).toBe(11);

    // Again, one of them refused (its step is done already): the others complete, it gets its 409.
    const more = [];
    for (let i = 0; i < 4; i++) more.push(await received());
    const outcomes = await Promise.allSettled([...more.map((d) => complete(d.id)), complete(backlog[0].id)]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect((outcomes[4] as PromiseRejectedResult).reason).toBeInstanceOf(StepNotPendingError);
    const [{ m }] = await api.ds.query(`SELECT count(*)::int AS m FROM dossier_events WHERE dossier_id = ANY($1::uuid[]) AND type = 'StepCompleted'`, [
      [...more.map((d) => d.id), backlog[0].id],
    ]);
    expect(m).toBe(5);
  });
});

describe('several worker processes on one unit queue', () => {
  let api: TestApi;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    api = await startTestApi('live');
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await api?.close();
  });

  it('share its jobs with no double receipt', async () => {
    const env = testEnv(api.dbName, api.env.QUEUE_PREFIX, { UNITS: 'tu-phap', WORKER_CONCURRENCY: '4' });
    workers.push(...(await Promise.all([0, 1, 2].map(() => startWorkerProcess(env)))));
    const dossiers = [];
    for (let i = 0; i < 30; i++) dossiers.push(await receive(api));
    for (const d of dossiers) await inInbox(api.ds, d.id, 'xu-ly', 30_000);

    const ids = dossiers.map((d) => d.id);
    const [counts] = await api.ds.query(
      `SELECT (SELECT count(*)::int FROM dossier_events WHERE type = 'HandoffReceived' AND dossier_id = ANY($1::uuid[])) AS receipts,
              (SELECT count(*)::int FROM work_items WHERE dossier_id = ANY($1::uuid[])) AS items`,
      [ids],
    );
    expect(counts).toEqual({ receipts: 30, items: 30 });
    // More than one process took part: each job names the process that ran it.
    const q = new Queue('tu-phap', { connection: { url: api.env.REDIS_URL }, prefix: api.env.QUEUE_PREFIX });
    try {
      const done = await q.getCompleted(0, 100);
      expect(done.filter((j) => ids.includes(j.data.dossierId))).toHaveLength(30);
      expect(new Set(done.map((j) => j.processedBy)).size).toBeGreaterThan(1);
    } finally {
      await q.close();
    }
  });
});
