import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { DEMO_PASSWORD } from '@motcua/catalog';
import { validateEnv } from '@motcua/config';
import { createApi } from '../apps/api/src/bootstrap';
import { FixedClock, type TestApi } from './support/api';
import { eventually } from './support/apps';
import { dropQueuePrefix } from './support/database';
import { REDIS_URL, uniqueName } from './support/env';
import { PrivatePostgres } from './support/private-postgres';
import { runCli } from './support/processes';
import { receive } from './support/workflow';

/**
 * Supervisors' reads on a streaming replica (issue 10, `DATABASE_READ_URL`): a private primary
 * and its replica (`initdb`, `pg_basebackup -R`, free ports). The indicator is served by the
 * replica — it lags while the replica's replay is paused and catches up when it resumes — while
 * commands and a dossier's record read the primary.
 */
describe('reports on a read replica', () => {
  let primary: PrivatePostgres;
  let replica: PrivatePostgres;
  let app: INestApplication;
  let api: TestApi;
  const prefix = uniqueName('rr');
  const sql = async <T>(url: string, text: string): Promise<T[]> => {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(text)).rows as T[];
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    primary = await PrivatePostgres.start();
    const seeded = await runCli({ DATABASE_URL: primary.url('motcua'), LOG_LEVEL: 'warn' }, ['seed', '--demo']);
    expect(seeded.code).toBe(0);
    replica = await primary.replica();
    const env = validateEnv({ DATABASE_URL: primary.url('motcua'), DATABASE_READ_URL: replica.url('motcua'), REDIS_URL, QUEUE_PREFIX: prefix, MIGRATIONS_RUN: 'false', LOG_LEVEL: 'warn' });
    app = await createApi(env, new FixedClock());
    await app.init();
    const tokens = new Map<string, string>();
    const token = async (username: string) => {
      if (!tokens.has(username)) {
        const res = await request(app.getHttpServer()).post('/api/auth/login').send({ username, password: DEMO_PASSWORD }).expect(200);
        tokens.set(username, res.body.accessToken);
      }
      return tokens.get(username)!;
    };
    api = { app, token } as unknown as TestApi;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await replica?.destroy();
    await primary?.destroy();
    await dropQueuePrefix(REDIS_URL, prefix);
  });

  const day = 24 * 3600 * 1000;
  const indicator = async (): Promise<number> => {
    const res = await request(app.getHttpServer())
      .get('/api/indicators/electronic-share')
      .query({ communeCode: '26734', from: new Date(Date.now() - day).toISOString(), to: new Date(Date.now() + day).toISOString() })
      .set('authorization', `Bearer ${await api.token('giamsat.26734')}`)
      .expect(200);
    return res.body.dossiers.total as number;
  };

  it('serves the indicator from the replica, which lags while its replay is paused and catches up after', async () => {
    await receive(api);
    await eventually(async () => ((await indicator()) === 1 ? true : undefined), 10_000, 'the replica has the first dossier');

    await sql(replica.url('motcua'), 'SELECT pg_wal_replay_pause()');
    const second = await receive(api);
    // The primary has it at once: the dossier's record is read there.
    const record = await request(app.getHttpServer()).get(`/api/dossiers/${second.id}`).set('authorization', `Bearer ${await api.token('giamsat.26734')}`);
    expect(record.status).toBe(200);
    const [{ lsn }] = await sql<{ lsn: string }>(primary.url('motcua'), 'SELECT pg_current_wal_lsn()::text AS lsn');
    const [{ lag }] = await sql<{ lag: string }>(replica.url('motcua'), `SELECT pg_wal_lsn_diff('${lsn}', pg_last_wal_replay_lsn())::bigint::text AS lag`);
    console.log(`replica lag while paused: ${lag} bytes of WAL`);
    expect(Number(lag)).toBeGreaterThan(0);
    expect(await indicator()).toBe(1);

    await sql(replica.url('motcua'), 'SELECT pg_wal_replay_resume()');
    await eventually(async () => ((await indicator()) === 2 ? true : undefined), 10_000, 'the replica caught up');
  });
});
