import { BadRequestException, ConflictException } from '@nestjs/common';

// The stubs read raw JSON bodies (no global pipe in this app); these helpers answer 400/409 in the stubs' shape.

/** A required non-empty string field of a JSON body, else 400 `invalid_request`. */
export function textField(body: unknown, field: string): string {
  const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new BadRequestException({ error: 'invalid_request', message: `Thiếu hoặc sai trường "${field}"` });
  }
  return value;
}

/** An optional field of a JSON body, as found. */
export function rawField(body: unknown, field: string): unknown {
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
}

/**
 * A reference already used with other content: the stubs are idempotent by reference (the
 * caller's hand-off id), so a reused reference with another body is refused rather than
 * silently answered with the first call's result.
 */
export function referenceConflict(reference: string): ConflictException {
  return new ConflictException({
    error: 'reference_conflict',
    message: `Mã tham chiếu ${reference} đã được dùng cho một yêu cầu có nội dung khác`,
  });
}
