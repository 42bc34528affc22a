import {
  canTransition,
  DOSSIER_ACTIONS,
  DOSSIER_STATES,
  type DossierAction,
  type DossierState,
  IllegalTransitionError,
  isTerminal,
  transition,
} from './dossier-state';
import { PortalStatusCode, toPortalStatus } from './portal-status';

describe('dossier state machine', () => {
  const legal: [DossierState, DossierAction, DossierState][] = [
    ['submitted', 'accept', 'received'],
    ['submitted', 'refuse', 'refused_at_receipt'],
    ['received', 'startProcessing', 'in_progress'],
    ['received', 'markResultReady', 'result_ready'],
    ['in_progress', 'completeStep', 'in_progress'],
    ['in_progress', 'requestSupplement', 'waiting_supplement'],
    ['waiting_supplement', 'receiveSupplement', 'in_progress'],
    ['waiting_supplement', 'rejectAfterAppraisal', 'rejected_after_appraisal'],
    ['in_progress', 'markResultReady', 'result_ready'],
    ['in_progress', 'rejectAfterAppraisal', 'rejected_after_appraisal'],
    ['in_progress', 'withdraw', 'withdrawn'],
    ['result_ready', 'returnResult', 'returned'],
  ];

  it.each(legal)('%s --%s--> %s', (from, action, to) => {
    expect(transition(from, action)).toBe(to);
  });

  it('refuses every transition out of a terminal state with a named error', () => {
    for (const state of ['returned', 'refused_at_receipt', 'rejected_after_appraisal', 'withdrawn'] as const) {
      expect(isTerminal(state)).toBe(true);
      for (const action of DOSSIER_ACTIONS) {
        expect(() => transition(state, action)).toThrow(IllegalTransitionError);
      }
    }
  });

  it.each([
    ['received', 'returnResult'],
    ['in_progress', 'returnResult'],
    ['waiting_supplement', 'markResultReady'],
    ['waiting_supplement', 'requestSupplement'],
    ['result_ready', 'withdraw'],
    ['submitted', 'startProcessing'],
    ['in_progress', 'accept'],
  ] as [DossierState, DossierAction][])('refuses %s --%s', (from, action) => {
    let error: unknown;
    try {
      transition(from, action);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IllegalTransitionError);
    const e = error as IllegalTransitionError;
    expect(e.code).toBe('ILLEGAL_TRANSITION');
    expect(e.from).toBe(from);
    expect(e.action).toBe(action);
    expect(e.message).toMatch(/Không thể/);
    expect(canTransition(from, action)).toBe(false);
  });

  it('has exactly the legal transitions listed (no accidental extras)', () => {
    const allowed = DOSSIER_STATES.flatMap((s) => DOSSIER_ACTIONS.filter((a) => canTransition(s, a)).map((a) => `${s}:${a}`));
    expect(allowed.sort()).toEqual(
      [
        'submitted:accept', 'submitted:refuse', 'submitted:withdraw',
        'received:startProcessing', 'received:markResultReady', 'received:rejectAfterAppraisal', 'received:withdraw',
        'in_progress:completeStep', 'in_progress:completeAutomaticStep', 'in_progress:requestSupplement', 'in_progress:markResultReady',
        'in_progress:rejectAfterAppraisal', 'in_progress:withdraw',
        'waiting_supplement:receiveSupplement', 'waiting_supplement:completeAutomaticStep', 'waiting_supplement:rejectAfterAppraisal', 'waiting_supplement:withdraw',
        'result_ready:returnResult',
      ].sort(),
    );
  });

  it('maps every state to the portal status codes of §1.5, finished (9) before returned (10)', () => {
    expect(DOSSIER_STATES.map((s) => [s, toPortalStatus(s)])).toEqual([
      ['submitted', 1],
      ['received', 2],
      ['in_progress', 4],
      ['waiting_supplement', 5],
      ['result_ready', 9],
      ['returned', 10],
      ['refused_at_receipt', 3],
      ['rejected_after_appraisal', 8],
      ['withdrawn', 7],
    ]);
    expect(toPortalStatus('result_ready')).toBe(PortalStatusCode.Finished);
  });
});
