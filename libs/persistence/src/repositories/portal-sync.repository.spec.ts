import { type PortalSyncRow, portalSyncView } from './portal-sync.repository';

const row = (over: Partial<PortalSyncRow> = {}): PortalSyncRow => ({
  wantedSeq: 7,
  syncedSeq: 7,
  attempts: 0,
  lastError: null,
  failingSince: null,
  nextAttemptAt: new Date('2026-03-02T02:00:00Z'),
  syncedAt: new Date('2026-03-02T01:59:00Z'),
  ...over,
});

describe('a dossier\'s portal sync, as its record shows it', () => {
  it('is synced when the cursor reached what is wanted, pending when not', () => {
    expect(portalSyncView(row(), false)).toEqual({ status: 'synced', syncedSeq: 7, wantedSeq: 7 });
    expect(portalSyncView(row({ syncedSeq: 9 }), false)).toEqual({ status: 'synced', syncedSeq: 9, wantedSeq: 7 });
    expect(portalSyncView(row({ syncedSeq: 3 }), false)).toEqual({ status: 'pending', syncedSeq: 3, wantedSeq: 7 });
  });

  it('is failing, with its last error and since when, once an attempt failed', () => {
    const since = new Date('2026-03-02T01:00:00Z');
    expect(portalSyncView(row({ syncedSeq: 3, attempts: 2, lastError: 'portal error -1 (DongBoHoSoMC)', failingSince: since }), false)).toEqual({
      status: 'failing',
      syncedSeq: 3,
      wantedSeq: 7,
      lastError: 'portal error -1 (DongBoHoSoMC)',
      failingSince: since,
      nextAttemptAt: new Date('2026-03-02T02:00:00Z'),
    });
  });

  it('does not apply to a state-secret dossier, or one with nothing for the portal', () => {
    expect(portalSyncView(row(), true)).toEqual({ status: 'not_applicable', syncedSeq: 0, wantedSeq: 0 });
    expect(portalSyncView(null, false)).toEqual({ status: 'not_applicable', syncedSeq: 0, wantedSeq: 0 });
  });
});
