import type { Pool } from 'pg';
import { log, nowMs, percentile, round2, sleep } from './common';

/*
 * The engine's load and its measurement: dossier requests on multi-unit routes spread over the
 * demo offices, submission through the API (a burst with bounded concurrency, or open-loop at a
 * fixed interval), waiting for the dossiers to finish their routes, and the figures read back
 * from PostgreSQL.
 */

/** Procedures with multi-unit routes (libs/catalog/src/data) and how a dossier of each is filed. */
export const PROCEDURE_MIX: Readonly<Record<string, { channel: 'desk' | 'online'; options?: readonly string[]; route: string }>> = {
  // tu-phap → lanh-dao → fork(cong-an, bhxh automatic); Decree 63/2024 group 1, online only.
  'lien-thong-khai-sinh': { channel: 'online', options: ['khai-sinh', 'thuong-tru', 'the-bhyt'], route: 'tu-phap → lanh-dao → cong-an ‖ bhxh' },
  'cap-giay-xac-nhan-tinh-trang-hon-nhan': { channel: 'desk', route: 'tu-phap → lanh-dao' },
  // identity check against the population stub (automatic), then the police officer.
  'dang-ky-thuong-tru': { channel: 'desk', route: 'cong-an (identity check) → cong-an' },
  // fee confirmed by the payment stub (automatic), then justice, then the leader signs.
  'chung-thuc-hop-dong-giao-dich': { channel: 'desk', route: 'ke-toan (fee) → tu-phap → lanh-dao' },
};

/**
 * The seed's three receiving offices (libs/catalog/src/demo-commune.ts): two of commune 26734, one
 * of commune 26737. Intake numbers dossiers gap-free per office and day (one locked row per office),
 * so submissions to one office are serialised; spreading them keeps intake from being the limit.
 * No `communeCode` is sent: each dossier is decided by its receiving office's own commune.
 */
export const OFFICES: readonly string[] = ['H26.01.01', 'H26.01.02', 'H26.02.01'];

/** Each office's commune: the dossier is posted by that commune's desk account (seed demo data). */
const OFFICE_COMMUNE: Readonly<Record<string, string>> = { 'H26.01.01': '26734', 'H26.01.02': '26734', 'H26.02.01': '26737' };
const DEMO_PASSWORD = 'MotCua@2026';
const tokens = new Map<string, Promise<string>>();

/** The access token of the desk account of the office's commune (logged in once per run). */
function deskToken(apiUrl: string, officeCode: string): Promise<string> {
  const username = `motcua.${OFFICE_COMMUNE[officeCode] ?? '26734'}`;
  let token = tokens.get(username);
  if (!token) {
    token = fetch(`${apiUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    }).then(async (res) => {
      if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
      return ((await res.json()) as { accessToken: string }).accessToken;
    });
    token.catch(() => tokens.delete(username));
    tokens.set(username, token);
  }
  return token;
}

export interface DossierRequest {
  readonly procedureCode: string;
  readonly officeCode: string;
  readonly channel: 'desk' | 'online';
  readonly applicant: { readonly fullName: string; readonly phone: string; readonly idNumber: string };
  readonly options?: readonly string[];
}

/**
 * Dossier number `i` (unique across the run): procedures in turn, offices in turn per round of
 * procedures (so every office gets every procedure), one applicant each.
 */
export function dossierRequest(i: number, procedures: readonly string[]): DossierRequest {
  const procedureCode = procedures[i % procedures.length];
  const how = PROCEDURE_MIX[procedureCode] ?? { channel: 'desk' as const };
  const n = i % 1_000_000;
  return {
    procedureCode,
    officeCode: OFFICES[Math.floor(i / procedures.length) % OFFICES.length],
    channel: how.channel,
    applicant: {
      fullName: `Nguyễn Văn Thử ${n}`,
      phone: `09${String(n).padStart(8, '0')}`,
      idNumber: `001090${String(n).padStart(6, '0')}`,
    },
    ...(how.options ? { options: how.options } : {}),
  };
}

/** Registers the applicants in the population stub, so the identity checks find them. */
export async function registerCitizens(stubUrl: string, requests: readonly DossierRequest[]): Promise<void> {
  let next = 0;
  let missing = false;
  const one = async (): Promise<void> => {
    while (next < requests.length && !missing) {
      const { idNumber, fullName } = requests[next++].applicant;
      const res = await fetch(`${stubUrl}/stub/population/citizens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ idNumber, fullName }),
      });
      if (res.status === 404) missing = true;
      else if (!res.ok) throw new Error(`population stub: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, one));
  if (missing) log('warning: the population stub has no POST /stub/population/citizens; identity checks may fail');
}

/** POSTs one dossier; returns its id and the response time (ms). */
async function submitOne(apiUrl: string, body: DossierRequest): Promise<{ id: string; ms: number }> {
  const t0 = nowMs();
  const token = await deskToken(apiUrl, body.officeCode);
  const res = await fetch(`${apiUrl}/api/dossiers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status !== 201) {
    throw new Error(`POST /api/dossiers (${body.procedureCode} at ${body.officeCode}): HTTP ${res.status} ${text.slice(0, 400)}`);
  }
  return { id: (JSON.parse(text) as { id: string }).id, ms: nowMs() - t0 };
}

