import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsInstant } from '../common/dto-decorators';

export const GRANULARITIES = ['day', 'hour'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** The longest period each granularity answers, in days (a chart's worth of buckets). */
export const MAX_PERIOD_DAYS: Readonly<Record<Granularity, number>> = { day: 1100, hour: 31 };

export class ThroughputQueryDto {
  @ApiProperty({ example: '2026-03-01T00:00:00+07:00', description: 'Đầu kỳ (bao gồm; năm 2000–2099)' })
  @IsInstant('Đầu kỳ')
  from: string;

  @ApiProperty({ example: '2026-04-01T00:00:00+07:00', description: 'Cuối kỳ (không bao gồm; năm 2000–2099)' })
  @IsInstant('Cuối kỳ')
  to: string;

  @ApiPropertyOptional({ enum: GRANULARITIES, default: 'day', description: `Theo ngày (tối đa ${MAX_PERIOD_DAYS.day} ngày) hoặc theo giờ (tối đa ${MAX_PERIOD_DAYS.hour} ngày)` })
  @IsOptional()
  @IsIn(GRANULARITIES, { message: 'granularity phải là "day" hoặc "hour".' })
  granularity?: Granularity;
}
