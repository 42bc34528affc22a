import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DOSSIER_STATE_LABELS, type DossierState, DOSSIER_STATES, ForbiddenError, standsAboveUnits, UNIT_KINDS, UNIT_REGISTRY, type UnitKind } from '@motcua/domain';
import { UnitOfWork } from '@motcua/persistence';
import { Clock, ReferenceCache, SUPERVISORS } from '@motcua/workflow';
import { type Actor, CurrentActor, Roles } from '../auth/actor';

/** A step is "near due" when less than this much office time is left (half a working day). */
export const NEAR_DUE_WORKING_MINUTES = 240;

/** The largest offset into the inbox: PostgreSQL's OFFSET refuses what passes bigint; no inbox holds a tenth of this. */
const MAX_OFFSET = 2_147_483_647;

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

class InboxQueryDto {
  @ApiPropertyOptional({ enum: UNIT_KINDS, description: 'Một đơn vị của tài khoản; mặc định mọi đơn vị của tài khoản' })
  @IsOptional()
  @IsIn(UNIT_KINDS, { message: 'Mã đơn vị không có trong danh mục.' })
  unit?: UnitKind;

  @ApiPropertyOptional({ enum: ['pending', 'taken', 'mine'], description: 'pending: chưa ai nhận; taken: đã có người nhận; mine: của tôi' })
  @IsOptional()
  @IsIn(['pending', 'taken', 'mine'], { message: 'Lọc theo trạng thái phải là pending, taken hoặc mine.' })
  status?: 'pending' | 'taken' | 'mine';

  @ApiPropertyOptional({ description: 'Chỉ các bước đã quá hạn' })
  @IsOptional()
  @Transform(toBool)
  @IsIn([true, false], { message: 'overdue phải là true hoặc false.' })
  overdue?: boolean;

  @ApiPropertyOptional({ description: 'Mã thủ tục' })
  @IsOptional()
  @IsString({ message: 'Mã thủ tục phải là chuỗi ký tự.' })
  @MaxLength(64, { message: 'Mã thủ tục không được dài quá 64 ký tự.' })
  procedure?: string;

  @ApiPropertyOptional({ enum: DOSSIER_STATES })
  @IsOptional()
  @IsIn(DOSSIER_STATES, { message: 'Trạng thái hồ sơ không có trong danh mục.' })
  state?: DossierState;

  @ApiPropertyOptional({ description: 'Tìm theo mã hồ sơ hoặc tên người nộp' })
  @IsOptional()
  @IsString({ message: 'Từ khoá tìm kiếm phải là chuỗi ký tự.' })
  @MaxLength(100, { message: 'Từ khoá tìm kiếm không được dài quá 100 ký tự.' })
  q?: string;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Transform(({ value }) => Number(value))
  @IsInt({ message: 'limit phải là số nguyên.' })
  @Min(1, { message: 'limit tối thiểu là 1.' })
  @Max(200, { message: 'limit tối đa là 200.' })
  limit?: number;

  @ApiPropertyOptional({ default: 0, maximum: MAX_OFFSET })
  @IsOptional()
  @Transform(({ value }) => Number(value))
  @IsInt({ message: 'offset phải là số nguyên.' })
  @Min(0, { message: 'offset không được âm.' })
  @Max(MAX_OFFSET, { message: `offset tối đa là ${MAX_OFFSET}.` })
  offset?: number;
}

/**
 * Hộp việc — the work items of my units, soonest due first, flagged overdue or near due.
 * Officers see their own units only (asking for another unit is 403); supervisors every unit.
 */
@ApiTags('Hộp việc')
@ApiBearerAuth()
@Controller()
export class InboxController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly refs: ReferenceCache,
    private readonly clock: Clock,
  ) {}

  @Get('inbox')
  @Roles('officer', 'leader', 'reception', 'supervisor', 'admin')
  @ApiOperation({ summary: 'Hộp việc của đơn vị: các bước chờ xử lý, sắp xếp theo hạn, gắn cờ quá hạn / sắp đến hạn' })
  async inbox(@Query() q: InboxQueryDto, @CurrentActor() actor: Actor) {
    const mine = standsAboveUnits(actor.roles) ? [...UNIT_KINDS] : actor.units;
    if (q.unit && !mine.includes(q.unit)) throw new ForbiddenError('Tài khoản không thuộc đơn vị này.', { unit: q.unit });
    const now = this.clock.now();
    const read = this.uow.read(actor.communeCode);
    const calendar = await this.refs.forCommune(read.reference, actor.communeCode);
    const { rows, total } = await read.workflow.inbox({
      units: q.unit ? [q.unit] : mine,
      status: q.status === 'mine' ? undefined : q.status,
      assigneeId: q.status === 'mine' ? actor.id : undefined,
      procedureCode: q.procedure,
      overdueAt: q.overdue ? now : undefined,
      search: q.q,
      dossierState: q.state,
      limit: q.limit ?? 50,
      offset: q.offset ?? 0,
    });
    const nearDueBefore = calendar.addWorkingMinutes(now, NEAR_DUE_WORKING_MINUTES);
    return {
      total,
      items: rows.map((r) => {
        const overdue = r.due_at !== null && r.due_at.getTime() < now.getTime();
        return {
          workItemId: r.id,
          dossierId: r.dossier_id,
          dossierCode: r.code,
          procedureCode: r.procedure_code,
          procedureName: r.procedure_name,
          applicantName: r.applicant_name,
          unit: r.unit_kind,
          unitName: UNIT_REGISTRY[r.unit_kind as UnitKind]?.name ?? r.unit_kind,
          stepKey: r.step_key,
          status: r.status,
          assigneeId: r.assignee_id,
          assigneeName: r.assignee_name,
          dossierState: r.state,
          dossierStateLabel: DOSSIER_STATE_LABELS[r.state as DossierState] ?? r.state,
          /** The clock is paused while the citizen supplements. */
          paused: r.state === 'waiting_supplement',
          receivedAt: r.received_at,
          dueAt: r.due_at,
          dossierDueAt: r.dossier_due_at,
          overdue,
          nearDue: !overdue && r.due_at !== null && r.due_at.getTime() <= nearDueBefore.getTime(),
          dossierOverdue: r.overdue_at !== null,
        };
      }),
    };
  }

  @Get('notifications')
  @ApiOperation({ summary: 'Nhắc việc và cảnh báo: bước sắp đến hạn của đơn vị, hồ sơ sắp đến hạn (Một cửa), hồ sơ quá hạn (giám sát)' })
  async notifications(@CurrentActor() actor: Actor) {
    const audiences = [...actor.units, ...(standsAboveUnits(actor.roles) ? [SUPERVISORS] : [])];
    return { items: await this.uow.read(actor.communeCode).casework.notifications(audiences, 100) };
  }
}
