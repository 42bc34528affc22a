import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { scrubPersonalData } from '@motcua/config';
import { type AuditedActor, type AuditEntry, type RequestAudit, requestAudit, UnitOfWork } from '@motcua/persistence';
import type { AccessTokenClaims } from '../auth/auth.guard';

/** Reads worth auditing: they show or print personal data (a dossier, its forms, the tracking book). */
const AUDITED_READS = /^\/api\/(dossiers\/[^/]+(\/forms\/[^/]+)?|tracking-book)\/?$/;

type AuditedRequest = Request & { audit?: RequestAudit };

/** Every write, and the reads of {@link AUDITED_READS}; never OPTIONS or HEAD. */
function isAudited(method: string, path: string): boolean {
  if (method === 'GET') return AUDITED_READS.test(path);
  return method !== 'OPTIONS' && method !== 'HEAD';
}

/**
 * Writes the audit entry of a request when its response is finished, unless the request's
 * command already wrote it in its own transaction. Only the route, the target id and the status
 * are kept, never the body (ID and phone numbers stay out).
 */
@Injectable()
export class AuditWriter {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly jwt: JwtService,
  ) {}

  async write(req: Request, res: Response, record: RequestAudit): Promise<void> {
    if (record.written) return;
    // The guard names the caller; a request refused before it (by the body parser) is named by its token.
    const actor = record.actor ?? this.tokenActor(req.headers.authorization);
    const login = record.action?.endsWith('/auth/login') ? (req.body as { username?: unknown } | undefined)?.username : undefined;
    const entry: AuditEntry = {
      actorId: actor?.id ?? null,
      // A name tried at sign-in is whatever was typed: a phone number typed there stays out too.
      actorUsername: actor?.username ?? (typeof login === 'string' ? scrubPersonalData(login.slice(0, 64)) : null),
      action: record.action ?? `${record.method} ${record.path}`,
      method: record.method,
      path: record.path,
      targetId: record.targetId ?? null,
      status: res.statusCode,
      ip: record.ip,
      at: record.at,
    };
    try {
      if (actor) await this.uow.read(actor.communeCode).audit.append(entry);
      else await this.uow.acrossCommunes.appendUnattributedAudit(entry);
      record.written = true;
    } catch (e) {
      this.logger.error(`audit entry lost for ${entry.action} (${entry.status}): ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private tokenActor(header: string | undefined): AuditedActor | undefined {
    const [scheme, token] = (header ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) return undefined;
    try {
      const { actor } = this.jwt.verify<AccessTokenClaims>(token);
      return { id: actor.id, username: actor.username, communeCode: actor.communeCode };
    } catch {
      return undefined;
    }
  }
}

/**
 * First of all middleware, before the body parser: opens the audit record of a request worth
 * auditing and writes it when the response is finished — a body refused by the parser (413,
 * 415, malformed JSON) is in the log too.
 */
export function openRequestAudit(writer: AuditWriter): RequestHandler {
  return (req: AuditedRequest, res: Response, next: NextFunction) => {
    const path = req.originalUrl.split('?')[0].slice(0, 500);
    if (isAudited(req.method, path)) {
      const record: RequestAudit = { method: req.method, path, ip: req.ip ?? null, at: new Date(), written: false };
      req.audit = record;
      res.on('finish', () => void writer.write(req, res, record));
    }
    next();
  };
}

/**
 * After the body parser (which loses the async context): makes the request's audit record the
 * current one, for the guard to fill in and a command's transaction to write.
 */
export function enterRequestAudit(): RequestHandler {
  return (req: AuditedRequest, _res: Response, next: NextFunction) => (req.audit ? requestAudit.run(req.audit, next) : next());
}
