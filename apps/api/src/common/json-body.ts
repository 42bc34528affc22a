import { Logger } from '@nestjs/common';
import { isUtf8 } from 'node:buffer';
import { json, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { hostileContent, MAX_FIELD_ERRORS, MAX_JSON_DEPTH, tooDeep } from './hostile-content';

/** The largest request body the API reads. */
export const BODY_LIMIT = '100kb';

const JSON_TYPES = ['application/json', 'application/*+json'];

/** The type of the parser's error for a body that claims UTF-8 and is not: refused, never decoded to U+FFFD. */
const NOT_UTF8 = 'body.not.utf8';

function checkUtf8(_req: Request, _res: Response, buf: Buffer, encoding: string): void {
  if (encoding.toLowerCase() === 'utf-8' && !isUtf8(buf)) throw Object.assign(new Error('body is not UTF-8'), { type: NOT_UTF8 });
}

/** What a body-parser refusal means, for the caller (Vietnamese) and the rule name. */
function refusal(err: { type?: string; status?: number }): { status: number; rule: string; message: string } {
  switch (err.type) {
    case 'entity.too.large':
      return { status: 413, rule: 'PAYLOAD_TOO_LARGE', message: `Dữ liệu gửi lên quá lớn (tối đa ${BODY_LIMIT}).` };
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return { status: 415, rule: 'UNSUPPORTED_MEDIA_TYPE', message: 'Bảng mã hoặc kiểu nén của dữ liệu không được hỗ trợ; gửi JSON UTF-8.' };
    case 'entity.parse.failed':
      return { status: 400, rule: 'MALFORMED_JSON', message: 'Dữ liệu gửi lên không phải JSON hợp lệ.' };
    case NOT_UTF8:
      return { status: 400, rule: 'NOT_UTF8', message: 'Dữ liệu gửi lên không phải văn bản UTF-8 hợp lệ.' };
    default:
      return { status: err.status && err.status >= 400 && err.status < 500 ? err.status : 400, rule: 'BAD_BODY', message: 'Không đọc được dữ liệu gửi lên.' };
  }
}

/**
 * The API's one body parser: JSON only, at most {@link BODY_LIMIT}, valid UTF-8, nested at most
 * {@link MAX_JSON_DEPTH} deep, with no text PostgreSQL cannot store and no reserved key
 * (`__proto__`, `toString`…) anywhere. A body of another type is 415 and one the parser refuses
 * is 413, 415 or 400, each with the rule it broke (and the fields, for a 400 that has some) —
 * answered here, as JSON, never by Express's HTML error page, before any middleware reads it.
 */
export function jsonBody(): RequestHandler {
  const logger = new Logger('HTTP');
  const parse = json({ limit: BODY_LIMIT, type: JSON_TYPES, verify: checkUtf8 });
  return (req: Request, res: Response, next: NextFunction) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
    if (hasBody && !req.is(JSON_TYPES)) {
      res.status(415).json({ statusCode: 415, rule: 'UNSUPPORTED_MEDIA_TYPE', message: 'Dữ liệu phải gửi dạng JSON (Content-Type: application/json).' });
      return;
    }
    const refuse = (rule: string, body: object) => {
      logger.warn(`${req.method} ${req.originalUrl.split('?')[0]}: body refused (${rule})`);
      // Nothing after this reads a refused body: not the audit (a NUL in a username it would keep), not a limiter's key.
      req.body = undefined;
      res.status(400).json({ statusCode: 400, rule, ...body });
    };
    parse(req, res, (err?: unknown) => {
      if (err) {
        const r = refusal(err as { type?: string; status?: number });
        logger.warn(`${req.method} ${req.originalUrl.split('?')[0]}: body refused (${r.rule})`);
        res.status(r.status).json({ statusCode: r.status, rule: r.rule, message: r.message });
        return;
      }
      const deep = tooDeep(req.body);
      if (deep) {
        const message = `Dữ liệu lồng nhau quá ${MAX_JSON_DEPTH} tầng.`;
        refuse('TOO_DEEP', { message, errors: [{ field: deep, rule: 'TOO_DEEP', message }] });
        return;
      }
      const hostile = hostileContent(req.body);
      if (hostile.length > 0) {
        refuse('VALIDATION', { message: 'Dữ liệu không hợp lệ.', errors: hostile.slice(0, MAX_FIELD_ERRORS) });
        return;
      }
      next();
    });
  };
}
