import { Client } from 'pg';
import { startTestApi, type TestApi } from './support/api';
import { eventually } from './support/apps';
import { databaseUrl } from './support/env';
import { receive } from './support/workflow';

/** The hand-off path's own costs (issue 10), asserted as behaviour: what one command asks of PostgreSQL. */
describe('hot path', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('wakes the relay with one NOTIFY per transaction, however many outbox rows it wrote', async () => {
    const listener = new Client({ connectionString: databaseUrl(api.dbName) });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query('LISTEN motcua_outbox');
    try {
      const d = await receive(api);
      const [{ rows }] = await api.ds.query(`SELECT count(*)::int AS rows FROM outbox WHERE payload->>'dossierId' = $1`, [d.id]);
      expect(rows).toBeGreaterThan(1); // the hand-off, its reminders and the portal message
      // A marker sent after the intake's commit: once it is heard, everything before it was.
      await api.ds.query(`SELECT pg_notify('motcua_outbox', 'marker')`);
      await eventually(async () => (heard.includes('marker') ? true : undefined), 5000, 'the marker');
      expect(heard.filter((p) => p !== 'marker')).toHaveLength(1);
    } finally {
      await listener.end();
    }
  });
});
