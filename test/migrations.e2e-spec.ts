import { Client } from 'pg';
import { migrateDatabase, MIGRATIONS } from '@motcua/persistence';
import { dropTestDatabase } from './support/database';
import { databaseUrl, PG_ADMIN_URL, uniqueName } from './support/env';

/** api and every worker may start together: migrations must be applied once, without errors. */
describe('migrations', () => {
  const name = uniqueName(`motcua_t_${process.env.MOTCUA_TEST_RUN ?? 'local'}_mig`);

  beforeAll(async () => {
    const admin = new Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
  });
  afterAll(() => dropTestDatabase(name));

  it('are applied once when several processes start at the same time', async () => {
    const results = await Promise.all([1, 2, 3].map(() => migrateDatabase(databaseUrl(name))));
    const names = MIGRATIONS.map((M) => new M().name);
    expect(names[0]).toBe('InitialSchema1764400000000');
    expect(results.flat()).toEqual(names);
    const client = new Client({ connectionString: databaseUrl(name) });
    await client.connect();
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM migrations`);
    await client.end();
    expect(rows[0].n).toBe(names.length);
  });
});
