import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@motcua/domain';
import type { ActingUser } from '@motcua/workflow';

/** Người dùng đã đăng nhập — the authenticated caller, as the access token carries it. */
export interface Actor {
  readonly id: string;
  readonly username: string;
  readonly fullName: string;
  readonly communeCode: string;
  readonly roles: readonly Role[];
  readonly units: readonly string[];
}

/**
 * The caller as the workflow commands see it: their commune (every command runs in it) and the
 * units whose steps they may act on. Roles above the units see every unit's work but act on a
 * step only as a member of its unit (supervisors reassign instead).
 */
export function actingUser(actor: Actor): ActingUser {
  return { id: actor.id, name: actor.fullName, communeCode: actor.communeCode, units: actor.units };
}

export const IS_PUBLIC = 'motcua:public';
export const ROLES = 'motcua:roles';

/** The route needs no token (public lookup, health, docs, login). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only these roles may call the route (any of them). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

/** The caller, put on the request by the auth guard. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest<{ actor: Actor }>().actor;
});
