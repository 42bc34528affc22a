import { Body, Controller, Delete, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CookieOptions, Response } from 'express';
import { Env } from '@motcua/config';
import { type Actor, CurrentActor, Roles } from '../auth/actor';
import { UnauthenticatedError } from '../auth/errors';
import { TokenStates } from '../auth/token-states';
import { NoBody } from '../common/validation';
import { assertBoardOperator, QUEUE_BOARD_COOKIE, QUEUE_BOARD_PATH, QUEUE_BOARD_SESSION_S, signBoardSession } from './queue-board-access';

/**
 * Opens the queue board in a browser, which cannot send the bearer header on navigation: the
 * authenticated call (bearer token, so no other site can make it) sets a short-lived signed
 * cookie that only the board's path receives (HttpOnly, SameSite=Strict, Secure in production).
 * Being a Nest route, it is audited: who opened the board, and when.
 */
@ApiTags('Vận hành')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/queues/session')
export class QueueBoardSessionController {
  constructor(
    private readonly jwt: JwtService,
    private readonly tokens: TokenStates,
    @Inject(Env) private readonly env: Env,
  ) {}

  private cookieOptions(): CookieOptions {
    return { httpOnly: true, sameSite: 'strict', secure: this.env.NODE_ENV === 'production', path: QUEUE_BOARD_PATH };
  }

  @Post()
  @HttpCode(204)
  @ApiOperation({ summary: `Mở phiên xem bảng hàng đợi (${QUEUE_BOARD_PATH}, chỉ xem) trong ${QUEUE_BOARD_SESSION_S / 60} phút; chỉ quản trị viên vận hành (QUEUE_BOARD_ADMINS)` })
  @ApiNoContentResponse({ description: `Cookie ${QUEUE_BOARD_COOKIE} đã được đặt; mở ${QUEUE_BOARD_PATH}` })
  @ApiForbiddenResponse({ description: 'Không phải quản trị viên vận hành' })
  async open(@Body(NoBody) _body: unknown, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<void> {
    assertBoardOperator(actor, this.env);
    // The guard has just checked the token's version against this state.
    const state = await this.tokens.get(actor.id);
    if (!state) throw new UnauthenticatedError('Phiên đăng nhập không còn hiệu lực; vui lòng đăng nhập lại.');
    const session = await signBoardSession(this.jwt, this.env, { actor, tv: state.tokenVersion });
    res.cookie(QUEUE_BOARD_COOKIE, session, { ...this.cookieOptions(), maxAge: QUEUE_BOARD_SESSION_S * 1000 });
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Đóng phiên xem bảng hàng đợi (xoá cookie)' })
  close(@Res({ passthrough: true }) res: Response): void {
    res.clearCookie(QUEUE_BOARD_COOKIE, this.cookieOptions());
  }
}
