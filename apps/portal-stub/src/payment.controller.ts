import { BadRequestException, Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { playFault } from './fault-plan';
import { type PaymentTransaction, PaymentState } from './payment-state';
import { rawField, referenceConflict, textField } from './request-body';

/**
 * Stand-in for the payment platform (Nền tảng thanh toán của Cổng DVCQG): confirms that a
 * dossier's fee was paid. Idempotent by `reference`: a repeat answers the same transaction and
 * makes no second one.
 */
@Controller()
export class PaymentController {
  constructor(private readonly state: PaymentState) {}

  @Post('payment/confirm')
  @HttpCode(200)
  async confirm(@Body() body: unknown): Promise<{ status: 'paid'; transactionId: string; paidAt: string }> {
    await playFault(this.state.faults, 'Nền tảng thanh toán');
    const reference = textField(body, 'reference');
    const dossierCode = textField(body, 'dossierCode');
    const amount = rawField(body, 'amount');
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) {
      throw new BadRequestException({ error: 'invalid_amount', message: 'Số tiền phải là số nguyên không âm (đồng)' });
    }
    const existing = this.state.transactions.get(reference);
    if (existing && (existing.dossierCode !== dossierCode || existing.amount !== amount)) throw referenceConflict(reference);
    const tx = this.state.confirm(reference, dossierCode, amount);
    return { status: 'paid', transactionId: tx.transactionId, paidAt: tx.paidAt };
  }

  @Get('stub/payment/transactions')
  transactions(): PaymentTransaction[] {
    return [...this.state.transactions.values()];
  }
}
