import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DEFAULT_RELAY_OPTIONS, OutboxRelay, type QueueRegistry } from '@motcua/messaging';
import { AcrossCommunes, dataSourceOptions, type UnitOfWork } from '@motcua/persistence';
import { RecoverySweeper } from '../apps/worker/src/recovery-sweeper';
import { eventually } from './support/apps';
import { createTestDatabase, dropTestDatabase } from './support/database';
import { databaseUrl } from './support/env';

/**
 * The outbox on an old database (issue 10). This server runs with autovacuum off, so nothing
 * cleans up behind the relay: every row it claims and marks sent leaves dead versions in the heap
 * and an entry in the partial index of unsent rows that points at a dead version. The relay's
 * claim must not pay for that history, and the sweeper's purge must remove the sent rows.
 *
 * The history is made by the real relay (only Redis is stood in for, by queues that take every
 * job) and the real recovery sweeper, on this file's own database. The claim explained is the
 * relay's own statement, recorded on its way to PostgreSQL, with the relay's parameters.
 * Asserted: the plan's shape and the buffers it touches, never the wall time.
 */
const SENT_ROWS = 200_000;
/** Of those, sent within the retention (the last week's): the purge keeps them, with their dead versions. */
const RECENT_SENT_ROWS = 50_000;
const RETENTION_MS = 7 * 24 * 3600 * 1000;
/** Rows claimable when the claim is explained: fewer than a batch, as at steady state. */
const FRESH_ROWS = 50;
/** Rows leased by another relay (its claim not run out yet): in the index, never taken. */
const LEASED_ROWS = 20;
/**
 * What one claim of {@link FRESH_ROWS} rows may touch, in shared buffers (hits + reads, planning
 * excluded): per row its heap page, a primary-key descent and the new version. Measured here:
 * about 600 on a vacuumed table; 8,100 on this history as the claim stands (see below).
 */
const CLAIM_BUFFER_BUDGET = 1_000;
/** What the scan of the unsent-rows index may touch: a few pages. Measured: 6 vacuumed, 1,150 on this history. */
const UNSENT_INDEX_BUFFER_BUDGET = 50;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  'Actual Rows': number;
  Plans?: PlanNode[];
}

interface ClaimExplain {
  /** Rows the claim returned. */
  rows: number;
  /** Shared buffers the execution touched (hits + reads). */
  buffers: number;
  /** Every scan of the outbox or one of its indexes, as "Node Type on index (buffers)", outermost first. */
  scans: string[];
  /** Buffers touched by scans of the unsent-rows index (plain or bitmap). */
  unsentIndexBuffers: number;
}

function nodes(n: PlanNode): PlanNode[] {
  return [n, ...(n.Plans ?? []).flatMap(nodes)];
}

const buffersOf = (n: PlanNode): number => n['Shared Hit Blocks'] + n['Shared Read Blocks'];

/** A stand-in for Redis that takes every job: the relay then claims, "adds" and marks sent as in production. */
const acceptingQueues = {
  get: () => ({ addBulk: async () => [], add: async () => ({}) }),
  answers: async () => true,
} as unknown as QueueRegistry;

interface Recorded {
  sql: string;
  params: unknown[];
}

