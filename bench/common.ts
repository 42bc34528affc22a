import { type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { Client } from 'pg';

/*
 * Helpers shared by the benchmark's phases: clock, statistics, databases, Redis prefixes, child
 * processes and the cleanup registry that runs on success, failure, timeout and SIGINT alike.
 */

/** Progress goes to stderr; stdout carries only the final JSON line. */
export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 23)}] ${message}\n`);
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Linear-interpolated percentile (like PostgreSQL's percentile_cont) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * p;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** Rounds for the report: two decimals, NaN (nothing measured) as null. */
export function round2(v: number): number | null {
  return Number.isFinite(v) ? Math.round(v * 100) / 100 : null;
}

export function envInt(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer >= ${min} (got ${JSON.stringify(raw)})`);
  return v;
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns true; fails at `deadline` (epoch ms) naming `what`. */
export async function waitUntil(check: () => Promise<boolean>, deadline: number, what: string, everyMs = 100): Promise<void> {
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ---- cleanup ---------------------------------------------------------------------------------

const openScopes = new Set<Scope>();

/**
 * Undo steps of one phase (processes, databases, Redis keys), run in reverse order, once: by the
 * phase itself when it ends, or by {@link runCleanup} on failure, timeout or Ctrl-C.
 */
export class Scope {
  private readonly steps: { what: string; fn: () => Promise<void> }[] = [];
  private closing?: Promise<void>;

  constructor(readonly name: string) {
    openScopes.add(this);
  }

  defer(what: string, fn: () => Promise<void>): void {
    this.steps.push({ what, fn });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.steps.length > 0) {
        const s = this.steps.pop()!;
        try {
          await Promise.race([s.fn(), sleep(15_000).then(() => Promise.reject(new Error('took over 15 s')))]);
        } catch (e) {
          log(`${this.name}: cleanup of ${s.what} failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      openScopes.delete(this);
    })();
    return this.closing;
  }
}

/** Closes every scope still open, newest first. */
export async function runCleanup(): Promise<void> {
  for (const s of [...openScopes].reverse()) await s.close();
}

// ---- databases and Redis ---------------------------------------------------------------------

/** The URL of database `name` on the server of `adminUrl`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(adminUrl: string, work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** Creates database `name` (fresh) and defers its drop to `scope`. */
export async function createDatabase(scope: Scope, adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  scope.defer(`database ${name}`, () => dropDatabase(adminUrl, name));
  return databaseUrl(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** Deletes every key under `prefix:` (BullMQ queues of one run). */
export async function clearRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  r.on('error', () => undefined);
  let removed = 0;
  try {
    await r.connect();
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) removed += await r.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
  return removed;
}

// ---- child processes -------------------------------------------------------------------------

/** Forwards a child's output to our stderr, each line prefixed with its name. */
export function forwardOutput(child: ChildProcess, name: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') process.stderr.write(`  [${name}] ${line}\n`);
    });
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child is gone. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
