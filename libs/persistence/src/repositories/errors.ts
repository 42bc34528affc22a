import { DomainError } from '@motcua/domain';

/** Another command changed the dossier first (its sequence moved on); the caller may retry. */
export class ConcurrentModificationError extends DomainError {
  readonly code = 'CONCURRENT_MODIFICATION';
  constructor(dossierId: string) {
    super('Hồ sơ vừa được cập nhật bởi thao tác khác, vui lòng thử lại.', { dossierId });
  }
}
