import { DossierEvents, EventSql } from '@motcua/domain';
import type { DataSource, EntityManager } from 'typeorm';
import { type DossierFiling, type DossierListRow, foldDossierRow, type ProjectedEvent, ROLLUP_COUNTERS, rollupDeltas } from './projection-folds';

/** The projections the worker keeps, each with its own row in `projection_cursors`. */
export const PROJECTION_NAMES = ['daily-rollups', 'dossier-list'] as const;
export type ProjectionName = (typeof PROJECTION_NAMES)[number];

/** The tables each projection owns (emptied by a rebuild). */
const TABLES: Record<ProjectionName, readonly string[]> = {
  'daily-rollups': ['daily_rollups'],
  'dossier-list': ['dossier_list', 'commune_counters'],
};

/** First key of the projections' advisory locks (any fixed number; the second is the name's hash). */
const PROJECTION_LOCK_CLASS = 7_301_982;

/** What one projector round did. */
export interface ProjectionRound {
  readonly name: ProjectionName;
  /** `busy`: another worker holds the projection; `waiting`: its fence has not passed yet. */
  readonly status: 'applied' | 'waiting' | 'busy';
  readonly applied: number;
  readonly position: string;
  /** A full batch was applied: more events may wait below the fence. */
  readonly more: boolean;
}

interface CursorRow {
  position: string;
  fence_id: string | null;
  fence_xmax: string | null;
}

/**
 * The projector's side of the read models: reads `dossier_events` in id order and applies them to
 * the read tables, each projection with its own cursor. It spans communes (each row keeps its
 * `commune_code`); the commune-scoped reads are `ProjectionRepository`'s.
 *
 * **The sequence gap.** Event ids come from a sequence, drawn before commit, so a transaction can
 * commit id N+1 while the one holding id N is still open; a cursor that moved past N+1 would
 * never see N. The cursor therefore only advances to a *fence* proven complete by the transaction
 * horizon:
 * 1. read the sequence's last value L (non-transactional: every id handed out so far is ≤ L);
 * 2. in a later statement take a snapshot S and store the fence (L, xmax(S)).
 *    Every transaction that drew an id ≤ L had its transaction id before drawing it (the
 *    migration's statement trigger assigns it before the first `nextval` of any INSERT), so
 *    before step 1, so its id is < xmax(S).
 * 3. In a later round, once `pg_snapshot_xmin(pg_current_snapshot()) >= xmax(S)`, every
 *    transaction below xmax(S) has committed or rolled back: the events with id ≤ L are final —
 *    an id ≤ L that is not visible was rolled back and never appears. Only then are the events in
 *    (position, L] read, in batches, and the next fence is set.
 * So a transaction left open holds the cursor at the ids below it however many later ones
 * commit, and costs the hand-off path nothing: the projector only reads the sequence, the
 * snapshot and the log. An event reaches the read models one round after it commits.
 *
 * **Idempotence.** A round takes `pg_try_advisory_xact_lock` for its projection (several workers
 * may run the projector; one applies at a time), and applies its batch and moves the cursor in
 * one transaction: a batch is applied exactly once or not at all.
 */
export class ProjectorRepository {
  constructor(private readonly ds: DataSource) {}

