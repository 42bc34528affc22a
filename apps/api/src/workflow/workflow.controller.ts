import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ForbiddenError, NotFoundError, UNIT_REGISTRY, type UnitKind } from '@motcua/domain';
import { UnitOfWork } from '@motcua/persistence';
import { assertMayAct, CompleteStepCommand, type CompleteStepResult, PAPER_REASON_LABELS, type PaperReason } from '@motcua/workflow';
import { type Actor, actingUser, CurrentActor, Roles } from '../auth/actor';
import { CompleteStepDto } from './complete-step.dto';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

@ApiTags('Luân chuyển hồ sơ')
@ApiBearerAuth()
@Controller('dossiers/:id')
export class WorkflowController {
  constructor(
    private readonly commands: CommandBus,
    private readonly uow: UnitOfWork,
  ) {}

  @Post('steps/:stepKey/complete')
  @HttpCode(200)
  @Roles('officer', 'leader', 'reception')
  @ApiOperation({
    summary: 'Hoàn thành bước xử lý và chuyển hồ sơ sang bước tiếp theo',
    description: 'Một giao dịch: đánh dấu xong bước, ghi sự kiện, chuyển sang các đơn vị của giai đoạn sau (song song nếu rẽ nhánh), chờ đủ các nhánh, hoặc chuyển kết quả về Bộ phận Một cửa.',
  })
  @ApiOkResponse({ description: '`next`: handoff, wait (chờ nhánh song song) hoặc return (về Một cửa)' })
  @ApiConflictResponse({ description: 'Bước không chờ xử lý, hoặc hồ sơ không ở trạng thái đang xử lý' })
  @ApiForbiddenResponse({ description: 'Hồ sơ của xã khác, hoặc bước của đơn vị khác' })
  @ApiNotFoundResponse({ description: 'Không có hồ sơ này' })
  async complete(
    @Param('id', uuid) id: string,
    @Param('stepKey') stepKey: string,
    @Body() body: CompleteStepDto,
    @CurrentActor() actor: Actor,
  ): Promise<CompleteStepResult> {
    const dossier = await this.uow.read.dossiers.findAnyById(id);
    if (!dossier) throw new NotFoundError('Không tìm thấy hồ sơ.');
    return this.commands.execute(new CompleteStepCommand(dossier.communeCode, id, stepKey, actingUser(actor), body.notes, body.handoff));
  }

  @Get('handoffs')
  @ApiOperation({ summary: 'Các lượt chuyển hồ sơ giữa các đơn vị, điện tử hay bản giấy' })
  @ApiForbiddenResponse({ description: 'Hồ sơ của xã khác, hoặc không qua đơn vị của tài khoản' })
  async handoffs(@Param('id', uuid) id: string, @CurrentActor() actor: Actor) {
    const dossier = await this.uow.read.dossiers.findAnyById(id);
    if (!dossier) throw new NotFoundError('Không tìm thấy hồ sơ.');
    const rows = await this.uow.read.workflow.handoffsOf(dossier.communeCode, id);
    const user = actingUser(actor);
    assertMayAct(user, dossier.communeCode);
    // An officer sees the dossiers that passed through one of their units, nothing else.
    const units = user.units;
    if (units !== 'any' && !rows.some((h) => units.includes(h.toUnit) || units.includes(h.fromUnit))) {
      throw new ForbiddenError('Hồ sơ không qua đơn vị của tài khoản.');
    }
    const name = (u: string) => UNIT_REGISTRY[u as UnitKind]?.name ?? u;
    return {
      dossierCode: dossier.code,
      stateSecret: dossier.stateSecret,
      // Decision 9: circulated electronically when every hand-off it needed went through the system.
      circulatedElectronically: dossier.stateSecret || rows.length === 0 ? null : rows.every((h) => h.channel === 'electronic'),
      handoffs: rows.map((h) => ({
        id: h.id,
        stepKey: h.stepKey,
        from: h.fromUnit,
        fromName: name(h.fromUnit),
        to: h.toUnit,
        toName: name(h.toUnit),
        channel: h.channel,
        reason: h.reason ? PAPER_REASON_LABELS[h.reason as PaperReason] ?? h.reason : null,
        sentAt: h.sentAt,
        receivedAt: h.receivedAt,
        stepDueAt: h.stepDueAt,
      })),
    };
  }
}
