import { computeEventHash, type DossierState, GENESIS_HASH } from '@motcua/domain';
import type { DossierEntity } from '../entities/dossier.entity';
import type { HandoffEntity } from '../entities/workflow.entity';
import { CommuneRepository } from '../tenancy';
import type { ChainHead, DeadlineTimer, NewDossierEvent } from './dossier-event.repository';
import type { NewWorkItem } from './workflow.repository';

/** What a receipt reads of its dossier: the chain head, the state, and what routing looks up. */
export type ReceiptDossier = Pick<
  DossierEntity,
  'id' | 'communeCode' | 'state' | 'lastSeq' | 'lastHash' | 'stateSecret' | 'procedureVersionId' | 'receivingOfficeCode' | 'originalDueAt'
>;

/** A hand-off about to be received, with its dossier and, when it was received before, its work item's status. */
export interface ReceiptTarget {
  readonly handoff: Pick<HandoffEntity, 'id' | 'dossierId' | 'stepKey' | 'toUnit' | 'channel' | 'stepDueAt' | 'receivedAt'>;
  readonly dossier: ReceiptDossier;
  readonly itemStatus: string | null;
}

/** One receipt to write: its events after the head it read, and what else the receipt changes. */
export interface ReceiptWrite {
  readonly head: ChainHead;
  readonly handoffId: string;
  readonly receivedAt: Date;
  readonly receivedBy: string;
  readonly events: readonly NewDossierEvent[];
  readonly resolved?: { readonly state: DossierState; readonly at: Date };
  readonly workItem?: NewWorkItem;
  readonly timer?: DeadlineTimer;
  /** Raise the dossier's portal-sync mark to this seq (an event the portal hears of), as `portalWantedSql` does. */
  readonly portalUpTo?: number;
}

/** Sequence numbers, previous hashes and hashes of events appended after `head`. */
export function chainEvents(head: ChainHead, events: readonly NewDossierEvent[]): { seq: number; prevHash: string; hash: string }[] {
  let seq = head.lastSeq;
  let prev = head.lastSeq === 0 ? GENESIS_HASH : head.lastHash;
  return events.map((e) => {
    seq += 1;
    const hash = computeEventHash(prev, { dossierId: head.dossierId, seq, ...e });
    const link = { seq, prevHash: prev, hash };
    prev = hash;
    return link;
  });
}

const TARGETS = `
  SELECT h.id, h.dossier_id, h.step_key, h.to_unit, h.channel, h.step_due_at, h.received_at,
         d.state, d.last_seq, d.last_hash, d.state_secret, d.procedure_version_id, d.receiving_office_code, d.original_due_at,
         w.status AS item_status
    FROM handoffs h
    JOIN dossiers d ON d.commune_code = $1 AND d.id = h.dossier_id
    LEFT JOIN work_items w ON w.commune_code = $1 AND w.dossier_id = h.dossier_id AND w.step_key = h.step_key
   WHERE h.commune_code = $1 AND h.id = ANY($2::uuid[])`;

/**
 * Every receipt of a batch in one statement, with no transaction around it (a statement is
 * atomic by itself). `moved` is the guard: a dossier's head moves only if it is still where the
 * receipt read it and the hand-off is still unreceived; every other change of that receipt hangs
 * on the dossier being in `moved`, so a receipt that lost a race writes nothing at all, and the
 * others of the batch still commit. Two deliveries of one hand-off cannot both pass: the second
 * waits for the first's row lock on the dossier, and its re-check finds the head moved.
 */
