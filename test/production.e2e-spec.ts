import { Client } from 'pg';
import { DEMO_PASSWORD, DEMO_USERS } from '@motcua/catalog';
import { eventually } from './support/apps';
import { createTestDatabase, dropQueuePrefix, dropTestDatabase } from './support/database';
import { databaseUrl, PG_ADMIN_URL, REDIS_URL, uniqueName } from './support/env';
import { freePort } from './support/private-redis';
import { AppProcess, runCli } from './support/processes';

/** Secrets long enough and not the defaults, as an operator sets them. */
const SECRETS = {
  JWT_SECRET: 'jwt-secret-of-this-province-0123456789',
  SIGNING_KEY_PASSPHRASE: 'signing-passphrase-of-this-province-0123',
  PORTAL_USERNAME: 'tinh-binh-an',
  PORTAL_PASSWORD: 'portal-password-issued-by-dvcqg-0123456789',
};

async function scalar(dbName: string, sql: string): Promise<number> {
  const c = new Client({ connectionString: databaseUrl(dbName) });
  await c.connect();
  try {
    return Number(Object.values((await c.query(sql)).rows[0])[0]);
  } finally {
    await c.end();
  }
}

/**
 * Safe to deploy (issue 8): under NODE_ENV=production, as the Docker image sets it, no process
 * starts with a development secret, a short one, the stubs or the demo accounts, and the
 * demo accounts exist only when asked for.
 */
