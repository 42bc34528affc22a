import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { ForbiddenError, type Role } from '@motcua/domain';
import { requestAudit } from '@motcua/persistence';
import { type Actor, IS_PUBLIC, ROLES } from './actor';
import { UnauthenticatedError } from './errors';
import { TokenStates } from './token-states';

/** What an access token carries: the caller, and their token version when it was issued. */
export interface AccessTokenClaims {
  readonly actor: Actor;
  readonly tv: number;
}

/**
 * Every route needs a valid access token unless marked @Public; @Roles narrows who may call it.
 * The token carries the caller's commune, roles and units; its token version must still be the
 * user's (a deactivation or a change of roles moves it), checked against a short cache. The
 * guard also tells the request's audit record who is calling which route.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
    private readonly tokens: TokenStates,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    const req = ctx.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const audit = requestAudit.getStore();
    if (audit) {
      const params = req.params as Record<string, string | undefined>;
      audit.action = `${req.method} ${(req.route as { path?: string } | undefined)?.path ?? req.path}`;
      audit.targetId = params.id ?? params.code ?? params.username ?? null;
      audit.successStatus = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, ctx.getHandler()) ?? (req.method === 'POST' ? 201 : 200);
    }
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const actor = await this.authenticate(req.headers.authorization);
    req.actor = actor;
    if (audit) audit.actor = { id: actor.id, username: actor.username, communeCode: actor.communeCode };
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.some((r) => actor.roles.includes(r))) {
      throw new ForbiddenError('Tài khoản không có quyền thực hiện thao tác này.', { required: roles });
    }
    return true;
  }

  private async authenticate(header: string | undefined): Promise<Actor> {
    const [scheme, token] = (header ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) throw new UnauthenticatedError('Cần đăng nhập (thiếu mã truy cập).');
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token);
    } catch {
      throw new UnauthenticatedError('Mã truy cập không hợp lệ hoặc đã hết hạn; vui lòng đăng nhập lại.');
    }
    const state = await this.tokens.get(claims.actor.id);
    if (!state || !state.active || state.tokenVersion !== claims.tv || state.communeCode !== claims.actor.communeCode) {
      throw new UnauthenticatedError('Phiên đăng nhập không còn hiệu lực (tài khoản đã bị khoá hoặc thay đổi quyền); vui lòng đăng nhập lại.');
    }
    return claims.actor;
  }
}
