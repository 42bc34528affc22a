import { ConflictError, DomainValidationError } from '@motcua/domain';

/** The step is not waiting in an inbox (already done, or never handed off): HTTP 409. */
export class StepNotPendingError extends ConflictError {
  constructor(stepKey: string) {
    super('STEP_NOT_PENDING', `Bước "${stepKey}" không ở trạng thái chờ xử lý.`, { stepKey });
  }
}

/** State-secret dossiers travel on paper only. */
export function stateSecretPaperOnly(): DomainValidationError {
  return new DomainValidationError(
    'STATE_SECRET_PAPER_ONLY',
    'Hồ sơ mật chỉ được chuyển bằng bản giấy, không chuyển điện tử.',
    'handoff.channel',
  );
}

/** A paper hand-off needs its reason (DESIGN.md §4.2). */
export function paperReasonRequired(): DomainValidationError {
  return new DomainValidationError('PAPER_REASON_REQUIRED', 'Chuyển hồ sơ bằng bản giấy phải nêu lý do.', 'handoff.reason');
}
