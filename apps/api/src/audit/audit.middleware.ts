import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { UnitOfWork } from '@motcua/persistence';
import type { Actor } from '../auth/actor';

/** Reads worth auditing: the printed forms carry personal data. */
const AUDITED_READS = /\/documents\//;

/**
 * Nhật ký thao tác (DESIGN.md §4.6): every write request — allowed or refused, by the guard, the
 * validation or the rules — and every form printed, with who, when, what and the answer. Written
 * when the response is finished, so refusals the guard makes are there too. Only the route, the
 * target id and the status are kept, never the body (ID and phone numbers stay out).
 */
@Injectable()
export class AuditMiddleware implements NestMiddleware {
  private readonly logger = new Logger('Audit');

  constructor(private readonly uow: UnitOfWork) {}

  use(req: Request, res: Response, next: NextFunction): void {
    if (req.method === 'GET' ? AUDITED_READS.test(req.originalUrl) : req.method !== 'OPTIONS' && req.method !== 'HEAD') {
      res.on('finish', () => void this.record(req, res));
    }
    next();
  }

  private async record(req: Request, res: Response): Promise<void> {
    const actor = (req as Request & { actor?: Actor }).actor;
    const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
    const login = route.endsWith('/auth/login') ? (req.body as { username?: unknown } | undefined)?.username : undefined;
    const params = req.params as Record<string, string | undefined>;
    try {
      await this.uow.read.audit.append({
        communeCode: actor?.communeCode ?? null,
        actorId: actor?.id ?? null,
        actorUsername: actor?.username ?? (typeof login === 'string' ? login.slice(0, 64) : null),
        action: `${req.method} ${route}`,
        method: req.method,
        path: req.originalUrl.split('?')[0].slice(0, 500),
        targetId: params.id ?? params.code ?? null,
        status: res.statusCode,
        ip: req.ip ?? null,
        at: new Date(),
      });
    } catch (e) {
      this.logger.error(`audit entry lost for ${req.method} ${route}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
