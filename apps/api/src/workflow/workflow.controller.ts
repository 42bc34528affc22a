import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, type PipeTransform, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { NotFoundError, UNIT_REGISTRY, type UnitKind } from '@motcua/domain';
import { UnitOfWork } from '@motcua/persistence';
import {
  CompleteStepCommand,
  type CompleteStepResult,
  IssueApologyCommand,
  type IssueApologyResult,
  PAPER_REASON_LABELS,
  type PaperReason,
  ReassignWorkItemCommand,
  ReceiveSupplementCommand,
  type ReceiveSupplementResult,
  RejectDossierCommand,
  RequestSupplementCommand,
  type RequestSupplementResult,
  ReturnResultCommand,
  type ReturnResultResult,
  SignResultCommand,
  type SignResultResult,
  TakeWorkItemCommand,
  type TakeWorkItemResult,
  WithdrawDossierCommand,
} from '@motcua/workflow';
import { type Actor, actingUser, CurrentActor, Roles } from '../auth/actor';
import { NoBody } from '../common/validation';
import { viewableDossier } from './dossier-access';
import {
  ApologyDto,
  AssignDto,
  CompleteStepDto,
  RejectDto,
  ReturnDto,
  SignDto,
  SupplementRequestDto,
  SupplyDto,
  WithdrawDto,
} from './casework.dto';

/** A malformed dossier id is a dossier that does not exist: 404, answered exactly like an unknown id or another commune's. */
export const uuid = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError('Không tìm thấy hồ sơ.') });

/** What a step key of the catalog looks like (`xu-ly`, `ky-duyet`). */
const STEP_KEY = /^[a-z0-9-]{1,64}$/;

/** A step key no route can have (a NUL byte, 100 kB of text) names no step of the dossier: 404. */
export const wellFormedStepKey: PipeTransform<string, string> = {
  transform(value: string) {
    if (!STEP_KEY.test(value)) throw new NotFoundError('Hồ sơ không có bước này.');
    return value;
  },
};

/**
 * The officer's actions on a dossier (one-stop-rules.md §2). Each is one command in one
 * transaction, run in the caller's commune: another commune's dossier is not found (404, exactly
 * like an unknown id); another unit's step is 403. A refusal (400, 403, 404, 409) changes nothing.
 */
@ApiTags('Luân chuyển hồ sơ')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'Bước của đơn vị khác, hoặc vai trò không được phép' })
@ApiNotFoundResponse({ description: 'Không có hồ sơ này trong xã của tài khoản (hồ sơ xã khác cũng trả 404)' })
@Controller('dossiers/:id')
export class WorkflowController {
  constructor(
    private readonly commands: CommandBus,
    private readonly uow: UnitOfWork,
  ) {}

  @Post('steps/:stepKey/take')
  @HttpCode(200)
  @Roles('officer', 'leader', 'reception')
  @ApiOperation({ summary: 'Nhận xử lý một bước trong hộp việc của đơn vị', description: 'Nhận lại bước đã là của mình: không đổi gì. Bước của cán bộ khác: 409.' })
  @ApiConflictResponse({ description: 'Bước đã được cán bộ khác nhận, hoặc không còn chờ xử lý' })
  async take(@Param('id', uuid) id: string, @Param('stepKey', wellFormedStepKey) stepKey: string, @Body(NoBody) _body: unknown, @CurrentActor() actor: Actor): Promise<TakeWorkItemResult> {
    return this.commands.execute(new TakeWorkItemCommand(id, stepKey, actingUser(actor)));
  }

  @Post('steps/:stepKey/assign')
  @HttpCode(200)
  @Roles('supervisor', 'admin')
  @ApiOperation({ summary: 'Giao lại một bước cho cán bộ khác của đơn vị (giám sát)' })
  @ApiBadRequestResponse({ description: 'Người được giao không thuộc đơn vị của bước' })
  async assign(@Param('id', uuid) id: string, @Param('stepKey', wellFormedStepKey) stepKey: string, @Body() body: AssignDto, @CurrentActor() actor: Actor): Promise<TakeWorkItemResult> {
    return this.commands.execute(new ReassignWorkItemCommand(id, stepKey, actingUser(actor), body.assignee));
  }

