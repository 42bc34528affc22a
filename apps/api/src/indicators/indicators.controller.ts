import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor, Roles } from '../auth/actor';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsInstant } from '../common/dto-decorators';
import { DomainValidationError, NotFoundError, UNIT_KINDS, type UnitKind } from '@motcua/domain';
import { UnitOfWork } from '@motcua/persistence';

/** The commune plan's target for electronic circulation between agencies. */
export const ELECTRONIC_SHARE_TARGET = 0.9;

class ElectronicShareQueryDto {
  @ApiProperty({ example: '26734' })
  @Matches(/^[0-9A-Za-z]{2,16}$/, { message: 'Mã xã không hợp lệ.' })
  communeCode: string;

  @ApiProperty({ example: '2026-01-01T00:00:00+07:00', description: 'Đầu kỳ (bao gồm; năm 2000–2099)' })
  @IsInstant('Đầu kỳ')
  from: string;

  @ApiProperty({ example: '2026-02-01T00:00:00+07:00', description: 'Cuối kỳ (không bao gồm; năm 2000–2099)' })
  @IsInstant('Cuối kỳ')
  to: string;

  @ApiPropertyOptional({ enum: UNIT_KINDS })
  @IsOptional()
  @IsIn(UNIT_KINDS, { message: 'Mã đơn vị không có trong danh mục.' })
  unit?: UnitKind;
}

/** ratio rounded to 4 decimals, or null when there is nothing to divide (shown as N/A). */
function share(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

@ApiTags('Chỉ tiêu')
@ApiBearerAuth()
@Roles('supervisor', 'leader', 'admin')
@Controller('indicators')
export class IndicatorsController {
  constructor(private readonly uow: UnitOfWork) {}

  @Get('electronic-share')
  @ApiOperation({
    summary: 'Tỷ lệ hồ sơ luân chuyển điện tử giữa các cơ quan (chỉ tiêu ≥ 90%)',
    description:
      'Tính lại từ nhật ký sự kiện. Mức hồ sơ: hồ sơ tiếp nhận trong kỳ có ít nhất một lượt chuyển, mọi lượt đều điện tử; hồ sơ mật không tính. Mức lượt chuyển: các lượt chuyển trong kỳ.',
  })
  async electronicShare(@Query() q: ElectronicShareQueryDto, @CurrentActor() actor: Actor) {
    // Only the caller's own commune; another commune is not found, like an unknown one.
    if (q.communeCode !== actor.communeCode) throw new NotFoundError(`Không có xã mã "${q.communeCode}".`);
    const from = new Date(q.from);
    const to = new Date(q.to);
    if (!(from < to)) throw new DomainValidationError('PERIOD', 'Đầu kỳ phải trước cuối kỳ.', 'to');
    const c = await this.uow.reporting(actor.communeCode).indicators.electronicShare(from, to, q.unit ?? null);
    const dossierShare = share(c.dossiersElectronic, c.dossiers);
    return {
      communeCode: q.communeCode,
      from: from.toISOString(),
      to: to.toISOString(),
      unit: q.unit ?? null,
      target: ELECTRONIC_SHARE_TARGET,
      dossiers: { total: c.dossiers, electronic: c.dossiersElectronic, share: dossierShare, stateSecretExcluded: c.stateSecretExcluded },
      handoffs: { total: c.handoffs, electronic: c.handoffsElectronic, share: share(c.handoffsElectronic, c.handoffs) },
      byUnit: c.byUnit.map((u) => ({ ...u, share: share(u.electronic, u.handoffs) })),
      meetsTarget: dossierShare === null ? null : dossierShare >= ELECTRONIC_SHARE_TARGET,
    };
  }
}
