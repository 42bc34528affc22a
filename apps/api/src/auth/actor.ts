import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@motcua/catalog';

/** Người dùng đã đăng nhập — the authenticated caller, as the access token carries it. */
export interface Actor {
  readonly id: string;
  readonly username: string;
  readonly fullName: string;
  readonly communeCode: string;
  readonly roles: readonly Role[];
  readonly units: readonly string[];
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
