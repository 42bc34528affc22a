import type { INestApplication } from '@nestjs/common';
import { startTestApi, type TestApi } from './support/api';
import { startPortalStub } from './support/apps';
import { testEnv } from './support/env';
import { freePort, PrivateRedis } from './support/private-redis';
import { AppProcess, startWorkerProcess, type WorkerProcess } from './support/processes';
import { inInbox, receive } from './support/workflow';

/** The exit code (or signal) of a process, or 'still running' if it has not ended within `ms`. */
function exitWithin(p: AppProcess, ms: number): Promise<number | string> {
  return Promise.race([p.exited, new Promise<string>((r) => setTimeout(() => r('still running'), ms).unref())]);
}

/**
 * Stopping in bounded time: the processes are asked to stop (SIGTERM) after their Redis died, or
 * with a job that never finishes, and end anyway; a job they leave unfinished stays in Redis and is
 * retried by the next worker. Redis here is a private server on its own port.
 */
describe('process lifecycle: a stop ends in bounded time', () => {
  let redis: PrivateRedis;
  let api: TestApi;
  let stub: { app: INestApplication; url: string };
  const procs: AppProcess[] = [];
  const workerEnv = () => testEnv(api.dbName, api.env.QUEUE_PREFIX, { REDIS_URL: redis.url, PORTAL_URL: `${stub.url}/dvcqg`, STUBS_URL: stub.url });
  // A dead worker's job is handed to another after about a lock period.
  const FAST_STALL = { JOB_LOCK_MS: '1000' };
  // Generous: the processes promise to end well within it; this is not a timing test.
  const BOUND_MS = 15_000;

  async function worker(extra: Record<string, string> = {}): Promise<WorkerProcess> {
    const w = await startWorkerProcess(workerEnv(), { ...FAST_STALL, ...extra });
    procs.push(w);
    return w;
  }

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    api = await startTestApi('live', undefined, { REDIS_URL: redis.url });
    stub = await startPortalStub();
  });
  beforeEach(async () => {
    if (!(await redis.ping())) await redis.up();
  });
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });
  afterAll(async () => {
    await stub?.app.close();
    await api?.close();
    redis?.destroy();
  });

  it('ends an idle worker asked to stop after Redis went away', async () => {
    const w = await worker();
    redis.down();
    w.child.kill('SIGTERM');
    expect(await exitWithin(w, BOUND_MS)).not.toBe('still running');
  });

  it('ends a worker whose job never finishes, and the next worker retries that job', async () => {
    // The receipt transaction hangs at the failpoint: the job stays active for ever.
    const stuck = await worker({ FAILPOINTS: 'receipt.before-commit' });
    const d = await receive(api);
    await stuck.waitFor('FAILPOINT receipt.before-commit');
    redis.down();
    stuck.child.kill('SIGTERM');
    const code = await exitWithin(stuck, BOUND_MS);
    expect(code).not.toBe('still running');
    expect(stuck.log).toMatch(/unfinished job\(s\) left to be retried/);

    // The job is still active in Redis with an expired lock: stall detection hands it on.
    await redis.up();
    await worker();
    await inInbox(api.ds, d.id, 'xu-ly', 30_000);
    const [row] = await api.ds.query(
      `SELECT count(*)::int AS n FROM dossier_events WHERE dossier_id = $1 AND type = 'HandoffReceived'`,
      [d.id],
    );
    expect(row.n).toBe(1);
  });

  it('ends a worker whose job never finishes while Redis is up, after a grace period for the job', async () => {
    const stuck = await worker({ FAILPOINTS: 'receipt.before-commit' });
    await receive(api);
    await stuck.waitFor('FAILPOINT receipt.before-commit');
    stuck.child.kill('SIGTERM');
    expect(await exitWithin(stuck, BOUND_MS)).not.toBe('still running');
    expect(stuck.log).toMatch(/jobs still running after \d+ ms: .*left to be retried/);
  });

  it('ends the API asked to stop after Redis went away', async () => {
    const port = await freePort();
    const p = new AppProcess('api', { ...api.env, REDIS_URL: redis.url, API_PORT: String(port) });
    procs.push(p);
    await p.waitFor('API on http');
    // A request that touches Redis (the rate limit of the public pages) while it is up…
    await fetch(`http://127.0.0.1:${port}/api/health`);
    redis.down();
    // …and one while it is down, so the connections are busy reconnecting when the stop comes.
    await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined);
    p.child.kill('SIGTERM');
    expect(await exitWithin(p, BOUND_MS)).not.toBe('still running');
  });
});
