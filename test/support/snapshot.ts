import type { DataSource } from 'typeorm';

/**
 * Tables a refused request writes to by design: the audit log records every write request and
 * every read of personal data, allowed or refused (README, "Audit log").
 */
export const WRITTEN_BY_REFUSALS = ['audit_log'];

/** What a request could change, read in one go: row counts, and the state of every record that moves. */
export interface Snapshot {
  /** Row count of every table of the schema but {@link WRITTEN_BY_REFUSALS}. */
  readonly counts: Record<string, number>;
  /** Per dossier: its state, due date and chain head (last event's sequence number and hash). */
  readonly dossiers: Map<string, string>;
  /** Per work item, per account, per outbox row: what a command would change in place. */
  readonly rows: Map<string, string>;
  /** Every event, by dossier and sequence number, with its hash. */
  readonly events: Map<string, string>;
  /** Groups of events (dossier, type, payload) or outbox messages (queue, payload) held more than once. */
  readonly repeated: number;
}

export async function takeSnapshot(ds: DataSource): Promise<Snapshot> {
  const tables: { name: string }[] = await ds.query(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
  const counted = tables.filter((t) => !WRITTEN_BY_REFUSALS.includes(t.name));
  const [row] = await ds.query(`SELECT ${counted.map((t) => `(SELECT count(*) FROM "${t.name}")::int AS "${t.name}"`).join(', ')}`);
  const dossiers: { id: string; f: string }[] = await ds.query(
    `SELECT id, concat_ws('|', state, due_at, last_seq, last_hash, updated_at) AS f FROM dossiers`,
  );
  const rows: { k: string; f: string }[] = await ds.query(
    `SELECT 'work_item:' || id AS k, concat_ws('|', status, assignee_id, due_at, completed_at) AS f FROM work_items
     UNION ALL SELECT 'user:' || id, concat_ws('|', active, token_version, roles::text, unit_kinds::text, full_name, md5(coalesce(password_hash, ''))) FROM users
     UNION ALL SELECT 'handoff:' || id, concat_ws('|', received_at, received_by) FROM handoffs
     UNION ALL SELECT 'outbox:' || id, concat_ws('|', queue, payload::text) FROM outbox`,
  );
  const events: { k: string; hash: string }[] = await ds.query(`SELECT dossier_id || '#' || seq AS k, hash FROM dossier_events`);
  const [{ repeated }] = await ds.query(
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM dossier_events GROUP BY dossier_id, type, payload HAVING count(*) > 1) e)::int
          + (SELECT count(*) FROM (SELECT 1 FROM outbox GROUP BY queue, job_name, payload HAVING count(*) > 1) o)::int AS repeated`,
  );
  return {
    counts: row,
    dossiers: new Map(dossiers.map((d) => [d.id, d.f])),
    rows: new Map(rows.map((r) => [r.k, r.f])),
    events: new Map(events.map((e) => [e.k, e.hash])),
    repeated,
  };
}

/** How two snapshots differ, each difference named so a failing test says what moved. */
export interface SnapshotDiff {
  /** Tables whose row count moved, dossiers and rows that changed or appeared. */
  readonly changed: string[];
  /** Dossiers and events present before and missing after. */
  readonly lost: string[];
  /** New groups of repeated events or outbox messages. */
  readonly duplicated: number;
}

function changedEntries(kind: string, before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of after) if (before.get(k) !== v) out.push(`${kind} ${k}${before.has(k) ? ' changed' : ' appeared'}`);
  return out;
}

export function compareSnapshots(before: Snapshot, after: Snapshot): SnapshotDiff {
  const changed = [
    ...Object.keys(before.counts)
      .filter((t) => before.counts[t] !== after.counts[t])
      .map((t) => `table ${t}: ${before.counts[t]} → ${after.counts[t]} rows`),
    ...changedEntries('dossier', before.dossiers, after.dossiers),
    ...changedEntries('row', before.rows, after.rows),
    ...changedEntries('event', before.events, after.events),
  ];
  const lost = [
    ...[...before.dossiers.keys()].filter((id) => !after.dossiers.has(id)).map((id) => `dossier ${id}`),
    ...[...before.events.keys()].filter((k) => !after.events.has(k)).map((k) => `event ${k}`),
  ];
  return { changed, lost, duplicated: Math.max(0, after.repeated - before.repeated) };
}