  /** One round of `name`: at most `batchSize` events applied, the cursor moved in the same transaction. */
  round(name: ProjectionName, batchSize: number): Promise<ProjectionRound> {
    return this.ds.transaction(async (m) => {
      const [{ locked }] = await m.query(`SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked`, [PROJECTION_LOCK_CLASS, name]);
      if (!locked) return { name, status: 'busy', applied: 0, position: '0', more: false };
      const cursor = await this.cursor(m, name);
      // Before any write of this transaction (so it holds no transaction id yet): the new fence's two halves, in this order.
      const last = await this.lastId(m);
      const [snap] = (await m.query(
        `SELECT ($1::xid8 IS NULL OR pg_snapshot_xmin(s) >= $1::xid8) AS passed, pg_snapshot_xmax(s)::text AS xmax FROM pg_current_snapshot() s`,
        [cursor.fence_xmax],
      )) as { passed: boolean; xmax: string }[];
      if (cursor.fence_id === null || !snap.passed) {
        if (cursor.fence_id === null) await this.moveCursor(m, name, cursor.position, last, snap.xmax);
        return { name, status: 'waiting', applied: 0, position: cursor.position, more: false };
      }
      const events = await this.events(m, cursor.position, cursor.fence_id, batchSize);
      await this.apply(m, name, events);
      const full = events.length === batchSize;
      const position = full ? events[events.length - 1].id : cursor.fence_id;
      if (position === cursor.fence_id) await this.moveCursor(m, name, position, last, snap.xmax);
      else await this.moveCursor(m, name, position, cursor.fence_id, cursor.fence_xmax);
      return { name, status: 'applied', applied: events.length, position, more: full };
    });
  }

