import { DomainError } from '@motcua/domain';

/** No valid token, or wrong credentials (HTTP 401). */
export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
}
