import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, DomainValidationError, isTerminal } from '@motcua/domain';
import { UnitOfWork } from '@motcua/persistence';
import { type ActingUser, assertMayAct } from '../access';
import { Clock } from '../clock';
import { StepNotPendingError } from '../errors';
import { DossierEvents } from '../events';
import { ReferenceCache } from '../reference-cache';
import { openDossier } from './routing-context';

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
  constructor(
    private readonly uow: UnitOfWork,
    private readonly refs: ReferenceCache,
    private readonly clock: Clock,
  ) {}

  async execute(c: TakeWorkItemCommand): Promise<TakeWorkItemResult> {
    const now = this.clock.now();
    return this.uow.run(c.actor.communeCode, async (tx) => {
      if (c.actor.id === null) throw new Error('the system does not take work items');
      const ctx = await openDossier(tx, this.refs, c.dossierId, c.actor.name, now);
      const item = await tx.workflow.findWorkItem(c.dossierId, c.stepKey);
      if (!item || item.status === 'done' || item.status === 'cancelled' || isTerminal(ctx.dossier.state)) throw new StepNotPendingError(c.stepKey);
      assertMayAct(c.actor, item.unitKind);
      const result = await tx.workflow.take(c.dossierId, c.stepKey, c.actor.id, now);
      if (!result?.taken) throw new ConflictError('TAKEN_BY_ANOTHER', 'Bước này đã được cán bộ khác nhận xử lý.', { stepKey: c.stepKey });
      if (result.before.assigneeId === c.actor.id) return { outcome: 'already-yours', assignee: c.actor.name };
      ctx.journal.record(DossierEvents.WorkItemTaken, { stepKey: c.stepKey, unit: item.unitKind, assigneeId: c.actor.id }, c.actor.name, now);
      await ctx.journal.flush();
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
  constructor(
    private readonly uow: UnitOfWork,
    private readonly refs: ReferenceCache,
    private readonly clock: Clock,
  ) {}

  async execute(c: ReassignWorkItemCommand): Promise<TakeWorkItemResult> {
    const now = this.clock.now();
    return this.uow.run(c.actor.communeCode, async (tx) => {
      const ctx = await openDossier(tx, this.refs, c.dossierId, c.actor.name, now);
      const item = await tx.workflow.findWorkItem(c.dossierId, c.stepKey);
      if (!item || item.status === 'done' || item.status === 'cancelled' || isTerminal(ctx.dossier.state)) throw new StepNotPendingError(c.stepKey);
      const target = await tx.users.findActive(c.assigneeUsername);
      if (!target || !target.unitKinds.includes(item.unitKind) || !target.roles.some((r) => r === 'officer' || r === 'leader' || r === 'reception')) {
        throw new DomainValidationError('ASSIGNEE_NOT_IN_UNIT', 'Người được giao phải là cán bộ của đơn vị xử lý bước này, cùng xã.', 'assignee', {
          unit: item.unitKind,
        });
      }
      await tx.workflow.assign(item.id, target.id, now);
      ctx.journal.record(
        DossierEvents.WorkItemReassigned,
        { stepKey: c.stepKey, unit: item.unitKind, fromAssigneeId: item.assigneeId, assigneeId: target.id },
        c.actor.name,
        now,
      );
      await ctx.journal.flush();
      return { outcome: 'taken', assignee: target.fullName };
    });
  }
}
