import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type ClosedWithoutResult, ConflictError, type DossierState, DomainValidationError, isTerminal, judgeTimeliness, toPortalStatus, transition } from '@motcua/domain';
import type { ActingUser } from '../access';
import { scheduleDossierDeadlines } from '../deadlines';
import { DossierCommandPipeline, targetOf } from '../dossier-command-pipeline';
import { DossierEvents } from '../events';
import type { RoutingContext } from '../routing';
import { openStepFor } from './complete-step.command';

/**
 * Ends processing without a result: every open step leaves the inboxes, the reason is kept for
 * the notice (Mẫu 03 or Mẫu 05), and the portal hears of it: the caller records the closing
 * event, for the portal, with the fields returned.
 */
async function closeWithoutResult(ctx: RoutingContext<'workflow' | 'dossiers'>, state: DossierState, reason: string): Promise<ClosedWithoutResult> {
  const cancelled = await ctx.tx.workflow.cancelOpen(ctx.dossier.id);
  await ctx.tx.dossiers.update(ctx.dossier.id, { closingReason: reason, pausedAt: null, supplementDueAt: null });
  ctx.journal.setState(state);
  ctx.dossier.state = state;
  return { reason, cancelledSteps: cancelled, state, portalStatus: toPortalStatus(state) };
}

/**
 * Từ chối giải quyết sau thẩm định: the unit holding a step refuses the dossier with a reason
 * (the notice is Mẫu 03). `stepKey` absent: the system, when the citizen's supplement deadline
 * passed.
 */
export class RejectDossierCommand {
  constructor(
    readonly dossierId: string,
    readonly actor: ActingUser,
    readonly reason: string,
    readonly stepKey?: string,
  ) {}
}

/** Rejection inside an open transaction (the supplement-deadline check uses it too). */
export async function rejectIn(ctx: RoutingContext<'workflow' | 'dossiers'>, actor: ActingUser, reason: string, stepKey?: string): Promise<void> {
  const state = transition(ctx.dossier.state, 'rejectAfterAppraisal');
  let unit: string | null = null;
  if (stepKey !== undefined) unit = (await openStepFor(ctx, stepKey, actor)).item.unitKind;
  else if (actor.id !== null) throw new DomainValidationError('STEP_REQUIRED', 'Phải nêu bước xử lý đang từ chối.', 'stepKey');
  const closed = await closeWithoutResult(ctx, state, reason);
  ctx.journal.record(DossierEvents.RejectedAfterAppraisal, { stepKey: stepKey ?? null, unit, ...closed }, actor.name, ctx.now, { portal: true });
}

@CommandHandler(RejectDossierCommand)
export class RejectDossierHandler implements ICommandHandler<RejectDossierCommand, { state: DossierState }> {
  constructor(private readonly pipeline: DossierCommandPipeline) {}

  execute(c: RejectDossierCommand): Promise<{ state: DossierState }> {
    return this.pipeline.run(targetOf(c), ['workflow', 'dossiers'], async (ctx) => {
      await rejectIn(ctx, c.actor, c.reason, c.stepKey);
      return { state: ctx.dossier.state };
    });
  }
}

/** Dừng giải quyết theo yêu cầu của công dân (Mẫu 05): the desk records the citizen's request. */
export class WithdrawDossierCommand {
  constructor(
    readonly dossierId: string,
    readonly actor: ActingUser,
    readonly reason: string,
    /** When the citizen asked (the desk may record a written request a little later). */
    readonly requestedAt?: Date,
  ) {}
}

@CommandHandler(WithdrawDossierCommand)
export class WithdrawDossierHandler implements ICommandHandler<WithdrawDossierCommand, { state: DossierState }> {
  constructor(private readonly pipeline: DossierCommandPipeline) {}

  execute(c: WithdrawDossierCommand): Promise<{ state: DossierState }> {
    return this.pipeline.run(targetOf(c), ['workflow', 'dossiers'], async (ctx) => {
      const { now } = ctx;
      const state = transition(ctx.dossier.state, 'withdraw');
      const requestedAt = c.requestedAt ?? now;
      if (requestedAt.getTime() > now.getTime() || requestedAt.getTime() < ctx.dossier.receivedAt.getTime()) {
        throw new DomainValidationError('REQUESTED_AT', 'Thời điểm công dân đề nghị dừng phải sau khi nộp hồ sơ và không ở tương lai.', 'requestedAt');
      }
      const closed = await closeWithoutResult(ctx, state, c.reason);
      ctx.journal.record(DossierEvents.Withdrawn, { requestedAt: requestedAt.toISOString(), ...closed }, c.actor.name, ctx.now, { portal: true });
      return { state };
    });
  }
}

/**
 * Văn bản xin lỗi và đề nghị gia hạn (Mẫu 04), signed by a leader: the reason and a new date.
 * One per dossier (the date is reset once); issued in time when before the due date. The
 * on-time judgement keeps the original date (decision 5).
 */
export class IssueApologyCommand {
  constructor(
    readonly dossierId: string,
    readonly actor: ActingUser,
    readonly reason: string,
    readonly newDueAt: Date,
  ) {}
}

