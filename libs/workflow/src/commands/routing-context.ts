import { NotFoundError } from '@motcua/domain';
import type { TransactionScope } from '@motcua/persistence';
import { DossierJournal } from '../dossier-journal';
import type { ReferenceCache } from '../reference-cache';
import type { RoutingContext } from '../routing';

/**
 * Locks the dossier (every command on a dossier runs after the previous one committed) and
 * gathers what routing needs. A dossier of another commune is "not found", exactly like an
 * unknown id: the transaction's repositories see only their own commune.
 */
export async function openDossier(
  tx: TransactionScope,
  refs: ReferenceCache,
  dossierId: string,
  actor: string,
  now: Date,
): Promise<RoutingContext> {
  const dossier = await tx.dossiers.lock(dossierId);
  const { communeCode } = tx;
  if (!dossier) throw new NotFoundError('Không tìm thấy hồ sơ.', { dossierId });
  const [procedure, calendar, profile] = await Promise.all([
    refs.procedure(tx.reference, communeCode, dossier.procedureVersionId),
    refs.forCommune(tx.reference, communeCode),
    refs.profileOf(tx.reference, dossier.receivingOfficeCode),
  ]);
  return { tx, journal: new DossierJournal(tx, dossier), dossier, procedure, calendar, profile, now, actor };
}
