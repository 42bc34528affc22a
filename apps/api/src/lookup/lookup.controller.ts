import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { LookupDossierQuery } from './lookup-dossier.query';
import { LookupDossierDto, LookupResultView } from './lookup.dto';
import { Public } from '../auth/actor';

@ApiTags('Tra cứu công khai')
@Public()
@Controller('public')
export class LookupController {
  constructor(private readonly queries: QueryBus) {}

  /**
   * POST, so the phone or ID number never sits in a URL or an access log. Rate limited per
   * client address (LOOKUP_RATE_LIMIT a minute, see bootstrap.ts).
   */
  @Post('lookup')
  @HttpCode(200)
  @ApiOperation({ summary: 'Tra cứu tình trạng hồ sơ bằng mã hồ sơ và số điện thoại hoặc số định danh' })
  @ApiOkResponse({ type: LookupResultView })
  @ApiNotFoundResponse({ description: 'Mã không có, hoặc thông tin thứ hai không khớp (cùng một câu trả lời).' })
  @ApiTooManyRequestsResponse({ description: 'Tra cứu quá nhiều lần; thử lại sau một phút.' })
  lookup(@Body() body: LookupDossierDto): Promise<LookupResultView> {
    return this.queries.execute(new LookupDossierQuery(body));
  }
}
