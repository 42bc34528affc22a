import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { COMMUNE_UNIT_KINDS, ConflictError, DomainValidationError, MIN_PASSWORD_LENGTH as MIN_PASSWORD, NotFoundError, officerWithoutUnit, PLAIN_TEXT, type Role, ROLES, USERNAME } from '@motcua/domain';
import { hashPassword, UnitOfWork, type UserEntity } from '@motcua/persistence';
import { type Actor, CurrentActor, Roles } from '../auth/actor';
import { TokenStates } from '../auth/token-states';

class CreateUserDto {
  @ApiProperty({ example: 'tuphap2.26734', description: 'Chữ thường, số và . _ @ -; duy nhất trong toàn hệ thống' })
  @Matches(USERNAME, { message: 'Tên đăng nhập gồm chữ thường không dấu, số và các ký tự . _ @ - (tối đa 64 ký tự).' })
  username: string;

  @ApiProperty({ example: 'Hà Thị Thu' })
  @IsString({ message: 'Họ và tên phải là chuỗi ký tự.' })
  @Length(1, 200, { message: 'Họ và tên dài từ 1 đến 200 ký tự.' })
  @Matches(PLAIN_TEXT, { message: 'Họ và tên chứa ký tự không hợp lệ.' })
  fullName: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray({ message: 'Vai trò phải là một danh sách.' })
  @ArrayUnique({ message: 'Vai trò không được lặp lại.' })
  @ArrayMaxSize(ROLES.length, { message: 'Quá nhiều vai trò.' })
  @IsIn(ROLES, { each: true, message: 'Vai trò không có trong danh mục.' })
  roles: Role[];

  @ApiPropertyOptional({ enum: COMMUNE_UNIT_KINDS, isArray: true, description: 'Đơn vị của cán bộ (bắt buộc với vai trò officer)' })
  @IsOptional()
  @IsArray({ message: 'Đơn vị phải là một danh sách.' })
  @ArrayUnique({ message: 'Đơn vị không được lặp lại.' })
  @ArrayMaxSize(COMMUNE_UNIT_KINDS.length, { message: 'Quá nhiều đơn vị.' })
  @IsIn(COMMUNE_UNIT_KINDS, { each: true, message: 'Mã đơn vị không có trong danh mục.' })
  units?: string[];

  @ApiProperty({ description: `Ít nhất ${MIN_PASSWORD} ký tự` })
  @IsString({ message: 'Mật khẩu phải là chuỗi ký tự.' })
  @Length(MIN_PASSWORD, 200, { message: `Mật khẩu dài từ ${MIN_PASSWORD} đến 200 ký tự.` })
  password: string;
}

/** Any of an account's fields but its username, and whether it may sign in. */
class UpdateUserDto extends PartialType(OmitType(CreateUserDto, ['username'] as const)) {
  @ApiPropertyOptional({ description: 'false: khoá tài khoản (mọi phiên đăng nhập hết hiệu lực)' })
  @IsOptional()
  @IsBoolean({ message: 'active phải là true hoặc false.' })
  active?: boolean;
}

/** What an administrator sees of an account (never the password hash). */
function view(u: UserEntity) {
  return { id: u.id, username: u.username, fullName: u.fullName, communeCode: u.communeCode, roles: u.roles, units: u.unitKinds, active: u.active, demo: u.demo, createdAt: u.createdAt };
}

function checkUnits(roles: readonly string[], units: readonly string[]): void {
  if (officerWithoutUnit(roles, units)) {
    throw new DomainValidationError('OFFICER_NEEDS_UNIT', 'Cán bộ (vai trò officer) phải thuộc ít nhất một đơn vị.', 'units');
  }
}

/**
 * Tài khoản — the commune's accounts, managed by its administrators. Deactivating an account or
 * changing its roles, units or password ends its sessions: tokens issued before stop working
 * within AUTH_CACHE_MS on every API replica. Another commune's accounts are not found.
 */
@ApiTags('Tài khoản')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly tokens: TokenStates,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Các tài khoản của xã' })
  async list(@CurrentActor() actor: Actor) {
    return { items: (await this.uow.read(actor.communeCode).users.list()).map(view) };
  }

  @Post()
  @ApiOperation({ summary: 'Tạo tài khoản cho xã' })
  @ApiBadRequestResponse({ description: 'Dữ liệu không hợp lệ; `errors` nêu từng trường sai' })
  @ApiConflictResponse({ description: 'Tên đăng nhập đã có' })
  async create(@Body() body: CreateUserDto, @CurrentActor() actor: Actor) {
    const units = body.units ?? [];
    checkUnits(body.roles, units);
    const passwordHash = await hashPassword(body.password);
    // Refusals are thrown inside the transaction: it rolls back, and its audit entry with it.
    const created = await this.uow.run(actor.communeCode, async (tx) => {
      const row = await tx.users.insert({ username: body.username, fullName: body.fullName.trim(), roles: body.roles, unitKinds: units, passwordHash });
      if (!row) throw new ConflictError('USERNAME_TAKEN', `Tên đăng nhập "${body.username}" đã được dùng.`, { field: 'username' });
      return row;
    });
    return view(created);
  }

  @Patch(':username')
  @ApiOperation({ summary: 'Sửa tài khoản: họ tên, vai trò, đơn vị, khoá/mở, mật khẩu mới' })
  @ApiNotFoundResponse({ description: 'Xã không có tài khoản này' })
  async update(@Param('username') username: string, @Body() body: UpdateUserDto, @CurrentActor() actor: Actor) {
    // A name no account can have is not looked up (it is not found either way).
    if (!USERNAME.test(username)) throw new NotFoundError('Không có tài khoản này.');
    const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password);
    const updated = await this.uow.run(actor.communeCode, async (tx) => {
      const before = await tx.users.find(username);
      if (!before) throw new NotFoundError('Không có tài khoản này.');
      checkUnits(body.roles ?? before.roles, body.units ?? before.unitKinds);
      const after = await tx.users.update(username, { fullName: body.fullName?.trim(), roles: body.roles, unitKinds: body.units, active: body.active, passwordHash });
      if (!after) throw new NotFoundError('Không có tài khoản này.');
      return after;
    });
    this.tokens.forget(updated.id);
    return view(updated);
  }
}
