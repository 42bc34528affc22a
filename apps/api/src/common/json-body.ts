import { Logger } from '@nestjs/common';
import { json, type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/** The largest request body the API reads. */
export const BODY_LIMIT = '100kb';

const JSON_TYPES = ['application/json', 'application/*+json'];

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
    default:
      return { status: err.status && err.status >= 400 && err.status < 500 ? err.status : 400, rule: 'BAD_BODY', message: 'Không đọc được dữ liệu gửi lên.' };
  }
}

/**
 * The API's one body parser: JSON only, at most {@link BODY_LIMIT}. A body of another type is
 * 415 and one the parser refuses is 413, 415 or 400, each with the rule it broke — answered here,
 * as JSON, never by Express's HTML error page.
 */
export function jsonBody(): RequestHandler {
  const logger = new Logger('HTTP');
  const parse = json({ limit: BODY_LIMIT, type: JSON_TYPES });
  return (req: Request, res: Response, next: NextFunction) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
    if (hasBody && !req.is(JSON_TYPES)) {
      res.status(415).json({ statusCode: 415, rule: 'UNSUPPORTED_MEDIA_TYPE', message: 'Dữ liệu phải gửi dạng JSON (Content-Type: application/json).' });
      return;
    }
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const r = refusal(err as { type?: string; status?: number });
      logger.warn(`${req.method} ${req.originalUrl.split('?')[0]}: body refused (${r.rule})`);
      res.status(r.status).json({ statusCode: r.status, rule: r.rule, message: r.message });
    });
  };
}
