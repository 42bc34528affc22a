import { type ArgumentMetadata, BadRequestException, type PipeTransform, type ValidationError, ValidationPipe } from '@nestjs/common';
import { childPath, hostileContent, MAX_FIELD_ERRORS, NOT_RECEIVED } from './hostile-content';

/** One bad field of a request body. */
export interface FieldError {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

/** The Vietnamese of class-validator's own rules, which take no message from the DTOs. */
const BUILT_IN_MESSAGES: Record<string, string> = {
  whitelistValidation: NOT_RECEIVED,
  nestedValidation: 'Phải là một đối tượng JSON.',
  unknownValue: 'Dữ liệu gửi lên phải là một đối tượng JSON.',
  isObject: 'Dữ liệu gửi lên phải là một đối tượng JSON.',
};

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = childPath(parent, e.property, parent !== '' && /^\d+$/.test(e.property));
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({ field, rule, message: BUILT_IN_MESSAGES[rule] ?? message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** The API's 400 for bad fields, at most {@link MAX_FIELD_ERRORS} of them. */
export function validationFailed(errors: readonly FieldError[]): BadRequestException {
  return new BadRequestException({ statusCode: 400, rule: 'VALIDATION', message: 'Dữ liệu không hợp lệ.', errors: errors.slice(0, MAX_FIELD_ERRORS) });
}

const notAnObject = (): FieldError => ({ field: 'body', rule: 'isObject', message: BUILT_IN_MESSAGES.isObject });

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The global pipe: unknown fields are refused, and the 400 body names every bad field
 * (`applicant.phone`, `components[0].name`) so the desk can fix them all at once. Before the DTO
 * rules it checks what no DTO can: that a body is a JSON object, and that no text of the query
 * holds what PostgreSQL cannot store nor any key a reserved name (the body parser has checked
 * the body's, see json-body.ts). Path parameters are left to their own pipes, which answer 404
 * for a segment that names nothing (see workflow.controller.ts).
 */
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      exceptionFactory: (errors) => validationFailed(flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value !== undefined && !isPlainObject(value) && metadata.metatype !== undefined && this.toValidate(metadata)) {
      throw validationFailed([notAnObject()]);
    }
    const hostile = metadata.type === 'query' ? hostileContent(value) : [];
    if (hostile.length === 0) return super.transform(value, metadata);
    // The DTO's own errors too, so that every bad field is named at once.
    let rules: readonly FieldError[] = [];
    try {
      await super.transform(value, metadata);
    } catch (e) {
      if (!(e instanceof BadRequestException)) throw e;
      rules = (e.getResponse() as { errors?: FieldError[] }).errors ?? [];
    }
    throw validationFailed([...hostile, ...rules]);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe();
}

/**
 * For actions that take no body (`@Body(NoBody) _: unknown`): nothing, or `{}`, is accepted;
 * every field sent is refused by name, like an unknown field of a DTO.
 */
export const NoBody: PipeTransform = {
  transform(value: unknown) {
    if (value === undefined) return undefined;
    if (!isPlainObject(value)) throw validationFailed([notAnObject()]);
    const fields = Object.keys(value);
    if (fields.length > 0) throw validationFailed(fields.map((field) => ({ field, rule: 'whitelistValidation', message: NOT_RECEIVED })));
    return value;
  },
};
