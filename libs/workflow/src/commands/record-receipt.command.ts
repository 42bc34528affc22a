import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isTerminal, NotFoundError, type RouteStep } from '@motcua/domain';
import { UnitOfWork } from '@motcua/persistence';
import { Clock } from '../clock';
import { failpoint } from '@motcua/persistence';
import { ReferenceCache } from '../reference-cache';
import { applyReceipt, findStep } from '../routing';
import { openDossier } from './routing-context';

/** Tiếp nhận hồ sơ chuyển đến: a unit's consumer records the receipt of an electronic hand-off. */
export class RecordReceiptCommand {
  constructor(
    readonly communeCode: string,
    readonly dossierId: string,
    readonly handoffId: string,
    /** Who recorded it: the unit's consumer. */
    readonly receivedBy: string,
  ) {}
}

export interface RecordReceiptResult {
  /** `duplicate`: this hand-off was received before (BullMQ delivered the job again). */
  readonly outcome: 'received' | 'duplicate';
  readonly step: RouteStep;
  /** Whether the step still waits in the inbox (an automatic step may still have to run). */
  readonly pending: boolean;
}

/**
 * Idempotent on the hand-off id: under the dossier's lock, the receipt is written only if the
 * hand-off has none, so a second delivery finds it there and changes nothing. One transaction writes the receipt, the work item
 * (or the result-ready state for the return to the desk) and the HandoffReceived event.
 */
@CommandHandler(RecordReceiptCommand)
export class RecordReceiptHandler implements ICommandHandler<RecordReceiptCommand, RecordReceiptResult> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly refs: ReferenceCache,
    private readonly clock: Clock,
  ) {}

  async execute(c: RecordReceiptCommand): Promise<RecordReceiptResult> {
    const now = this.clock.now();
    return this.uow.run(c.communeCode, async (tx) => {
      const ctx = await openDossier(tx, this.refs, c.dossierId, c.receivedBy, now);
      const found = await tx.workflow.receive(c.handoffId, now, c.receivedBy);
      if (!found || found.handoff.dossierId !== c.dossierId) throw new NotFoundError('Không tìm thấy lượt chuyển hồ sơ.', { handoffId: c.handoffId });
      const { handoff } = found;
      const step = findStep(ctx.procedure, handoff.stepKey);
      if (!step) throw new Error(`step ${handoff.stepKey} is not in the pinned route of dossier ${c.dossierId}`);
      if (!found.received) {
        const item = await tx.workflow.findWorkItem(c.dossierId, handoff.stepKey);
        return { outcome: 'duplicate', step, pending: item?.status === 'pending' };
      }
      await applyReceipt(ctx, handoff, c.receivedBy);
      await ctx.journal.flush();
      await failpoint('receipt.before-commit');
      return { outcome: 'received', step, pending: step.share > 0 && !isTerminal(ctx.dossier.state) };
    });
  }
}
