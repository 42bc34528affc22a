import { ForbiddenError } from '@motcua/domain';

/**
 * Who performs a command: a person with a commune and units, or the system (a unit's consumer,
 * an automatic step), which may act everywhere. One helper decides (STYLE.md habit 6).
 */
export interface ActingUser {
  /** The user's id (work items are assigned to it); `null` for the system. */
  readonly id: string | null;
  /** Name written in the event log and on the forms. */
  readonly name: string;
  /** The user's commune; `null` for the system. */
  readonly communeCode: string | null;
  /** Units the user works for; `'any'` for the system and for roles above the units. */
  readonly units: readonly string[] | 'any';
}

export function systemActor(name: string): ActingUser {
  return { id: null, name, communeCode: null, units: 'any' };
}

/** May this user act on a dossier of `communeCode`, for `unit`? Throws 403 if not. */
export function assertMayAct(user: ActingUser, communeCode: string, unit?: string): void {
  if (user.communeCode !== null && user.communeCode !== communeCode) {
    throw new ForbiddenError('Hồ sơ thuộc xã khác; tài khoản không được thao tác.', { communeCode });
  }
  if (unit !== undefined && user.units !== 'any' && !user.units.includes(unit)) {
    throw new ForbiddenError('Bước này thuộc đơn vị khác; tài khoản không được thao tác.', { unit });
  }
}
