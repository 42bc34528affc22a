import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, get } from 'node:http';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { forwardOutput, log, nowMs, type Scope, sleep, stopChild } from './common';
import type { CpuTrail } from './cpu';

/*
 * The engine's processes and what the bench watches of them: the built apps as child processes
 * (by role, so their CPU can be read), the run's BullMQ queues (consumers, pending jobs, when the
 * last job finished), the portal stub's call counter, and "settled": no work left anywhere.
 */

export type Role = 'workers' | 'api' | 'stub';

/** The built apps as child processes; any exit not asked for fails the run. */
export class Apps {
  private crash?: string;
  private closing = false;
  private readonly stopped = new Set<ChildProcess>();
  private readonly running = new Map<ChildProcess, Role | null>();

  constructor(
    private readonly scope: Scope,
    private readonly appsDir: string,
  ) {}

  /** Starts `node dist/apps/<app>/apps/<app>/src/main.js [...args]`; a one-shot command may exit. */
  start(app: string, name: string, env: NodeJS.ProcessEnv, role: Role | null, args: readonly string[] = [], oneShot = false): ChildProcess {
    const entry = join(this.appsDir, app, 'apps', app, 'src', 'main.js');
    const child = spawn(process.execPath, ['--enable-source-maps', entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    forwardOutput(child, name);
    this.running.set(child, role);
    child.once('exit', (code, signal) => {
      this.running.delete(child);
      if (!this.closing && !oneShot && !this.stopped.has(child)) this.crash ??= `${name} exited (${signal ?? code})`;
    });
    this.scope.defer(name, async () => {
      this.closing = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGCONT'); // in case it was frozen
      await stopChild(child);
    });
    return child;
  }

  /** Stops a long-running app on purpose (SIGTERM: graceful shutdown). */
  async stop(child: ChildProcess): Promise<void> {
    this.stopped.add(child);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGCONT');
    await stopChild(child, 15_000);
  }

  /** Pids of the running processes of each role. */
  pids(): Record<Role, number[]> {
    const out: Record<Role, number[]> = { workers: [], api: [], stub: [] };
    for (const [child, role] of this.running) if (role && child.pid) out[role].push(child.pid);
    return out;
  }

  /** Throws if a long-running app has died. */
  check(): void {
    if (this.crash) throw new Error(this.crash);
  }
}

export function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.ok;
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 2 });

/** GET a small JSON document over a kept-alive socket (cheaper than fetch for frequent polls). */
export function getJson<T>(url: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: keepAlive, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${url}: HTTP ${res.statusCode}`));
        else {
          try {
            resolve(JSON.parse(body) as T);
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timeout`)));
    req.on('error', reject);
  });
}

/** Integration calls the portal stub has answered since it started (GET /stub/stats). */
export async function portalCalls(stubUrl: string): Promise<number> {
  return (await getJson<{ calls: number }>(`${stubUrl}/stub/stats`)).calls;
}

/** A delayed job due later than this is scheduled work (a deadline days away, a repeatable job), not pending. */
const DUE_SOON_MS = 10_000;

/** Read-only view of the run's BullMQ queues. */
export class QueueProbe {
  private readonly connection: Redis;
  private readonly queues: Map<string, Queue>;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    names: readonly string[],
  ) {
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    this.connection.on('error', () => undefined);
    this.queues = new Map(names.map((n) => [n, new Queue(n, { connection: this.connection, prefix })]));
  }

  consumers(names: readonly string[]): Promise<number[]> {
    return Promise.all(names.map((n) => this.queues.get(n)!.getWorkersCount()));
  }

  /**
   * Jobs waiting, active, prioritised, or delayed but due within {@link DUE_SOON_MS} (a retry's
   * backoff), over every queue. BullMQ scores its delayed set by due time × 0x1000 (+ a counter).
   */
  async pending(): Promise<number> {
    const dueBy = (Date.now() + DUE_SOON_MS + 1) * 0x1000 - 1;
    const per = await Promise.all(
      [...this.queues].map(async ([name, q]) => {
        const [c, delayed] = await Promise.all([
          q.getJobCounts('waiting', 'active', 'prioritized'),
          this.connection.zcount(`${this.prefix}:${name}:delayed`, '-inf', dueBy),
        ]);
        return c.waiting + c.active + c.prioritized + delayed;
      }),
    );
    return per.reduce((a, b) => a + b, 0);
  }

  /** When the last job of any queue finished (completed or failed), from the sets' scores (finishedOn, epoch ms). */
  async lastFinished(): Promise<number | null> {
    let last: number | null = null;
    for (const n of this.queues.keys()) {
      for (const set of ['completed', 'failed']) {
        const top = await this.connection.zrevrange(`${this.prefix}:${n}:${set}`, 0, 0, 'WITHSCORES');
        if (top.length === 2 && (last === null || Number(top[1]) > last)) last = Number(top[1]);
      }
    }
    return last;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}

