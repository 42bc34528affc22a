import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type Response } from 'express';
import { ConflictError, DomainError, DomainValidationError, ForbiddenError, IllegalTransitionError, NotFoundError } from '@motcua/domain';
import { ConcurrentModificationError } from '@motcua/persistence';
import { UnauthenticatedError } from '../auth/errors';

function statusOf(e: DomainError): number {
  if (e instanceof UnauthenticatedError) return HttpStatus.UNAUTHORIZED;
  if (e instanceof DomainValidationError) return HttpStatus.BAD_REQUEST;
  if (e instanceof IllegalTransitionError || e instanceof ConcurrentModificationError || e instanceof ConflictError) return HttpStatus.CONFLICT;
  if (e instanceof NotFoundError) return HttpStatus.NOT_FOUND;
  if (e instanceof ForbiddenError) return HttpStatus.FORBIDDEN;
  return HttpStatus.UNPROCESSABLE_ENTITY;
}

/**
 * Maps errors to HTTP (STYLE.md habit 8): domain errors to 4xx with the rule and the field they
 * name; anything unexpected to a 500 that carries a trace id and is logged with it, never with
 * the request body (it may hold ID and phone numbers).
 */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof DomainError) {
      const status = statusOf(exception);
      const field = exception instanceof DomainValidationError ? exception.field : undefined;
      res.status(status).json({
        statusCode: status,
        rule: exception.code,
        message: exception.message,
        ...(field ? { errors: [{ field, rule: exception.code, message: exception.message }] } : {}),
        ...(exception instanceof NotFoundError ? {} : { details: exception.details }),
      });
      return;
    }
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      res.status(exception.getStatus()).json(typeof body === 'string' ? { statusCode: exception.getStatus(), message: body } : body);
      return;
    }
    const traceId = randomUUID();
    const err = exception instanceof Error ? exception : new Error(String(exception));
    this.logger.error(`trace=${traceId} ${err.name}: ${err.message}`, err.stack);
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({
      statusCode: 500,
      message: 'Lỗi hệ thống. Vui lòng báo quản trị viên kèm mã lỗi.',
      traceId,
    });
  }
}
