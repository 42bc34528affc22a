import { randomUUID } from 'node:crypto';
import {
  type DossierState,
  isTerminal,
  judgeTimeliness,
  type OfficeProfile,
  type ProcedureDefinition,
  type RouteStep,
  type TypedDossierEvent,
  transition,
  toPortalStatus,
  type UnitKind,
  type WorkingCalendar,
} from '@motcua/domain';
import { JobName, type HandoffJob } from '@motcua/messaging';
import type { DeadlineTimer, DossierEntity, HandoffEntity, NewWorkItem } from '@motcua/persistence';
import type { CommandRepository, CommandScope, JournalWriter } from './dossier-command-pipeline';
import { paperReasonRequired, stateSecretPaperOnly } from './errors';
import { stepWarningTimer } from './deadlines';
import { DossierEvents, type HandoffRequest, RETURN_TO_DESK_STEP } from './events';

/**
 * Everything a routing decision needs inside one command's transaction, as the pipeline hands it
 * to a command: `tx` holds only the repositories `K` (a helper names the ones it uses; `never`
 * for none), and the journal collects what the pipeline writes after the work.
 */
export interface RoutingContext<K extends CommandRepository = CommandRepository> {
  readonly tx: CommandScope<K>;
  readonly journal: JournalWriter;
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
function stepDueAt(ctx: RoutingContext<never>, step: RouteStep): Date | null {
  if (step.share <= 0) return null;
  const total = ctx.calendar.workingMinutesBetween(ctx.dossier.countedFrom, ctx.dossier.dueAt, ctx.profile);
  return ctx.calendar.addWorkingMinutes(ctx.now, Math.max(1, Math.round(total * step.share)), ctx.profile);
}

/**
 * Hands the dossier to every step of a stage (a fork when there are several): one hand-off row,
 * one HandoffSent event and, for electronic hand-offs, one message on the receiving unit's queue
 * each. A paper hand-off is received on the spot: the officer who carried it records both ends.
 */
export async function handOff(ctx: RoutingContext<'workflow' | 'dossiers'>, steps: readonly RouteStep[], fromUnit: UnitKind, request: HandoffRequest): Promise<void> {
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
    // A paper hand-off is received right here, so its row must exist now; an electronic one's is
    // written with the events, in the journal's one statement.
    if (paper) await ctx.tx.workflow.insertHandoff(handoff);
    else ctx.journal.handoff(handoff);
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

/** What recording a receipt changes, decided before anything is written (the batched receipts write it in one statement). */
export interface ReceiptPlan {
  readonly events: readonly (TypedDossierEvent<typeof DossierEvents.HandoffReceived | typeof DossierEvents.ResultReady> & { readonly portal: boolean })[];
  /** The dossier's new state and the moment it was resolved, for the return to the desk. */
  readonly resolved?: { readonly state: DossierState; readonly at: Date };
  readonly workItem?: NewWorkItem;
  readonly timer?: DeadlineTimer;
}

/**
 * What a receipt does: the step lands in the unit's inbox as a work item (with the unit's
 * warning before it is due), or, for the return to the desk, the dossier becomes "result ready"
 * (portal status 9). A dossier stopped meanwhile (rejected, withdrawn) takes the receipt and
 * nothing more.
 */
export function planReceipt(
  dossier: Pick<DossierEntity, 'state' | 'originalDueAt'>,
  procedure: ProcedureDefinition,
  calendar: WorkingCalendar,
  profile: OfficeProfile,
  handoff: Pick<HandoffEntity, 'id' | 'dossierId' | 'stepKey' | 'toUnit' | 'channel' | 'stepDueAt'>,
  now: Date,
): ReceiptPlan {
  const received = {
    type: DossierEvents.HandoffReceived,
    payload: { handoffId: handoff.id, stepKey: handoff.stepKey, unit: handoff.toUnit as UnitKind, channel: handoff.channel },
    portal: false,
  } as const;
  if (isTerminal(dossier.state)) return { events: [received] };
  if (handoff.stepKey === RETURN_TO_DESK_STEP) {
    const state = transition(dossier.state, 'markResultReady');
    const ready = {
      type: DossierEvents.ResultReady,
      payload: { state, portalStatus: toPortalStatus(state), timeliness: judgeTimeliness(now, dossier.originalDueAt) },
      portal: true,
    } as const;
    return { events: [received, ready], resolved: { state, at: now } };
  }
  return {
    events: [received],
    timer: handoff.stepDueAt ? stepWarningTimer(calendar, profile, handoff.stepKey, now, handoff.stepDueAt) : undefined,
    workItem: {
      dossierId: handoff.dossierId,
      unitKind: handoff.toUnit,
      stepKey: handoff.stepKey,
      handoffId: handoff.id,
      dueAt: handoff.stepDueAt,
      automatic: findStep(procedure, handoff.stepKey)?.automatic ?? null,
    },
  };
}

/** Records a receipt inside the command's transaction ({@link planReceipt}): a paper hand-off's, received on the spot. */
export async function applyReceipt(ctx: RoutingContext<'workflow' | 'dossiers'>, handoff: HandoffEntity, receivedBy: string): Promise<void> {
  const plan = planReceipt(ctx.dossier, ctx.procedure, ctx.calendar, ctx.profile, handoff, ctx.now);
  for (const e of plan.events) {
    if (e.type === DossierEvents.ResultReady) ctx.journal.record(e.type, e.payload, receivedBy, ctx.now, { portal: e.portal });
    else ctx.journal.record(e.type, e.payload, receivedBy, ctx.now, { portal: e.portal });
  }
  if (plan.resolved) {
    ctx.journal.setState(plan.resolved.state);
    ctx.dossier.state = plan.resolved.state;
    await ctx.tx.dossiers.markResolved(ctx.dossier.id, plan.resolved.at);
  }
  if (plan.timer) ctx.journal.timer(plan.timer);
  if (plan.workItem) await ctx.tx.workflow.insertWorkItem(plan.workItem);
}
