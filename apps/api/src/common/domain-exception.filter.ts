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

/** Error codes of a database (or its pool) unreachable for a moment: a restart, a failover, no free connection. */
const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006']);
const OUTAGE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Connection is closed|server closed the connection|the database system is (starting up|shutting down)/i;

/** PostgreSQL (or Redis) was away for this request: nothing the caller sent is at fault, and a retry may succeed. */
export function isTransientOutage(e: unknown): boolean {
  for (let err = e as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown } | undefined, depth = 0; err && depth < 4; depth++) {
    if (typeof err.code === 'string' && OUTAGE_CODES.has(err.code)) return true;
    if (typeof err.message === 'string' && OUTAGE_MESSAGES.test(err.message)) return true;
    err = (err.driverError ?? err.cause) as typeof err;
  }
  return false;
}

/** The Vietnamese of the answers Nest and Express give by themselves (an unknown route, a path that does not decode). */
const FRAMEWORK_ANSWERS: Record<number, { rule: string; message: string }> = {
  400: { rule: 'BAD_REQUEST', message: 'Yêu cầu không hợp lệ.' },
  401: { rule: 'UNAUTHENTICATED', message: 'Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn.' },
  403: { rule: 'FORBIDDEN', message: 'Tài khoản không được phép thực hiện thao tác này.' },
  404: { rule: 'NOT_FOUND', message: 'Không tìm thấy.' },
  405: { rule: 'METHOD_NOT_ALLOWED', message: 'Không hỗ trợ phương thức này.' },
  406: { rule: 'NOT_ACCEPTABLE', message: 'Không trả lời được theo định dạng yêu cầu.' },
  413: { rule: 'PAYLOAD_TOO_LARGE', message: 'Dữ liệu gửi lên quá lớn.' },
  415: { rule: 'UNSUPPORTED_MEDIA_TYPE', message: 'Kiểu dữ liệu gửi lên không được hỗ trợ.' },
  429: { rule: 'RATE_LIMITED', message: 'Quá nhiều yêu cầu. Vui lòng thử lại sau.' },
};

/** Nest's own body (`{ statusCode, message, error }`, English), not one of ours (which name a rule) nor a health report. */
function isFrameworkDefault(body: string | object): boolean {
  if (typeof body === 'string') return true;
  const b = body as { statusCode?: unknown; message?: unknown; rule?: unknown };
  return typeof b.statusCode === 'number' && b.message !== undefined && b.rule === undefined;
}

/**
 * A framework's answer in Vietnamese. A path segment that does not decode (`%ff`) names nothing,
 * like a malformed id: 404, as the routes answer it.
 */
function frameworkAnswer(status: number, body: string | object): { statusCode: number; rule: string; message: string } {
  const message = typeof body === 'string' ? body : String((body as { message?: unknown }).message);
  const answered = status === 400 && message.startsWith('Failed to decode param') ? 404 : status;
  const known = FRAMEWORK_ANSWERS[answered] ?? { rule: answered >= 500 ? 'SERVER_ERROR' : 'REFUSED', message: 'Yêu cầu không được chấp nhận.' };
  return { statusCode: answered, ...known };
}

/**
 * Maps errors to HTTP (STYLE.md habit 8): domain errors to 4xx with the rule and the field they
 * name; the database away for a moment to a 503 with Retry-After; anything unexpected to a 500 that carries a trace id and is logged with it, never with
 * the request body (it may hold ID and phone numbers).
 */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    // An error answer is JSON even on a route that answers something else (the PEM of a signing key).
    res.type('application/json');
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
      if (isFrameworkDefault(body)) {
        const answer = frameworkAnswer(exception.getStatus(), body);
        res.status(answer.statusCode).json(answer);
      } else {
        res.status(exception.getStatus()).json(body);
      }
      return;
    }
    const traceId = randomUUID();
    const err = exception instanceof Error ? exception : new Error(String(exception));
    if (isTransientOutage(exception)) {
      // A restart of PostgreSQL is not a bug: 503 with a retry hint, as the health check answers then.
      this.logger.warn(`trace=${traceId} service unavailable: ${err.name}: ${err.message}`);
      res.setHeader('Retry-After', '5');
      res.status(HttpStatus.SERVICE_UNAVAILABLE).json({
        statusCode: 503,
        rule: 'SERVICE_UNAVAILABLE',
        message: 'Hệ thống đang tạm gián đoạn. Vui lòng thử lại sau ít phút.',
        traceId,
      });
      return;
    }
    this.logger.error(`trace=${traceId} ${err.name}: ${err.message}`, err.stack);
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({
      statusCode: 500,
      message: 'Lỗi hệ thống. Vui lòng báo quản trị viên kèm mã lỗi.',
      traceId,
    });
  }
}
