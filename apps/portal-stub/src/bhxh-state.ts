import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { FaultSwitch } from './fault-plan';

/** Thẻ bảo hiểm y tế do Bảo hiểm xã hội cấp: one health-insurance card BHXH issued. */
export interface BhxhCard {
  /** The caller's idempotency key (a hand-off id). */
  reference: string;
  dossierCode: string;
  fullName: string;
  /** 'TE1' (child under six, benefit level 1) + 12 digits. */
  cardNumber: string;
  issuedAt: string;
}

/**
 * The card number for a reference: 'TE1' + 12 digits from its SHA-256, so the same hand-off
 * always gets the same number, even across a stub restart. Two references sharing a number is a
 * 1-in-10^12 chance per pair, acceptable for a stand-in.
 */
export function cardNumberFor(reference: string): string {
  const hash = createHash('sha256').update(reference, 'utf8').digest();
  return `TE1${(hash.readBigUInt64BE(0) % 1_000_000_000_000n).toString().padStart(12, '0')}`;
}

/** The stand-in social-insurance system's own state: cards by reference, fault plan. */
@Injectable()
export class BhxhState {
  readonly cards = new Map<string, BhxhCard>();
  readonly faults = new FaultSwitch();

  /** Issues the card for `reference` once; a repeat returns the first card. */
  issue(reference: string, dossierCode: string, fullName: string): BhxhCard {
    const existing = this.cards.get(reference);
    if (existing) return existing;
    const card: BhxhCard = { reference, dossierCode, fullName, cardNumber: cardNumberFor(reference), issuedAt: new Date().toISOString() };
    this.cards.set(reference, card);
    return card;
  }

  reset(): void {
    this.cards.clear();
    this.faults.reset();
  }
}
