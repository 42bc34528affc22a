import { Client } from 'pg';
import { ProjectorRepository } from '@motcua/persistence';
import { startTestApi, type TestApi } from './support/api';
import { receive } from './support/workflow';

/**
 * The projector's cursor and the sequence gap: an event that commits after a later-numbered one
 * is still applied, once, and the cursor never passes an id whose transaction is open.
 */
describe('projections: the cursor never skips an event that commits late', () => {
  let api: TestApi;
  let projector: ProjectorRepository;
  const clients: Client[] = [];

  beforeAll(async () => {
    api = await startTestApi();
    projector = new ProjectorRepository(api.ds);
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await api.close();
  });

  async function session(): Promise<Client> {
    const c = new Client({ connectionString: api.env.DATABASE_URL });
    await c.connect();
    clients.push(c);
    return c;
  }

  /** A paper hand-off event of `dossierId` from the desk (a row the rollups count), with its own seq. */
  function insertHandoff(c: Client, dossierId: string, seq: number): Promise<{ rows: { id: string }[] }> {
    return c.query(
      `INSERT INTO dossier_events (commune_code, dossier_id, seq, type, payload, actor, occurred_at, prev_hash, hash)
       VALUES ('26734', $1, $2, 'HandoffSent', $3, 'test', '2026-03-02T03:00:00Z', repeat('0', 64), repeat('0', 64)) RETURNING id::text`,
      [dossierId, seq, { handoffId: `h${seq}`, stepKey: `s${seq}`, fromUnit: 'test-unit', toUnit: 'tu-phap', channel: 'paper', stepDueAt: null }],
    );
  }

  async function drain(): Promise<void> {
    for (let i = 0; i < 5; i++) await projector.round('daily-rollups', 1000);
  }
  async function paperSent(): Promise<number> {
    const [row] = await api.ds.query(`SELECT coalesce(sum(handoffs_sent_paper), 0)::int AS n FROM daily_rollups WHERE unit = 'test-unit'`);
    return row.n;
  }
  async function position(): Promise<bigint> {
    const [row] = await api.ds.query(`SELECT position::text FROM projection_cursors WHERE name = 'daily-rollups'`);
    return BigInt(row.position);
  }

  it('holds the cursor below an open transaction, then applies its event when it commits', async () => {
    const dossier = await receive(api);
    await drain();
    expect(await paperSent()).toBe(0);

    const a = await session();
    const b = await session();
    await a.query('BEGIN');
    const n = BigInt((await insertHandoff(a, dossier.id, 100)).rows[0].id);
    await b.query('BEGIN');
    const n1 = BigInt((await insertHandoff(b, dossier.id, 101)).rows[0].id);
    await b.query('COMMIT');
    expect(n1).toBe(n + 1n);

    await drain();
    expect(await position()).toBeLessThan(n);
    expect(await paperSent()).toBe(0);

    await a.query('COMMIT');
    await drain();
    expect(await position()).toBeGreaterThanOrEqual(n1);
    expect(await paperSent()).toBe(2);

    // Another round, and another projector alongside: nothing counted twice.
    await Promise.all([drain(), new ProjectorRepository(api.ds).round('daily-rollups', 1000)]);
    expect(await paperSent()).toBe(2);
  });

  it('skips an id whose transaction rolled back', async () => {
    const dossier = await receive(api);
    const a = await session();
    await a.query('BEGIN');
    await insertHandoff(a, dossier.id, 200);
    await insertHandoff(await session(), dossier.id, 201);
    await a.query('ROLLBACK');
    await drain();
    expect(await paperSent()).toBe(3);
  });

  it('rebuilds tables equal to the live ones, row for row', async () => {
    for (let i = 0; i < 3; i++) await receive(api, { channel: i === 0 ? 'post' : 'desk' });
    for (let i = 0; i < 40; i++) await Promise.all([projector.round('daily-rollups', 2), projector.round('dossier-list', 3)]);
    const tables = {
      daily_rollups: `SELECT * FROM daily_rollups ORDER BY commune_code, day, unit, procedure_code, field_code, state_secret`,
      dossier_list: `SELECT * FROM dossier_list ORDER BY dossier_id`,
      commune_counters: `SELECT commune_code, in_process, overdue, waiting_supplement FROM commune_counters ORDER BY commune_code`,
    };
    const read = async () => Object.fromEntries(await Promise.all(Object.entries(tables).map(async ([t, q]) => [t, await api.ds.query(q)])));
    const live = await read();
    const [{ n }] = await api.ds.query(`SELECT count(*)::int AS n FROM dossiers`);
    expect(live.dossier_list.length).toBe(n);
    for (const name of ['daily-rollups', 'dossier-list'] as const) await projector.rebuild(name);
    expect(await read()).toEqual(live);
  });
});
