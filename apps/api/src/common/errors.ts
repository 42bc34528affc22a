import { DomainError } from '@motcua/domain';

/** The resource does not exist, or the caller must not learn that it does (HTTP 404). */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
}

/** The caller may not act on this resource (HTTP 403). */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}
