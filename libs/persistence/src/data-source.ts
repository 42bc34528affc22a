import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { InitialSchema1764400000000 } from './migrations/1764400000000-initial-schema';
import { HandoffResend1764500000000 } from './migrations/1764500000000-handoff-resend';
import { OfficerWorkflow1764600000000 } from './migrations/1764600000000-officer-workflow';
import { AccountsAndVerification1764700000000 } from './migrations/1764700000000-accounts-and-verification';
import { NothingLost1764800000000 } from './migrations/1764800000000-nothing-lost';
import { OneNotifyPerTransaction1764900000000 } from './migrations/1764900000000-one-notify-per-transaction';
import { DeadlineTimers1765000000000 } from './migrations/1765000000000-deadline-timers';
import { PortalSync1765100000000 } from './migrations/1765100000000-portal-sync';
import { Projections1765200000000 } from './migrations/1765200000000-projections';
import { MonitoringIndexes1765260000000 } from './migrations/1765260000000-monitoring-indexes';

/** Every migration, in order. Listed explicitly so a bundled build finds them. */
export const MIGRATIONS = [
  InitialSchema1764400000000,
  HandoffResend1764500000000,
  OfficerWorkflow1764600000000,
  AccountsAndVerification1764700000000,
  NothingLost1764800000000,
  OneNotifyPerTransaction1764900000000,
  DeadlineTimers1765000000000,
  PortalSync1765100000000,
  Projections1765200000000,
  MonitoringIndexes1765260000000,
];

/** The name of the read replica's TypeORM data source (`DATABASE_READ_URL`). */
export const REPLICA_DATA_SOURCE = 'replica';

/** TypeORM options for a PostgreSQL URL. Schema changes go through migrations only. */
export function dataSourceOptions(url: string, overrides: Partial<DataSourceOptions> = {}, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    // A connection that cannot be had within 10 s fails the command (and its job retries)
    // instead of waiting forever.
    extra: { max: poolSize, connectionTimeoutMillis: 10_000 },
    ...overrides,
  } as DataSourceOptions;
}

/** Any fixed number: the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 7_301_981;

/**
 * Applies pending migrations; returns the names applied. Several processes may start at once
 * (api and workers): an advisory lock lets one migrate while the others wait, then find nothing to do.
 */
export async function runMigrations(ds: DataSource): Promise<string[]> {
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
  }
}

/** Opens a short-lived connection, applies pending migrations, closes it. */
export async function migrateDatabase(url: string): Promise<string[]> {
  const ds = await new DataSource(dataSourceOptions(url, { extra: { max: 2 } })).initialize();
  try {
    return await runMigrations(ds);
  } finally {
    await ds.destroy();
  }
}
