import type { TransactionScope } from '@motcua/persistence';
import { DossierJournal } from './dossier-journal';
import { DossierEvents } from './events';

/*
 * `record` is checked by the compiler against the event catalog; the expectations below are the
 * point of this file, and `npm run typecheck` and ts-jest both fail if one stops being an error.
 */
describe('DossierJournal.record', () => {
  const journal = new DossierJournal({} as TransactionScope, { id: 'd1', communeCode: '26001', lastSeq: 0, lastHash: '', stateSecret: false });
  const at = new Date('2026-03-02T01:30:00.000Z');

  it('takes a payload of its type', () => {
    journal.record(DossierEvents.WorkItemTaken, { stepKey: 'tham-dinh', unit: 'tu-phap', assigneeId: 'u1' }, 'cán bộ', at);
    journal.record(DossierEvents.SupplementExpired, { citizenDueAt: at.toISOString() }, 'system', at);
  });

  it('refuses a payload of another type, a missing field, an extra one, or a name outside the catalog', () => {
    // @ts-expect-error a HandoffReceived payload for WorkItemTaken
    journal.record(DossierEvents.WorkItemTaken, { handoffId: 'h1', stepKey: 's', unit: 'u', channel: 'electronic' }, 'x', at);
    // @ts-expect-error assigneeId missing
    journal.record(DossierEvents.WorkItemTaken, { stepKey: 's', unit: 'u' }, 'x', at);
    // @ts-expect-error a field the catalog does not have
    journal.record(DossierEvents.SupplementExpired, { citizenDueAt: 'x', phone: '0912345678' }, 'x', at);
    // @ts-expect-error a Date where the catalog keeps an ISO string
    journal.record(DossierEvents.SupplementExpired, { citizenDueAt: at }, 'x', at);
    // @ts-expect-error not an event type
    journal.record('DossierLost', {}, 'x', at);
  });
});
