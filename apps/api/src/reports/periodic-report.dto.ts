import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { REPORT_PERIODS, REPORT_WINDOWS, type ReportPeriod, type ReportWindow } from '@motcua/domain';

export const REPORT_FORMATS = ['json', 'xlsx', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CLOSED_WITHOUT_RESULT_RULES = ['split-out', 'resolved-on-time'] as const;

/**
 * `GET /reports/periodic`. Numbers arrive as text and are checked as text (a repeated parameter
 * arrives as an array and fails the same rule), so every bad parameter is a 400 naming it.
 */
export class PeriodicReportQueryDto {
  @ApiProperty({ enum: REPORT_PERIODS, description: 'Kỳ báo cáo: tháng, quý, 6 tháng, 9 tháng, năm' })
  @IsIn(REPORT_PERIODS, { message: `Kỳ báo cáo phải là một trong: ${REPORT_PERIODS.join(', ')}.` })
  period: ReportPeriod;

  @ApiProperty({ example: '2026', description: 'Năm báo cáo (2000–2099)' })
  @Matches(/^20\d{2}$/, { message: 'Năm báo cáo phải là số từ 2000 đến 2099.' })
  year: string;

  @ApiPropertyOptional({ example: '3', description: 'Số thứ tự của kỳ trong năm: tháng 1–12, quý 1–4, 6 tháng 1–2; 9 tháng và năm: 1 (mặc định 1)' })
  @IsOptional()
  @Matches(/^(?:[1-9]|1[0-2])$/, { message: 'Số thứ tự kỳ phải là số từ 1 đến 12.' })
  index?: string;

  @ApiPropertyOptional({ enum: REPORT_WINDOWS, default: 'calendar', description: 'Cách cắt kỳ: theo tháng dương lịch, hoặc từ ngày 15 tháng trước đến ngày 14 tháng cuối kỳ' })
  @IsOptional()
  @IsIn(REPORT_WINDOWS, { message: 'Cách cắt kỳ phải là calendar hoặc 15-14.' })
  window?: ReportWindow;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(REPORT_FORMATS, { message: 'Định dạng phải là json, xlsx hoặc csv.' })
  format?: ReportFormat;

  @ApiPropertyOptional({
    enum: CLOSED_WITHOUT_RESULT_RULES,
    default: 'split-out',
    description: 'Hồ sơ rút / dừng xử lý: tách riêng (mặc định) hoặc tính vào "đã giải quyết – đúng hạn" như một số biểu của tỉnh',
  })
  @IsOptional()
  @IsIn(CLOSED_WITHOUT_RESULT_RULES, { message: 'Cách tính hồ sơ rút / dừng xử lý phải là split-out hoặc resolved-on-time.' })
  closedWithoutResult?: (typeof CLOSED_WITHOUT_RESULT_RULES)[number];
}
