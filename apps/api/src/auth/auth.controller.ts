import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { Role } from '@motcua/catalog';
import { Env } from '@motcua/config';
import { UnitOfWork, verifyPassword } from '@motcua/persistence';
import { type Actor, CurrentActor, Public } from './actor';
import { UnauthenticatedError } from './errors';

class LoginDto {
  @ApiProperty({ example: 'motcua.26734' })
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

@ApiTags('Đăng nhập')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly jwt: JwtService,
    @Inject(Env) private readonly env: Env,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Đăng nhập, nhận mã truy cập (Bearer)', description: 'Giới hạn số lần thử theo địa chỉ và tên đăng nhập.' })
  @ApiOkResponse({ type: LoginResult })
  @ApiUnauthorizedResponse({ description: 'Sai tên đăng nhập hoặc mật khẩu (một câu trả lời cho cả hai).' })
  async login(@Body() body: LoginDto): Promise<LoginResult> {
    const user = await this.uow.read.users.findActiveByUsername(body.username.trim());
    const ok = await verifyPassword(body.password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !user.passwordHash || !ok) throw new UnauthenticatedError('Sai tên đăng nhập hoặc mật khẩu.');
    const actor: Actor = {
      id: user.id,
      username: user.username,
      fullName: user.fullName,
      communeCode: user.communeCode,
      roles: user.roles as Role[],
      units: user.unitKinds,
    };
    const accessToken = await this.jwt.signAsync({ actor }, { subject: user.id, expiresIn: this.env.AUTH_TOKEN_TTL_S });
    return { accessToken, expiresIn: this.env.AUTH_TOKEN_TTL_S, actor };
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Người dùng đang đăng nhập' })
  me(@CurrentActor() actor: Actor): Actor {
    return actor;
  }
}
