import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PAPER_REASONS, type HandoffChannel, type PaperReason } from '@motcua/workflow';

/** Cách chuyển hồ sơ — how the next hand-off travels, and why when on paper. */
export class HandoffRequestDto {
  @ApiProperty({ enum: ['electronic', 'paper'] })
  @IsIn(['electronic', 'paper'], { message: 'Cách chuyển hồ sơ phải là electronic hoặc paper.' })
  channel: HandoffChannel;

  @ApiPropertyOptional({ enum: PAPER_REASONS, description: 'Bắt buộc khi chuyển bằng bản giấy' })
  @IsOptional()
  @IsIn(PAPER_REASONS, { message: 'Lý do chuyển bản giấy phải là originals_needed, state_secret, system_down hoặc other.' })
  reason?: PaperReason;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'Ghi chú phải là chuỗi ký tự.' })
  @MaxLength(500, { message: 'Ghi chú không được dài quá 500 ký tự.' })
  note?: string;
}
