import { ForbiddenError } from '@motcua/domain';

/**
 * Who performs a command: a person of a commune with their units, or the system (a unit's
 * consumer, an automatic step, the deadline checker) acting for the commune of the job it
 * handles. The command's commune is always its actor's: a command cannot reach another
 * commune's dossier, which is simply not found (404). One helper decides the unit (STYLE.md habit 6).
 */
export interface ActingUser {
  /** The user's id (work items are assigned to it); `null` for the system. */
  readonly id: string | null;
  /** Name written in the event log and on the forms. */
  readonly name: string;
  /** The commune the command runs in: the user's, or the job's for the system. */
  readonly communeCode: string;
  /** Units whose steps the user may act on; `'any'` for the system only. */
  readonly units: readonly string[] | 'any';
}

/** The system acting on a job of `communeCode`. */
export function systemActor(name: string, communeCode: string): ActingUser {
  return { id: null, name, communeCode, units: 'any' };
}

/** May this user act on a step of `unit`? Throws 403 if not (the dossier is already known to be in their commune). */
export function assertMayAct(user: ActingUser, unit: string): void {
  if (user.units !== 'any' && !user.units.includes(unit)) {
    throw new ForbiddenError('Bước này thuộc đơn vị khác; tài khoản không được thao tác.', { unit });
  }
}
