import type { AutomaticStepKind } from '@motcua/domain';
import type { BhxhClient, PaymentClient, PopulationClient } from '@motcua/connectors';
import type { DossierEntity } from '@motcua/persistence';

/** What an automatic step concluded. `needs_officer`: the outside system could not decide. */
export type AutomaticOutcome =
  | { readonly kind: 'done'; readonly result: Record<string, unknown> }
  | { readonly kind: 'needs_officer'; readonly reason: string };

/**
 * Runs the steps that complete without a person (DESIGN.md §4.2), by asking the outside system.
 * The hand-off id is the idempotency key of every call, so a retried job never pays twice or
 * issues a second card.
 */
export class AutomaticSteps {
  constructor(
    private readonly payment: PaymentClient,
    private readonly population: PopulationClient,
    private readonly bhxh: BhxhClient,
  ) {}

  async run(kind: AutomaticStepKind, dossier: DossierEntity, handoffId: string): Promise<AutomaticOutcome> {
    switch (kind) {
      case 'fee-payment': {
        const paid = await this.payment.confirm({ reference: handoffId, dossierCode: dossier.code, amount: Number(dossier.feeAmount) });
        return { kind: 'done', result: { transactionId: paid.transactionId, paidAt: paid.paidAt } };
      }
      case 'identity-check': {
        if (!dossier.applicantIdNumber) return { kind: 'needs_officer', reason: 'no_id_number' };
        const checked = await this.population.verify({ reference: handoffId, idNumber: dossier.applicantIdNumber, fullName: dossier.applicantName });
        return checked.match ? { kind: 'done', result: { identity: 'verified' } } : { kind: 'needs_officer', reason: checked.reason };
      }
      case 'bhxh-card': {
        const card = await this.bhxh.issueCard({ reference: handoffId, dossierCode: dossier.code, fullName: dossier.applicantName });
        return { kind: 'done', result: { cardNumber: card.cardNumber, issuedAt: card.issuedAt } };
      }
    }
  }
}
