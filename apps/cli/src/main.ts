import 'reflect-metadata';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { CATALOG_VERSION, DEMO_COMMUNES, DEMO_PASSWORD, DEMO_USERS, PROCEDURE_CATALOG, validateCatalog } from '@motcua/catalog';
import { type Env, EnvValidationError, loadEnv, scrubPersonalData } from '@motcua/config';
import { DEFAULT_CALENDAR_OVERRIDES } from '@motcua/domain';
import { dataSourceOptions, PROJECTION_NAMES, ProjectorRepository, runMigrations, seed, UnitOfWork } from '@motcua/persistence';
import { AccountError, createUser, readPassword } from './accounts';
import { ensureDatabase } from './database';
import { Supervisor } from './supervisor';

const USAGE = `usage: motcua <command> [options]
  migrate            create the database if missing and apply pending migrations
  seed [--demo]      migrate, then load the procedure catalog, the communes and the official
                     calendar; --demo also creates the demo accounts (published password; refused
                     under NODE_ENV=production)
  start [--demo]     migrate, seed, then run api + worker (all units) + portal-stub until stopped,
                     restarting any that crashes (npm start passes --demo)
  create-user <username> --commune <code> --roles <role,...> [--units <unit,...>] [--name <full name>]
                     create an account; its password is read from the first line of stdin
  remove-demo-users  deactivate every demo account (a production API refuses to start beside them)
  verify-chain       check the hash chain of every dossier's event log; names the first broken
                     link of each broken chain (exit 1 if any)
  check-invariants   list lost and stuck work (dossiers in progress that nothing will move on,
                     hand-offs given up, automatic steps not completed, dead outbox rows, states
                     that disagree with the event log) and check the conservation identity
                     (exit 1 if anything is wrong)
  rebuild-projections
                     replay the whole event log into the read models (daily rollups, dossier
                     list, live counters), each in one transaction under its projector's lock`;

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

async function seedAll(env: Env, demo: boolean): Promise<void> {
  if (demo && env.NODE_ENV === 'production') {
    throw new EnvValidationError('Refusing --demo with NODE_ENV=production: the demo accounts share a published password. Create real accounts with create-user.');
  }
  validateCatalog(PROCEDURE_CATALOG);
  await withDataSource(env.DATABASE_URL, async (ds) => {
    const report = await seed(ds, {
      catalogVersion: CATALOG_VERSION,
      communes: DEMO_COMMUNES,
      procedures: PROCEDURE_CATALOG,
      calendarOverrides: DEFAULT_CALENDAR_OVERRIDES,
      ...(demo ? { users: DEMO_USERS, usersPassword: DEMO_PASSWORD } : {}),
    });
    console.log(
      `seed: ${report.communes} communes, ${report.proceduresAdded} procedure versions added, ${report.proceduresKept} kept (catalog ${CATALOG_VERSION})` +
        (demo ? `, ${DEMO_USERS.length} demo accounts (password in the README)` : ''),
    );
  });
}

/** Prints every broken chain; resolves to the process exit code. */
async function verifyChains(url: string): Promise<number> {
  return withDataSource(url, async (ds) => {
    let broken = 0;
    const checked = await new UnitOfWork(ds).acrossCommunes.integrity.verifyChains((b) => {
      broken += 1;
      console.log(`BROKEN ${b.dossierCode} (dossier ${b.dossierId}): first bad event seq ${b.seq}, ${b.reason}`);
    });
    console.log(`${checked} dossier chains checked, ${broken} broken`);
    return broken > 0 ? 1 : 0;
  });
}

/**
 * Prints every invariant violation and the conservation identity; resolves to the exit code.
 * An automatic step counts as stalled once it waited `HANDOFF_RESEND_AFTER_MS` since its last drive.
 */
async function checkInvariants(env: Env): Promise<number> {
  return withDataSource(env.DATABASE_URL, async (ds) => {
    const integrity = new UnitOfWork(ds).acrossCommunes.integrity;
    const violations = await integrity.violations(env.HANDOFF_RESEND_AFTER_MS);
    for (const v of violations) console.log(`${v.rule === 'in_progress_without_pending_work' ? 'LOST' : 'STUCK'} ${v.dossierCode} ${v.rule}: ${v.detail}`);
    const c = await integrity.conservation();
    const s = c.byState;
    console.log(
      `conservation: received ${c.received} = not yet handed on ${s.received} + in progress ${s.in_progress} + waiting for supplement ${s.waiting_supplement}` +
        ` + resolved ${s.result_ready + s.returned} (returned ${s.returned}) + rejected ${s.rejected_after_appraisal} + withdrawn ${s.withdrawn}` +
        (c.unaccounted !== 0 ? `; UNACCOUNTED ${c.unaccounted}` : ''),
    );
    console.log(`${violations.length} violation(s) of the invariants`);
    return violations.length > 0 || c.unaccounted !== 0 ? 1 : 0;
  });
}

/**
 * Runs the three processes under a {@link Supervisor} (a crashed one is restarted with backoff)
 * until SIGINT or SIGTERM, which stops them all.
 */
function startAll(): void {
  const dist = join(__dirname, '..', '..', '..', '..');
  // Migrations already ran here; the children need not race each other for the lock.
  const env = { ...process.env, MIGRATIONS_RUN: 'false' };
  const supervisor = new Supervisor(
    ['api', 'worker', 'portal-stub'].map((app) => ({ name: app, args: [join(dist, app, 'apps', app, 'src', 'main.js')], env })),
  );
  supervisor.start();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void supervisor.stop(0));
  void supervisor.done.then((code) => process.exit(code));
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { demo: { type: 'boolean', default: false }, commune: { type: 'string' }, roles: { type: 'string' }, units: { type: 'string' }, name: { type: 'string' } },
  });
  const [command, ...rest] = positionals;
  const env = loadEnv();
  switch (command) {
    case 'migrate':
      await migrate(env.DATABASE_URL);
      break;
    case 'seed':
      await migrate(env.DATABASE_URL);
      await seedAll(env, values.demo);
      break;
    case 'start':
      await migrate(env.DATABASE_URL);
      await seedAll(env, values.demo);
      startAll();
      break;
    case 'create-user': {
      const password = await readPassword(process.stdin);
      await withDataSource(env.DATABASE_URL, async (ds) => {
        const user = await createUser(new UnitOfWork(ds), { username: rest[0], commune: values.commune, roles: values.roles, units: values.units, name: values.name, password });
        console.log(`account ${user.username} created in commune ${user.communeCode} (${user.roles.join(', ')})`);
      });
      break;
    }
    case 'remove-demo-users':
      await withDataSource(env.DATABASE_URL, async (ds) => {
        console.log(`${await new UnitOfWork(ds).acrossCommunes.deactivateDemoUsers()} demo account(s) deactivated`);
      });
      break;
    case 'verify-chain':
      process.exitCode = await verifyChains(env.DATABASE_URL);
      break;
    case 'check-invariants':
      process.exitCode = await checkInvariants(env);
      break;
    case 'rebuild-projections':
      await withDataSource(env.DATABASE_URL, async (ds) => {
        for (const name of PROJECTION_NAMES) {
          const r = await new ProjectorRepository(ds).rebuild(name);
          console.log(`${name}: ${r.events} events replayed, cursor at ${r.position}`);
        }
      });
      break;
    default:
      console.error(USAGE);
      process.exit(command ? 2 : 0);
  }
}

main().catch((e: unknown) => {
  const known = e instanceof EnvValidationError || e instanceof AccountError;
  console.error(scrubPersonalData(known ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)));
  process.exit(e instanceof AccountError ? 2 : 1);
});
