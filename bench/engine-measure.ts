import type { Pool } from 'pg';
import { percentile, round2 } from './common';

/*
 * The engine's figures, read back from PostgreSQL after a phase: hand-off latencies and
 * throughput from the commit clock (commit-clock.ts), dossier end-to-end, and the where-it-went
 * breakdown from the outbox. Every time here is a commit, except outbox.sent_at (the relay's).
 */

/**
 * Where a hand-off's latency goes (best effort, from the outbox row whose payload names the
 * hand-off; null once sent rows are purged): relay = outbox.sent_at − the sender's commit (NOTIFY,
 * relay pick-up, BullMQ add); delivery = the receiver's commit − outbox.sent_at (consumer
 * pick-up, the receipt's transaction).
 */
export type Breakdown = { relayP50Ms: number | null; relayP99Ms: number | null; deliveryP50Ms: number | null; deliveryP99Ms: number | null } | null;

/** Over the electronic hand-offs of `ids` received, optionally only those sent at or after `sentFrom` (epoch ms). */
async function breakdown(pool: Pool, ids: readonly string[], sentFrom: number | null): Promise<Breakdown> {
  try {
    const { rows } = await pool.query<{ relay: number; delivery: number }>(
      `SELECT (extract(epoch FROM o.sent_at - s.at) * 1000)::float8 AS relay,
              (extract(epoch FROM r.at - o.sent_at) * 1000)::float8 AS delivery
         FROM handoffs h
         JOIN bench_commit_clock s ON s.kind = 's' AND s.handoff_id = h.id
         JOIN bench_commit_clock r ON r.kind = 'r' AND r.handoff_id = h.id
         JOIN outbox o ON o.payload->>'handoffId' = h.id::text AND o.sent_at IS NOT NULL
        WHERE h.channel = 'electronic' AND h.dossier_id = ANY($1::uuid[])
          AND ($2::float8 IS NULL OR s.at >= to_timestamp($2::float8 / 1000))`,
      [ids, sentFrom],
    );
    if (rows.length === 0) return null;
    const relay = rows.map((r) => r.relay);
    const delivery = rows.map((r) => r.delivery);
    return {
      relayP50Ms: round2(percentile(relay, 0.5)),
      relayP99Ms: round2(percentile(relay, 0.99)),
      deliveryP50Ms: round2(percentile(delivery, 0.5)),
      deliveryP99Ms: round2(percentile(delivery, 0.99)),
    };
  } catch {
    return null;
  }
}

interface HandoffRow {
  /** The receiver's commit − the sender's commit. */
  readonly ms: number;
  /** received_at − sent_at: the engine's own timestamps, taken when each command started. */
  readonly commandMs: number;
  /** The sender's and the receiver's commit (epoch ms). */
  readonly sent: number;
  readonly recv: number;
  /** Sent by intake (the dossier's earliest hand-off), not by a unit. */
  readonly first: boolean;
}

/** The electronic hand-offs of `ids` received, with both commit times. */
async function clockedHandoffs(pool: Pool, ids: readonly string[]): Promise<{ rows: HandoffRow[]; unclocked: number }> {
  const { rows } = await pool.query<HandoffRow & { clocked: boolean }>(
    `SELECT (extract(epoch FROM r.at - s.at) * 1000)::float8 AS ms,
            (extract(epoch FROM h.received_at - h.sent_at) * 1000)::float8 AS "commandMs",
            (extract(epoch FROM s.at) * 1000)::float8 AS sent,
            (extract(epoch FROM r.at) * 1000)::float8 AS recv,
            h.sent_at = (SELECT min(x.sent_at) FROM handoffs x WHERE x.dossier_id = h.dossier_id) AS first,
            (s.at IS NOT NULL AND r.at IS NOT NULL) AS clocked
       FROM handoffs h
       LEFT JOIN bench_commit_clock s ON s.kind = 's' AND s.handoff_id = h.id
       LEFT JOIN bench_commit_clock r ON r.kind = 'r' AND r.handoff_id = h.id
      WHERE h.channel = 'electronic' AND h.received_at IS NOT NULL AND h.dossier_id = ANY($1::uuid[])`,
    [ids],
  );
  const clocked = rows.filter((r) => r.clocked);
  return { rows: clocked, unclocked: rows.length - clocked.length };
}

/** Hand-offs of `ids` in all (paper and electronic, received or not). */
async function allHandoffs(pool: Pool, ids: readonly string[]): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM handoffs WHERE dossier_id = ANY($1::uuid[])', [ids]);
  return rows[0].n;
}

/** Per dossier that reached result_ready: its ResultReady commit (epoch ms) and end-to-end from intake's commit. */
async function resultReady(pool: Pool, ids: readonly string[]): Promise<{ at: number; e2eMs: number | null }[]> {
  const { rows } = await pool.query<{ at: number; e2e: number | null }>(
    `SELECT (extract(epoch FROM z.at) * 1000)::float8 AS at, (extract(epoch FROM z.at - d.at) * 1000)::float8 AS e2e
       FROM (SELECT dossier_id, min(at) AS at FROM bench_commit_clock WHERE kind = 'z' AND dossier_id = ANY($1::uuid[]) GROUP BY 1) z
       LEFT JOIN (SELECT dossier_id, min(at) AS at FROM bench_commit_clock WHERE kind = 'd' AND dossier_id = ANY($1::uuid[]) GROUP BY 1) d
         USING (dossier_id)`,
    [ids],
  );
  return rows.map((r) => ({ at: r.at, e2eMs: r.e2e }));
}

