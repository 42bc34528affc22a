import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json';

/** Hash the first event of a dossier chains to. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of a dossier event that its hash covers. */
export interface ChainedEvent {
  readonly dossierId: string;
  readonly seq: number;
  readonly type: string;
  readonly payload: unknown;
  readonly occurredAt: Date;
  readonly actor: string;
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * SHA-256 over the previous hash and the event's content in canonical JSON (RFC 8785): editing,
 * removing or reordering any event breaks every link after it.
 */
export function computeEventHash(prevHash: string, e: Omit<ChainedEvent, 'prevHash' | 'hash'>): string {
  const body = canonicalJson({
    dossierId: e.dossierId,
    seq: e.seq,
    type: e.type,
    payload: e.payload,
    occurredAt: e.occurredAt.toISOString(),
    actor: e.actor,
  });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/** The first broken link of a dossier's chain, or undefined when the chain is intact. */
export interface BrokenLink {
  readonly dossierId: string;
  readonly seq: number;
  readonly reason: 'sequence_gap' | 'prev_hash_mismatch' | 'hash_mismatch';
}

/** Verifies one dossier's events, given in sequence order. */
export function verifyChain(events: readonly ChainedEvent[]): BrokenLink | undefined {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const e of events) {
    if (e.seq !== expectedSeq) return { dossierId: e.dossierId, seq: e.seq, reason: 'sequence_gap' };
    if (e.prevHash !== prev) return { dossierId: e.dossierId, seq: e.seq, reason: 'prev_hash_mismatch' };
    if (computeEventHash(prev, e) !== e.hash) return { dossierId: e.dossierId, seq: e.seq, reason: 'hash_mismatch' };
    prev = e.hash;
    expectedSeq += 1;
  }
  return undefined;
}