/** Submits every request as fast as the API answers, `concurrency` in flight. */
export async function submitBurst(apiUrl: string, requests: readonly DossierRequest[], concurrency: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < requests.length) ids.push((await submitOne(apiUrl, requests[next++])).id);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, lane));
  return ids;
}

/**
 * Open-loop arrivals: one request every `intervalMs`, whether or not earlier ones answered.
 * Returns the ids, the POST response times and how long the arrivals took (first to last send).
 */
export async function submitPaced(
  apiUrl: string,
  requests: readonly DossierRequest[],
  intervalMs: number,
): Promise<{ ids: string[]; postMs: number[]; sendSpanMs: number }> {
  const pending: Promise<{ id: string; ms: number }>[] = [];
  const start = nowMs() + 20;
  let first = 0;
  for (let i = 0; i < requests.length; i++) {
    const wait = start + i * intervalMs - nowMs();
    if (wait > 1) await sleep(wait);
    if (i === 0) first = nowMs();
    pending.push(submitOne(apiUrl, requests[i]));
  }
  const sendSpanMs = nowMs() - first;
  const done = await Promise.all(pending);
  return { ids: done.map((d) => d.id), postMs: done.map((d) => d.ms), sendSpanMs };
}

const FINISHED = ['result_ready', 'returned'];
const OFF_ROUTE = ['rejected_after_appraisal', 'refused_at_receipt', 'withdrawn', 'waiting_supplement'];

/**
 * Waits until every dossier is result_ready (or left the route: rejected, withdrawn, waiting for
 * a supplement — counted and warned about). Fails when nothing moves for `stallMs`.
 */
export async function waitDone(pool: Pool, ids: readonly string[], label: string, stallMs: number, alive: () => void): Promise<number> {
  let progress = -1;
  let movedAt = Date.now();
  let loggedAt = Date.now();
  for (;;) {
    alive();
    const { rows } = await pool.query<{ done: number; off: number; received: number }>(
      `SELECT count(*) FILTER (WHERE state = ANY($2))::int AS done,
              count(*) FILTER (WHERE state = ANY($3))::int AS off,
              (SELECT count(*) FROM handoffs WHERE dossier_id = ANY($1::uuid[]) AND received_at IS NOT NULL)::int AS received
         FROM dossiers WHERE id = ANY($1::uuid[])`,
      [ids, FINISHED, OFF_ROUTE],
    );
    const { done, off, received } = rows[0];
    if (done + off >= ids.length) {
      if (off > 0) log(`warning: ${label}: ${off} dossiers left the route (rejected/withdrawn/supplement); excluded from e2e`);
      return off;
    }
    if (done + off + received !== progress) {
      progress = done + off + received;
      movedAt = Date.now();
    }
    if (Date.now() - movedAt > stallMs) {
      throw new Error(`engine ${label}: stalled for ${stallMs / 1000} s at ${done}/${ids.length} result_ready, ${received} hand-offs received${await stuckTransactions(pool)}`);
    }
    if (Date.now() - loggedAt > 2000) {
      log(`engine ${label}: ${done}/${ids.length} result_ready, ${received} hand-offs received`);
      loggedAt = Date.now();
    }
    await sleep(200);
  }
}

