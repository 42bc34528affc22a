import { BadRequestException, type ValidationError, ValidationPipe } from '@nestjs/common';

/** One bad field of a request body. */
export interface FieldError {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({ field, rule, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * The global pipe: unknown fields are refused, and the 400 body names every bad field
 * (`applicant.phone`, `components[0].name`) so the desk can fix them all at once.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) =>
      new BadRequestException({
        statusCode: 400,
        rule: 'VALIDATION',
        message: 'Dữ liệu không hợp lệ.',
        errors: flatten(errors),
      }),
  });
}
