import { EntityManager } from 'typeorm';
import { computeEventHash, type DossierState, GENESIS_HASH } from '@motcua/domain';
import { DossierEventEntity } from '../entities/dossier-event.entity';
import { ConcurrentModificationError } from './errors';
import { type OutboxMessage, OutboxRepository } from './outbox.repository';

/** An event about to be appended to a dossier's log. */
export interface NewDossierEvent {
  readonly type: string;
  readonly payload: Record<string, unknown>;
  readonly actor: string;
  readonly occurredAt: Date;
}

/** Where a dossier's chain stands: its last sequence number and hash. */
export interface ChainHead {
  readonly dossierId: string;
  readonly communeCode: string;
  readonly lastSeq: number;
  readonly lastHash: string;
}

/**
 * Appends to dossier_events. The chain head lives on the dossier row; moving it with
 * `WHERE last_seq = expected` makes the append fail if another command got there first, and the
 * unique (dossier_id, seq) constraint backs that up.
 */
export class DossierEventRepository {
  constructor(private readonly m: EntityManager) {}

  /**
   * Appends events after `head`, moves the head (and the dossier's state, when given) and writes
   * the command's outbox messages, in one statement; returns the new head. Runs inside the
   * caller's transaction.
   */
  async append(
    head: ChainHead,
    events: readonly NewDossierEvent[],
    newState?: DossierState,
    messages: readonly OutboxMessage[] = [],
  ): Promise<ChainHead> {
    if (events.length === 0 && newState === undefined) {
      await new OutboxRepository(this.m).add(messages);
      return head;
    }
    let seq = head.lastSeq;
    let prev = head.lastSeq === 0 ? GENESIS_HASH : head.lastHash;
    const values: unknown[] = [];
    const rows: string[] = [];
    for (const e of events) {
      seq += 1;
      const hash = computeEventHash(prev, { dossierId: head.dossierId, seq, ...e });
      const p = values.length;
      rows.push(`($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7}, $${p + 8}, $${p + 9})`);
      values.push(head.communeCode, head.dossierId, seq, e.type, JSON.stringify(e.payload), e.actor, e.occurredAt, prev, hash);
      prev = hash;
    }
    const ctes: string[] = [];
    if (rows.length > 0) {
      ctes.push(`appended AS (INSERT INTO dossier_events (commune_code, dossier_id, seq, type, payload, actor, occurred_at, prev_hash, hash)
         VALUES ${rows.join(', ')} RETURNING 1)`);
    }
    if (messages.length > 0) {
      const queued = messages.map((msg) => {
        const p = values.length;
        values.push(msg.communeCode, msg.queue, msg.jobName, JSON.stringify(msg.payload), msg.runAt ?? null);
        return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}::timestamptz)`;
      });
      ctes.push(`queued AS (INSERT INTO outbox (commune_code, queue, job_name, payload, run_at) VALUES ${queued.join(', ')} RETURNING 1)`);
    }
    // One round trip for the events, the outbox rows, the chain head and the state: the hand-off
    // path is dominated by round trips (each a costly socket write here), not by PostgreSQL work.
    const n = values.length;
    const insert = ctes.length > 0 ? `WITH ${ctes.join(', ')} ` : '';
    const [, affected] = (await this.m.query(
      `${insert}UPDATE dossiers SET last_seq = $${n + 2}, last_hash = $${n + 3}, state = coalesce($${n + 5}, state), updated_at = now()
        WHERE id = $${n + 1} AND last_seq = $${n + 4}`,
      [...values, head.dossierId, seq, prev, head.lastSeq, newState ?? null],
    )) as [unknown, number];
    if (affected !== 1) throw new ConcurrentModificationError(head.dossierId);
    return { ...head, lastSeq: seq, lastHash: prev };
  }

  /** A dossier's events in sequence order (the chain check and the history views read them). */
  listByDossier(dossierId: string): Promise<DossierEventEntity[]> {
    return this.m.find(DossierEventEntity, { where: { dossierId }, order: { seq: 'ASC' } });
  }

  findOne(dossierId: string, seq: number): Promise<DossierEventEntity | null> {
    return this.m.findOne(DossierEventEntity, { where: { dossierId, seq } });
  }
}
