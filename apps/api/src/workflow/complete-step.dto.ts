import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { HandoffRequestDto } from './handoff-request.dto';

/** Hoàn thành bước xử lý — an officer finishes a step of a dossier. */
export class CompleteStepDto {
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
