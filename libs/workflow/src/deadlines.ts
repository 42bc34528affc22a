import type { OfficeProfile, WorkingCalendar } from '@motcua/domain';
import type { DeadlineKind } from '@motcua/messaging';
import type { DeadlineTimer } from '@motcua/persistence';
import type { RoutingContext } from './routing';

/** A step is warned about half-way through its time, and at the latest this long before it is due. */
export const STEP_WARNING_LEAD_MINUTES = 120;

/**
 * Sets a reminder: a row of the timer table, written with the command's events (DESIGN.md §4.3);
 * the deadline sweeper fires it at `fireAt`.
 */
function schedule(ctx: RoutingContext<never>, kind: DeadlineKind, dueAt: Date, fireAt: Date, stepKey?: string): void {
  ctx.journal.timer({ kind, dueAt, fireAt, ...(stepKey ? { stepKey } : {}) });
}

/**
 * The dossier's two reminders: the desk is warned one working day before it is due (decision 5:
 * the apology window opens), and at the due time the dossier is marked overdue if unfinished.
 * Called whenever the due date is set or moves; a job for an old due date finds it changed and
 * does nothing.
 */
export function scheduleDossierDeadlines(ctx: RoutingContext<never>): void {
  const due = ctx.dossier.dueAt;
  const warnAt = ctx.calendar.subtractWorkingMinutes(due, ctx.calendar.minutesPerWorkingDay(ctx.profile), ctx.profile);
  schedule(ctx, 'dossier-due-soon', due, warnAt);
  schedule(ctx, 'dossier-due', due, due);
}

/** The unit's warning before its step is due: half-way through the step's time, at most 2 working hours before. */
export function stepWarningTimer(calendar: WorkingCalendar, profile: OfficeProfile, stepKey: string, from: Date, due: Date): DeadlineTimer {
  const allotted = calendar.workingMinutesBetween(from, due, profile);
  const lead = Math.min(STEP_WARNING_LEAD_MINUTES, Math.floor(allotted / 2));
  return { kind: 'step-due-soon' satisfies DeadlineKind, dueAt: due, fireAt: calendar.subtractWorkingMinutes(due, Math.max(0, lead), profile), stepKey };
}

/** Sets the unit's warning before its step is due ({@link stepWarningTimer}). */
export function scheduleStepWarning(ctx: RoutingContext<never>, stepKey: string, from: Date, due: Date): void {
  ctx.journal.timer(stepWarningTimer(ctx.calendar, ctx.profile, stepKey, from, due));
}

/** The citizen's deadline to supplement: past it, the dossier is rejected (decision 4). */
export function scheduleSupplementExpiry(ctx: RoutingContext<never>, citizenDueAt: Date): void {
  schedule(ctx, 'supplement-due', citizenDueAt, citizenDueAt);
}
