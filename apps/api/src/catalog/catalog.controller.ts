import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { describeLegalTime, type LegalTime, NotFoundError } from '@motcua/domain';
import { UnitOfWork } from '@motcua/persistence';
import { Public } from '../auth/actor';

class CatalogQueryDto {
  @ApiProperty({ example: '26734' })
  @IsString({ message: 'Mã xã phải là chuỗi ký tự.' })
  @Matches(/^[0-9A-Za-z]{2,16}$/, { message: 'Mã xã không hợp lệ.' })
  communeCode: string;
}

class ProcedureView {
  @ApiProperty() code: string;
  @ApiProperty() version: number;
  @ApiProperty() name: string;
  @ApiPropertyOptional({ nullable: true, type: String }) nationalCode: string | null;
  @ApiProperty() fieldName: string;
  @ApiProperty() leadUnit: string;
  @ApiProperty() legalTime: LegalTime;
  @ApiProperty() legalTimeText: string;
  @ApiProperty() fee: number;
  @ApiPropertyOptional({ nullable: true, type: String }) onlineLevel: string | null;
}

@ApiTags('Danh mục thủ tục')
@Public()
@Controller('procedures')
export class CatalogController {
  constructor(private readonly uow: UnitOfWork) {}

  @Get()
  @ApiOperation({ summary: 'Danh mục thủ tục hành chính đang áp dụng của một xã' })
  @ApiOkResponse({ type: [ProcedureView] })
  async list(@Query() q: CatalogQueryDto): Promise<ProcedureView[]> {
    const commune = await this.uow.reference.findCommune(q.communeCode);
    if (!commune) throw new NotFoundError(`Không có xã mã "${q.communeCode}".`);
    const rows = await this.uow.reference.listProcedures(q.communeCode);
    return rows.map((r) => ({
      code: r.code,
      version: r.version,
      name: r.name,
      nationalCode: r.nationalCode,
      fieldName: r.fieldName,
      leadUnit: r.leadUnit,
      legalTime: r.definition.legalTime,
      legalTimeText: describeLegalTime(r.definition.legalTime),
      fee: r.definition.fee.amount,
      onlineLevel: r.onlineLevel,
    }));
  }
}
