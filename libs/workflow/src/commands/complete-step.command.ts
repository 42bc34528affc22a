import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { canTransition, ConflictError, judgeTimeliness, nextProgress, toPortalStatus, transition, type UnitKind } from '@motcua/domain';
import type { DossierDocumentRow, WorkItemEntity } from '@motcua/persistence';
import { type ActingUser, assertMayAct } from '../access';
import { DossierCommandPipeline, targetOf } from '../dossier-command-pipeline';
import { StepNotPendingError } from '../errors';
import { DossierEvents, type HandoffRequest } from '../events';
import { findStep, handOff, resolveChannel, RETURN_STEP, type RoutingContext } from '../routing';

/** Metadata of a document an officer attaches (the file itself lives in the document store). */
export interface DocumentMeta {
  readonly name: string;
  /** Hex SHA-256 of the file's bytes. */
  readonly sha256: string;
  readonly mediaType?: string;
  readonly sizeBytes?: number;
}

/** Hoàn thành bước xử lý: a unit finished its step; the dossier moves on along its route. */
export class CompleteStepCommand {
  constructor(
    readonly dossierId: string,
    readonly stepKey: string,
    readonly actor: ActingUser,
    readonly notes?: string,
    /** How the next hand-off travels; electronic unless the officer carries it on paper. */
    readonly handoff?: HandoffRequest,
    /** What an automatic step's outside system answered (transaction id, card number…). */
    readonly result?: Record<string, unknown>,
    readonly documents: readonly DocumentMeta[] = [],
  ) {}
}

/** Where the dossier went after the step. */
export interface CompleteStepResult {
  readonly next: 'handoff' | 'wait' | 'return';
  readonly toUnits: readonly UnitKind[];
}

/** Steps only a leader's signature completes (the signing endpoint, never the plain "complete"). */
export const SIGNING_UNIT: UnitKind = 'lanh-dao';

/**
 * The open work item of `stepKey` that `actor` may complete: their unit's, and not taken by
 * another officer. Throws 409 / 403 otherwise.
 */
export async function openStepFor(ctx: RoutingContext<'workflow'>, stepKey: string, actor: ActingUser): Promise<{ item: WorkItemEntity; items: WorkItemEntity[] }> {
  const items = await ctx.tx.workflow.workItemsOf(ctx.dossier.id);
  const item = items.find((w) => w.stepKey === stepKey);
  if (!item || item.status === 'done' || item.status === 'cancelled' || !findStep(ctx.procedure, stepKey)) throw new StepNotPendingError(stepKey);
  assertMayAct(actor, item.unitKind);
  if (actor.id !== null && item.assigneeId !== null && item.assigneeId !== actor.id && actor.units !== 'any') {
    throw new ConflictError('TAKEN_BY_ANOTHER', 'Bước này đang do cán bộ khác xử lý.', { stepKey });
  }
  return { item, items };
}

/** Records document checksums with the event that brought them. */
export async function attachDocuments(ctx: RoutingContext<'casework'>, stepKey: string | null, kind: DossierDocumentRow['kind'], docs: readonly DocumentMeta[]): Promise<void> {
  if (docs.length === 0) return;
  await ctx.tx.casework.insertDocuments(
    docs.map((d) => ({
      dossierId: ctx.dossier.id,
      communeCode: ctx.dossier.communeCode,
      stepKey,
      kind,
      name: d.name,
      mediaType: d.mediaType ?? null,
      sizeBytes: d.sizeBytes ?? null,
      sha256: d.sha256.toLowerCase(),
      addedBy: ctx.actor,
      addedAt: ctx.now,
    })),
  );
}

/** What completing a step uses: its work items, its documents, and the dossier for a return to the desk on paper. */
export type StepRepositories = 'workflow' | 'casework' | 'dossiers';

