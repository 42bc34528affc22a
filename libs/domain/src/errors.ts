/**
 * Base class of every error the domain raises. `code` is a stable machine-readable rule name
 * (the API maps it to an HTTP status); `message` is Vietnamese text an officer can read.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
  }
}

/** A value handed to the domain breaks one of its rules (HTTP 400/422). */
export class DomainValidationError extends DomainError {
  readonly code: string;
  constructor(code: string, message: string, readonly field?: string, details: Record<string, unknown> = {}) {
    super(message, { ...details, ...(field ? { field } : {}) });
    this.code = code;
  }
}

/** The resource does not exist, or the caller must not learn that it does (HTTP 404). */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
}

/** The caller may not act on this resource (HTTP 403). */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}

/** The request is well-formed but clashes with the resource's current state (HTTP 409). */
export class ConflictError extends DomainError {
  readonly code: string;
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message, details);
    this.code = code;
  }
}
