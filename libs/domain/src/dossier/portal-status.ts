import { type DossierState } from './dossier-state';

/**
 * Mã trạng thái hồ sơ trên Cổng Dịch vụ công quốc gia (TrangThaiHoSo 1–10), see
 * shared/domain/portal-and-reports.md §1.5.
 */
export enum PortalStatusCode {
  Submitted = 1,
  Received = 2,
  NotReceived = 3,
  InProcess = 4,
  SupplementRequested = 5,
  PaymentRequested = 6,
  WithdrawnByApplicant = 7,
  ProcessingStopped = 8,
  Finished = 9,
  ResultReturned = 10,
}

export const PORTAL_STATUS_NAMES: Readonly<Record<PortalStatusCode, string>> = {
  1: 'Mới đăng ký',
  2: 'Được tiếp nhận',
  3: 'Không được tiếp nhận',
  4: 'Đang xử lý',
  5: 'Yêu cầu bổ sung giấy tờ',
  6: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  7: 'Công dân yêu cầu rút hồ sơ',
  8: 'Dừng xử lý',
  9: 'Đã xử lý xong',
  10: 'Đã trả kết quả',
};

/**
 * Internal state → portal code. Rejection after appraisal is "processing stopped" (8: conditions
 * not met); the citizen's own stop request is 7. A result is finished (9) before it is returned
 * (10), never collapsed (DOMAIN.md decision 7).
 */
const STATE_TO_PORTAL: Readonly<Record<DossierState, PortalStatusCode>> = {
  submitted: PortalStatusCode.Submitted,
  received: PortalStatusCode.Received,
  refused_at_receipt: PortalStatusCode.NotReceived,
  in_progress: PortalStatusCode.InProcess,
  waiting_supplement: PortalStatusCode.SupplementRequested,
  withdrawn: PortalStatusCode.WithdrawnByApplicant,
  rejected_after_appraisal: PortalStatusCode.ProcessingStopped,
  result_ready: PortalStatusCode.Finished,
  returned: PortalStatusCode.ResultReturned,
};

export function toPortalStatus(state: DossierState): PortalStatusCode {
  return STATE_TO_PORTAL[state];
}
