import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { judgeTimeliness, nextProgress, toPortalStatus, transition, type UnitKind } from '@motcua/domain';
import { UnitOfWork } from '@motcua/persistence';
import { type ActingUser, assertMayAct } from '../access';
import { Clock } from '../clock';
import { StepNotPendingError } from '../errors';
import { DossierEvents, type HandoffRequest } from '../events';
import { ReferenceCache } from '../reference-cache';
import { findStep, handOff, resolveChannel, RETURN_STEP } from '../routing';
import { openDossier } from './routing-context';

/** Hoàn thành bước xử lý: a unit finished its step; the dossier moves on along its route. */
export class CompleteStepCommand {
  constructor(
    readonly communeCode: string,
    readonly dossierId: string,
    readonly stepKey: string,
    readonly actor: ActingUser,
    readonly notes?: string,
    /** How the next hand-off travels; electronic unless the officer carries it on paper. */
    readonly handoff?: HandoffRequest,
    /** What an automatic step's outside system answered (transaction id, card number…). */
    readonly result?: Record<string, unknown>,
  ) {}
}

/** Where the dossier went after the step. */
export interface CompleteStepResult {
  readonly next: 'handoff' | 'wait' | 'return';
  readonly toUnits: readonly UnitKind[];
}

/**
 * One transaction: mark the work item done, record StepCompleted, and route on: the next stage's
 * units (several at once for a fork), nothing while other branches of a fork are still open
 * (join), or back to the one-stop desk after the last stage.
 */
@CommandHandler(CompleteStepCommand)
export class CompleteStepHandler implements ICommandHandler<CompleteStepCommand, CompleteStepResult> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly refs: ReferenceCache,
    private readonly clock: Clock,
  ) {}

  async execute(c: CompleteStepCommand): Promise<CompleteStepResult> {
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      assertMayAct(c.actor, c.communeCode);
      const ctx = await openDossier(tx, this.refs, c.communeCode, c.dossierId, c.actor.name, now);
      transition(ctx.dossier.state, 'completeStep');
      const channel = resolveChannel(ctx.dossier, c.handoff);
      const items = await tx.workflow.workItemsOf(c.communeCode, c.dossierId);
      const item = items.find((w) => w.stepKey === c.stepKey);
      const step = findStep(ctx.procedure, c.stepKey);
      if (!item || item.status === 'done' || item.status === 'cancelled' || !step) throw new StepNotPendingError(c.stepKey);
      assertMayAct(c.actor, c.communeCode, item.unitKind);

      await tx.workflow.completeWorkItem(item.id, now);
      ctx.journal.record(
        DossierEvents.StepCompleted,
        {
          stepKey: c.stepKey,
          unit: item.unitKind,
          timeliness: item.dueAt ? judgeTimeliness(now, item.dueAt) : null,
          ...(c.notes ? { notes: c.notes } : {}),
          ...(c.result ? { result: c.result } : {}),
          state: ctx.dossier.state,
          portalStatus: toPortalStatus(ctx.dossier.state),
        },
        c.actor.name,
        now,
        { portal: true },
      );

      const done = new Set(items.filter((w) => w.status === 'done').map((w) => w.stepKey));
      done.add(c.stepKey);
      const progress = nextProgress(ctx.procedure.route, ctx.dossier.options, done);
      const from = item.unitKind as UnitKind;
      let result: CompleteStepResult;
      if (progress.kind === 'handoff') {
        await handOff(ctx, progress.stage.steps, from, channel);
        result = { next: 'handoff', toUnits: progress.stage.steps.map((s) => s.unit) };
      } else if (progress.kind === 'wait') {
        result = { next: 'wait', toUnits: [] };
      } else {
        await handOff(ctx, [RETURN_STEP], from, channel);
        result = { next: 'return', toUnits: ['van-phong'] };
      }
      await ctx.journal.flush();
      return result;
    });
  }
}
