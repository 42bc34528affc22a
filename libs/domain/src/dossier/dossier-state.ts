import { DomainError } from '../errors';

/** Trạng thái hồ sơ — the lifecycle states of a dossier. */
export const DOSSIER_STATES = [
  'submitted', // online, not yet checked by the desk (Mới đăng ký)
  'received', // accepted at the desk, receipt slip issued (Được tiếp nhận)
  'in_progress', // handed to the units (Đang xử lý)
  'waiting_supplement', // clock paused, waiting for the citizen (Yêu cầu bổ sung)
  'result_ready', // result handed back to the desk (Đã xử lý xong)
  'returned', // result given to the citizen (Đã trả kết quả)
  'refused_at_receipt', // Mẫu 03 (Không được tiếp nhận)
  'rejected_after_appraisal', // refused after appraisal (Dừng xử lý: không đủ điều kiện)
  'withdrawn', // stopped at the citizen's request, Mẫu 05 (Công dân rút hồ sơ)
] as const;

export type DossierState = (typeof DOSSIER_STATES)[number];

/** Actions that move a dossier between states. */
export const DOSSIER_ACTIONS = [
  'accept',
  'refuse',
  'startProcessing',
  'completeStep',
  'completeAutomaticStep',
  'requestSupplement',
  'receiveSupplement',
  'markResultReady',
  'rejectAfterAppraisal',
  'withdraw',
  'returnResult',
] as const;

export type DossierAction = (typeof DOSSIER_ACTIONS)[number];

/**
 * The transition table. A missing entry is an illegal transition. `completeStep` keeps the
 * dossier in progress (a step finished and the dossier moves to the next unit).
 * `completeAutomaticStep` is an outside agency's answer (a BHXH card issued) on one branch of a
 * fork: it is recorded while another branch waits for the citizen's supplement too, and the
 * dossier stays paused (the join waits for the open branch anyway).
 */
const TRANSITIONS: Readonly<Record<DossierState, Partial<Record<DossierAction, DossierState>>>> = {
  submitted: { accept: 'received', refuse: 'refused_at_receipt', withdraw: 'withdrawn' },
  received: {
    startProcessing: 'in_progress',
    markResultReady: 'result_ready',
    rejectAfterAppraisal: 'rejected_after_appraisal',
    withdraw: 'withdrawn',
  },
  in_progress: {
    completeStep: 'in_progress',
    completeAutomaticStep: 'in_progress',
    requestSupplement: 'waiting_supplement',
    markResultReady: 'result_ready',
    rejectAfterAppraisal: 'rejected_after_appraisal',
    withdraw: 'withdrawn',
  },
  waiting_supplement: {
    receiveSupplement: 'in_progress',
    completeAutomaticStep: 'waiting_supplement',
    rejectAfterAppraisal: 'rejected_after_appraisal',
    withdraw: 'withdrawn',
  },
  result_ready: { returnResult: 'returned' },
  returned: {},
  refused_at_receipt: {},
  rejected_after_appraisal: {},
  withdrawn: {},
};

export const TERMINAL_STATES: readonly DossierState[] = DOSSIER_STATES.filter(
  (s) => Object.keys(TRANSITIONS[s]).length === 0,
);

/** Vietnamese labels shown to officers and citizens. */
export const DOSSIER_STATE_LABELS: Readonly<Record<DossierState, string>> = {
  submitted: 'Mới đăng ký',
  received: 'Đã tiếp nhận',
  in_progress: 'Đang xử lý',
  waiting_supplement: 'Chờ bổ sung hồ sơ',
  result_ready: 'Đã có kết quả, chờ trả',
  returned: 'Đã trả kết quả',
  refused_at_receipt: 'Từ chối tiếp nhận',
  rejected_after_appraisal: 'Không đủ điều kiện giải quyết',
  withdrawn: 'Dừng giải quyết theo yêu cầu của công dân',
};

const ACTION_LABELS: Readonly<Record<DossierAction, string>> = {
  accept: 'tiếp nhận',
  refuse: 'từ chối tiếp nhận',
  startProcessing: 'chuyển xử lý',
  completeStep: 'hoàn thành bước xử lý',
  completeAutomaticStep: 'ghi nhận kết quả bước xử lý tự động',
  requestSupplement: 'yêu cầu bổ sung',
  receiveSupplement: 'nhận hồ sơ bổ sung',
  markResultReady: 'chuyển kết quả về Bộ phận Một cửa',
  rejectAfterAppraisal: 'từ chối giải quyết',
  withdraw: 'dừng giải quyết',
  returnResult: 'trả kết quả',
};

/** Refused transition; the API answers 409 with `rule = ILLEGAL_TRANSITION`. */
export class IllegalTransitionError extends DomainError {
  readonly code = 'ILLEGAL_TRANSITION';
  constructor(
    readonly from: DossierState,
    readonly action: DossierAction,
  ) {
    super(
      `Không thể ${ACTION_LABELS[action]} hồ sơ đang ở trạng thái "${DOSSIER_STATE_LABELS[from]}".`,
      { from, action },
    );
  }
}

/** Returns the state after `action`, or throws {@link IllegalTransitionError}. */
export function transition(from: DossierState, action: DossierAction): DossierState {
  const to = TRANSITIONS[from][action];
  if (to === undefined) throw new IllegalTransitionError(from, action);
  return to;
}

export function canTransition(from: DossierState, action: DossierAction): boolean {
  return TRANSITIONS[from][action] !== undefined;
}

export function isTerminal(state: DossierState): boolean {
  return TERMINAL_STATES.includes(state);
}
