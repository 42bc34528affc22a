import { Controller, Get, Logger, type MessageEvent, Query, Sse } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { catchError, EMPTY, exhaustMap, from, interval, map, type Observable, startWith } from 'rxjs';
import { DomainValidationError, toLocalDate, UNIT_KINDS } from '@motcua/domain';
import { QueueRegistry } from '@motcua/messaging';
import { UnitOfWork } from '@motcua/persistence';
import { Clock } from '@motcua/workflow';
import { type Actor, CurrentActor, Roles } from '../auth/actor';
import { MAX_PERIOD_DAYS, ThroughputQueryDto } from './monitoring.dto';

/** How often the live stream pushes the backlog snapshot. */
export const MONITORING_STREAM_INTERVAL_MS = 5_000;

/** The window of the hand-off latency percentiles. */
export const HANDOFF_LATENCY_WINDOW_MS = 3_600_000;

const DAY_MS = 86_400_000;

/** One unit queue's job counts (BullMQ). The queues are shared by every commune. */
export interface QueueDepth {
  readonly queue: string;
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
}

/**
 * Giám sát tiến độ — throughput and backlog for the supervisors of a commune (issue 11 item 3).
 * Every number is the caller's own commune's, read through its commune-scoped repositories,
 * except the queue depths: the unit queues are shared by every commune (one per unit kind), so
 * their counts are the whole system's load, which names no dossier.
 */
@ApiTags('Giám sát')
@ApiBearerAuth()
@Roles('supervisor', 'leader', 'admin')
@Controller('monitoring')
export class MonitoringController {
  private readonly logger = new Logger('Monitoring');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly queues: QueueRegistry,
    private readonly clock: Clock,
  ) {}

  @Get('throughput')
  @ApiOperation({
    summary: 'Số hồ sơ tiếp nhận và giải quyết xong của xã theo ngày hoặc theo giờ',
    description:
      'Giải quyết xong = có kết quả (sớm, đúng, quá hạn) + từ chối sau thẩm định + rút hồ sơ. ' +
      'Theo ngày: từ bảng tổng hợp ngày (daily_rollups) của bộ chiếu dữ liệu, các ngày giờ Việt Nam từ ngày của `from` đến ngày của thời điểm ngay trước `to`. ' +
      'Theo giờ: bảng tổng hợp không có giờ, nên đếm từ mốc thời gian của danh sách hồ sơ (dossier_list.received_at, resolved_at) theo chỉ mục (commune_code, …), các giờ của [from, to). ' +
      'Cả hai trễ so với nhật ký một vòng của bộ chiếu (PROJECTION_POLL_MS).',
  })
  @ApiBadRequestResponse({ description: 'Tham số không hợp lệ (tên tham số trong `errors[].field` hoặc `details.field`)' })
  async throughput(@Query() q: ThroughputQueryDto, @CurrentActor() actor: Actor) {
    const granularity = q.granularity ?? 'day';
    const fromAt = new Date(q.from);
    const toAt = new Date(q.to);
    if (!(fromAt < toAt)) throw new DomainValidationError('PERIOD', 'Đầu kỳ phải trước cuối kỳ.', 'to');
    if (toAt.getTime() - fromAt.getTime() > MAX_PERIOD_DAYS[granularity] * DAY_MS) {
      throw new DomainValidationError('PERIOD_TOO_LONG', `Kỳ theo ${granularity === 'day' ? 'ngày' : 'giờ'} dài tối đa ${MAX_PERIOD_DAYS[granularity]} ngày.`, 'to');
    }
    const repo = this.uow.reporting(actor.communeCode).monitoring;
    const buckets =
      granularity === 'day'
        ? await repo.dailyThroughput(toLocalDate(fromAt), toLocalDate(new Date(toAt.getTime() - 1)))
        : await repo.hourlyThroughput(fromAt, toAt);
    const total = buckets.reduce((s, b) => ({ received: s.received + b.received, finished: s.finished + b.finished }), { received: 0, finished: 0 });
    return { communeCode: actor.communeCode, from: fromAt.toISOString(), to: toAt.toISOString(), granularity, total, buckets };
  }

  @Get('backlog')
  @ApiOperation({
    summary: 'Tồn đọng và quá hạn theo đơn vị, bước chờ lâu nhất, bộ đếm trực tiếp, độ sâu hàng đợi, độ trễ outbox, độ trễ chuyển hồ sơ p50/p95/p99',
    description:
      'Tồn đọng: các bước trong hộp việc của đơn vị (chờ nhận hoặc đã nhận xử lý), quá hạn khi đã qua hạn của bước; đang chuyển: lượt chuyển chưa được tiếp nhận. ' +
      'Bộ đếm trực tiếp: commune_counters của bộ chiếu. Hàng đợi: số tác vụ BullMQ của mỗi hàng đợi đơn vị, dùng chung cho mọi xã (null khi Redis không trả lời). ' +
      'Độ trễ chuyển hồ sơ: received_at − sent_at của các lượt chuyển điện tử tiếp nhận trong một giờ qua, percentile_cont theo đơn vị nhận.',
  })
  backlog(@CurrentActor() actor: Actor) {
    return this.snapshot(actor.communeCode);
  }

  @Sse('stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: 'Luồng sự kiện (server-sent events) đẩy ảnh chụp tồn đọng của xã',
    description: `Mỗi ${MONITORING_STREAM_INTERVAL_MS / 1000} giây một sự kiện \`backlog\`, dữ liệu như GET /monitoring/backlog; dừng khi máy khách ngắt kết nối.`,
  })
  stream(@CurrentActor() actor: Actor): Observable<MessageEvent> {
    const communeCode = actor.communeCode;
    // exhaustMap: a slow snapshot skips ticks instead of piling reads up; a failed one skips its tick.
    return interval(MONITORING_STREAM_INTERVAL_MS).pipe(
      startWith(-1),
      exhaustMap(() =>
        from(this.snapshot(communeCode)).pipe(
          catchError((e: unknown) => {
            this.logger.warn(`backlog snapshot of ${communeCode} failed: ${e instanceof Error ? e.message : String(e)}`);
            return EMPTY;
          }),
        ),
      ),
      map((data): MessageEvent => ({ type: 'backlog', data })),
    );
  }

  /** The backlog board of one commune, its reads side by side. */
  private async snapshot(communeCode: string) {
    const now = this.clock.now();
    const tx = this.uow.read(communeCode);
    const [units, counters, outbox, handoffLatency, queues] = await Promise.all([
      tx.monitoring.backlog(now),
      tx.projections.liveCounters(),
      tx.monitoring.outboxLag(),
      tx.monitoring.handoffLatency(new Date(now.getTime() - HANDOFF_LATENCY_WINDOW_MS), new Date(now.getTime() + 1)),
      this.queueDepths(),
    ]);
    return { communeCode, at: now.toISOString(), units, counters, queues, outbox, handoffLatency };
  }

  /** Job counts of every unit queue; null when Redis does not answer (the rest of the board still does). */
  private async queueDepths(): Promise<QueueDepth[] | null> {
    try {
      await this.queues.ready();
      return await Promise.all(
        UNIT_KINDS.map(async (queue) => {
          const c = await this.queues.get(queue).getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed');
          return { queue, waiting: (c.wait ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
        }),
      );
    } catch (e) {
      this.logger.warn(`queue depths unavailable: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  }
}