/**
 * Waits until every unit queue has a consumer (`present`) or none has; warns (and goes on) after
 * `ms`. Returns when the successful check began (polls every 50 ms).
 */
export async function waitForConsumers(probe: QueueProbe, units: readonly string[], present: boolean, ms: number, apps: Apps): Promise<number> {
  const until = Date.now() + ms;
  for (;;) {
    apps.check();
    const at = nowMs();
    const counts = await probe.consumers(units);
    const wrong = units.filter((_, i) => (present ? counts[i] === 0 : counts[i] > 0));
    if (wrong.length === 0) return at;
    if (Date.now() > until) {
      log(`warning: ${present ? 'no consumer on' : 'consumers still on'} unit queue(s) ${wrong.join(', ')} after ${ms / 1000} s; going on`);
      return at;
    }
    await sleep(50);
  }
}

/** What {@link settle} saw of the portal stub. */
export interface Settled {
  /** When settling was established (after the quiet period). */
  readonly at: number;
  readonly portalCalls: number;
  /**
   * The poll that first saw the final call count, and the poll before it: the last portal call
   * came between the two. Null if the count never changed while polling (done before).
   */
  readonly portalChangedAt: number | null;
  readonly portalPrevPollAt: number | null;
}

export interface SettleContext {
  readonly pool: Pool;
  readonly probe: QueueProbe;
  readonly apps: Apps;
  readonly stubUrl: string;
  /** One row, `n`: work owed in the database (unsent outbox rows, dossiers due for the portal). */
  readonly owedWorkSql: string;
  readonly trail: CpuTrail;
  readonly quietMs: number;
}

/**
 * Waits until no work is left: nothing owed in the database (unsent outbox rows, dossiers due for
 * the portal), no pending job on any queue, and the portal stub's call count unchanged, all for
 * `quietMs` in a row. Polls every 100 ms (taking a CPU sample each time). Returns null, after a
 * warning, when not settled in `ms`.
 */
export async function settle(ctx: SettleContext, ms: number, label: string): Promise<Settled | null> {
  const t0 = nowMs();
  let lastCalls: number | undefined;
  let changedAt: number | null = null;
  let prevPollAt: number | null = null;
  let lastPollAt = t0;
  let quietSince: number | null = null;
  for (;;) {
    ctx.apps.check();
    const at = nowMs();
    const [owed, pending, calls] = await Promise.all([
      ctx.pool.query<{ n: number }>(ctx.owedWorkSql).then((r) => r.rows[0].n),
      ctx.probe.pending(),
      portalCalls(ctx.stubUrl),
    ]);
    await ctx.trail.take();
    if (lastCalls !== undefined && calls !== lastCalls) {
      changedAt = at;
      prevPollAt = lastPollAt;
      quietSince = null;
    }
    lastCalls = calls;
    lastPollAt = at;
    if (owed === 0 && pending === 0) {
      quietSince ??= at;
      if (at - quietSince >= ctx.quietMs) return { at, portalCalls: calls, portalChangedAt: changedAt, portalPrevPollAt: prevPollAt };
    } else quietSince = null;
    if (at - t0 > ms) {
      log(`warning: ${label}: ${owed} outbox rows or portal syncs owed, ${pending} jobs pending after ${ms / 1000} s; going on`);
      return null;
    }
    await sleep(100);
  }
}

/**
 * The query for work owed in the database: unsent outbox rows (not dead) and, with the portal
 * syncer's cursor, dossiers it must still sync (claimed, or due within 10 s: a long backoff of a
 * failing sync is not waited for). Falls back to simpler forms if the schema differs.
 */
export async function owedWorkSql(pool: Pool, portalCursor: boolean): Promise<string> {
  const outbox = [`SELECT count(*) FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL`, `SELECT count(*) FROM outbox WHERE sent_at IS NULL`];
  const portal = portalCursor
    ? [
        `SELECT count(*) FROM portal_sync WHERE wanted_seq > synced_seq AND (claim IS NOT NULL OR next_attempt_at <= now() + interval '10 seconds')`,
        `SELECT count(*) FROM portal_sync WHERE wanted_seq > synced_seq`,
      ]
    : [];
  const works = (sql: string): Promise<boolean> => pool.query(sql).then(() => true, () => false);
  const parts: string[] = [];
  for (const candidates of [outbox, portal]) {
    for (const sql of candidates) {
      if (await works(sql)) {
        parts.push(`(${sql})`);
        break;
      }
    }
  }
  if (parts.length === 0) throw new Error('engine: neither the outbox nor the portal cursor can be read');
  return `SELECT (${parts.join(' + ')})::int AS n`;
}
