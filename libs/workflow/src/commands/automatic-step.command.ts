import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@motcua/domain';
import { type ActingUser } from '../access';
import { DossierCommandPipeline } from '../dossier-command-pipeline';
import { applyReceipt } from '../routing';
import { completeStepIn, type CompleteStepResult } from './complete-step.command';

/**
 * Bước tự động: the outside system answered an automatic step (the fee paid, the card issued),
 * so its receipt and its completion are recorded in one transaction — the step never sits in the
 * inbox between them. When the hand-off was received before (the call failed then, or a
 * supervisor re-drives the step), only the completion is left to record.
 */
export class CompleteAutomaticStepCommand {
  constructor(
    readonly communeCode: string,
    readonly dossierId: string,
    readonly handoffId: string,
    /** The unit's consumer, which records the receipt. */
    readonly receivedBy: string,
    readonly actor: ActingUser,
    /** What the outside system answered (transaction id, card number…). */
    readonly result: Record<string, unknown>,
  ) {}
}

/**
 * `received`: only the receipt applied (the dossier stopped meanwhile); `duplicate`: an earlier
 * delivery completed the step already.
 */
export type AutomaticStepOutcome = { readonly outcome: 'completed'; readonly next: CompleteStepResult } | { readonly outcome: 'received' | 'duplicate' };

@CommandHandler(CompleteAutomaticStepCommand)
export class CompleteAutomaticStepHandler implements ICommandHandler<CompleteAutomaticStepCommand, AutomaticStepOutcome> {
  constructor(private readonly pipeline: DossierCommandPipeline) {}

  execute(c: CompleteAutomaticStepCommand): Promise<AutomaticStepOutcome> {
    return this.pipeline.run({ communeCode: c.communeCode, dossierId: c.dossierId, actor: c.receivedBy }, ['workflow', 'casework', 'dossiers'], async (ctx) => {
      const found = await ctx.tx.workflow.receive(c.handoffId, ctx.now, c.receivedBy);
      if (!found || found.handoff.dossierId !== c.dossierId) throw new NotFoundError('Không tìm thấy lượt chuyển hồ sơ.', { handoffId: c.handoffId });
      if (found.received) await applyReceipt(ctx, found.handoff, c.receivedBy);
      const items = await ctx.tx.workflow.workItemsOf(c.dossierId);
      const item = items.find((w) => w.stepKey === found.handoff.stepKey);
      if (!item || item.status !== 'pending') return { outcome: found.received ? 'received' : 'duplicate' };
      const next = await completeStepIn(ctx, item, items, { actor: c.actor, result: c.result });
      return { outcome: 'completed', next };
    });
  }
}
