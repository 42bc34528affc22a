import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Env } from '@motcua/config';
import { ConflictError, NotFoundError } from '@motcua/domain';
import { setAuditTarget, type StuckAction, UnitOfWork } from '@motcua/persistence';
import { type Actor, CurrentActor, Roles } from '../auth/actor';
import { NoBody } from '../common/validation';

/** A malformed id is work that does not exist: 404, like an unknown one or another commune's. */
const id = (what: string) => new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError(`Không tìm thấy ${what} trong xã.`) });

/** 404 for an unknown id and for another commune's, alike; 409 for work that is not stuck. */
function answer(outcome: StuckAction, what: string): { sent: true } {
  if (outcome === 'not-found') throw new NotFoundError(`Không tìm thấy ${what} trong xã.`);
  if (outcome === 'not-stuck') throw new ConflictError('NOT_STUCK', `${what[0].toUpperCase()}${what.slice(1)} không còn bị tắc; không cần chạy lại.`);
  return { sent: true };
}

/**
 * Công việc bị tắc — what the system stopped driving by itself, for the commune's supervisors:
 * hand-offs not received after every re-send, received automatic steps (BHXH card, fee, identity
 * check) that did not complete, outbox messages Redis refused on every attempt, and dossiers
 * whose portal sync keeps failing (the syncer retries them by itself, with backoff). `check-
 * invariants` lists the same. Each action re-arms the machinery; the consumers are idempotent,
 * so an action repeated, or racing the sweeper, still delivers once. Every action is audited.
 */
@ApiTags('Vận hành')
@ApiBearerAuth()
@Roles('admin', 'supervisor')
@Controller('stuck')
export class StuckController {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(Env) private readonly env: Env,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Công việc bị tắc của xã: lượt chuyển không được tiếp nhận, bước tự động chưa xong, tin outbox hỏng, hồ sơ đồng bộ Cổng DVCQG đang lỗi' })
  list(@CurrentActor() actor: Actor) {
    return this.uow.read(actor.communeCode).stuck.list(this.env.HANDOFF_RESEND_AFTER_MS);
  }

  @Post('handoffs/:id/resend')
  @HttpCode(202)
  @ApiOperation({ summary: 'Gửi lại một lượt chuyển hồ sơ điện tử chưa được tiếp nhận' })
  @ApiNotFoundResponse({ description: 'Không có lượt chuyển này trong xã' })
  @ApiConflictResponse({ description: 'Lượt chuyển đã được tiếp nhận (NOT_STUCK)' })
  async resend(@Param('id', id('lượt chuyển hồ sơ')) handoffId: string, @Body(NoBody) _body: unknown, @CurrentActor() actor: Actor) {
    return this.uow.run(actor.communeCode, async (tx) => {
      setAuditTarget(handoffId);
      return answer(await tx.stuck.resendHandoff(handoffId), 'lượt chuyển hồ sơ');
    });
  }

  @Post('steps/:workItemId/redrive')
  @HttpCode(202)
  @ApiOperation({ summary: 'Chạy lại một bước tự động đã tiếp nhận mà chưa hoàn thành (gọi lại hệ thống bên ngoài)' })
  @ApiNotFoundResponse({ description: 'Không có bước này trong xã' })
  @ApiConflictResponse({ description: 'Bước đã hoàn thành hoặc không phải bước tự động (NOT_STUCK)' })
  async redrive(@Param('workItemId', id('bước xử lý tự động')) workItemId: string, @Body(NoBody) _body: unknown, @CurrentActor() actor: Actor) {
    return this.uow.run(actor.communeCode, async (tx) => {
      setAuditTarget(workItemId);
      return answer(await tx.stuck.redriveAutomaticStep(workItemId), 'bước xử lý tự động');
    });
  }

  @Post('portal/:dossierId/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Đồng bộ ngay lên Cổng DVCQG một hồ sơ đang đồng bộ lỗi, không chờ hết thời gian chờ' })
  @ApiNotFoundResponse({ description: 'Không có hồ sơ đồng bộ Cổng này trong xã' })
  @ApiConflictResponse({ description: 'Đồng bộ của hồ sơ không ở trạng thái lỗi (NOT_STUCK)' })
  async retryPortal(@Param('dossierId', id('hồ sơ đồng bộ Cổng DVCQG')) dossierId: string, @Body(NoBody) _body: unknown, @CurrentActor() actor: Actor) {
    return this.uow.run(actor.communeCode, async (tx) => {
      setAuditTarget(dossierId);
      return answer(await tx.portalSync.retryNow(dossierId), 'hồ sơ đồng bộ Cổng DVCQG');
    });
  }

  @Post('outbox/:id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Thử gửi lại một tin outbox đã bị từ chối hết số lần' })
  @ApiNotFoundResponse({ description: 'Không có tin này trong xã' })
  @ApiConflictResponse({ description: 'Tin không ở trạng thái hỏng (NOT_STUCK)' })
  async retry(@Param('id') rowId: string, @Body(NoBody) _body: unknown, @CurrentActor() actor: Actor) {
    return this.uow.run(actor.communeCode, async (tx) => {
      setAuditTarget(rowId);
      return answer(await tx.stuck.retryOutbox(rowId), 'tin outbox');
    });
  }
}
