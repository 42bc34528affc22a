import { createHmac } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { type Env } from '@motcua/config';
import { ForbiddenError, normaliseUsername } from '@motcua/domain';
import type { Actor } from '../auth/actor';
import type { AccessTokenClaims } from '../auth/auth.guard';
import { UnauthenticatedError } from '../auth/errors';
import { TokenStates } from '../auth/token-states';

/** Where the board is served, outside the `/api` prefix; its session cookie is scoped to it. */
export const QUEUE_BOARD_PATH = '/admin/queues';

/** The board's session cookie: HttpOnly, SameSite=Strict, Path={@link QUEUE_BOARD_PATH}, Secure in production. */
export const QUEUE_BOARD_COOKIE = 'motcua_queue_board';

/** How long a board session lasts: short, since a browser keeps the cookie on its own. */
export const QUEUE_BOARD_SESSION_S = 15 * 60;

const AUDIENCE = 'motcua:queue-board';

/**
 * The operators' usernames (QUEUE_BOARD_ADMINS), normalised as logins are. Empty unless set, so
 * the board is closed by default.
 */
export function queueBoardAdmins(env: Env): ReadonlySet<string> {
  const names = (env.QUEUE_BOARD_ADMINS ?? '').split(',').map((n) => normaliseUsername(n));
  return new Set(names.filter((n): n is string => typeof n === 'string' && n.length > 0));
}

/**
 * The key board sessions are signed with: derived from JWT_SECRET but not equal to it, so a
 * board cookie is never accepted as an access token by the API, nor an access token as a cookie.
 */
function sessionKey(env: Env): string {
  return createHmac('sha256', env.JWT_SECRET).update('motcua:queue-board-session').digest('base64');
}

/** May this caller open the board? An administrator named in QUEUE_BOARD_ADMINS. */
export function assertBoardOperator(actor: Actor, env: Env): void {
  if (!actor.roles.includes('admin') || !queueBoardAdmins(env).has(actor.username)) {
    throw new ForbiddenError('Chỉ quản trị viên vận hành của hệ thống (QUEUE_BOARD_ADMINS) được xem bảng hàng đợi.', { required: ['admin'] });
  }
}

/** A board session for an operator the access token proved; same claims, its own key and audience. */
export function signBoardSession(jwt: JwtService, env: Env, claims: AccessTokenClaims): Promise<string> {
  return jwt.signAsync({ ...claims }, { secret: sessionKey(env), audience: AUDIENCE, subject: claims.actor.id, expiresIn: QUEUE_BOARD_SESSION_S });
}

/** The value of one cookie of the request (no cookie parser is mounted). */
function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * Who calls the board: a board session cookie, or an access token in the Authorization header
 * (scripts). Either way the account must still be active at the token's version (as the API's
 * guard checks), an administrator, and one of QUEUE_BOARD_ADMINS. Throws 401 or 403 errors.
 */
export async function boardCaller(req: Request, deps: { jwt: JwtService; tokens: TokenStates; env: Env }): Promise<Actor> {
  const [scheme, bearer] = (req.headers.authorization ?? '').split(' ');
  const session = cookie(req, QUEUE_BOARD_COOKIE);
  let claims: AccessTokenClaims;
  try {
    if (scheme === 'Bearer' && bearer) claims = await deps.jwt.verifyAsync<AccessTokenClaims>(bearer);
    else if (session) claims = await deps.jwt.verifyAsync<AccessTokenClaims>(session, { secret: sessionKey(deps.env), audience: AUDIENCE });
    else throw new UnauthenticatedError('Cần đăng nhập: mở phiên xem bảng hàng đợi bằng POST /api/admin/queues/session.');
  } catch (e) {
    if (e instanceof UnauthenticatedError) throw e;
    throw new UnauthenticatedError('Phiên xem bảng hàng đợi không hợp lệ hoặc đã hết hạn; vui lòng mở lại.');
  }
  const actor = claims.actor;
  const state = actor && typeof actor.id === 'string' ? await deps.tokens.get(actor.id) : null;
  if (!state || !state.active || state.tokenVersion !== claims.tv || state.communeCode !== actor.communeCode) {
    throw new UnauthenticatedError('Phiên đăng nhập không còn hiệu lực (tài khoản đã bị khoá hoặc thay đổi quyền); vui lòng đăng nhập lại.');
  }
  assertBoardOperator(actor, deps.env);
  return actor;
}