describe('NODE_ENV=production', () => {
  let db: string;
  const prefix = uniqueName('prod');
  const base = () => ({ DATABASE_URL: databaseUrl(db), REDIS_URL, QUEUE_PREFIX: prefix, MIGRATIONS_RUN: 'false', NODE_ENV: 'production' });

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await dropTestDatabase(db);
    await dropQueuePrefix(REDIS_URL, prefix);
  });

  /** Starts a process that must refuse to start; its output. */
  async function refused(app: 'api' | 'worker' | 'portal-stub', extra: Record<string, string>): Promise<string> {
    const p = new AppProcess(app, { ...base(), API_PORT: String(await freePort()), PORTAL_STUB_PORT: String(await freePort()) }, extra);
    const code = await p.exited;
    expect(code).toBe(1);
    return p.log;
  }

  it('the API refuses the development defaults of its secrets, naming each', async () => {
    const log = await refused('api', {});
    expect(log).toContain('JWT_SECRET: still the development default');
    expect(log).toContain('SIGNING_KEY_PASSPHRASE: still the development default');
  });

  it('the API refuses a secret shorter than 32 characters, naming it', async () => {
    const log = await refused('api', { ...SECRETS, JWT_SECRET: 'only-twenty-chars-xx' });
    expect(log).toContain('JWT_SECRET: 20 characters; NODE_ENV=production needs 32 or more');
    expect(log).not.toContain('SIGNING_KEY_PASSPHRASE');
  });

  it('a worker refuses the development portal credentials and signing passphrase', async () => {
    const log = await refused('worker', {});
    for (const name of ['SIGNING_KEY_PASSPHRASE', 'PORTAL_USERNAME', 'PORTAL_PASSWORD']) expect(log).toContain(`${name}: still the development default`);
    const short = await refused('worker', { ...SECRETS, PORTAL_PASSWORD: 'motcua-portal' });
    expect(short).toContain('PORTAL_PASSWORD: 13 characters');
  });

  it('the portal stub, whose controls are open to anyone, does not run at all', async () => {
    expect(await refused('portal-stub', SECRETS)).toContain('portal-stub stands in for the outside systems');
  });

  it('the API refuses to run beside demo accounts until they are removed; then it serves, and they cannot sign in', async () => {
    // The cloned database was seeded with --demo, as `npm start` does on a laptop.
    expect(await scalar(db, `SELECT count(*) FROM users WHERE demo AND active`)).toBe(DEMO_USERS.length);
    const log = await refused('api', SECRETS);
    expect(log).toContain(`${DEMO_USERS.length} demo account(s) with the published password`);
    expect(log).toContain('remove-demo-users');

    const removed = await runCli(base(), ['remove-demo-users']);
    expect(removed).toMatchObject({ code: 0 });
    expect(removed.output).toContain(`${DEMO_USERS.length} demo account(s) deactivated`);

    // The first administrator comes from the command line, its password on stdin.
    const created = await runCli(base(), ['create-user', 'Quantri.BinhAn ', '--commune', '26734', '--roles', 'admin', '--name', 'Quản trị Xã Thanh Bình'], 'mat-khau-quan-tri-2026\n');
    expect(created).toMatchObject({ code: 0 });
    expect(created.output).toContain('account quantri.binhan created in commune 26734 (admin)');

    const port = await freePort();
    const api = new AppProcess('api', { ...base(), ...SECRETS, API_PORT: String(port), QUEUE_BOARD_ADMINS: 'quantri.binhan' });
    try {
      await api.waitFor('API on http://');
      const url = `http://127.0.0.1:${port}/api`;
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const login = (username: string, password: string) =>
        fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      expect((await login('quantri.26734', DEMO_PASSWORD)).status).toBe(401);
      const signedIn = await login('quantri.binhan', 'mat-khau-quan-tri-2026');
      expect(signedIn.status).toBe(200);

      // The queue board: closed without a session; the operator's session cookie is Secure here.
      const board = `http://127.0.0.1:${port}/admin/queues/`;
      const closed = await fetch(board);
      expect(closed.status).toBe(401);
      expect(closed.headers.get('content-type')).toMatch(/application\/json/);
      const { accessToken } = (await signedIn.json()) as { accessToken: string };
      const session = await fetch(`${url}/admin/queues/session`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
      expect(session.status).toBe(204);
      const cookie = session.headers.getSetCookie().find((c) => c.startsWith('motcua_queue_board='));
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/; HttpOnly/);
      const opened = await fetch(board, { headers: { cookie: cookie!.split(';')[0] } });
      expect(opened.status).toBe(200);
      expect(await opened.text()).toContain('MotCua — hàng đợi');
      const pause = await fetch(`${board}api/queues/tu-phap/pause`, { method: 'PUT', headers: { cookie: cookie!.split(';')[0] } });
      expect(pause.status).toBe(405);
    } finally {
      await api.stop();
    }
  });

  it('seed --demo is refused in production; seed alone creates no account', async () => {
    const demo = await runCli(base(), ['seed', '--demo']);
    expect(demo.code).toBe(1);
    expect(demo.output).toContain('Refusing --demo with NODE_ENV=production');
    // A fresh database, as the compose file's one-shot seed makes it.
    const fresh = uniqueName(`motcua_t_${process.env.MOTCUA_TEST_RUN ?? 'local'}_seed`);
    const admin = new Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${fresh}"`);
    await admin.end();
    try {
      const seeded = await runCli({ ...base(), DATABASE_URL: databaseUrl(fresh) }, ['seed']);
      expect(seeded).toMatchObject({ code: 0 });
      expect(await scalar(fresh, `SELECT count(*) FROM users`)).toBe(0);
      expect(await scalar(fresh, `SELECT count(*) FROM communes`)).toBeGreaterThan(0);
      // On a laptop (no NODE_ENV), --demo creates the documented accounts.
      const laptop = await runCli({ ...base(), NODE_ENV: '', DATABASE_URL: databaseUrl(fresh) }, ['seed', '--demo']);
      expect(laptop).toMatchObject({ code: 0 });
      await eventually(async () => ((await scalar(fresh, `SELECT count(*) FROM users WHERE demo`)) === DEMO_USERS.length ? true : undefined));
    } finally {
      await dropTestDatabase(fresh);
    }
  });
});
