import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Env } from '@motcua/config';
import { type Role, USERNAME } from '@motcua/domain';
import { type UserEntity, UnitOfWork, verifyPassword } from '@motcua/persistence';
import { NoBody } from '../common/validation';
import { type Actor, CurrentActor, Public } from './actor';
import type { AccessTokenClaims } from './auth.guard';
import { UnauthenticatedError } from './errors';
import { TokenStates } from './token-states';

class LoginDto {
  @ApiProperty({ example: 'motcua.26734', description: 'Không phân biệt hoa thường, bỏ khoảng trắng đầu cuối' })
  @IsString({ message: 'Tên đăng nhập phải là chuỗi ký tự.' })
  @Length(1, 64, { message: 'Tên đăng nhập dài từ 1 đến 64 ký tự.' })
  username: string;

  @ApiProperty({ example: 'MotCua@2026' })
  @IsString({ message: 'Mật khẩu phải là chuỗi ký tự.' })
  @Length(1, 200, { message: 'Mật khẩu dài từ 1 đến 200 ký tự.' })
  password: string;
}

class LoginResult {
  @ApiProperty() accessToken: string;
  @ApiProperty() expiresIn: number;
  @ApiProperty() actor: Actor;
}

/** A hash to compare against when the user does not exist, so both failures take as long. */
const DUMMY_HASH = 'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

const WRONG_CREDENTIALS = 'Sai tên đăng nhập hoặc mật khẩu.';

@ApiTags('Đăng nhập')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly jwt: JwtService,
    private readonly tokens: TokenStates,
    @Inject(Env) private readonly env: Env,
  ) {}

  /** The username arrives normalised (trimmed, lower case), as the login limiter counted it. */
  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Đăng nhập, nhận mã truy cập (Bearer)', description: 'Giới hạn số lần thử theo địa chỉ và tên đăng nhập (không phân biệt hoa thường, khoảng trắng).' })
  @ApiOkResponse({ type: LoginResult })
  @ApiUnauthorizedResponse({ description: 'Sai tên đăng nhập hoặc mật khẩu (một câu trả lời cho cả hai).' })
  @ApiTooManyRequestsResponse({ description: 'Thử quá nhiều lần; thử lại sau 15 phút.' })
  async login(@Body() body: LoginDto): Promise<LoginResult> {
    // A name no account can have (NUL bytes and all) is not looked up, but takes as long to refuse.
    const user = USERNAME.test(body.username) ? await this.uow.acrossCommunes.userForSignIn(body.username) : null;
    const ok = await verifyPassword(body.password, user?.passwordHash ?? DUMMY_HASH);
    // A demo account (published password) never signs in under NODE_ENV=production.
    const usable = user && user.passwordHash && !(user.demo && this.env.NODE_ENV === 'production');
    if (!usable || !ok) throw new UnauthenticatedError(WRONG_CREDENTIALS);
    const actor = actorOf(user);
    const claims: AccessTokenClaims = { actor, tv: user.tokenVersion };
    const accessToken = await this.jwt.signAsync({ ...claims }, { subject: user.id, expiresIn: this.env.AUTH_TOKEN_TTL_S });
    return { accessToken, expiresIn: this.env.AUTH_TOKEN_TTL_S, actor };
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Đăng xuất khỏi mọi phiên: mọi mã truy cập đã cấp cho tài khoản hết hiệu lực' })
  async logout(@Body(NoBody) _body: unknown, @CurrentActor() actor: Actor): Promise<void> {
    await this.uow.run(actor.communeCode, (tx) => tx.users.revokeTokens(actor.id));
    this.tokens.forget(actor.id);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Người dùng đang đăng nhập' })
  me(@CurrentActor() actor: Actor): Actor {
    return actor;
  }
}

/** The caller a token names, as of the account's current state. */
export function actorOf(user: UserEntity): Actor {
  return { id: user.id, username: user.username, fullName: user.fullName, communeCode: user.communeCode, roles: user.roles as Role[], units: user.unitKinds };
}
