import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** `%00` in a path, however its hex digits are written. */
const ENCODED_NUL = /%00/;

/**
 * A path that holds a NUL byte (`/api/dossiers/%00`) names nothing the API stores: it is not
 * found, answered before any route reads it. Left to the routes, the guard would copy the segment
 * into the request's audit entry, which PostgreSQL then refuses (the entry was lost), and a route
 * whose own check is missing would hand it to a query (a 500). A lone surrogate cannot be
 * percent-encoded in UTF-8 at all: Express refuses those segments itself.
 */
export function refuseUnstorablePaths(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!ENCODED_NUL.test(req.originalUrl.split('?')[0])) return next();
    res.status(404).json({ statusCode: 404, rule: 'NOT_FOUND', message: 'Không tìm thấy.' });
  };
}
