import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  buildPeriodicReport,
  NotFoundError,
  PERIODIC_REPORT_COLUMNS,
  reportingSpan,
  reportingSpanTitle,
  toLocalDate,
  ZERO_COUNTS,
} from '@motcua/domain';
import { UnitOfWork } from '@motcua/persistence';
import { Clock, ReferenceCache } from '@motcua/workflow';
import { type Actor, CurrentActor, Roles } from '../auth/actor';
import { PeriodicReportQueryDto } from './periodic-report.dto';
import { toCsv, writeXlsx } from './periodic-report.export';

/**
 * Báo cáo định kỳ — the periodic report of the caller's commune (DOMAIN.md decision 11; the
 * columns in libs/domain/src/reports/periodic-report.ts), recomputed from the event log on the
 * read replica. Every report checks its identity (received = resolved + in process + split out,
 * and each column group's sum). A report that does not balance is a defect of the data or of the
 * query, never of the request: it is still answered (200), so the supervisor can see it, but it is
 * marked — `identity.holds: false` with the broken equations, a red warning line in the XLSX and
 * CSV, the header `X-Report-Identity: fails` — and logged as an error for the operators.
 */
@ApiTags('Báo cáo')
@ApiBearerAuth()
@Roles('supervisor', 'leader', 'admin')
@Controller('reports')
export class ReportsController {
  private readonly logger = new Logger('PeriodicReport');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly refs: ReferenceCache,
    private readonly clock: Clock,
  ) {}

  @Get('periodic')
  @ApiOperation({
    summary: 'Báo cáo tình hình, kết quả giải quyết TTHC (biểu 13 cột) của xã theo tháng, quý, 6 tháng, 9 tháng, năm',
    description:
      'Tính lại từ nhật ký sự kiện của các hồ sơ xã giải quyết. Dòng theo lĩnh vực và thủ tục, có dòng tổng. ' +
      'Cột (3) = (4) + (5) + (6); (7) = (8) + (9) + (10); (11) = (12) + (13); (3) = (7) + (11) + hồ sơ rút + dừng xử lý (cột 14, 15 tách riêng). ' +
      'Trước hạn / đúng hạn / quá hạn theo ngày, so với hạn ban đầu (không tính thời gian chờ bổ sung; văn bản xin lỗi không dời hạn). ' +
      'Kỳ theo tháng dương lịch, hoặc từ ngày 15 tháng trước đến ngày 14 (window=15-14). Giờ Việt Nam (UTC+7).',
  })
  @ApiProduces('application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv')
  @ApiOkResponse({ description: 'Báo cáo; identity.holds cho biết số liệu có cân đối không (header X-Report-Identity)' })
  @ApiBadRequestResponse({ description: 'Tham số sai (nêu tên tham số)' })
  async periodic(@Query() q: PeriodicReportQueryDto, @CurrentActor() actor: Actor, @Res() res: Response): Promise<void> {
    const span = reportingSpan(q.period, Number(q.year), Number(q.index ?? '1'), q.window ?? 'calendar');
    const now = this.clock.now();
    // A period still running is reported as of now: what is due later is not overdue yet.
    const end = now < span.to ? now : span.to;
    const endDay = now < span.to ? toLocalDate(now) : span.lastDay;
    const read = this.uow.reporting(actor.communeCode);
    const commune = await this.refs.commune(read.reference, actor.communeCode);
    if (!commune) throw new NotFoundError('Không có xã của tài khoản.');
    const data = end > span.from ? await read.reports.periodicReport(span.from, end, endDay) : { procedures: [], total: ZERO_COUNTS };
    const rule = q.closedWithoutResult ?? 'split-out';
    const body = buildPeriodicReport(data.procedures, data.total, rule);
    if (!body.identity.holds) {
      this.logger.error(
        { communeCode: actor.communeCode, period: q.period, year: span.year, index: span.index, window: span.window, failures: body.identity.failures },
        'periodic report does not balance',
      );
    }
    const periodTitle = reportingSpanTitle(span);
    const communeName = `Ủy ban nhân dân ${commune.name.replace(/^Xã /, 'xã ')}`;
    res.setHeader('X-Report-Identity', body.identity.holds ? 'holds' : 'fails');
    const file = `bao-cao-tthc-${actor.communeCode}-${span.period}-${span.year}-${span.index}-${span.window}`;
    const view = { communeName, periodTitle, ...body };
    switch (q.format ?? 'json') {
      case 'xlsx':
        res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        res.setHeader('Content-Disposition', `attachment; filename="${file}.xlsx"`);
        await writeXlsx(res, view);
        return;
      case 'csv':
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', `attachment; filename="${file}.csv"`);
        res.send(toCsv(view));
        return;
      case 'json':
        res.json({
          communeCode: actor.communeCode,
          communeName,
          period: { ...span, from: span.from.toISOString(), to: span.to.toISOString(), title: periodTitle },
          asOf: end.toISOString(),
          closedWithoutResult: rule,
          columns: PERIODIC_REPORT_COLUMNS,
          rows: body.rows,
          total: body.total,
          identity: body.identity,
        });
    }
  }
}
