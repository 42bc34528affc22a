/**
 * Event types of the dossier log, past tense (STYLE.md habit 2). Payloads hold ids, codes and
 * times, never ID or phone numbers.
 */
export const DossierEvents = {
  Received: 'DossierReceived',
  HandoffSent: 'HandoffSent',
  HandoffReceived: 'HandoffReceived',
  StepCompleted: 'StepCompleted',
  ResultReady: 'ResultReady',
  WorkItemTaken: 'WorkItemTaken',
  WorkItemReassigned: 'WorkItemReassigned',
  DocumentsAttached: 'DocumentsAttached',
  SupplementRequested: 'SupplementRequested',
  SupplementReceived: 'SupplementReceived',
  SupplementExpired: 'SupplementExpired',
  RejectedAfterAppraisal: 'RejectedAfterAppraisal',
  ResultSigned: 'ResultSigned',
  ApologyIssued: 'ApologyIssued',
  ResultReturned: 'ResultReturned',
  Withdrawn: 'Withdrawn',
  StepDueSoon: 'StepDueSoon',
  DossierDueSoon: 'DossierDueSoon',
  DossierOverdue: 'DossierOverdue',
} as const;

/** The step key of the last hand-off of every route: back to the one-stop desk with the result. */
export const RETURN_TO_DESK_STEP = 'tra-ket-qua-ve-mot-cua';

/** Why a hand-off was carried on paper (DESIGN.md §4.2). */
export const PAPER_REASONS = ['originals_needed', 'state_secret', 'system_down', 'other'] as const;
export type PaperReason = (typeof PAPER_REASONS)[number];

export const PAPER_REASON_LABELS: Readonly<Record<PaperReason, string>> = {
  originals_needed: 'Cần bản gốc giấy tờ',
  state_secret: 'Hồ sơ có nội dung bí mật nhà nước',
  system_down: 'Hệ thống điện tử gián đoạn',
  other: 'Lý do khác',
};

/** How a hand-off travels: through the queues, or carried by hand and recorded by an officer. */
export type HandoffChannel = 'electronic' | 'paper';

/** The channel the sender asked for; paper needs a reason. */
export interface HandoffRequest {
  readonly channel: HandoffChannel;
  readonly reason?: PaperReason;
  readonly note?: string;
}
