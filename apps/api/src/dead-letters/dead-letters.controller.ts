import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/actor';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ConflictError, NotFoundError } from '@motcua/domain';
import { ALL_QUEUES, type QueueName, QueueRegistry } from '@motcua/messaging';

class DeadLetterQueryDto {
  @ApiPropertyOptional({ enum: ALL_QUEUES })
  @IsOptional()
  @IsIn(ALL_QUEUES, { message: 'Tên hàng đợi không có trong danh mục.' })
  queue?: QueueName;

  @ApiPropertyOptional({ default: 50 })
  @IsOptional()
  @Transform(({ value }) => Number(value))
  @IsInt({ message: 'limit phải là số nguyên.' })
  @Min(1, { message: 'limit ít nhất là 1.' })
  @Max(500, { message: 'limit tối đa 500.' })
  limit?: number;
}

function queueOf(name: string): QueueName {
  if (!(ALL_QUEUES as readonly string[]).includes(name)) throw new NotFoundError(`Không có hàng đợi "${name}".`);
  return name as QueueName;
}

/**
 * The dead-letter list: jobs that used up their retries (or met a rule no retry can fix) stay in
 * their queue's failed set with the reason. Supervisors see them here and replay them once the
 * cause is fixed; the consumers are idempotent, so a replay never applies anything twice.
 */
@ApiTags('Vận hành')
@ApiBearerAuth()
@Roles('admin', 'supervisor')
@Controller('dead-letters')
export class DeadLettersController {
  constructor(private readonly queues: QueueRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Các tác vụ đã thử hết số lần (danh sách chết), kèm lý do' })
  async list(@Query() q: DeadLetterQueryDto) {
    await this.queues.ready();
    const names = q.queue ? [q.queue] : ALL_QUEUES;
    const limit = q.limit ?? 50;
    const perQueue = await Promise.all(
      names.map(async (name) => {
        const jobs = await this.queues.get(name).getFailed(0, limit - 1);
        return jobs.map((j) => ({
          queue: name,
          jobId: j.id,
          name: j.name,
          data: j.data as Record<string, unknown>,
          failedReason: j.failedReason,
          attemptsMade: j.attemptsMade,
          failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
        }));
      }),
    );
    return perQueue.flat().slice(0, limit);
  }

  @Post(':queue/:jobId/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Chạy lại một tác vụ trong danh sách chết' })
  async replay(@Param('queue') queue: string, @Param('jobId') jobId: string) {
    await this.queues.ready();
    const job = await this.queues.get(queueOf(queue)).getJob(jobId);
    if (!job) throw new NotFoundError(`Không có tác vụ "${jobId}" trong hàng đợi "${queue}".`);
    if (!(await job.isFailed())) throw new ConflictError('JOB_NOT_FAILED', 'Tác vụ này không nằm trong danh sách chết.');
    await job.retry('failed');
    return { queue, jobId, replayed: true };
  }
}