  /**
   * Replays the whole log into `name`'s tables: under the projection's lock (waiting for a running
   * round), waits for a fence over every id handed out so far, empties the tables and applies the
   * log up to it in one transaction. The tables are emptied with DELETE, not TRUNCATE, so readers
   * go on reading the old rows (MVCC) instead of waiting for the rebuild, and see the new ones at
   * its commit; the cost is dead rows for vacuum.
   */
  rebuild(name: ProjectionName, batchSize = 10_000, timeoutMs = 60_000): Promise<{ events: number; position: string }> {
    return this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [PROJECTION_LOCK_CLASS, name]);
      const last = await this.lastId(m);
      const [{ xmax }] = (await m.query(`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax`)) as { xmax: string }[];
      for (const started = Date.now(); ; ) {
        const [{ passed }] = (await m.query(`SELECT pg_snapshot_xmin(pg_current_snapshot()) >= $1::xid8 AS passed`, [xmax])) as { passed: boolean }[];
        if (passed) break;
        if (Date.now() - started > timeoutMs) throw new Error(`rebuild ${name}: transactions older than ${xmax} still open after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const table of TABLES[name]) await m.query(`DELETE FROM ${table}`);
      let position = '0';
      let total = 0;
      for (;;) {
        const events = await this.events(m, position, last, batchSize);
        if (events.length === 0) break;
        await this.apply(m, name, events);
        total += events.length;
        position = events[events.length - 1].id;
      }
      await this.moveCursor(m, name, last, null, null);
      return { events: total, position: last };
    });
  }

  private async cursor(m: EntityManager, name: ProjectionName): Promise<CursorRow> {
    const [row] = (await m.query(`SELECT position::text, fence_id::text, fence_xmax::text FROM projection_cursors WHERE name = $1`, [name])) as CursorRow[];
    if (!row) throw new Error(`projection ${name} has no cursor row`);
    return row;
  }

  /** The highest event id handed out so far (committed or not). */
  private async lastId(m: EntityManager): Promise<string> {
    const [row] = (await m.query(`SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END::text AS last FROM dossier_events_id_seq`)) as { last: string }[];
    return row.last;
  }

  private async moveCursor(m: EntityManager, name: ProjectionName, position: string, fenceId: string | null, fenceXmax: string | null): Promise<void> {
    await m.query(`UPDATE projection_cursors SET position = $2, fence_id = $3, fence_xmax = $4::xid8, updated_at = now() WHERE name = $1`, [name, position, fenceId, fenceXmax]);
  }

  private async events(m: EntityManager, after: string, upTo: string, limit: number): Promise<ProjectedEvent[]> {
    const rows = (await m.query(
      // Ordered by the bigint column, not by the text output column of the same name.
      `SELECT e.id::text AS id, e.commune_code, e.dossier_id, e.type, e.payload, e.occurred_at FROM dossier_events e WHERE e.id > $1 AND e.id <= $2 ORDER BY e.id LIMIT $3`,
      [after, upTo, limit],
    )) as { id: string; commune_code: string; dossier_id: string; type: string; payload: Record<string, unknown>; occurred_at: Date }[];
    return rows.map((r) => ({ id: r.id, communeCode: r.commune_code, dossierId: r.dossier_id, type: r.type, payload: r.payload, occurredAt: r.occurred_at }));
  }

  private async apply(m: EntityManager, name: ProjectionName, events: readonly ProjectedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const filings = await this.filings(m, [...new Set(events.map((e) => e.dossierId))]);
    if (name === 'daily-rollups') await this.applyRollups(m, events, filings);
    else await this.applyDossierList(m, events, filings);
  }

  /** Each dossier's filing, from its first event (DossierReceived) and the catalog's procedure → field. */
  private async filings(m: EntityManager, dossierIds: readonly string[]): Promise<Map<string, DossierFiling>> {
    const rows = (await m.query(
      `SELECT r.dossier_id, r.payload, r.occurred_at, pv.field_code
         FROM dossier_events r
         LEFT JOIN procedure_versions pv ON pv.commune_code = r.commune_code AND pv.code = r.payload->>'procedureCode' AND pv.version = (r.payload->>'procedureVersion')::int
        WHERE r.dossier_id = ANY($1::uuid[]) AND r.seq = 1 AND r.type = ${EventSql.type(DossierEvents.Received)}`,
      [dossierIds],
    )) as { dossier_id: string; payload: Record<string, unknown>; occurred_at: Date; field_code: string | null }[];
    return new Map(
      rows.map((r) => [
        r.dossier_id,
        {
          code: String(r.payload.code),
          procedureCode: String(r.payload.procedureCode),
          fieldCode: r.field_code ?? '',
          stateSecret: r.payload.stateSecret === true,
          channel: r.payload.channel as DossierFiling['channel'],
          receivingCommuneCode: String(r.payload.receivingCommuneCode),
          receivedAt: r.occurred_at,
          dueAt: String(r.payload.dueAt),
        },
      ]),
    );
  }

  private async applyRollups(m: EntityManager, events: readonly ProjectedEvent[], filings: ReadonlyMap<string, DossierFiling>): Promise<void> {
    const deltas = rollupDeltas(events, filings);
    if (deltas.length === 0) return;
    const records = deltas.map((d) => ({
      day: d.day,
      commune_code: d.communeCode,
      unit: d.unit,
      procedure_code: d.procedureCode,
      field_code: d.fieldCode,
      state_secret: d.stateSecret,
      ...Object.fromEntries(ROLLUP_COUNTERS.map((c) => [c, d.counts[c] ?? 0])),
    }));
    const cols = ROLLUP_COUNTERS.join(', ');
    await m.query(
      `INSERT INTO daily_rollups (day, commune_code, unit, procedure_code, field_code, state_secret, ${cols})
       SELECT day, commune_code, unit, procedure_code, field_code, state_secret, ${cols}
         FROM jsonb_to_recordset($1::jsonb) AS x(day date, commune_code text, unit text, procedure_code text, field_code text, state_secret boolean,
              ${ROLLUP_COUNTERS.map((c) => `${c} int`).join(', ')})
       ON CONFLICT (commune_code, day, unit, procedure_code, field_code, state_secret) DO UPDATE SET
         ${ROLLUP_COUNTERS.map((c) => `${c} = daily_rollups.${c} + EXCLUDED.${c}`).join(', ')}`,
      [JSON.stringify(records)],
    );
  }

  private async applyDossierList(m: EntityManager, events: readonly ProjectedEvent[], filings: ReadonlyMap<string, DossierFiling>): Promise<void> {
    const ids = [...new Set(events.map((e) => e.dossierId))];
    const existing = (await m.query(
      `SELECT dossier_id AS "dossierId", commune_code AS "communeCode", code, receiving_commune_code AS "receivingCommuneCode",
              procedure_code AS "procedureCode", field_code AS "fieldCode", channel, state_secret AS "stateSecret", state,
              received_at AS "receivedAt", due_at AS "dueAt", original_due_at AS "originalDueAt", resolved_at AS "resolvedAt", timeliness,
              overdue, apology_issued AS "apologyIssued", supplements, open_steps AS "openSteps", current_units AS "currentUnits", last_event_id::text AS "lastEventId"
         FROM dossier_list WHERE dossier_id = ANY($1::uuid[]) FOR UPDATE`,
      [ids],
    )) as DossierListRow[];
    const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));
    const rows = new Map<string, DossierListRow>(
      existing.map((r) => [r.dossierId, { ...r, receivedAt: iso(r.receivedAt), dueAt: iso(r.dueAt), originalDueAt: iso(r.originalDueAt), resolvedAt: r.resolvedAt === null ? null : iso(r.resolvedAt) }]),
    );
    for (const e of events) {
      const next = foldDossierRow(rows.get(e.dossierId), e, filings.get(e.dossierId));
      if (next) rows.set(e.dossierId, next);
    }
    const touched = [...rows.values()];
    if (touched.length === 0) return;
    await m.query(
      `INSERT INTO dossier_list (dossier_id, commune_code, code, receiving_commune_code, procedure_code, field_code, channel, state_secret, state,
                                received_at, due_at, original_due_at, resolved_at, timeliness, overdue, apology_issued, supplements, open_steps, current_units, last_event_id)
       SELECT "dossierId", "communeCode", code, "receivingCommuneCode", "procedureCode", "fieldCode", channel, "stateSecret", state,
              "receivedAt", "dueAt", "originalDueAt", "resolvedAt", timeliness, overdue, "apologyIssued", supplements, "openSteps",
              ARRAY(SELECT jsonb_array_elements_text("currentUnits")), "lastEventId"
         FROM jsonb_to_recordset($1::jsonb) AS x("dossierId" uuid, "communeCode" text, code text, "receivingCommuneCode" text, "procedureCode" text,
              "fieldCode" text, channel text, "stateSecret" boolean, state text, "receivedAt" timestamptz, "dueAt" timestamptz, "originalDueAt" timestamptz,
              "resolvedAt" timestamptz, timeliness text, overdue boolean, "apologyIssued" boolean, supplements int, "openSteps" jsonb, "currentUnits" jsonb, "lastEventId" bigint)
       ON CONFLICT (dossier_id) DO UPDATE SET state = EXCLUDED.state, due_at = EXCLUDED.due_at, original_due_at = EXCLUDED.original_due_at,
         resolved_at = EXCLUDED.resolved_at, timeliness = EXCLUDED.timeliness, overdue = EXCLUDED.overdue, apology_issued = EXCLUDED.apology_issued,
         supplements = EXCLUDED.supplements, open_steps = EXCLUDED.open_steps, current_units = EXCLUDED.current_units, last_event_id = EXCLUDED.last_event_id`,
      [JSON.stringify(touched)],
    );
    // The live counters are recounted from the list's open rows (a partial index) for the communes touched: no delta to get wrong.
    await m.query(
      `INSERT INTO commune_counters (commune_code, in_process, overdue, waiting_supplement, updated_at)
       SELECT c.code, count(l.dossier_id), count(l.dossier_id) FILTER (WHERE l.overdue), count(l.dossier_id) FILTER (WHERE l.state = 'waiting_supplement'), now()
         FROM unnest($1::text[]) AS c(code)
         LEFT JOIN dossier_list l ON l.commune_code = c.code AND l.resolved_at IS NULL AND l.state IN ('received', 'in_progress', 'waiting_supplement')
        GROUP BY c.code
       ON CONFLICT (commune_code) DO UPDATE SET in_process = EXCLUDED.in_process, overdue = EXCLUDED.overdue,
         waiting_supplement = EXCLUDED.waiting_supplement, updated_at = EXCLUDED.updated_at`,
      [[...new Set(touched.map((r) => r.communeCode))]],
    );
  }
}
