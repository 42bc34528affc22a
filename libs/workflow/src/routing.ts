import { randomUUID } from 'node:crypto';
import {
  isTerminal,
  judgeTimeliness,
  type OfficeProfile,
  type ProcedureDefinition,
  type RouteStep,
  transition,
  toPortalStatus,
  type UnitKind,
  type WorkingCalendar,
} from '@motcua/domain';
import { JobName, type HandoffJob } from '@motcua/messaging';
import type { DossierEntity, HandoffEntity, TransactionScope } from '@motcua/persistence';
import type { DossierJournal } from './dossier-journal';
import { paperReasonRequired, stateSecretPaperOnly } from './errors';
import { scheduleStepWarning } from './deadlines';
import { DossierEvents, type HandoffRequest, RETURN_TO_DESK_STEP } from './events';

/** Everything a routing decision needs inside one command's transaction. */
export interface RoutingContext {
  readonly tx: TransactionScope;
  readonly journal: DossierJournal;
  readonly dossier: DossierEntity;
  readonly procedure: ProcedureDefinition;
  readonly calendar: WorkingCalendar;
  readonly profile: OfficeProfile;
  readonly now: Date;
  readonly actor: string;
}

/** The pseudo-step that takes the result back to the one-stop desk after the last stage. */
export const RETURN_STEP: RouteStep = { key: RETURN_TO_DESK_STEP, unit: 'van-phong', name: 'Chuyển kết quả về Bộ phận Một cửa', share: 0 };

/** The route step (or the return pseudo-step) with this key. */
export function findStep(procedure: ProcedureDefinition, key: string): RouteStep | undefined {
  if (key === RETURN_TO_DESK_STEP) return RETURN_STEP;
  for (const stage of procedure.route.stages) {
    const step = stage.steps.find((s) => s.key === key);
    if (step) return step;
  }
  return undefined;
}

/** The channel a hand-off takes: state-secret dossiers only ever on paper, paper needs a reason. */
export function resolveChannel(dossier: Pick<DossierEntity, 'stateSecret'>, request: HandoffRequest | undefined): HandoffRequest {
  if (dossier.stateSecret) {
    if (request?.channel === 'electronic') throw stateSecretPaperOnly();
    return { channel: 'paper', reason: 'state_secret', note: request?.note };
  }
  const chosen = request ?? { channel: 'electronic' };
  if (chosen.channel === 'paper' && !chosen.reason) throw paperReasonRequired();
  return chosen;
}

/**
 * The step's deadline: its share of the dossier's legal time, counted in working minutes from
 * the moment it is handed off (the time the dossier had in total, from the counting start to the
 * appointment, times the share).
 */
function stepDueAt(ctx: RoutingContext, step: RouteStep): Date | null {
  if (step.share <= 0) return null;
  const total = ctx.calendar.workingMinutesBetween(ctx.dossier.countedFrom, ctx.dossier.dueAt, ctx.profile);
  return ctx.calendar.addWorkingMinutes(ctx.now, Math.max(1, Math.round(total * step.share)), ctx.profile);
}

/**
 * Hands the dossier to every step of a stage (a fork when there are several): one hand-off row,
 * one HandoffSent event and, for electronic hand-offs, one message on the receiving unit's queue
 * each. A paper hand-off is received on the spot: the officer who carried it records both ends.
 */
export async function handOff(ctx: RoutingContext, steps: readonly RouteStep[], fromUnit: UnitKind, request: HandoffRequest): Promise<void> {
  for (const step of steps) {
    const id = randomUUID();
    const due = stepDueAt(ctx, step);
    const paper = request.channel === 'paper';
    const handoff: HandoffEntity = {
      id,
      communeCode: ctx.dossier.communeCode,
      dossierId: ctx.dossier.id,
      stepKey: step.key,
      fromUnit,
      toUnit: step.unit,
      channel: request.channel,
      reason: paper ? (request.reason ?? null) : null,
      sentBy: ctx.actor,
      sentAt: ctx.now,
      stepDueAt: due,
      receivedAt: paper ? ctx.now : null,
      receivedBy: paper ? ctx.actor : null,
    };
    await ctx.tx.workflow.insertHandoff(handoff);
    ctx.journal.record(
      DossierEvents.HandoffSent,
      {
        handoffId: id,
        stepKey: step.key,
        fromUnit,
        toUnit: step.unit,
        channel: request.channel,
        ...(paper ? { reason: request.reason, note: request.note } : {}),
        stepDueAt: due?.toISOString() ?? null,
      },
      ctx.actor,
      ctx.now,
    );
    if (paper) {
      await applyReceipt(ctx, handoff, ctx.actor);
    } else {
      const job: HandoffJob = { handoffId: id, dossierId: ctx.dossier.id, communeCode: ctx.dossier.communeCode };
      ctx.journal.send({ queue: step.unit, jobName: JobName.Handoff, payload: { ...job } });
    }
  }
}

/**
 * What a receipt does: the step lands in the unit's inbox as a work item, or, for the return to
 * the desk, the dossier becomes "result ready" (portal status 9).
 */
export async function applyReceipt(ctx: RoutingContext, handoff: HandoffEntity, receivedBy: string): Promise<void> {
  ctx.journal.record(
    DossierEvents.HandoffReceived,
    { handoffId: handoff.id, stepKey: handoff.stepKey, unit: handoff.toUnit, channel: handoff.channel },
    receivedBy,
    ctx.now,
  );
  // A dossier stopped meanwhile (rejected, withdrawn) takes the receipt and nothing more.
  if (isTerminal(ctx.dossier.state)) return;
  if (handoff.stepKey === RETURN_TO_DESK_STEP) {
    const state = transition(ctx.dossier.state, 'markResultReady');
    ctx.journal.setState(state);
    ctx.dossier.state = state;
    await ctx.tx.dossiers.markResolved(ctx.dossier.id, ctx.now);
    ctx.journal.record(
      DossierEvents.ResultReady,
      { state, portalStatus: toPortalStatus(state), timeliness: judgeTimeliness(ctx.now, ctx.dossier.originalDueAt) },
      receivedBy,
      ctx.now,
      { portal: true },
    );
    return;
  }
  if (handoff.stepDueAt) scheduleStepWarning(ctx, handoff.stepKey, ctx.now, handoff.stepDueAt);
  await ctx.tx.workflow.insertWorkItem({
    dossierId: handoff.dossierId,
    unitKind: handoff.toUnit,
    stepKey: handoff.stepKey,
    handoffId: handoff.id,
    dueAt: handoff.stepDueAt,
    automatic: findStep(ctx.procedure, handoff.stepKey)?.automatic ?? null,
  });
}
