import { DossierEvents, type DossierEventType, STATE_CHANGE_EVENTS } from '@motcua/domain';

/**
 * The events the national portal hears of, each as one progress row (CapNhatTienDoHoSoMC): the
 * status changes and the new return date of an apology. A command records them with
 * `{ portal: true }`; the journal then raises the dossier's `portal_sync.wanted_seq`, and the
 * portal syncer sends every event of these types after the dossier's cursor, in order.
 *
 * Invariant: an event recorded with `{ portal: true }` has one of these types (the journal
 * refuses another), so the cursor never passes over a row the portal should have had.
 */
export const PORTAL_EVENT_TYPES: readonly DossierEventType[] = [...STATE_CHANGE_EVENTS, DossierEvents.ApologyIssued];

export function isPortalEventType(type: string): boolean {
  return (PORTAL_EVENT_TYPES as readonly string[]).includes(type);
}
