import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import { log, nowMs, percentile, round2 } from './common';

/*
 * A fixed workload timed before and after the measurements, so that a reader sees whether the
 * machine itself got faster or slower during the run (another tenant, CPU frequency, a noisy
 * neighbour on the host): the same work must take the same time. Each figure is the median of
 * five repetitions after one discarded (JIT, caches); the whole takes about 4 s.
 *
 * - `jsMs`: a pure-JS loop on one core (object building, JSON round trip, an FNV-1a hash of the
 *   string), like the work of the engine's Node processes;
 * - `jsParallelMs`: the same loop on every CPU at once (one worker thread each), until the last
 *   one is done: about `jsMs` on an idle machine, more when something else holds a core;
 * - `sha256Ms`: 40,000 SHA-256 digests of 1 KiB (native code);
 * - `sqlRoundTripsMs`: 1,000 sequential round trips of a prepared `SELECT $1 + 1` (client, socket,
 *   scheduler and the backend's executor, like the engine's many small statements);
 * - `sqlCpuMs`: one backend summing 2 million rows of generate_series (PostgreSQL's own CPU).
 */

export interface Calibration {
  readonly jsMs: number | null;
  readonly jsParallelMs: number | null;
  readonly sha256Ms: number | null;
  readonly sqlRoundTripsMs: number | null;
  readonly sqlCpuMs: number | null;
}

const REPS = 5;

function jsWork(): number {
  let h = 2166136261;
  for (let i = 0; i < 80_000; i++) {
    const o = { id: i, code: `H26.01.01-${i}`, steps: [i, i + 1, i + 2], meta: { unit: 'tu-phap', pad: 'x'.repeat(i % 32), w: i * 1.5 } };
    const s = JSON.stringify(o);
    const back = JSON.parse(s) as { steps: number[] };
    for (let k = 0; k < s.length; k++) {
      h ^= s.charCodeAt(k);
      h = Math.imul(h, 16777619);
    }
    h ^= back.steps.length;
  }
  return h >>> 0;
}

function shaWork(): number {
  const block = Buffer.alloc(1024, 7);
  let last = 0;
  for (let i = 0; i < 40_000; i++) {
    block.writeUInt32LE(i, 0);
    last ^= createHash('sha256').update(block).digest()[0];
  }
  return last;
}

/** `jsWork` on one worker thread per CPU; resolves each round when all are done. */
async function jsParallel(): Promise<number> {
  const source = `const { parentPort } = require('node:worker_threads');
    const jsWork = ${jsWork.toString()};
    parentPort.on('message', () => parentPort.postMessage(jsWork()));`;
  const workers = cpus().map(() => new Worker(source, { eval: true }));
  const round = (): Promise<unknown> => Promise.all(workers.map((w) => new Promise((resolve) => (w.once('message', resolve), w.postMessage(0)))));
  try {
    return await timed(round);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function timed(work: () => unknown | Promise<unknown>): Promise<number> {
  await work(); // discarded: JIT, caches, connection warm-up
  const times: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = nowMs();
    await work();
    times.push(nowMs() - t0);
  }
  return percentile(times, 0.5);
}

/** Runs the calibration workload; a failing part (e.g. PostgreSQL down) is null, not an error. */
export async function calibrate(adminUrl: string, label: string): Promise<Calibration> {
  const jsMs = await timed(jsWork);
  const jsParallelMs = await jsParallel().catch(() => Number.NaN);
  const sha256Ms = await timed(shaWork);
  let sqlRoundTripsMs = Number.NaN;
  let sqlCpuMs = Number.NaN;
  const c = new Client({ connectionString: adminUrl });
  try {
    await c.connect();
    await c.query('SET max_parallel_workers_per_gather = 0'); // one backend, one core
    sqlRoundTripsMs = await timed(async () => {
      for (let i = 0; i < 1000; i++) await c.query({ name: 'bench_calibration', text: 'SELECT $1::int + 1 AS v', values: [i] });
    });
    sqlCpuMs = await timed(() => c.query('SELECT sum(i) FROM generate_series(1, 2000000) i'));
  } catch (e) {
    log(`calibration ${label}: SQL part failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await c.end().catch(() => undefined);
  }
  const out = { jsMs: round2(jsMs), jsParallelMs: round2(jsParallelMs), sha256Ms: round2(sha256Ms), sqlRoundTripsMs: round2(sqlRoundTripsMs), sqlCpuMs: round2(sqlCpuMs) };
  log(`calibration ${label}: js ${out.jsMs} ms (all CPUs at once ${out.jsParallelMs} ms), sha256 ${out.sha256Ms} ms, SQL round trips ${out.sqlRoundTripsMs} ms, SQL CPU ${out.sqlCpuMs} ms`);
  return out;
}

/** after ÷ before per figure: 1 = same speed, 1.2 = the machine was 20 % slower at the end. */
export function calibrationRatio(before: Calibration | null, after: Calibration | null): Record<keyof Calibration, number | null> | null {
  if (!before || !after) return null;
  const r = (a: number | null, b: number | null): number | null => (a && b ? Math.round((b / a) * 1000) / 1000 : null);
  return {
    jsMs: r(before.jsMs, after.jsMs),
    jsParallelMs: r(before.jsParallelMs, after.jsParallelMs),
    sha256Ms: r(before.sha256Ms, after.sha256Ms),
    sqlRoundTripsMs: r(before.sqlRoundTripsMs, after.sqlRoundTripsMs),
    sqlCpuMs: r(before.sqlCpuMs, after.sqlCpuMs),
  };
}
