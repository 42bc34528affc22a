import type { HandoffChannel, PaperReason } from '@motcua/domain';

/** The event catalog (types and payloads) lives in the domain lib, where persistence reads it too. */
export { DossierEvents, type DossierEventType, type DossierEventPayloads, type HandoffChannel, PAPER_REASONS, type PaperReason } from '@motcua/domain';

/** The step key of the last hand-off of every route: back to the one-stop desk with the result. */
export const RETURN_TO_DESK_STEP = 'tra-ket-qua-ve-mot-cua';

export const PAPER_REASON_LABELS: Readonly<Record<PaperReason, string>> = {
  originals_needed: 'Cần bản gốc giấy tờ',
  state_secret: 'Hồ sơ có nội dung bí mật nhà nước',
  system_down: 'Hệ thống điện tử gián đoạn',
  other: 'Lý do khác',
};

/** The channel the sender asked for; paper needs a reason. */
export interface HandoffRequest {
  readonly channel: HandoffChannel;
  readonly reason?: PaperReason;
  readonly note?: string;
}
