import { computeEventHash, type DossierState, GENESIS_HASH } from '@motcua/domain';
import { DossierEventEntity } from '../entities/dossier-event.entity';
import { CommuneRepository } from '../tenancy';
import { ConcurrentModificationError } from './errors';
import { type OutboxMessage, OutboxRepository, outboxInsert } from './outbox.repository';
import { portalWantedSql } from './portal-sync.repository';
import { handoffInsert, type NewHandoff, workItemsDone } from './workflow.repository';

/** An event about to be appended to a dossier's log. */
export interface NewDossierEvent {
  readonly type: string;
  readonly payload: Record<string, unknown>;
  readonly actor: string;
  readonly occurredAt: Date;
}

/**
 * A reminder a command sets (hạn xử lý): at `fireAt` the deadline sweeper checks whether the
 * deadline `dueAt` of `kind` (and of `stepKey`, for a step) still applies, and acts once.
 */
export interface DeadlineTimer {
  readonly kind: string;
  readonly dueAt: Date;
  readonly fireAt: Date;
  readonly stepKey?: string;
}

/** What one command writes with its events, in the same statement. */
export interface ChainWrite {
  readonly events: readonly NewDossierEvent[];
  /** The dossier's new state, moved with the chain head. */
  readonly state?: DossierState;
  readonly messages?: readonly OutboxMessage[];
  readonly timers?: readonly DeadlineTimer[];
  /**
   * The seq of the last event the portal is to hear of, when the command recorded one: the
   * dossier's `portal_sync.wanted_seq` is raised to it (never lowered), for the portal syncer.
   */
  readonly portalUpTo?: number;
  /** Electronic hand-offs the command sends (their jobs are among `messages`). */
  readonly handoffs?: readonly NewHandoff[];
  /** Work items the command completed. */
  readonly completedWorkItems?: readonly { readonly id: string; readonly at: Date }[];
}

/** Where a dossier's chain stands: its last sequence number and hash. */
export interface ChainHead {
  readonly dossierId: string;
  readonly lastSeq: number;
  readonly lastHash: string;
}

/**
 * Appends to dossier_events. The chain head lives on the dossier row; moving it with
 * `WHERE last_seq = expected` makes the append fail if another command got there first, and the
 * unique (dossier_id, seq) constraint backs that up.
 */
export class DossierEventRepository extends CommuneRepository {
  /**
   * Appends events after `head`, moves the head (and the dossier's state, when given) and writes
   * the command's outbox messages, deadline timers, portal-sync mark, electronic hand-offs and
   * completed work items, in one statement;
   * returns the new head.
   * Runs inside the caller's transaction.
   */
  async append(head: ChainHead, write: ChainWrite): Promise<ChainHead> {
    const { events, state: newState } = write;
    const messages = write.messages ?? [];
    const timers = write.timers ?? [];
    const handoffs = write.handoffs ?? [];
    const completed = write.completedWorkItems ?? [];
    if (events.length === 0 && newState === undefined && timers.length === 0 && handoffs.length === 0 && completed.length === 0) {
      await this.sibling(OutboxRepository).add(messages);
      return head;
    }
    let seq = head.lastSeq;
    let prev = head.lastSeq === 0 ? GENESIS_HASH : head.lastHash;
    // $1 is the commune (bound by the base class); each value after it takes the next number.
    const values: unknown[] = [];
    const param = (value: unknown): string => {
      values.push(value);
      return `$${values.length + 1}`;
    };
    const rows: string[] = [];
    for (const e of events) {
      seq += 1;
      const hash = computeEventHash(prev, { dossierId: head.dossierId, seq, ...e });
      const cells = [head.dossierId, seq, e.type, JSON.stringify(e.payload), e.actor, e.occurredAt, prev, hash].map(param);
      rows.push(`($1, ${cells.join(', ')})`);
      prev = hash;
    }
    const ctes: string[] = [];
    if (rows.length > 0) {
      ctes.push(`appended AS (INSERT INTO dossier_events (commune_code, dossier_id, seq, type, payload, actor, occurred_at, prev_hash, hash)
         VALUES ${rows.join(', ')} RETURNING 1)`);
    }
    if (messages.length > 0) {
      ctes.push(`queued AS (${outboxInsert(messages, param)} RETURNING 1)`);
    }
    if (timers.length > 0) {
      // A reminder set twice for the same deadline (a re-delivered command) is one row.
      const tuples = timers.map((t) => `($1, ${param(head.dossierId)}, ${param(t.kind)}, ${param(t.stepKey ?? '')}, ${param(t.dueAt)}::timestamptz, ${param(t.fireAt)}::timestamptz)`);
      ctes.push(`timed AS (INSERT INTO deadline_timers (commune_code, dossier_id, kind, step_key, due_at, fire_at) VALUES ${tuples.join(', ')}
         ON CONFLICT (dossier_id, kind, step_key, due_at) DO NOTHING RETURNING 1)`);
    }
    if (handoffs.length > 0) ctes.push(`sent AS (${handoffInsert(handoffs, param)} RETURNING 1)`);
    if (completed.length > 0) ctes.push(`done AS (${workItemsDone(completed, param)} RETURNING 1)`);
    if (write.portalUpTo !== undefined && rows.length > 0) {
      ctes.push(`portal AS (${portalWantedSql(param(head.dossierId), param(write.portalUpTo), param(head.lastSeq))})`);
    }
    // One round trip for the events, the outbox rows, the chain head and the state: the hand-off
    // path is dominated by round trips (each a costly socket write here), not by PostgreSQL work.
    const insert = ctes.length > 0 ? `WITH ${ctes.join(', ')} ` : '';
    const [, affected] = await this.sql<[unknown, number]>(
      `${insert}UPDATE dossiers SET last_seq = ${param(seq)}, last_hash = ${param(prev)}, state = coalesce(${param(newState ?? null)}, state), updated_at = now()
        WHERE commune_code = $1 AND id = ${param(head.dossierId)} AND last_seq = ${param(head.lastSeq)}`,
      values,
    );
    if (affected !== 1) throw new ConcurrentModificationError(head.dossierId);
    return { ...head, lastSeq: seq, lastHash: prev };
  }

  /** A dossier's events in sequence order (the chain check and the history views read them). */
  listByDossier(dossierId: string): Promise<DossierEventEntity[]> {
    return this.entities(DossierEventEntity, `SELECT * FROM dossier_events WHERE commune_code = $1 AND dossier_id = $2 ORDER BY seq`, [dossierId]);
  }

  async findOne(dossierId: string, seq: number): Promise<DossierEventEntity | null> {
    const [row] = await this.entities(DossierEventEntity, `SELECT * FROM dossier_events WHERE commune_code = $1 AND dossier_id = $2 AND seq = $3`, [dossierId, seq]);
    return row ?? null;
  }
}
