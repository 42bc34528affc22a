import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { UnitOfWork } from '@motcua/persistence';
import { type Actor, CurrentActor, Roles } from '../auth/actor';

class AuditQueryDto {
  @ApiPropertyOptional({ description: 'Mã hồ sơ (id) được thao tác' })
  @IsOptional()
  @IsString({ message: 'targetId phải là chuỗi ký tự.' })
  @MaxLength(64, { message: 'targetId không được dài quá 64 ký tự.' })
  targetId?: string;

  @ApiPropertyOptional({ description: 'Tên đăng nhập' })
  @IsOptional()
  @IsString({ message: 'username phải là chuỗi ký tự.' })
  @MaxLength(64, { message: 'username không được dài quá 64 ký tự.' })
  username?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Transform(({ value }) => Number(value))
  @IsInt({ message: 'limit phải là số nguyên.' })
  @Min(1, { message: 'limit tối thiểu là 1.' })
  @Max(1000, { message: 'limit tối đa là 1000.' })
  limit?: number;
}

@ApiTags('Nhật ký thao tác')
@ApiBearerAuth()
@Roles('supervisor', 'admin')
@Controller('audit')
export class AuditController {
  constructor(private readonly uow: UnitOfWork) {}

  @Get()
  @ApiOperation({ summary: 'Nhật ký thao tác của xã: ai, lúc nào, làm gì, kết quả (kể cả bị từ chối)' })
  async list(@Query() q: AuditQueryDto, @CurrentActor() actor: Actor) {
    return { items: await this.uow.read(actor.communeCode).audit.list({ targetId: q.targetId, actorUsername: q.username, limit: q.limit ?? 100 }) };
  }
}