  @Post('steps/:stepKey/complete')
  @HttpCode(200)
  @Roles('officer', 'leader', 'reception')
  @ApiOperation({
    summary: 'Hoàn thành bước xử lý và chuyển hồ sơ sang bước tiếp theo',
    description:
      'Một giao dịch: đánh dấu xong bước, ghi sự kiện (kèm mã SHA-256 của tài liệu), chuyển sang các đơn vị của giai đoạn sau (song song nếu rẽ nhánh), chờ đủ các nhánh, hoặc chuyển kết quả về Bộ phận Một cửa. Bước ký duyệt của lãnh đạo hoàn thành qua /sign.',
  })
  @ApiOkResponse({ description: '`next`: handoff, wait (chờ nhánh song song) hoặc return (về Một cửa)' })
  @ApiConflictResponse({ description: 'Bước không chờ xử lý, đang do cán bộ khác xử lý, cần chữ ký số, hoặc hồ sơ không ở trạng thái đang xử lý' })
  async complete(@Param('id', uuid) id: string, @Param('stepKey', wellFormedStepKey) stepKey: string, @Body() body: CompleteStepDto, @CurrentActor() actor: Actor): Promise<CompleteStepResult> {
    return this.commands.execute(new CompleteStepCommand(id, stepKey, actingUser(actor), body.notes, body.handoff, undefined, body.documents ?? []));
  }

  @Post('steps/:stepKey/supplement-request')
  @HttpCode(200)
  @Roles('officer', 'leader')
  @ApiOperation({
    summary: 'Yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)',
    description: 'Tạm dừng tính thời hạn cho đến khi công dân bổ sung đủ; quá hạn bổ sung của công dân thì hồ sơ bị từ chối tự động. Lần yêu cầu thứ hai được phép nhưng bị gắn cờ.',
  })
  @ApiConflictResponse({ description: 'Hồ sơ không đang xử lý, hoặc bước không chờ xử lý' })
  async requestSupplement(
    @Param('id', uuid) id: string,
    @Param('stepKey', wellFormedStepKey) stepKey: string,
    @Body() body: SupplementRequestDto,
    @CurrentActor() actor: Actor,
  ): Promise<RequestSupplementResult> {
    const items = body.items.map((i) => ({ name: i.name, originals: i.originals ?? 1, copies: i.copies ?? 0, ...(i.note ? { note: i.note } : {}) }));
    return this.commands.execute(new RequestSupplementCommand(id, stepKey, actingUser(actor), body.reason, items));
  }

  @Post('supplement')
  @HttpCode(200)
  @Roles('reception', 'service')
  @ApiOperation({ summary: 'Ghi nhận hồ sơ bổ sung của công dân (tại Bộ phận Một cửa hoặc qua Cổng DVC)', description: 'Thời hạn tiếp tục: ngày hẹn được lùi đúng bằng thời gian làm việc hồ sơ nằm ở phía công dân.' })
  @ApiConflictResponse({ description: 'Hồ sơ không chờ bổ sung' })
  async supply(@Param('id', uuid) id: string, @Body() body: SupplyDto, @CurrentActor() actor: Actor): Promise<ReceiveSupplementResult> {
    return this.commands.execute(new ReceiveSupplementCommand(id, actingUser(actor), body.via, body.note, body.documents ?? []));
  }

  @Post('steps/:stepKey/reject')
  @HttpCode(200)
  @Roles('officer', 'leader')
  @ApiOperation({ summary: 'Từ chối giải quyết sau thẩm định, nêu rõ lý do (thông báo theo Mẫu 03)' })
  @ApiConflictResponse({ description: 'Hồ sơ đã kết thúc, hoặc bước không chờ xử lý' })
  async reject(@Param('id', uuid) id: string, @Param('stepKey', wellFormedStepKey) stepKey: string, @Body() body: RejectDto, @CurrentActor() actor: Actor) {
    return this.commands.execute(new RejectDossierCommand(id, actingUser(actor), body.reason, stepKey));
  }

