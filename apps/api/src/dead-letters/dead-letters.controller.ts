import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ConflictError, NotFoundError } from '@motcua/domain';
import { ALL_QUEUES, DeadLetterRepository, type QueueName, QueueRegistry } from '@motcua/messaging';
import { type Actor, CurrentActor, Roles } from '../auth/actor';
import { NoBody } from '../common/validation';

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

const NOT_FOUND = 'Không có tác vụ này trong danh sách chết của xã.';

/**
 * The dead-letter list: jobs that used up their retries (or met a rule no retry can fix) stay in
 * their queue's failed set with the reason. Supervisors see their own commune's here and replay
 * them once the cause is fixed; the consumers are idempotent, so a replay never applies anything
 * twice. Another commune's job is not found, like an unknown one.
 */
@ApiTags('Vận hành')
@ApiBearerAuth()
@Roles('admin', 'supervisor')
@Controller('dead-letters')
export class DeadLettersController {
  constructor(private readonly queues: QueueRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Các tác vụ của xã đã thử hết số lần (danh sách chết), kèm lý do' })
  async list(@Query() q: DeadLetterQueryDto, @CurrentActor() actor: Actor) {
    return new DeadLetterRepository(this.queues, actor.communeCode).list(q.limit ?? 50, q.queue);
  }

  @Post(':queue/:jobId/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Chạy lại một tác vụ trong danh sách chết của xã' })
  @ApiNotFoundResponse({ description: 'Không có tác vụ này trong danh sách chết của xã' })
  @ApiConflictResponse({ description: 'Tác vụ không nằm trong danh sách chết' })
  async replay(@Param('queue') queue: string, @Param('jobId') jobId: string, @Body(NoBody) _body: unknown, @CurrentActor() actor: Actor) {
    if (!(ALL_QUEUES as readonly string[]).includes(queue)) throw new NotFoundError(NOT_FOUND);
    const outcome = await new DeadLetterRepository(this.queues, actor.communeCode).replay(queue as QueueName, jobId);
    if (outcome === 'not-found') throw new NotFoundError(NOT_FOUND);
    if (outcome === 'not-failed') throw new ConflictError('JOB_NOT_FAILED', 'Tác vụ này không nằm trong danh sách chết.');
    return { queue, jobId, replayed: true };
  }
}
