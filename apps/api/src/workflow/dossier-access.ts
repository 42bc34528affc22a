import { ForbiddenError } from '@motcua/domain';
import type { DossierEntity, HandoffEntity } from '@motcua/persistence';
import { assertMayAct } from '@motcua/workflow';
import { type Actor, actingUser } from '../auth/actor';

/** Roles that see every dossier of their commune (the desk, leaders, supervisors, administrators). */
const COMMUNE_WIDE = new Set(['reception', 'leader', 'supervisor', 'admin']);

/**
 * May this caller read the dossier? Their own commune only; officers only the dossiers that
 * passed through one of their units (DESIGN.md §4.6). Throws 403 otherwise.
 */
export function assertMayView(actor: Actor, dossier: DossierEntity, handoffs: readonly Pick<HandoffEntity, 'fromUnit' | 'toUnit'>[]): void {
  assertMayAct(actingUser(actor), dossier.communeCode);
  if (actor.roles.some((r) => COMMUNE_WIDE.has(r))) return;
  if (!handoffs.some((h) => actor.units.includes(h.toUnit) || actor.units.includes(h.fromUnit))) {
    throw new ForbiddenError('Hồ sơ không qua đơn vị của tài khoản.');
  }
}
