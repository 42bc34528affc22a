import { randomBytes } from 'node:crypto';
import { validateEnv, Env } from '@motcua/config';

/** The server every test talks to; CI and developers both run PostgreSQL and Redis locally. */
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Migrated and seeded once per run by global-setup; each test file copies it. */
export const TEMPLATE_DB = `motcua_tpl_${process.env.MOTCUA_TEST_RUN ?? 'local'}`;

export function databaseUrl(name: string): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A unique name for one test file's database and queue prefix. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export function testEnv(dbName: string, queuePrefix: string, extra: Record<string, string> = {}): Env {
  return validateEnv({ DATABASE_URL: databaseUrl(dbName), REDIS_URL, QUEUE_PREFIX: queuePrefix, MIGRATIONS_RUN: 'false', LOG_LEVEL: 'warn', ...extra });
}
