import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, toPortalStatus, transition } from '@motcua/domain';
import type { SupplementItem } from '@motcua/persistence';
import type { ActingUser } from '../access';
import { scheduleDossierDeadlines, scheduleStepWarning, scheduleSupplementExpiry } from '../deadlines';
import { DossierCommandPipeline, targetOf } from '../dossier-command-pipeline';
import { DossierEvents } from '../events';
import type { RoutingContext } from '../routing';
import { attachDocuments, type DocumentMeta, openStepFor } from './complete-step.command';

/** Working days the citizen has to supplement when the procedure names none (decision 4). */
export const DEFAULT_CITIZEN_SUPPLEMENT_DAYS = 7;

/**
 * Yêu cầu bổ sung hồ sơ (Mẫu 02) during processing: the unit holding the step asks the citizen,
 * through the desk, for what is missing. The clock pauses until the complete supplement arrives
 * (decision 4); a second request is allowed and flagged.
 */
export class RequestSupplementCommand {
  constructor(
    readonly dossierId: string,
    readonly stepKey: string,
    readonly actor: ActingUser,
    readonly reason: string,
    readonly items: readonly SupplementItem[],
  ) {}
}

export interface RequestSupplementResult {
  readonly number: number;
  readonly citizenDueAt: Date;
  /** A second (or later) request during processing: indicator 2.1 counts the dossier overdue. */
  readonly flagged: boolean;
}

@CommandHandler(RequestSupplementCommand)
export class RequestSupplementHandler implements ICommandHandler<RequestSupplementCommand, RequestSupplementResult> {
  constructor(private readonly pipeline: DossierCommandPipeline) {}

  execute(c: RequestSupplementCommand): Promise<RequestSupplementResult> {
    return this.pipeline.run(targetOf(c), ['workflow', 'casework', 'dossiers'], async (ctx) => {
      const { tx, now } = ctx;
      const state = transition(ctx.dossier.state, 'requestSupplement');
      const { item } = await openStepFor(ctx, c.stepKey, c.actor);
      const number = (ctx.dossier.supplementCount ?? 0) + 1;
      const days = ctx.procedure.citizenSupplementDays ?? DEFAULT_CITIZEN_SUPPLEMENT_DAYS;
      const citizenDueAt = ctx.calendar.dueDate(now, { value: days, unit: 'working_days' }, ctx.profile);
      const flagged = number > 1;
      await tx.casework.insertSupplementRequest({
        dossierId: c.dossierId,
        number,
        stepKey: c.stepKey,
        unitKind: item.unitKind,
        reason: c.reason,
        items: [...c.items],
        requestedBy: c.actor.name,
        requestedAt: now,
        citizenDueAt,
        flagged,
      });
      await tx.dossiers.update(c.dossierId, { pausedAt: now, supplementDueAt: citizenDueAt, supplementCount: number });
      ctx.journal.setState(state);
      ctx.journal.record(
        DossierEvents.SupplementRequested,
        { number, stepKey: c.stepKey, unit: item.unitKind, reason: c.reason, items: c.items, citizenDueAt: citizenDueAt.toISOString(), flagged, state, portalStatus: toPortalStatus(state) },
        c.actor.name,
        now,
        { portal: true },
      );
      ctx.dossier.state = state;
      scheduleSupplementExpiry(ctx, citizenDueAt);
      return { number, citizenDueAt, flagged };
    });
  }
}

/** Nhận hồ sơ bổ sung: the citizen supplied what was asked, at the desk or through the portal. */
export class ReceiveSupplementCommand {
  constructor(
    readonly dossierId: string,
    readonly actor: ActingUser,
    readonly via: 'desk' | 'online' | 'post',
    readonly note?: string,
    readonly documents: readonly DocumentMeta[] = [],
  ) {}
}

export interface ReceiveSupplementResult {
  readonly dueAt: Date;
  readonly originalDueAt: Date;
  /** Office minutes the dossier spent with the citizen, excluded from its time. */
  readonly pausedWorkingMinutes: number;
}

/**
 * Resumes the clock: the due date, the original due date (the on-time judgement excludes the
 * citizen's time, as indicator 2.1 does) and every open step's due date move by the office time
 * the dossier spent with the citizen; the reminders are scheduled again for the new dates.
 */
export async function resumeClock(ctx: RoutingContext<'workflow' | 'dossiers'>, pausedAt: Date): Promise<ReceiveSupplementResult> {
  const { calendar, profile, now, dossier } = ctx;
  const pausedWorkingMinutes = Math.max(0, calendar.workingMinutesBetween(pausedAt, calendar.receiptTime(now, profile), profile));
  const dueAt = calendar.extendForPause(dossier.dueAt, pausedAt, now, profile);
  const originalDueAt = calendar.extendForPause(dossier.originalDueAt, pausedAt, now, profile);
  for (const w of await ctx.tx.workflow.workItemsOf(dossier.id)) {
    if ((w.status !== 'pending' && w.status !== 'taken') || !w.dueAt) continue;
    const stepDue = calendar.extendForPause(w.dueAt, pausedAt, now, profile);
    await ctx.tx.workflow.setWorkItemDue(w.id, stepDue);
    scheduleStepWarning(ctx, w.stepKey, now, stepDue);
  }
  await ctx.tx.dossiers.update(dossier.id, { dueAt, originalDueAt, pausedAt: null, supplementDueAt: null });
  dossier.dueAt = dueAt;
  dossier.originalDueAt = originalDueAt;
  scheduleDossierDeadlines(ctx);
  return { dueAt, originalDueAt, pausedWorkingMinutes };
}

@CommandHandler(ReceiveSupplementCommand)
export class ReceiveSupplementHandler implements ICommandHandler<ReceiveSupplementCommand, ReceiveSupplementResult> {
  constructor(private readonly pipeline: DossierCommandPipeline) {}

  execute(c: ReceiveSupplementCommand): Promise<ReceiveSupplementResult> {
    return this.pipeline.run(targetOf(c), ['workflow', 'casework', 'dossiers'], async (ctx) => {
      const { tx, now } = ctx;
      const state = transition(ctx.dossier.state, 'receiveSupplement');
      const request = await tx.casework.openSupplementRequest(c.dossierId);
      if (!request || !ctx.dossier.pausedAt) throw new ConflictError('NO_OPEN_SUPPLEMENT_REQUEST', 'Hồ sơ không có yêu cầu bổ sung đang chờ.');
      await tx.casework.markSupplied(request.id, now, c.actor.name, c.via, c.note ?? null);
      await attachDocuments(ctx, request.stepKey, 'supplement', c.documents);
      const result = await resumeClock(ctx, ctx.dossier.pausedAt);
      ctx.journal.setState(state);
      ctx.journal.record(
        DossierEvents.SupplementReceived,
        {
          number: request.number,
          via: c.via,
          ...(c.note ? { note: c.note } : {}),
          ...(c.documents.length > 0 ? { documents: c.documents.map((d) => ({ name: d.name, sha256: d.sha256.toLowerCase() })) } : {}),
          pausedWorkingMinutes: result.pausedWorkingMinutes,
          dueAt: result.dueAt.toISOString(),
          originalDueAt: result.originalDueAt.toISOString(),
          state,
          portalStatus: toPortalStatus(state),
        },
        c.actor.name,
        now,
        { portal: true },
      );
      return result;
    });
  }
}