  @Post('sign')
  @HttpCode(200)
  @Roles('leader')
  @ApiOperation({
    summary: 'Lãnh đạo phê duyệt và ký số kết quả',
    description:
      'Ký Ed25519 bằng khoá của xã lên mã SHA-256 của tài liệu kết quả. Trả về mã xác thực (in lên kết quả, ví dụ dạng mã QR): ai có mã kiểm tra được qua /api/public/signatures/{mã xác thực}, hoặc ngoại tuyến bằng khoá công khai.',
  })
  @ApiConflictResponse({ description: 'Hồ sơ không có bước ký duyệt đang chờ' })
  async sign(@Param('id', uuid) id: string, @Body() body: SignDto, @CurrentActor() actor: Actor): Promise<SignResultResult> {
    return this.commands.execute(new SignResultCommand(id, actingUser(actor), body.document, body.notes, body.handoff));
  }

  @Post('apology')
  @HttpCode(200)
  @Roles('leader')
  @ApiOperation({
    summary: 'Văn bản xin lỗi và đề nghị gia hạn (Mẫu 04), do lãnh đạo ký',
    description: 'Nêu lý do và ngày hẹn mới; mỗi hồ sơ chỉ được hẹn lại một lần. Đánh giá đúng hạn vẫn theo ngày hẹn ban đầu.',
  })
  @ApiConflictResponse({ description: 'Đã hẹn lại một lần, hoặc hồ sơ đã kết thúc' })
  @ApiBadRequestResponse({ description: 'Ngày hẹn mới không sau ngày hẹn hiện tại' })
  async apology(@Param('id', uuid) id: string, @Body() body: ApologyDto, @CurrentActor() actor: Actor): Promise<IssueApologyResult> {
    return this.commands.execute(new IssueApologyCommand(id, actingUser(actor), body.reason, new Date(body.newDueAt)));
  }

  @Post('return')
  @HttpCode(200)
  @Roles('reception')
  @ApiOperation({ summary: 'Trả kết quả cho công dân tại Bộ phận Một cửa hoặc qua bưu chính', description: 'Hồ sơ trễ hạn phải có văn bản xin lỗi (Mẫu 04) trước.' })
  @ApiConflictResponse({ description: 'Chưa có kết quả, hoặc hồ sơ trễ hạn chưa có văn bản xin lỗi' })
  async returnResult(@Param('id', uuid) id: string, @Body() body: ReturnDto, @CurrentActor() actor: Actor): Promise<ReturnResultResult> {
    return this.commands.execute(new ReturnResultCommand(id, actingUser(actor), body.delivery, body.receiverName, body.postalTrackingNumber));
  }

  @Post('withdraw')
  @HttpCode(200)
  @Roles('reception', 'service')
  @ApiOperation({ summary: 'Dừng giải quyết theo đề nghị của công dân (Mẫu 05)' })
  @ApiConflictResponse({ description: 'Hồ sơ đã có kết quả hoặc đã kết thúc' })
  async withdraw(@Param('id', uuid) id: string, @Body() body: WithdrawDto, @CurrentActor() actor: Actor) {
    return this.commands.execute(new WithdrawDossierCommand(id, actingUser(actor), body.reason, body.requestedAt ? new Date(body.requestedAt) : undefined));
  }

  @Get('handoffs')
  @ApiOperation({ summary: 'Các lượt chuyển hồ sơ giữa các đơn vị, điện tử hay bản giấy' })
  async handoffs(@Param('id', uuid) id: string, @CurrentActor() actor: Actor) {
    const { dossier, handoffs: rows } = await viewableDossier(this.uow.read(actor.communeCode), actor, id);
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