/**
 * Marks the step done, records StepCompleted, and routes on: the next stage's units (several at
 * once for a fork), nothing while other branches of a fork are still open (join), or back to the
 * one-stop desk after the last stage. Runs inside the caller's transaction.
 */
export async function completeStepIn(
  ctx: RoutingContext<StepRepositories>,
  item: WorkItemEntity,
  items: readonly WorkItemEntity[],
  c: { actor: ActingUser; notes?: string; handoff?: HandoffRequest; result?: Record<string, unknown>; documents?: readonly DocumentMeta[] },
): Promise<CompleteStepResult> {
  const state = transition(ctx.dossier.state, stepAction(item));
  const channel = resolveChannel(ctx.dossier, c.handoff);
  ctx.journal.completeWorkItem(item.id, ctx.now);
  const documents = c.documents ?? [];
  await attachDocuments(ctx, item.stepKey, 'attachment', documents);
  ctx.journal.record(
    DossierEvents.StepCompleted,
    {
      stepKey: item.stepKey,
      unit: item.unitKind,
      timeliness: item.dueAt ? judgeTimeliness(ctx.now, item.dueAt) : null,
      ...(c.notes ? { notes: c.notes } : {}),
      ...(c.result ? { result: c.result } : {}),
      ...(documents.length > 0 ? { documents: documents.map((d) => ({ name: d.name, sha256: d.sha256.toLowerCase() })) } : {}),
      state: ctx.dossier.state,
      portalStatus: toPortalStatus(ctx.dossier.state),
    },
    c.actor.name,
    ctx.now,
    { portal: true },
  );

  const done = new Set(items.filter((w) => w.status === 'done').map((w) => w.stepKey));
  done.add(item.stepKey);
  const progress = nextProgress(ctx.procedure.route, ctx.dossier.options, done);
  if (state === 'waiting_supplement' && progress.kind !== 'wait') {
    // Only a branch of a fork completes during the pause; the branch that asked waits open.
    throw new ConflictError('WAITING_SUPPLEMENT', 'Hồ sơ đang chờ bổ sung; không thể chuyển tiếp.', { stepKey: item.stepKey });
  }
  const from = item.unitKind as UnitKind;
  if (progress.kind === 'handoff') {
    await handOff(ctx, progress.stage.steps, from, channel);
    return { next: 'handoff', toUnits: progress.stage.steps.map((s) => s.unit) };
  }
  if (progress.kind === 'wait') return { next: 'wait', toUnits: [] };
  await handOff(ctx, [RETURN_STEP], from, channel);
  return { next: 'return', toUnits: ['van-phong'] };
}

/** A person's step completes while the dossier is in progress; an automatic one also during a pause. */
function stepAction(item: WorkItemEntity): 'completeStep' | 'completeAutomaticStep' {
  return item.automatic ? 'completeAutomaticStep' : 'completeStep';
}

/** One transaction: complete the step and route the dossier on. */
@CommandHandler(CompleteStepCommand)
export class CompleteStepHandler implements ICommandHandler<CompleteStepCommand, CompleteStepResult> {
  constructor(private readonly pipeline: DossierCommandPipeline) {}

  execute(c: CompleteStepCommand): Promise<CompleteStepResult> {
    return this.pipeline.run(targetOf(c), ['workflow', 'casework', 'dossiers'], async (ctx) => {
      // A closed dossier refuses before its steps are looked at; a paused one once the step is known.
      if (!canTransition(ctx.dossier.state, 'completeAutomaticStep')) transition(ctx.dossier.state, 'completeStep');
      const { item, items } = await openStepFor(ctx, c.stepKey, c.actor);
      transition(ctx.dossier.state, stepAction(item));
      if (item.unitKind === SIGNING_UNIT) {
        throw new ConflictError('SIGNATURE_REQUIRED', 'Bước ký duyệt chỉ hoàn thành khi lãnh đạo ký số kết quả.', { stepKey: c.stepKey });
      }
      return completeStepIn(ctx, item, items, c);
    });
  }
}