/**
 * Where a hand-off's latency goes (best effort, from the outbox row whose payload names the
 * hand-off): relay = outbox.sent_at − handoffs.sent_at (rest of the sending transaction, NOTIFY,
 * relay pick-up); delivery = received_at − outbox.sent_at (BullMQ add, consumer pick-up, receipt).
 */
export type Breakdown = { relayP50Ms: number | null; relayP99Ms: number | null; deliveryP50Ms: number | null; deliveryP99Ms: number | null } | null;

/** Over the electronic hand-offs of `ids` received, optionally only those sent at or after `sentFrom` (epoch ms). */
async function breakdown(pool: Pool, ids: readonly string[], sentFrom: number | null): Promise<Breakdown> {
  try {
    const { rows } = await pool.query<{ relay: number; delivery: number }>(
      `SELECT (extract(epoch FROM o.sent_at - h.sent_at) * 1000)::float8 AS relay,
              (extract(epoch FROM h.received_at - o.sent_at) * 1000)::float8 AS delivery
         FROM handoffs h
         JOIN outbox o ON o.payload->>'handoffId' = h.id::text AND o.sent_at IS NOT NULL
        WHERE h.channel = 'electronic' AND h.received_at IS NOT NULL AND h.dossier_id = ANY($1::uuid[])
          AND ($2::float8 IS NULL OR h.sent_at >= to_timestamp($2::float8 / 1000))`,
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
  /** received_at − sent_at */
  readonly ms: number;
  /** sent_at, received_at (epoch ms) */
  readonly sent: number;
  readonly recv: number;
  /** Sent by intake (the dossier's earliest hand-off), not by a unit. */
  readonly first: boolean;
}

/** The electronic hand-offs of `ids` that were received. */
async function receivedHandoffs(pool: Pool, ids: readonly string[]): Promise<HandoffRow[]> {
  const { rows } = await pool.query<HandoffRow>(
    `SELECT (extract(epoch FROM h.received_at - h.sent_at) * 1000)::float8 AS ms,
            (extract(epoch FROM h.sent_at) * 1000)::float8 AS sent,
            (extract(epoch FROM h.received_at) * 1000)::float8 AS recv,
            h.sent_at = (SELECT min(x.sent_at) FROM handoffs x WHERE x.dossier_id = h.dossier_id) AS first
       FROM handoffs h
      WHERE h.channel = 'electronic' AND h.received_at IS NOT NULL AND h.dossier_id = ANY($1::uuid[])`,
    [ids],
  );
  return rows;
}

/** Hand-offs of `ids` in all (paper and electronic, received or not). */
async function allHandoffs(pool: Pool, ids: readonly string[]): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM handoffs WHERE dossier_id = ANY($1::uuid[])', [ids]);
  return rows[0].n;
}

/** Per dossier that reached result_ready: its first ResultReady event (epoch ms) and end-to-end (that − dossiers.received_at). */
async function resultReady(pool: Pool, ids: readonly string[]): Promise<{ at: number; e2eMs: number }[]> {
  const { rows } = await pool.query<{ at: number; e2e: number }>(
    `SELECT (extract(epoch FROM r.at) * 1000)::float8 AS at,
            (extract(epoch FROM r.at - d.received_at) * 1000)::float8 AS e2e
       FROM dossiers d
       JOIN LATERAL (SELECT min(occurred_at) AS at FROM dossier_events e
                      WHERE e.dossier_id = d.id AND e.type = 'ResultReady') r ON r.at IS NOT NULL
      WHERE d.id = ANY($1::uuid[])`,
    [ids],
  );
  return rows.map((r) => ({ at: r.at, e2eMs: r.e2e }));
}

/** On a stall: connections of the run's database idle in a transaction for over 5 s (a process waiting on itself). */
async function stuckTransactions(pool: Pool): Promise<string> {
  try {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND state = 'idle in transaction' AND now() - state_change > interval '5 seconds'`,
    );
    const n = rows[0].n;
    return n > 0 ? `; ${n} connections idle in transaction for over 5 s (a process's pool exhausted by transactions waiting for another connection?)` : '';
  } catch {
    return '';
  }
}

export interface PeakFigures {
  /** Electronic hand-offs received after the workers started. */
  readonly handoffs: number;
  /** handoffs / drainMs. */
  readonly handoffsPerSec: number | null;
  /** From the workers' consumers being ready (or the first receipt, if earlier) to the last ResultReady. */
  readonly drainMs: number | null;
  /** Latency over the hand-offs sent after the workers started (hop 2 onwards). */
  readonly hop2onHandoffs: number;
  readonly hop2onP50Ms: number | null;
  readonly hop2onP99Ms: number | null;
  readonly breakdown: Breakdown;
  /** The last ResultReady (epoch ms). */
  readonly lastResultReadyAt: number;
  /** Electronic hand-offs received before the workers were started (should be 0). */
  readonly receivedBeforeStart: number;
  /** Hand-offs of these dossiers not counted: paper, or never received. */
  readonly notCounted: number;
}

/**
 * The peak, after a backlog was submitted with no worker running: hand-off capacity = hand-offs
 * received after `startedAt` (the workers were spawned) / (last ResultReady − `readyAt`, when
 * every unit queue had a consumer; the first receipt instead, should it be earlier). Latency only
 * over hand-offs sent after `startedAt`: the first hop waited in the outbox for the workers.
 */
export async function measurePeak(pool: Pool, ids: readonly string[], startedAt: number, readyAt: number): Promise<PeakFigures> {
  const rows = await receivedHandoffs(pool, ids);
  const after = rows.filter((r) => r.recv >= startedAt);
  const later = after.filter((r) => r.sent >= startedAt).map((r) => r.ms);
  const firstRecv = after.reduce((m, r) => Math.min(m, r.recv), Number.POSITIVE_INFINITY);
  const lastReady = (await resultReady(pool, ids)).reduce((m, r) => Math.max(m, r.at), Number.NEGATIVE_INFINITY);
  const windowStart = Math.min(readyAt, firstRecv);
  const drainMs = Number.isFinite(lastReady) ? lastReady - windowStart : Number.NaN;
  return {
    handoffs: after.length,
    handoffsPerSec: drainMs > 0 ? round2(after.length / (drainMs / 1000)) : null,
    drainMs: round2(drainMs),
    hop2onHandoffs: later.length,
    hop2onP50Ms: round2(percentile(later, 0.5)),
    hop2onP99Ms: round2(percentile(later, 0.99)),
    breakdown: await breakdown(pool, ids, startedAt),
    lastResultReadyAt: lastReady,
    receivedBeforeStart: rows.length - after.length,
    notCounted: (await allHandoffs(pool, ids)) - rows.length,
  };
}

export interface PacedFigures {
  readonly handoffs: number;
  /** handoffs / (last received_at − first sent_at). */
  readonly handoffsPerSec: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** The same split: the hand-off intake sends (hop 1) and those the units send (hop 2 onwards). */
  readonly hop1P99Ms: number | null;
  readonly hop2onP99Ms: number | null;
  readonly dossierE2eP50Ms: number | null;
  readonly dossierE2eP99Ms: number | null;
  readonly notCounted: number;
  readonly breakdown: Breakdown;
}

/**
 * With the workers running: hand-off latency = received_at − sent_at over the electronic
 * hand-offs received; throughput = their count / (last received_at − first sent_at); dossier
 * end-to-end = its first ResultReady event − dossiers.received_at.
 */
export async function measurePaced(pool: Pool, ids: readonly string[]): Promise<PacedFigures> {
  const rows = await receivedHandoffs(pool, ids);
  const lat = rows.map((r) => r.ms);
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const r of rows) {
    if (r.sent < first) first = r.sent;
    if (r.recv > last) last = r.recv;
  }
  const e2e = (await resultReady(pool, ids)).map((r) => r.e2eMs);
  return {
    handoffs: lat.length,
    handoffsPerSec: lat.length > 0 ? round2(lat.length / ((last - first) / 1000)) : null,
    p50Ms: round2(percentile(lat, 0.5)),
    p99Ms: round2(percentile(lat, 0.99)),
    hop1P99Ms: round2(percentile(rows.filter((r) => r.first).map((r) => r.ms), 0.99)),
    hop2onP99Ms: round2(percentile(rows.filter((r) => !r.first).map((r) => r.ms), 0.99)),
    dossierE2eP50Ms: round2(percentile(e2e, 0.5)),
    dossierE2eP99Ms: round2(percentile(e2e, 0.99)),
    notCounted: (await allHandoffs(pool, ids)) - lat.length,
    breakdown: await breakdown(pool, ids, null),
  };
}