export interface IssueApologyResult {
  readonly newDueAt: Date;
  readonly originalDueAt: Date;
  /** Issued before the due date, as the apology indicator requires. */
  readonly inTime: boolean;
}

@CommandHandler(IssueApologyCommand)
export class IssueApologyHandler implements ICommandHandler<IssueApologyCommand, IssueApologyResult> {
  constructor(private readonly pipeline: DossierCommandPipeline) {}

  execute(c: IssueApologyCommand): Promise<IssueApologyResult> {
    return this.pipeline.run(targetOf(c), ['casework', 'dossiers'], async (ctx) => {
      const { tx, now } = ctx;
      const d = ctx.dossier;
      if (isTerminal(d.state) || d.state === 'submitted') {
        throw new ConflictError('APOLOGY_NOT_APPLICABLE', 'Hồ sơ đã kết thúc hoặc chưa được tiếp nhận; không thể hẹn lại ngày trả kết quả.', { state: d.state });
      }
      if (await tx.casework.apologyOf(c.dossierId)) {
        throw new ConflictError('REAPPOINTMENT_LIMIT', 'Hồ sơ đã được hẹn lại ngày trả kết quả một lần; không được hẹn lại lần nữa.');
      }
      if (c.newDueAt.getTime() <= Math.max(d.dueAt.getTime(), now.getTime())) {
        throw new DomainValidationError('NEW_DUE_NOT_LATER', 'Ngày hẹn mới phải sau ngày hẹn hiện tại và sau thời điểm hiện tại.', 'newDueAt', {
          dueAt: d.dueAt.toISOString(),
        });
      }
      const inTime = now.getTime() <= d.originalDueAt.getTime();
      const previousDueAt = d.dueAt;
      await tx.casework.insertApology({
        dossierId: d.id,
        reason: c.reason,
        originalDueAt: d.originalDueAt,
        previousDueAt,
        newDueAt: c.newDueAt,
        issuedBy: c.actor.name,
        issuedAt: now,
        inTime,
      });
      await tx.dossiers.update(d.id, { dueAt: c.newDueAt });
      d.dueAt = c.newDueAt;
      ctx.journal.record(
        DossierEvents.ApologyIssued,
        { reason: c.reason, originalDueAt: d.originalDueAt.toISOString(), previousDueAt: previousDueAt.toISOString(), newDueAt: c.newDueAt.toISOString(), inTime },
        c.actor.name,
        now,
        { portal: true },
      );
      if (d.state === 'received' || d.state === 'in_progress') scheduleDossierDeadlines(ctx);
      return { newDueAt: c.newDueAt, originalDueAt: d.originalDueAt, inTime };
    });
  }
}

/** Trả kết quả: the desk hands the result over, at the counter or by post. */
export class ReturnResultCommand {
  constructor(
    readonly dossierId: string,
    readonly actor: ActingUser,
    readonly delivery: 'desk' | 'post',
    readonly receiverName?: string,
    readonly postalTrackingNumber?: string,
  ) {}
}

export interface ReturnResultResult {
  readonly state: DossierState;
  /** Judged against the original due date (decision 5). */
  readonly timeliness: 'early' | 'on_time' | 'late';
}

@CommandHandler(ReturnResultCommand)
export class ReturnResultHandler implements ICommandHandler<ReturnResultCommand, ReturnResultResult> {
  constructor(private readonly pipeline: DossierCommandPipeline) {}

  execute(c: ReturnResultCommand): Promise<ReturnResultResult> {
    return this.pipeline.run(targetOf(c), ['casework', 'dossiers'], async (ctx) => {
      const { tx, now } = ctx;
      const state = transition(ctx.dossier.state, 'returnResult');
      const timeliness = judgeTimeliness(ctx.dossier.resolvedAt ?? now, ctx.dossier.originalDueAt);
      if (timeliness === 'late' && !(await tx.casework.apologyOf(c.dossierId))) {
        throw new ConflictError('APOLOGY_REQUIRED', 'Hồ sơ trễ hạn: phải có văn bản xin lỗi và hẹn lại ngày trả (Mẫu 04) trước khi trả kết quả.');
      }
      if (c.delivery === 'post' && !c.postalTrackingNumber) {
        throw new DomainValidationError('POSTAL_TRACKING_REQUIRED', 'Trả kết quả qua bưu chính phải có số hiệu bưu gửi.', 'postalTrackingNumber');
      }
      await tx.dossiers.update(c.dossierId, { returnedAt: now });
      ctx.journal.setState(state);
      ctx.journal.record(
        DossierEvents.ResultReturned,
        {
          delivery: c.delivery,
          ...(c.receiverName ? { receiverName: c.receiverName } : {}),
          ...(c.postalTrackingNumber ? { postalTrackingNumber: c.postalTrackingNumber } : {}),
          timeliness,
          state,
          portalStatus: toPortalStatus(state),
        },
        c.actor.name,
        now,
        { portal: true },
      );
      return { state, timeliness };
    });
  }
}
