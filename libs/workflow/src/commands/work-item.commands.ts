import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, DomainValidationError, isTerminal } from '@motcua/domain';
import { type ActingUser, assertMayAct } from '../access';
import { DossierCommandPipeline, targetOf } from '../dossier-command-pipeline';
import { StepNotPendingError } from '../errors';
import { DossierEvents } from '../events';

/** Nhận xử lý: an officer takes a step from the unit's inbox. Taking one's own again changes nothing. */
export class TakeWorkItemCommand {
  constructor(
    readonly dossierId: string,
    readonly stepKey: string,
    readonly actor: ActingUser,
  ) {}
}

export interface TakeWorkItemResult {
  readonly outcome: 'taken' | 'already-yours';
  readonly assignee: string;
}

@CommandHandler(TakeWorkItemCommand)
export class TakeWorkItemHandler implements ICommandHandler<TakeWorkItemCommand, TakeWorkItemResult> {
  constructor(private readonly pipeline: DossierCommandPipeline) {}

  async execute(c: TakeWorkItemCommand): Promise<TakeWorkItemResult> {
    const assigneeId = c.actor.id;
    if (assigneeId === null) throw new Error('the system does not take work items');
    return this.pipeline.run(targetOf(c), ['workflow'], async ({ tx, dossier, journal, now }) => {
      const item = await tx.workflow.findWorkItem(c.dossierId, c.stepKey);
      if (!item || item.status === 'done' || item.status === 'cancelled' || isTerminal(dossier.state)) throw new StepNotPendingError(c.stepKey);
      assertMayAct(c.actor, item.unitKind);
      const result = await tx.workflow.take(c.dossierId, c.stepKey, assigneeId, now);
      if (!result?.taken) throw new ConflictError('TAKEN_BY_ANOTHER', 'Bước này đã được cán bộ khác nhận xử lý.', { stepKey: c.stepKey });
      // Taking one's own step again records nothing (the journal stays empty: no statement at all).
      if (result.before.assigneeId === assigneeId) return { outcome: 'already-yours', assignee: c.actor.name };
      journal.record(DossierEvents.WorkItemTaken, { stepKey: c.stepKey, unit: item.unitKind, assigneeId }, c.actor.name, now);
      return { outcome: 'taken', assignee: c.actor.name };
    });
  }
}

/** Giao lại: a supervisor gives an open step to another officer of its unit. */
export class ReassignWorkItemCommand {
  constructor(
    readonly dossierId: string,
    readonly stepKey: string,
    readonly actor: ActingUser,
    readonly assigneeUsername: string,
  ) {}
}

@CommandHandler(ReassignWorkItemCommand)
export class ReassignWorkItemHandler implements ICommandHandler<ReassignWorkItemCommand, TakeWorkItemResult> {
  constructor(private readonly pipeline: DossierCommandPipeline) {}

  execute(c: ReassignWorkItemCommand): Promise<TakeWorkItemResult> {
    return this.pipeline.run(targetOf(c), ['workflow', 'users'], async ({ tx, dossier, journal, now }) => {
      const item = await tx.workflow.findWorkItem(c.dossierId, c.stepKey);
      if (!item || item.status === 'done' || item.status === 'cancelled' || isTerminal(dossier.state)) throw new StepNotPendingError(c.stepKey);
      const target = await tx.users.findActive(c.assigneeUsername);
      if (!target || !target.unitKinds.includes(item.unitKind) || !target.roles.some((r) => r === 'officer' || r === 'leader' || r === 'reception')) {
        throw new DomainValidationError('ASSIGNEE_NOT_IN_UNIT', 'Người được giao phải là cán bộ của đơn vị xử lý bước này, cùng xã.', 'assignee', {
          unit: item.unitKind,
        });
      }
      await tx.workflow.assign(item.id, target.id, now);
      journal.record(
        DossierEvents.WorkItemReassigned,
        { stepKey: c.stepKey, unit: item.unitKind, fromAssigneeId: item.assigneeId, assigneeId: target.id },
        c.actor.name,
        now,
      );
      return { outcome: 'taken', assignee: target.fullName };
    });
  }
}
