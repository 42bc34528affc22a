import type { Pool } from 'pg';
import { log, nowMs, sleep } from './common';

/*
 * The engine's load: dossier requests on multi-unit routes spread over the demo offices,
 * submission through the API (a burst with bounded concurrency, or open-loop at a fixed
 * interval), and waiting for the dossiers to finish their routes. The figures are read back by
 * engine-measure.ts.
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
 * Returns the ids, the POST response times and when the first and the last request were sent.
 */
export async function submitPaced(
  apiUrl: string,
  requests: readonly DossierRequest[],
  intervalMs: number,
): Promise<{ ids: string[]; postMs: number[]; firstAt: number; lastAt: number }> {
  const pending: Promise<{ id: string; ms: number }>[] = [];
  const start = nowMs() + 20;
  let firstAt = 0;
  for (let i = 0; i < requests.length; i++) {
    const wait = start + i * intervalMs - nowMs();
    if (wait > 1) await sleep(wait);
    if (i === 0) firstAt = nowMs();
    pending.push(submitOne(apiUrl, requests[i]));
  }
  const lastAt = nowMs();
  const done = await Promise.all(pending);
  return { ids: done.map((d) => d.id), postMs: done.map((d) => d.ms), firstAt, lastAt };
}

const FINISHED = ['result_ready', 'returned'];
const OFF_ROUTE = ['rejected_after_appraisal', 'refused_at_receipt', 'withdrawn', 'waiting_supplement'];

/**
 * Waits until every dossier is result_ready (or left the route: rejected, withdrawn, waiting for
 * a supplement — counted and warned about). Fails when nothing moves for `stallMs`. Polls every
 * 200 ms, calling `onPoll` each time (the CPU trail).
 */
export async function waitDone(
  pool: Pool,
  ids: readonly string[],
  label: string,
  stallMs: number,
  alive: () => void,
  onPoll: () => Promise<unknown> = async () => undefined,
): Promise<number> {
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
    await onPoll();
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
