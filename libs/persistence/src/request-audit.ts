import { AsyncLocalStorage } from 'node:async_hooks';

/** Who made the request, as the API's guard found them. */
export interface AuditedActor {
  readonly id: string;
  readonly username: string;
  readonly communeCode: string;
}

/**
 * What the audit log will say of one API request. The API opens it as the request arrives
 * (so even a body the parser refuses is audited) and fills it in as it learns more: the guard
 * adds the caller and the route, with the status the route answers on success.
 *
 * A command that commits during the request writes its audit entry in its own transaction
 * (see UnitOfWork.run), so a crash after the commit cannot lose the record of what was done;
 * the API writes the entry of every other request when the response is sent.
 */
export interface RequestAudit {
  readonly method: string;
  readonly path: string;
  readonly ip: string | null;
  readonly at: Date;
  actor?: AuditedActor;
  /** `POST /api/dossiers/:id/return` once the route is known, else the method and the path. */
  action?: string;
  targetId?: string | null;
  /** The status the route answers when its command succeeds (201 for a POST unless told). */
  successStatus?: number;
  /** Written with a command's transaction: the API does not write it again. */
  written: boolean;
}

/** The audit record of the request being served, if any (none in the workers). */
export const requestAudit = new AsyncLocalStorage<RequestAudit>();

/** Names what the current request acted on when the route does not (the dossier an intake created). */
export function setAuditTarget(id: string): void {
  const audit = requestAudit.getStore();
  if (audit) audit.targetId = id;
}
