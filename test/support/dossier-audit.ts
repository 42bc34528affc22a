import type { Pool } from 'pg';
import { PORTAL_EVENT_TYPES } from '@motcua/workflow';
import type { DossierTraffic, Submission } from './dossier-traffic';

/** What the audit found wrong; each entry names the dossier and the rule. */
export interface AuditReport {
  /** Dossiers of the traffic found in the database. */
  readonly dossiers: number;
  /** Written although the client heard nothing back (the API died after the commit). */
  readonly writtenWithoutAnswer: number;
  /** Acknowledged and missing, or not carried to the end (result ready, every hand-off received, every step done, the portal told). */
  readonly lost: string[];
  /** A receipt, a step, a result, a card, a payment or an intake applied twice. */
  readonly duplicated: string[];
  /** A change that should not have happened: written although refused, or ended in a state no fault should cause. */
  readonly changed: string[];
  /** What the audit looked at: receipts recorded, portal messages, BHXH cards and payments of these dossiers. */
  readonly checked: { receipts: number; portalMessages: number; cards: number; payments: number };
}

interface DossierRow {
  id: string;
  code: string;
  state: string;
  name: string;
}

const FINAL = 'result_ready';
const TERMINAL = ['result_ready', 'returned', 'rejected_after_appraisal', 'refused_at_receipt', 'withdrawn'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function dossiersOf(pool: Pool, submissions: readonly Submission[]): Promise<DossierRow[]> {
  const names = submissions.map((s) => s.request.applicant.fullName);
  const { rows } = await pool.query<DossierRow>(`SELECT id, code, state, applicant_name AS name FROM dossiers WHERE applicant_name = ANY($1)`, [names]);
  return rows;
}

/** Progress rows the portal should hold (one per portal event of the log, state-secret dossiers aside) and those it lacks. */
async function portalGaps(
  pool: Pool,
  stubUrl: string,
  dossiers: readonly DossierRow[],
  complete = new Set<string>(),
): Promise<{ gaps: Map<string, number>; expected: number }> {
  const { rows } = await pool.query<{ id: string; seq: string }>(
    `SELECT e.dossier_id AS id, e.seq::text AS seq FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
      WHERE e.dossier_id = ANY($1) AND e.type = ANY($2) AND NOT d.state_secret`,
    [dossiers.map((d) => d.id), PORTAL_EVENT_TYPES],
  );
  const expected = new Map<string, Set<string>>();
  for (const r of rows) expected.set(r.id, (expected.get(r.id) ?? new Set()).add(`${r.id}:${r.seq}`));
  const gaps = new Map<string, number>();
  for (const d of dossiers) {
    const want = expected.get(d.id);
    if (!want || complete.has(`${d.id}:${want.size}`)) continue;
    const res = await fetch(`${stubUrl}/stub/dossiers/${encodeURIComponent(d.code)}`);
    const have = new Set(res.ok ? ((await res.json()) as { progress: { IdTienDo?: string }[] }).progress.map((p) => p.IdTienDo) : []);
    const missing = [...want].filter((k) => !have.has(k)).length;
    if (missing > 0) gaps.set(d.code, missing);
    else complete.add(`${d.id}:${want.size}`);
  }
  return { gaps, expected: rows.length };
}

/**
 * Waits until the traffic's dossiers have settled: every acknowledged one written, every one
 * written at a terminal state, the outbox sent and the portal told of every status change; or
 * until `timeoutMs` (the audit then says what did not settle). Resolves with whether it settled.
 */
export async function settle(pool: Pool, stubUrl: string, traffic: DossierTraffic, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  const complete = new Set<string>(); // dossiers whose every portal message arrived, by count of messages
  while (Date.now() < until) {
    try {
      const rows = await dossiersOf(pool, traffic.submissions);
      const written = new Set(rows.map((r) => r.name));
      const acknowledged = traffic.submissions.filter((s) => s.answer === 'acknowledged');
      const { rows: unsent } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`);
      if (
        acknowledged.every((s) => written.has(s.request.applicant.fullName)) &&
        rows.every((r) => TERMINAL.includes(r.state)) &&
        unsent[0].n === 0 &&
        (await portalGaps(pool, stubUrl, rows, complete)).gaps.size === 0
      ) {
        return true;
      }
    } catch {
      // the database may be coming back from a fault: look again
    }
    await sleep(300);
  }
  return false;
}

/** Counts, per rule, what is lost, doubled or changed among the traffic's dossiers (see {@link AuditReport}). */
export async function audit(pool: Pool, stubUrl: string, traffic: DossierTraffic): Promise<AuditReport> {
  const rows = await dossiersOf(pool, traffic.submissions);
  const byName = new Map<string, DossierRow[]>();
  for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  const ids = rows.map((r) => r.id);
  const lost: string[] = [];
  const duplicated: string[] = [];
  const changed: string[] = [];
  let writtenWithoutAnswer = 0;

  for (const s of traffic.submissions) {
    const name = s.request.applicant.fullName;
    const found = byName.get(name) ?? [];
    if (found.length > 1) duplicated.push(`${name}: filed ${found.length} times (${found.map((d) => d.code).join(', ')})`);
    if (s.answer === 'acknowledged' && found.length === 0) lost.push(`${s.fault}: ${s.request.procedureCode} ${s.id} acknowledged (201) but not in the database`);
    if (s.answer === 'refused' && found.length > 0) changed.push(`${s.fault}: ${found[0].code} written although the API answered ${s.status}`);
    if (s.answer === 'no-answer' && found.length > 0) writtenWithoutAnswer += 1;
  }

  // Carried to the end: at the final state, every hand-off received, no step left open.
  const { rows: open } = await pool.query<{ code: string; state: string; unreceived: number; open_steps: number }>(
    `SELECT d.code, d.state,
            (SELECT count(*) FROM handoffs h WHERE h.dossier_id = d.id AND h.received_at IS NULL)::int AS unreceived,
            (SELECT count(*) FROM work_items w WHERE w.dossier_id = d.id AND w.status IN ('pending', 'taken'))::int AS open_steps
       FROM dossiers d WHERE d.id = ANY($1)`,
    [ids],
  );
  for (const d of open) {
    if (d.state === FINAL && d.unreceived === 0 && d.open_steps === 0) continue;
    if (TERMINAL.includes(d.state) && d.state !== FINAL) changed.push(`${d.code}: ended ${d.state}, which no fault should cause`);
    else lost.push(`${d.code}: ${d.state}, ${d.unreceived} hand-off(s) not received, ${d.open_steps} step(s) open`);
  }
  const portal = await portalGaps(pool, stubUrl, rows);
  for (const [code, missing] of portal.gaps) lost.push(`${code}: ${missing} status change(s) never reached the portal`);

  // Applied twice: receipts per hand-off, completions per step, results per dossier.
  const { rows: twice } = await pool.query<{ code: string; what: string; n: number }>(
    `SELECT d.code, e.type || ' ' || coalesce(e.payload->>'handoffId', e.payload->>'stepKey', '') AS what, count(*)::int AS n
       FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
      WHERE e.dossier_id = ANY($1) AND e.type IN ('HandoffReceived', 'StepCompleted', 'ResultReady')
      GROUP BY d.code, e.type, what HAVING count(*) > 1`,
    [ids],
  );
  for (const t of twice) duplicated.push(`${t.code}: ${t.what} recorded ${t.n} times`);
  const { rows: receipts } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM dossier_events WHERE dossier_id = ANY($1) AND type = 'HandoffReceived'`, [ids]);
  const codes = new Set(rows.map((r) => r.code));
  const issued: Record<string, number> = {};
  for (const [system, path] of [
    ['BHXH card', 'stub/bhxh/cards'],
    ['payment', 'stub/payment/transactions'],
  ] as const) {
    const perDossier = new Map<string, number>();
    for (const x of (await (await fetch(`${stubUrl}/${path}`)).json()) as { dossierCode: string }[]) {
      if (codes.has(x.dossierCode)) perDossier.set(x.dossierCode, (perDossier.get(x.dossierCode) ?? 0) + 1);
    }
    for (const [code, n] of perDossier) if (n > 1) duplicated.push(`${code}: ${n} ${system}s`);
    issued[system] = perDossier.size;
  }
  const checked = { receipts: receipts[0].n, portalMessages: portal.expected, cards: issued['BHXH card'], payments: issued.payment };
  return { dossiers: rows.length, writtenWithoutAnswer, lost, duplicated, changed, checked };
}