describe('the outbox on an old database (autovacuum off)', () => {
  let dbName: string;
  let ds: DataSource;
  let pg: Client;
  let commune: string;
  let relay: OutboxRelay;
  const statements: Recorded[] = [];

  /** The relay's claim statement, as it sent it to PostgreSQL. */
  function claimStatement(): Recorded {
    const claim = statements.find((s) => /FOR UPDATE SKIP LOCKED/i.test(s.sql) && /UPDATE\s+outbox/i.test(s.sql));
    if (!claim) {
      throw new Error(
        `the relay sent no claim through DataSource.query (statements seen: ${statements.length}); ` +
          'if it now claims another way, export its claim statement from libs/messaging/src/outbox-relay.ts and explain that here',
      );
    }
    return claim;
  }

  /** EXPLAIN (ANALYZE, BUFFERS) of the relay's claim, rolled back: the rows stay claimable. */
  async function explainClaim(): Promise<ClaimExplain> {
    const { sql, params } = claimStatement();
    await pg.query('BEGIN');
    try {
      const { rows } = await pg.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params);
      const plan = (rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0].Plan;
      const scans = nodes(plan).filter((n) => /Scan$/.test(n['Node Type']) && (n['Relation Name'] === 'outbox' || n['Index Name']?.startsWith('outbox')));
      return {
        rows: plan['Actual Rows'],
        buffers: buffersOf(plan),
        scans: scans.map((n) => `${n['Node Type']}${n['Index Name'] ? ` on ${n['Index Name']}` : ''} (${buffersOf(n)})`),
        unsentIndexBuffers: scans.filter((n) => n['Index Name'] === 'outbox_unsent').reduce((sum, n) => sum + buffersOf(n), 0),
      };
    } finally {
      await pg.query('ROLLBACK');
    }
  }

  async function count(where: string): Promise<number> {
    const { rows } = await pg.query(`SELECT count(*)::int AS n FROM outbox WHERE ${where}`);
    return rows[0].n as number;
  }

  async function tableStats(): Promise<{ dead: number; vacuumed: boolean }> {
    await pg.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await pg.query(
      `SELECT n_dead_tup::int AS dead, (last_vacuum IS NOT NULL OR last_autovacuum IS NOT NULL) AS vacuumed FROM pg_stat_user_tables WHERE relname = 'outbox'`,
    );
    return rows[0] as { dead: number; vacuumed: boolean };
  }

  /** Rows as commands write them: unsent, many in one statement. */
  async function insertUnsent(n: number, leasedFor?: string): Promise<void> {
    await pg.query(
      `INSERT INTO outbox (commune_code, queue, job_name, payload, next_attempt_at)
       SELECT $1, 'tu-phap', 'handoff', jsonb_build_object('dossierId', gen_random_uuid(), 'handoffId', gen_random_uuid()),
              now() + $3::interval
         FROM generate_series(1, $2::int)`,
      [commune, n, leasedFor ?? null],
    );
  }

  beforeAll(async () => {
    dbName = await createTestDatabase();
    pg = new Client({ connectionString: databaseUrl(dbName) });
    await pg.connect();
    await pg.query(`ALTER TABLE outbox SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)`);
    commune = ((await pg.query(`SELECT code FROM communes ORDER BY code LIMIT 1`)).rows[0] as { code: string }).code;
    ds = await new DataSource(dataSourceOptions(databaseUrl(dbName), {}, 4)).initialize();
    const real = ds;
    // The relay gets the real data source, its statements recorded on the way.
    const recording = {
      query: (sql: string, params: unknown[] = []) => {
        statements.push({ sql, params });
        return real.query(sql, params);
      },
    } as unknown as DataSource;
    relay = new OutboxRelay(recording, acceptingQueues, databaseUrl(dbName), { ...DEFAULT_RELAY_OPTIONS, pollIntervalMs: 100 });
    await relay.start();
  }, 60_000);

  afterAll(async () => {
    await relay?.stop();
    await ds?.destroy();
    await pg?.end();
    if (dbName) await dropTestDatabase(dbName);
  });

  it(`sends ${SENT_ROWS.toLocaleString('en')} rows through the relay, ${(SENT_ROWS - RECENT_SENT_ROWS).toLocaleString('en')} of them over a week ago, and nothing vacuums`, async () => {
    // Written as commands write them, 5,000 rows a statement; the relay drains behind, 200 a claim.
    for (let written = 0; written < SENT_ROWS; written += 5_000) await insertUnsent(5_000);
    await eventually(async () => ((await count('sent_at IS NULL')) === 0 ? true : undefined), 180_000, 'the relay to send every row');
    // All but the last week's were sent eight days ago: one more dead version each.
    await pg.query(`UPDATE outbox SET sent_at = sent_at - interval '8 days' WHERE id <= (SELECT max(id) - $1 FROM outbox)`, [RECENT_SENT_ROWS]);
    expect(await count('sent_at IS NOT NULL')).toBe(SENT_ROWS);
    // Three dead versions a row: the insert's and the claim's (both superseded), and the one the ageing replaced.
    const stats = await eventually(async () => {
      const s = await tableStats();
      return s.dead >= 2 * SENT_ROWS ? s : undefined;
    }, 10_000, 'the dead tuples to be counted');
    expect(stats.vacuumed).toBe(false);
  }, 240_000);

  it("the sweeper's purge removes the sent rows past the retention and keeps the week's", async () => {
    const aged = await count(`sent_at < now() - interval '7 days'`);
    expect(aged).toBe(SENT_ROWS - RECENT_SENT_ROWS);
    const uow = {
      runAcrossCommunes: <T>(work: (x: AcrossCommunes) => Promise<T>) => ds.transaction((m) => work(new AcrossCommunes(m))),
      acrossCommunes: new AcrossCommunes(ds.manager),
    } as unknown as UnitOfWork;
    const sweeper = new RecoverySweeper(uow, { resendAfterMs: 300_000, outboxRetentionMs: RETENTION_MS });
    // A sweep purges a bounded batch (it runs every minute in a worker): sweep until one purges nothing.
    let sweeps = 0;
    for (let before = await count('true'); ; ) {
      await sweeper.sweep();
      sweeps++;
      const after = await count('true');
      if (after === before) break;
      before = after;
      expect(sweeps).toBeLessThan(500);
    }
    expect(await count(`sent_at < now() - interval '7 days'`)).toBe(0);
    expect(await count('true')).toBe(RECENT_SENT_ROWS);
    const { dead } = await tableStats();
    console.log(`purged ${aged} sent rows in ${sweeps - 1} sweeps; ${dead} dead tuples left in the outbox`);
  }, 120_000);

  describe('then the relay claims', () => {
    let claim: ClaimExplain;
    beforeAll(async () => {
      // The relay sleeps from here on: the rows below stay claimable for the explain.
      await relay.stop();
      await insertUnsent(LEASED_ROWS, '1 hour'); // another relay's lease, not run out
      await insertUnsent(FRESH_ROWS);
      claim = await explainClaim();
      const again = await explainClaim();
      const { dead } = await tableStats();
      console.log(
        `relay claim on an outbox of ${RECENT_SENT_ROWS.toLocaleString('en')} sent rows and ${dead} dead tuples: ` +
          `${claim.buffers} buffers (again: ${again.buffers}), unsent-index scan ${claim.unsentIndexBuffers}; ${claim.scans.join(' > ')}`,
      );
    });

    it('the fresh rows, skipping the leased ones', () => {
      expect(claim.rows).toBe(FRESH_ROWS);
    });

    // Measured on this server (PostgreSQL 15, autovacuum off), history as above. Without the
    // sweeper's VACUUM the planner, with no statistics ever gathered, took a bitmap scan of
    // outbox_unsent that read the whole index (1,150 pages of dead entries) and the dead heap
    // tuples (about 6,900 pages) on every claim — 8,100 buffers, 12 ms — and, being a bitmap, never
    // marked the dead entries, so the cost grew with the history. The sweeper now vacuums the hot
    // path's tables when its purge catches up (and every OUTBOX_VACUUM_MS): about 600 buffers, a
    // few of them on the index.
    it('through the partial index of unsent rows, touching a few pages of it whatever the history', () => {
      expect(claim.scans.some((s) => s.startsWith('Index Scan on outbox_unsent'))).toBe(true);
      expect(claim.scans.filter((s) => /Seq Scan|Bitmap/.test(s))).toEqual([]);
      expect(claim.unsentIndexBuffers).toBeLessThan(UNSENT_INDEX_BUFFER_BUDGET);
      expect(claim.buffers).toBeLessThan(CLAIM_BUFFER_BUDGET);
    });
  });
});
