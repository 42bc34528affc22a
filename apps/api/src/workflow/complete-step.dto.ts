import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { HandoffRequestDto } from './handoff-request.dto';

/** Hoàn thành bước xử lý — an officer finishes a step of a dossier. */
export class CompleteStepDto {
  @ApiProperty({ example: '26734', description: 'Xã giải quyết hồ sơ' })
  @Matches(/^[0-9A-Za-z]{2,16}$/, { message: 'Mã xã không hợp lệ.' })
  communeCode: string;

  @ApiProperty({ example: 'Lê Văn Tư', description: 'Cán bộ thực hiện' })
  @IsString({ message: 'Tên cán bộ phải là chuỗi ký tự.' })
  @Length(2, 200, { message: 'Tên cán bộ phải dài từ 2 đến 200 ký tự.' })
  actor: string;

  @ApiPropertyOptional({ description: 'Ý kiến xử lý' })
  @IsOptional()
  @IsString({ message: 'Ý kiến xử lý phải là chuỗi ký tự.' })
  @MaxLength(2000, { message: 'Ý kiến xử lý không được dài quá 2000 ký tự.' })
  notes?: string;

  @ApiPropertyOptional({ type: HandoffRequestDto, description: 'Cách chuyển sang bước tiếp theo; mặc định điện tử' })
  @IsOptional()
  @ValidateNested()
  @Type(() => HandoffRequestDto)
  handoff?: HandoffRequestDto;
}

export class CommuneQueryDto {
  @ApiProperty({ example: '26734' })
  @Matches(/^[0-9A-Za-z]{2,16}$/, { message: 'Mã xã không hợp lệ.' })
  communeCode: string;
}
