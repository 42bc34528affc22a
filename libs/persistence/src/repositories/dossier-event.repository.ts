import { EntityManager } from 'typeorm';
import { computeEventHash, GENESIS_HASH } from '@motcua/domain';
import { ConcurrentModificationError } from './errors';

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

  /** Appends events after `head`; returns the new head. Runs inside the caller's transaction. */
  async append(head: ChainHead, events: readonly NewDossierEvent[]): Promise<ChainHead> {
    if (events.length === 0) return head;
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
    // One statement for all of a command's events: fewer round trips on the hand-off path.
    await this.m.query(
      `INSERT INTO dossier_events (commune_code, dossier_id, seq, type, payload, actor, occurred_at, prev_hash, hash) VALUES ${rows.join(', ')}`,
      values,
    );
    const [, affected] = (await this.m.query(
      `UPDATE dossiers SET last_seq = $2, last_hash = $3, updated_at = now() WHERE id = $1 AND last_seq = $4`,
      [head.dossierId, seq, prev, head.lastSeq],
    )) as [unknown, number];
    if (affected !== 1) throw new ConcurrentModificationError(head.dossierId);
    return { ...head, lastSeq: seq, lastHash: prev };
  }
}
