import { ForbiddenError, NotFoundError, standsAboveUnits } from '@motcua/domain';
import type { DossierEntity, HandoffEntity, TransactionScope } from '@motcua/persistence';
import type { Actor } from '../auth/actor';

/**
 * May this caller read the dossier? It was read through the caller's commune, so it is theirs;
 * the roles above the units see every dossier of it, everyone else only the dossiers that passed
 * through one of their units — the desk's among them, since every dossier starts there
 * (DESIGN.md §4.6). Throws 403 otherwise.
 */
export function assertMayView(actor: Actor, handoffs: readonly Pick<HandoffEntity, 'fromUnit' | 'toUnit'>[]): void {
  if (standsAboveUnits(actor.roles)) return;
  if (!handoffs.some((h) => actor.units.includes(h.toUnit) || actor.units.includes(h.fromUnit))) {
    throw new ForbiddenError('Hồ sơ không qua đơn vị của tài khoản.');
  }
}

/** The dossier of the caller's commune with its hand-offs, if the caller may see it; 404 or 403 otherwise. */
export async function viewableDossier(read: TransactionScope, actor: Actor, id: string): Promise<{ dossier: DossierEntity; handoffs: HandoffEntity[] }> {
  const dossier = await read.dossiers.findById(id);
  if (!dossier) throw new NotFoundError('Không tìm thấy hồ sơ.');
  const handoffs = await read.workflow.handoffsOf(id);
  assertMayView(actor, handoffs);
  return { dossier, handoffs };
}
