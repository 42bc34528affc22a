import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { CATALOG_VERSION, DEMO_COMMUNES, DEMO_PASSWORD, DEMO_USERS, PROCEDURE_CATALOG, validateCatalog } from '@motcua/catalog';
import { EnvValidationError, loadEnv } from '@motcua/config';
import { DEFAULT_CALENDAR_OVERRIDES } from '@motcua/domain';
import { dataSourceOptions, IntegrityRepository, runMigrations, seed } from '@motcua/persistence';
import { ensureDatabase } from './database';

const USAGE = `usage: motcua <command>
  migrate   create the database if missing and apply pending migrations
  seed      migrate, then load the procedure catalog, demo communes and the official calendar
  start     migrate, seed, then run api + worker (all units) + portal-stub until stopped
  verify-chain      check the hash chain of every dossier's event log; names the first broken
                    link of each broken chain (exit 1 if any)
  check-invariants  list dossiers in progress with no step in an inbox and no hand-off on its
                    way, i.e. lost (exit 1 if any)`;

async function withDataSource<T>(url: string, work: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = await new DataSource(dataSourceOptions(url, { extra: { max: 2 } })).initialize();
  try {
    return await work(ds);
  } finally {
    await ds.destroy();
  }
}

async function migrate(url: string): Promise<void> {
  if (await ensureDatabase(url)) console.log('database created');
  await withDataSource(url, async (ds) => {
    const applied = await runMigrations(ds);
    console.log(applied.length > 0 ? `migrations applied: ${applied.join(', ')}` : 'schema up to date');
  });
}

async function seedAll(url: string): Promise<void> {
  validateCatalog(PROCEDURE_CATALOG);
  await withDataSource(url, async (ds) => {
    const report = await seed(ds, {
      catalogVersion: CATALOG_VERSION,
      communes: DEMO_COMMUNES,
      procedures: PROCEDURE_CATALOG,
      calendarOverrides: DEFAULT_CALENDAR_OVERRIDES,
      users: DEMO_USERS,
      usersPassword: DEMO_PASSWORD,
    });
    console.log(
      `seed: ${report.communes} communes, ${report.proceduresAdded} procedure versions added, ${report.proceduresKept} kept (catalog ${CATALOG_VERSION})`,
    );
  });
}

/** Prints every broken chain; resolves to the process exit code. */
async function verifyChains(url: string): Promise<number> {
  return withDataSource(url, async (ds) => {
    let broken = 0;
    const checked = await new IntegrityRepository(ds.manager).verifyChains((b) => {
      broken += 1;
      console.log(`BROKEN ${b.dossierCode} (dossier ${b.dossierId}): first bad event seq ${b.seq}, ${b.reason}`);
    });
    console.log(`${checked} dossier chains checked, ${broken} broken`);
    return broken > 0 ? 1 : 0;
  });
}

async function checkInvariants(url: string): Promise<number> {
  return withDataSource(url, async (ds) => {
    const violations = await new IntegrityRepository(ds.manager).strandedDossiers();
    for (const v of violations) console.log(`LOST ${v.dossierCode}: ${v.rule}`);
    console.log(`${violations.length} dossier(s) break the invariants`);
    return violations.length > 0 ? 1 : 0;
  });
}

/** Runs the three processes; when one stops, stops the others and exits with its code. */
function startAll(): void {
  const dist = join(__dirname, '..', '..', '..', '..');
  const apps = ['api', 'worker', 'portal-stub'];
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    setTimeout(() => process.exit(code), 5000).unref();
    Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r))))).then(() => process.exit(code));
  };
  for (const app of apps) {
    const entry = join(dist, app, 'apps', app, 'src', 'main.js');
    // Migrations already ran here; the children need not race each other for the lock.
    const child = spawn(process.execPath, [entry], { stdio: 'inherit', env: { ...process.env, MIGRATIONS_RUN: 'false' } });
    child.on('exit', (code, signal) => {
      if (!stopping) console.error(`${app} exited (${signal ?? code}); stopping the others`);
      stop(code ?? 1);
    });
    children.push(child);
  }
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
}

async function main(): Promise<void> {
  const command = process.argv[2];
  const env = loadEnv();
  switch (command) {
    case 'migrate':
      await migrate(env.DATABASE_URL);
      break;
    case 'seed':
      await migrate(env.DATABASE_URL);
      await seedAll(env.DATABASE_URL);
      break;
    case 'start':
      await migrate(env.DATABASE_URL);
      await seedAll(env.DATABASE_URL);
      startAll();
      break;
    case 'verify-chain':
      process.exitCode = await verifyChains(env.DATABASE_URL);
      break;
    case 'check-invariants':
      process.exitCode = await checkInvariants(env.DATABASE_URL);
      break;
    default:
      console.error(USAGE);
      process.exit(command ? 2 : 0);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof EnvValidationError ? e.message : e);
  process.exit(1);
});
