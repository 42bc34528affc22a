import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { ForbiddenError } from '@motcua/domain';
import type { Role } from '@motcua/catalog';
import { type Actor, IS_PUBLIC, ROLES } from './actor';
import { UnauthenticatedError } from './errors';

/**
 * Every route needs a valid access token unless marked @Public; @Roles narrows who may call it.
 * The token carries the caller's commune, roles and units, so no lookup is needed per request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; actor?: Actor }>();
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) throw new UnauthenticatedError('Cần đăng nhập (thiếu mã truy cập).');
    let actor: Actor;
    try {
      actor = (await this.jwt.verifyAsync<{ actor: Actor }>(token)).actor;
    } catch {
      throw new UnauthenticatedError('Mã truy cập không hợp lệ hoặc đã hết hạn; vui lòng đăng nhập lại.');
    }
    req.actor = actor;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.some((r) => actor.roles.includes(r))) {
      throw new ForbiddenError('Tài khoản không có quyền thực hiện thao tác này.', { required: roles });
    }
    return true;
  }
}
