import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { type Actor, actingUser, CurrentActor, Roles } from '../auth/actor';
import { ReceiveDossierCommand, type ReceiveDossierResult } from './receive-dossier.command';
import { ReceiveDossierDto } from './receive-dossier.dto';
import { ReceiptSlip } from './receipt-slip';

class ReceiveDossierResponse implements ReceiveDossierResult {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'H26.01.01-260302-0001' }) code: string;
  @ApiProperty({ example: 'received' }) state: string;
  @ApiProperty({ type: ReceiptSlip }) receipt: ReceiptSlip;
}

@ApiTags('Tiếp nhận hồ sơ')
@ApiBearerAuth()
@Controller('dossiers')
export class IntakeController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @Roles('reception', 'service')
  @ApiOperation({
    summary: 'Tiếp nhận hồ sơ (trực tiếp, bưu chính, trực tuyến)',
    description: 'Ghi hồ sơ, sự kiện đầu tiên và tin nhắn đồng bộ trong một giao dịch; trả nội dung Giấy tiếp nhận và hẹn trả kết quả (Mẫu 01).',
  })
  @ApiCreatedResponse({ type: ReceiveDossierResponse })
  @ApiBadRequestResponse({ description: 'Dữ liệu không hợp lệ; `errors` nêu từng trường sai. Không có gì được ghi.' })
  @ApiForbiddenResponse({ description: 'Nơi tiếp nhận thuộc xã khác với tài khoản' })
  receive(@Body() body: ReceiveDossierDto, @CurrentActor() actor: Actor): Promise<ReceiveDossierResult> {
    return this.commands.execute(new ReceiveDossierCommand(body, actingUser(actor)));
  }
}
