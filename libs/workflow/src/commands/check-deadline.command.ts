import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { formatVn } from '@motcua/domain';
import type { DeadlineJob } from '@motcua/messaging';
import { systemActor } from '../access';
import { DossierCommandPipeline } from '../dossier-command-pipeline';
import { DossierEvents } from '../events';
import type { RoutingContext } from '../routing';
import { rejectIn } from './closing.commands';

/** The deadline checker writes in the log as this actor. */
export const DEADLINE_ACTOR = 'Hệ thống theo dõi thời hạn';

/** Audience of escalations: the commune's supervisors (and leaders, who supervise too). */
export const SUPERVISORS = 'supervisor';
/** Audience of the desk's reminders. */
export const DESK = 'van-phong';

/** What the check did: `done`, or why nothing was due (the deadline moved, the step is finished…). */
export type DeadlineOutcome = 'warned' | 'overdue' | 'rejected' | 'not-yet' | 'moved' | 'closed' | 'duplicate';

/**
 * A deadline job fired (or the sweep found a deadline passed): check under the dossier's lock
 * whether it still applies, and act once. The job is a hint with a time; the database decides.
 */
export class CheckDeadlineCommand {
  constructor(readonly job: DeadlineJob) {}
}

/** What a deadline check uses: the open steps, the notifications, and the dossier (overdue, rejected). */
type DeadlineRepositories = 'workflow' | 'casework' | 'dossiers';

const same = (a: Date | null | undefined, iso: string) => !!a && a.getTime() === new Date(iso).getTime();

async function openUnits(ctx: RoutingContext<'workflow'>): Promise<string[]> {
  const items = await ctx.tx.workflow.workItemsOf(ctx.dossier.id);
  return [...new Set(items.filter((w) => w.status === 'pending' || w.status === 'taken').map((w) => w.unitKind))];
}

/** Marks the dossier overdue (once) and escalates to the supervisors and the units holding it. */
async function markOverdue(ctx: RoutingContext<DeadlineRepositories>, job: DeadlineJob): Promise<DeadlineOutcome> {
  const d = ctx.dossier;
  const message = `Hồ sơ ${d.code} đã quá hạn giải quyết (hạn ${formatVn(d.dueAt)}). Đề nghị xử lý và phát hành văn bản xin lỗi (Mẫu 04).`;
  for (const audience of [SUPERVISORS, DESK, ...(await openUnits(ctx))]) {
    await ctx.tx.casework.notify({ dossierId: d.id, audience, kind: 'overdue', message, dedupeKey: `overdue:${d.id}:${job.dueAt}:${audience}`, createdAt: ctx.now });
  }
  await ctx.tx.dossiers.update(d.id, { overdueAt: ctx.now });
  ctx.journal.record(DossierEvents.DossierOverdue, { dueAt: d.dueAt.toISOString(), originalDueAt: d.originalDueAt.toISOString(), escalatedTo: SUPERVISORS }, DEADLINE_ACTOR, ctx.now);
  return 'overdue';
}

async function warn(ctx: RoutingContext<'casework'>, job: DeadlineJob, audience: string, type: typeof DossierEvents.StepDueSoon | typeof DossierEvents.DossierDueSoon, message: string): Promise<DeadlineOutcome> {
  const written = await ctx.tx.casework.notify({
    dossierId: ctx.dossier.id,
    audience,
    kind: job.kind,
    message,
    dedupeKey: `${job.kind}:${ctx.dossier.id}:${job.stepKey ?? ''}:${job.dueAt}`,
    createdAt: ctx.now,
  });
  if (!written) return 'duplicate';
  ctx.journal.record(type, { dueAt: job.dueAt, ...(job.stepKey ? { stepKey: job.stepKey, unit: audience } : {}) }, DEADLINE_ACTOR, ctx.now);
  return 'warned';
}

async function check(ctx: RoutingContext<DeadlineRepositories>, job: DeadlineJob): Promise<DeadlineOutcome> {
  const d = ctx.dossier;
  const processing = d.state === 'received' || d.state === 'in_progress';
  switch (job.kind) {
    case 'step-due-soon': {
      const item = await ctx.tx.workflow.findWorkItem(d.id, job.stepKey ?? '');
      if (!item || (item.status !== 'pending' && item.status !== 'taken') || !processing) return 'closed';
      if (!same(item.dueAt, job.dueAt)) return 'moved';
      return warn(ctx, job, item.unitKind, DossierEvents.StepDueSoon, `Bước "${job.stepKey}" của hồ sơ ${d.code} sắp đến hạn (${formatVn(item.dueAt!)}).`);
    }
    case 'dossier-due-soon':
      if (!processing) return 'closed';
      if (!same(d.dueAt, job.dueAt)) return 'moved';
      return warn(ctx, job, DESK, DossierEvents.DossierDueSoon, `Hồ sơ ${d.code} đến hạn trả kết quả lúc ${formatVn(d.dueAt)}; nếu không kịp, lập văn bản xin lỗi và hẹn lại (Mẫu 04) trước hạn.`);
    case 'dossier-due':
      if (!processing || d.overdueAt) return 'closed';
      if (!same(d.dueAt, job.dueAt)) return 'moved';
      if (ctx.now.getTime() < d.dueAt.getTime()) return 'not-yet';
      return markOverdue(ctx, job);
    case 'supplement-due':
      if (d.state !== 'waiting_supplement') return 'closed';
      if (!same(d.supplementDueAt, job.dueAt)) return 'moved';
      if (ctx.now.getTime() < d.supplementDueAt!.getTime()) return 'not-yet';
      ctx.journal.record(DossierEvents.SupplementExpired, { citizenDueAt: job.dueAt }, DEADLINE_ACTOR, ctx.now);
      await rejectIn(ctx, systemActor(DEADLINE_ACTOR, d.communeCode), `Quá thời hạn bổ sung hồ sơ (${formatVn(d.supplementDueAt!)}) mà công dân chưa bổ sung.`);
      return 'rejected';
  }
}

@CommandHandler(CheckDeadlineCommand)
export class CheckDeadlineHandler implements ICommandHandler<CheckDeadlineCommand, DeadlineOutcome> {
  constructor(private readonly pipeline: DossierCommandPipeline) {}

  execute(c: CheckDeadlineCommand): Promise<DeadlineOutcome> {
    const { communeCode, dossierId } = c.job;
    return this.pipeline.run({ communeCode, dossierId, actor: DEADLINE_ACTOR }, ['workflow', 'casework', 'dossiers'], (ctx) => check(ctx, c.job));
  }
}
