import { Supervisor } from '../apps/cli/src/supervisor';
import { eventually } from './support/apps';
import { createTestDatabase, dropQueuePrefix, dropTestDatabase } from './support/database';
import { databaseUrl, REDIS_URL, uniqueName } from './support/env';
import { freePort } from './support/private-redis';
import { AppProcess } from './support/processes';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** `node -e <script>`, as a supervised child. */
const script = (name: string, code: string) => ({ name, args: ['-e', code] });

/**
 * `npm start` keeps its processes running: the real `start` command, its children SIGKILLed one
 * at a time, and the supervisor's rules (backoff, giving up on a child that cannot start, no
 * restart while stopping) over real child processes.
 */
describe('npm start supervises its processes', () => {
  it('restarts a SIGKILLed worker and API, and stops them all on SIGTERM', async () => {
    const dbName = await createTestDatabase();
    const prefix = uniqueName('t');
    const [apiPort, stubPort] = [await freePort(), await freePort()];
    const start = new AppProcess('cli', {
      DATABASE_URL: databaseUrl(dbName),
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      API_PORT: String(apiPort),
      PORTAL_STUB_PORT: String(stubPort),
      PORTAL_URL: `http://127.0.0.1:${stubPort}/dvcqg`,
      STUBS_URL: `http://127.0.0.1:${stubPort}`,
    }, {}, ['start']);
    const pidOf = (name: string, nth = 1): number | undefined => {
      const all = [...start.log.matchAll(new RegExp(`${name} started \\(pid (\\d+)\\)`, 'g'))];
      return all.length >= nth ? Number(all[nth - 1][1]) : undefined;
    };
    const health = async () => ((await fetch(`http://127.0.0.1:${apiPort}/api/health`)).status === 200 ? true : undefined);
    try {
      await start.waitFor('outbox relay running', 60_000);
      await eventually(health, 30_000, 'the API to answer');

      const worker = pidOf('worker')!;
      process.kill(worker, 'SIGKILL');
      const again = await eventually(async () => pidOf('worker', 2), 30_000, 'the worker to be started again');
      expect(again).not.toBe(worker);
      expect(start.log).toMatch(/worker exited \(signal SIGKILL\) after \d+ ms; restart 1 in 1000 ms/);
      await eventually(async () => (start.log.split('outbox relay running').length > 2 ? true : undefined), 30_000, 'the new worker to run');

      process.kill(pidOf('api')!, 'SIGKILL');
      await eventually(async () => pidOf('api', 2), 30_000, 'the API to be started again');
      await eventually(health, 30_000, 'the restarted API to answer');
      expect(start.log).toMatch(/api exited \(signal SIGKILL\) after \d+ ms; restart 1 in 1000 ms/);

      start.child.kill('SIGTERM');
      expect(await Promise.race([start.exited, new Promise((r) => setTimeout(() => r('still running'), 30_000).unref())])).toBe(0);
      for (const name of ['api', 'worker', 'portal-stub']) expect(alive(pidOf(name, name === 'portal-stub' ? 1 : 2)!)).toBe(false);
      // Stopping is not crashing: nothing was restarted by the stop.
      expect(start.log).not.toMatch(/restart 2/);
    } finally {
      await start.kill('SIGKILL');
      await dropTestDatabase(dbName);
      await dropQueuePrefix(REDIS_URL, prefix);
    }
  }, 180_000);

  it('backs off at each crash in a row and gives up on a child that keeps failing at its start', async () => {
    const lines: string[] = [];
    const s = new Supervisor([script('broken', 'process.exit(78)')], {
      initialDelayMs: 10,
      maxDelayMs: 30,
      maxStartupFailures: 4,
      log: (l) => lines.push(l),
    });
    s.start();
    expect(await s.done).toBe(1);
    const restarts = lines.filter((l) => l.includes('restart'));
    expect(restarts.map((l) => /in (\d+) ms/.exec(l)?.[1])).toEqual(['10', '20', '30']);
    expect(restarts[0]).toMatch(/^broken exited \(code 78\)/);
    expect(lines.at(-1)).toMatch(/^broken exited \(code 78\) 4 times in a row .* giving up and stopping everything/);
    expect(lines.filter((l) => l.includes('started'))).toHaveLength(4);
  });

  it('stops the other children when it gives up', async () => {
    const lines: string[] = [];
    const s = new Supervisor([script('broken', 'process.exit(1)'), script('steady', 'setInterval(() => undefined, 1000)')], {
      initialDelayMs: 10,
      maxStartupFailures: 2,
      log: (l) => lines.push(l),
    });
    s.start();
    const steady = s.pids().steady!;
    expect(await s.done).toBe(1);
    expect(alive(steady)).toBe(false);
  });

  it('starts the delay over once a child stayed up long enough', async () => {
    const lines: string[] = [];
    // Up 300 ms each time, longer than "stable" here: every crash is a first crash.
    const s = new Supervisor([script('flaky', 'setTimeout(() => process.exit(3), 300)')], {
      initialDelayMs: 10,
      stableAfterMs: 100,
      startupMs: 50,
      log: (l) => lines.push(l),
    });
    s.start();
    await eventually(async () => (lines.filter((l) => l.includes('restart')).length >= 3 ? true : undefined), 10_000, 'three restarts');
    expect(await s.stop()).toBe(0);
    expect(lines.filter((l) => l.includes('restart')).slice(0, 3).map((l) => /in (\d+) ms/.exec(l)?.[1])).toEqual(['10', '10', '10']);
  });

  it('restarts nothing once stopping, even a child whose restart was due', async () => {
    const lines: string[] = [];
    const s = new Supervisor([script('quick', 'process.exit(2)'), script('steady', 'setInterval(() => undefined, 1000)')], {
      initialDelayMs: 60_000,
      log: (l) => lines.push(l),
    });
    s.start();
    await eventually(async () => (lines.some((l) => l.startsWith('quick exited')) ? true : undefined), 10_000, 'the first exit');
    const steady = s.pids().steady!;
    expect(await s.stop()).toBe(0);
    expect(alive(steady)).toBe(false);
    expect(lines.filter((l) => l.startsWith('quick started'))).toHaveLength(1);
    expect(s.pids()).toEqual({ quick: undefined, steady: undefined });
  });
});
