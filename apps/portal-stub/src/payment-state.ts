import { Injectable } from '@nestjs/common';
import { FaultSwitch } from './fault-plan';

/** Giao dịch thanh toán phí, lệ phí: one fee payment the payment platform confirmed. */
export interface PaymentTransaction {
  /** The caller's idempotency key (a hand-off id). */
  reference: string;
  dossierCode: string;
  /** In đồng, a non-negative integer. */
  amount: number;
  transactionId: string;
  paidAt: string;
}

/** The stand-in payment platform's own state: transactions by reference, fault plan. */
@Injectable()
export class PaymentState {
  readonly transactions = new Map<string, PaymentTransaction>();
  readonly faults = new FaultSwitch();
  private sequence = 0;

  /** Records the payment for `reference` once; a repeat returns the first transaction. */
  confirm(reference: string, dossierCode: string, amount: number): PaymentTransaction {
    const existing = this.transactions.get(reference);
    if (existing) return existing;
    const now = new Date();
    this.sequence += 1;
    // GD + the Vietnamese (UTC+7) date + a daily-looking sequence, like a bank transaction number.
    const day = new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
    const tx: PaymentTransaction = {
      reference,
      dossierCode,
      amount,
      transactionId: `GD${day}${String(this.sequence).padStart(6, '0')}`,
      paidAt: now.toISOString(),
    };
    this.transactions.set(reference, tx);
    return tx;
  }

  reset(): void {
    this.transactions.clear();
    this.sequence = 0;
    this.faults.reset();
  }
}