/** The portal cursor's moves (dossiers synced forward) committed in [from, to] and the last one's commit (epoch ms). */
export async function portalCursor(pool: Pool, from: number, to: number): Promise<{ moves: number; last: number | null }> {
  const { rows } = await pool.query<{ moves: number; last: number | null }>(
    `SELECT count(*) FILTER (WHERE at BETWEEN to_timestamp($1::float8 / 1000) AND to_timestamp($2::float8 / 1000))::int AS moves,
            (extract(epoch FROM max(at)) * 1000)::float8 AS last
       FROM bench_commit_clock WHERE kind = 'p'`,
    [from, to],
  );
  return rows[0];
}

/** The latest outbox.sent_at of the run's database (epoch ms), null if none is kept. */
export async function lastOutboxSent(pool: Pool): Promise<number | null> {
  try {
    const { rows } = await pool.query<{ at: number | null }>('SELECT (extract(epoch FROM max(sent_at)) * 1000)::float8 AS at FROM outbox');
    return rows[0].at;
  } catch {
    return null;
  }
}

export interface DrainFigures {
  /** Electronic hand-offs whose receipt committed after the workers started. */
  readonly handoffs: number;
  /** The first of those receipts (epoch ms). */
  readonly firstReceipt: number;
  /** The last ResultReady commit (epoch ms). */
  readonly lastResultReady: number;
  /** Latency (commit to commit) of the hand-offs sent after the workers started (hop 2 onwards). */
  readonly hop2onHandoffs: number;
  readonly hop2onP50Ms: number | null;
  readonly hop2onP99Ms: number | null;
  readonly breakdown: Breakdown;
  /** Electronic hand-offs received before the workers were started (should be 0). */
  readonly receivedBeforeStart: number;
  /** Hand-offs of these dossiers not counted: paper, never received, or without a commit time. */
  readonly notCounted: number;
  /** Received hand-offs the commit clock missed (a path the triggers do not see; should be 0). */
  readonly unclocked: number;
}

/** A backlog's drain, after the workers were started at `startedAt` (epoch ms). */
export async function measureDrain(pool: Pool, ids: readonly string[], startedAt: number): Promise<DrainFigures> {
  const { rows, unclocked } = await clockedHandoffs(pool, ids);
  const after = rows.filter((r) => r.recv >= startedAt);
  const later = after.filter((r) => r.sent >= startedAt).map((r) => r.ms);
  const lastReady = (await resultReady(pool, ids)).reduce((m, r) => Math.max(m, r.at), Number.NEGATIVE_INFINITY);
  return {
    handoffs: after.length,
    firstReceipt: after.reduce((m, r) => Math.min(m, r.recv), Number.POSITIVE_INFINITY),
    lastResultReady: lastReady,
    hop2onHandoffs: later.length,
    hop2onP50Ms: round2(percentile(later, 0.5)),
    hop2onP99Ms: round2(percentile(later, 0.99)),
    breakdown: await breakdown(pool, ids, startedAt),
    receivedBeforeStart: rows.length - after.length,
    notCounted: (await allHandoffs(pool, ids)) - after.length,
    unclocked,
  };
}

export interface PacedFigures {
  readonly handoffs: number;
  /** The first sender's commit and the last receiver's commit (epoch ms). */
  readonly firstSent: number;
  readonly lastReceived: number;
  readonly lastResultReady: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** The same split: the hand-off intake sends (hop 1) and those the units send (hop 2 onwards). */
  readonly hop1P99Ms: number | null;
  readonly hop2onP99Ms: number | null;
  readonly dossierE2eP50Ms: number | null;
  readonly dossierE2eP99Ms: number | null;
  /** The same hand-offs timed the old way, command start to command start (for comparison). */
  readonly commandStartP50Ms: number | null;
  readonly commandStartP99Ms: number | null;
  readonly notCounted: number;
  readonly unclocked: number;
  readonly breakdown: Breakdown;
}

/**
 * With the workers running: hand-off latency = the receiver's commit − the sender's commit over
 * the electronic hand-offs received; dossier end-to-end = its ResultReady commit − intake's commit.
 */
export async function measurePaced(pool: Pool, ids: readonly string[]): Promise<PacedFigures> {
  const { rows, unclocked } = await clockedHandoffs(pool, ids);
  const lat = rows.map((r) => r.ms);
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const r of rows) {
    if (r.sent < first) first = r.sent;
    if (r.recv > last) last = r.recv;
  }
  const ready = await resultReady(pool, ids);
  const e2e = ready.flatMap((r) => (r.e2eMs === null ? [] : [r.e2eMs]));
  return {
    handoffs: lat.length,
    firstSent: first,
    lastReceived: last,
    lastResultReady: ready.reduce((m, r) => Math.max(m, r.at), Number.NEGATIVE_INFINITY),
    p50Ms: round2(percentile(lat, 0.5)),
    p99Ms: round2(percentile(lat, 0.99)),
    hop1P99Ms: round2(percentile(rows.filter((r) => r.first).map((r) => r.ms), 0.99)),
    hop2onP99Ms: round2(percentile(rows.filter((r) => !r.first).map((r) => r.ms), 0.99)),
    dossierE2eP50Ms: round2(percentile(e2e, 0.5)),
    dossierE2eP99Ms: round2(percentile(e2e, 0.99)),
    commandStartP50Ms: round2(percentile(rows.map((r) => r.commandMs), 0.5)),
    commandStartP99Ms: round2(percentile(rows.map((r) => r.commandMs), 0.99)),
    notCounted: (await allHandoffs(pool, ids)) - lat.length,
    unclocked,
    breakdown: await breakdown(pool, ids, null),
  };
}
