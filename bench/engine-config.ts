import { join } from 'node:path';
import type { Pool } from 'pg';
import { log } from './common';

/*
 * The engine's own configuration as its built config lib computes it (defaults included), so the
 * bench follows the engine instead of copying its defaults: the baselines run at the engine's
 * WORKER_CONCURRENCY, and the pool budget knows each worker's default pool size. Best effort:
 * null when the built lib is missing or its API changed.
 */

interface BuiltEnv {
  readonly WORKER_CONCURRENCY?: number;
  readonly DATABASE_POOL_SIZE?: number;
}

type ValidateEnv = (raw: Record<string, unknown>) => BuiltEnv;

function validator(appsDir: string): ValidateEnv | null {
  try {
    const lib = require(join(appsDir, 'worker', 'libs', 'config', 'src', 'index.js')) as { validateEnv?: ValidateEnv };
    return typeof lib.validateEnv === 'function' ? lib.validateEnv : null;
  } catch {
    return null;
  }
}

export interface EngineConfig {
  /** Jobs per unit queue a worker runs at once. */
  readonly workerConcurrency: number | null;
  /** A worker's DATABASE_POOL_SIZE with these UNITS (its default: its job slots plus fixed needs). */
  poolSize(units: string): number | null;
}

export function engineConfig(appsDir: string, env: NodeJS.ProcessEnv): EngineConfig {
  const validate = validator(appsDir);
  const read = (units: string): BuiltEnv | null => {
    if (!validate) return null;
    try {
      return validate({ ...env, UNITS: units });
    } catch {
      return null;
    }
  };
  return {
    workerConcurrency: read('all')?.WORKER_CONCURRENCY ?? null,
    poolSize: (units) => read(units)?.DATABASE_POOL_SIZE ?? null,
  };
}

/** DATABASE_POOL_SIZE per worker process: the engine's default (`wanted`) and what it got (`given`). */
export interface PoolPlan {
  readonly wanted: readonly number[];
  readonly given: readonly number[];
}

/**
 * Pools for worker processes with these UNITS: the engine's default each (its job slots plus its
 * fixed needs), unless together they would not fit in the server's max_connections beside what
 * is connected now, room for the API's pool to grow to `apiPool`, and a few for other clients:
 * then each is cut in proportion. Pools open connections as needed, so a cut binds only if the
 * jobs use them all.
 */
export async function planPools(pool: Pool, config: EngineConfig, groups: readonly string[], apiPool: number): Promise<PoolPlan> {
  const wanted = groups.map((u) => config.poolSize(u) ?? Number(process.env.DATABASE_POOL_SIZE ?? 20));
  const { rows } = await pool.query<{ max: number; reserved: number; used: number }>(
    `SELECT current_setting('max_connections')::int AS max, current_setting('superuser_reserved_connections')::int AS reserved,
            (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS used`,
  );
  const { max, reserved, used } = rows[0];
  const free = max - reserved - used - apiPool - 4 - groups.length; // each relay's LISTEN is outside its pool
  const sum = wanted.reduce((a, b) => a + b, 0);
  const given = sum <= free ? wanted : wanted.map((w) => Math.max(2, Math.floor((w * free) / sum)));
  if (given.some((g, i) => g < wanted[i])) {
    log(`engine: ${groups.length} worker pools of ${wanted.join('+')} connections exceed the ${free} free on the server (max_connections ${max}); cut to ${given.join('+')}`);
  }
  return { wanted, given };
}
