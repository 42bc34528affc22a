import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { type BhxhCard, BhxhState } from './bhxh-state';
import { playFault } from './fault-plan';
import { referenceConflict, textField } from './request-body';

/**
 * Stand-in for Vietnam Social Security (Bảo hiểm xã hội Việt Nam, BHXH): issues the
 * health-insurance card of a child whose birth was registered. Idempotent by `reference`: a
 * repeat answers the same card and issues no second one.
 */
@Controller()
export class BhxhController {
  constructor(private readonly state: BhxhState) {}

  @Post('bhxh/cards')
  @HttpCode(200)
  async issue(@Body() body: unknown): Promise<{ cardNumber: string; issuedAt: string }> {
    await playFault(this.state.faults, 'Hệ thống Bảo hiểm xã hội');
    const reference = textField(body, 'reference');
    const dossierCode = textField(body, 'dossierCode');
    const fullName = textField(body, 'fullName').normalize('NFC').trim();
    const existing = this.state.cards.get(reference);
    if (existing && (existing.dossierCode !== dossierCode || existing.fullName !== fullName)) throw referenceConflict(reference);
    const card = this.state.issue(reference, dossierCode, fullName);
    return { cardNumber: card.cardNumber, issuedAt: card.issuedAt };
  }

  @Get('stub/bhxh/cards')
  cards(): BhxhCard[] {
    return [...this.state.cards.values()];
  }
}
