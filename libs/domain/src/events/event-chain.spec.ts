import { canonicalJson } from '../canonical-json';
import { type ChainedEvent, computeEventHash, GENESIS_HASH, verifyChain } from './event-chain';

function chain(n: number): ChainedEvent[] {
  const events: ChainedEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const base = { dossierId: 'd1', seq, type: `E${seq}`, payload: { n: seq, nested: { b: 1, a: 2 } }, occurredAt: new Date(Date.UTC(2026, 0, seq)), actor: 'x' };
    const hash = computeEventHash(prev, base);
    events.push({ ...base, prevHash: prev, hash });
    prev = hash;
  }
  return events;
}

describe('event hash chain', () => {
  it('accepts an intact chain', () => {
    expect(verifyChain(chain(4))).toBeUndefined();
  });

  it('names the first event whose content was edited', () => {
    const events = chain(4);
    events[2] = { ...events[2], payload: { n: 99 } };
    expect(verifyChain(events)).toEqual({ dossierId: 'd1', seq: 3, reason: 'hash_mismatch' });
  });

  it('finds a removed event as a sequence gap', () => {
    const events = chain(4);
    events.splice(1, 1);
    expect(verifyChain(events)).toEqual({ dossierId: 'd1', seq: 3, reason: 'sequence_gap' });
  });

  it('finds a rewritten hash through the next link', () => {
    const events = chain(3);
    const forged = { ...events[1], payload: { n: 42 } };
    events[1] = { ...forged, hash: computeEventHash(forged.prevHash, forged) };
    expect(verifyChain(events)).toEqual({ dossierId: 'd1', seq: 3, reason: 'prev_hash_mismatch' });
  });

  it('hashes content independently of key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });
});