const WRITE = `
  WITH v AS (
    SELECT * FROM unnest($2::uuid[], $3::int[], $4::int[], $5::text[], $6::text[], $7::timestamptz[], $8::uuid[], $9::timestamptz[], $10::text[])
      AS v(dossier_id, expected_seq, new_seq, new_hash, new_state, resolved_at, handoff_id, received_at, received_by)
  ), moved AS (
    UPDATE dossiers d SET last_seq = v.new_seq, last_hash = v.new_hash, state = coalesce(v.new_state, d.state),
           resolved_at = coalesce(v.resolved_at, d.resolved_at), updated_at = now()
      FROM v
     WHERE d.commune_code = $1 AND d.id = v.dossier_id AND d.last_seq = v.expected_seq
       AND EXISTS (SELECT 1 FROM handoffs h WHERE h.commune_code = $1 AND h.id = v.handoff_id AND h.dossier_id = v.dossier_id AND h.received_at IS NULL)
    RETURNING d.id
  ), marked AS (
    UPDATE handoffs h SET received_at = v.received_at, received_by = v.received_by
      FROM v JOIN moved m ON m.id = v.dossier_id
     WHERE h.commune_code = $1 AND h.id = v.handoff_id
    RETURNING h.id
  ), appended AS (
    INSERT INTO dossier_events (commune_code, dossier_id, seq, type, payload, actor, occurred_at, prev_hash, hash)
    SELECT $1, e.* FROM unnest($11::uuid[], $12::int[], $13::text[], $14::jsonb[], $15::text[], $16::timestamptz[], $17::text[], $18::text[])
      AS e(dossier_id, seq, type, payload, actor, occurred_at, prev_hash, hash)
     WHERE e.dossier_id IN (SELECT id FROM moved)
    RETURNING 1
  ), items AS (
    INSERT INTO work_items (commune_code, dossier_id, unit_kind, step_key, status, handoff_id, due_at, automatic)
    SELECT $1, w.dossier_id, w.unit_kind, w.step_key, 'pending', w.handoff_id, w.due_at, w.automatic
      FROM unnest($19::uuid[], $20::text[], $21::text[], $22::uuid[], $23::timestamptz[], $24::text[]) AS w(dossier_id, unit_kind, step_key, handoff_id, due_at, automatic)
     WHERE w.dossier_id IN (SELECT id FROM moved)
    ON CONFLICT (dossier_id, step_key) DO NOTHING
    RETURNING 1
  ), timed AS (
    INSERT INTO deadline_timers (commune_code, dossier_id, kind, step_key, due_at, fire_at)
    SELECT $1, t.* FROM unnest($25::uuid[], $26::text[], $27::text[], $28::timestamptz[], $29::timestamptz[]) AS t(dossier_id, kind, step_key, due_at, fire_at)
     WHERE t.dossier_id IN (SELECT id FROM moved)
    ON CONFLICT (dossier_id, kind, step_key, due_at) DO NOTHING
    RETURNING 1
  ), portal AS (
    INSERT INTO portal_sync (dossier_id, commune_code, wanted_seq, synced_seq)
    SELECT p.dossier_id, $1, p.up_to, v.expected_seq FROM unnest($30::uuid[], $31::int[]) AS p(dossier_id, up_to) JOIN v ON v.dossier_id = p.dossier_id
     WHERE p.dossier_id IN (SELECT id FROM moved)
    ON CONFLICT (dossier_id) DO UPDATE SET wanted_seq = greatest(portal_sync.wanted_seq, EXCLUDED.wanted_seq), updated_at = now()
    RETURNING 1
  )
  SELECT id::text FROM moved`;

/**
 * The hand-off path's receipts (issue 10): two prepared statements straight on the pg pool, for
 * a whole batch of receipts of one commune — one reads the hand-offs with their dossiers, one
 * writes every receipt that still applies. No transaction, no TypeORM query runner, no lock held
 * while Node works.
 */
export class ReceiptRepository extends CommuneRepository {
  async targets(handoffIds: readonly string[]): Promise<Map<string, ReceiptTarget>> {
    const rows = await this.prepared<Record<string, unknown>>('motcua_receipt_targets', TARGETS, [handoffIds]);
    const out = new Map<string, ReceiptTarget>();
    for (const r of rows) {
      out.set(String(r.id), {
        handoff: {
          id: String(r.id),
          dossierId: String(r.dossier_id),
          stepKey: String(r.step_key),
          toUnit: String(r.to_unit),
          channel: r.channel as HandoffEntity['channel'],
          stepDueAt: (r.step_due_at as Date | null) ?? null,
          receivedAt: (r.received_at as Date | null) ?? null,
        },
        dossier: {
          id: String(r.dossier_id),
          communeCode: this.communeCode,
          state: r.state as DossierState,
          lastSeq: Number(r.last_seq),
          lastHash: String(r.last_hash),
          stateSecret: r.state_secret === true,
          procedureVersionId: r.procedure_version_id as DossierEntity['procedureVersionId'],
          receivingOfficeCode: String(r.receiving_office_code),
          originalDueAt: r.original_due_at as Date,
        },
        itemStatus: (r.item_status as string | null) ?? null,
      });
    }
    return out;
  }

  /** Writes the receipts that still apply; returns the ids of the dossiers whose receipt was written. */
  async write(batch: readonly ReceiptWrite[]): Promise<Set<string>> {
    const cols = Array.from({ length: 30 }, () => [] as unknown[]);
    const push = (from: number, ...values: unknown[]) => values.forEach((v, i) => cols[from + i].push(v));
    for (const r of batch) {
      const links = chainEvents(r.head, r.events);
      const last = links[links.length - 1];
      push(0, r.head.dossierId, r.head.lastSeq, last.seq, last.hash, r.resolved?.state ?? null, r.resolved?.at ?? null, r.handoffId, r.receivedAt, r.receivedBy);
      r.events.forEach((e, i) =>
        push(9, r.head.dossierId, links[i].seq, e.type, JSON.stringify(e.payload), e.actor, e.occurredAt, links[i].prevHash, links[i].hash),
      );
      if (r.workItem) push(17, r.head.dossierId, r.workItem.unitKind, r.workItem.stepKey, r.workItem.handoffId, r.workItem.dueAt, r.workItem.automatic);
      if (r.timer) push(23, r.head.dossierId, r.timer.kind, r.timer.stepKey ?? '', r.timer.dueAt, r.timer.fireAt);
      if (r.portalUpTo !== undefined) push(28, r.head.dossierId, r.portalUpTo);
    }
    const rows = await this.prepared<{ id: string }>('motcua_receipt_write', WRITE, cols);
    return new Set(rows.map((r) => r.id));
  }
}
