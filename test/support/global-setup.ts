import 'reflect-metadata';
// Jest's globalSetup runs outside its module mapper: resolve the @motcua/* aliases here.
import 'tsconfig-paths/register';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { CATALOG_VERSION, DEMO_COMMUNES, DEMO_PASSWORD, DEMO_USERS, PROCEDURE_CATALOG } from '@motcua/catalog';
import { DEFAULT_CALENDAR_OVERRIDES } from '@motcua/domain';
import { dataSourceOptions, runMigrations, seed } from '@motcua/persistence';
import { databaseUrl, PG_ADMIN_URL } from './env';

/**
 * Builds the template database once per run: real migrations, then the real seed. Each test
 * file clones it (CREATE DATABASE … TEMPLATE), which takes milliseconds.
 */
export default async function globalSetup(): Promise<void> {
  const run = `${Date.now().toString(36)}x${process.pid}`;
  process.env.MOTCUA_TEST_RUN = run;
  const name = `motcua_tpl_${run}`;
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await dropStale(admin);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const ds = await new DataSource(dataSourceOptions(databaseUrl(name), { extra: { max: 2 } })).initialize();
  try {
    await runMigrations(ds);
    await seed(ds, {
      catalogVersion: CATALOG_VERSION,
      communes: DEMO_COMMUNES,
      procedures: PROCEDURE_CATALOG,
      calendarOverrides: DEFAULT_CALENDAR_OVERRIDES,
      users: DEMO_USERS,
      usersPassword: DEMO_PASSWORD,
    });
  } finally {
    await ds.destroy();
  }
}

/** Removes databases left by runs that started more than an hour ago (killed runs leave them). */
async function dropStale(admin: Client): Promise<void> {
  const rows = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'motcua\\_t%'`);
  for (const { datname } of rows.rows) {
    const m = /^motcua_t(?:pl)?_([0-9a-z]+)x/.exec(datname);
    if (!m || Date.now() - parseInt(m[1], 36) < 3_600_000) continue;
    await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
  }
}
