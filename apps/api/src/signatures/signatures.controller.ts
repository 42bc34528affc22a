import { Body, Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsBase64, IsString, Matches, MaxLength } from 'class-validator';
import { NotFoundError } from '@motcua/domain';
import { UnitOfWork } from '@motcua/persistence';
import { verifyStatement } from '@motcua/workflow';
import { Public } from '../auth/actor';

class VerifySignatureDto {
  @ApiProperty({ description: 'Nội dung đã ký, đúng từng byte (JSON chuẩn hoá)' })
  @IsString({ message: 'Nội dung đã ký phải là chuỗi ký tự.' })
  @MaxLength(10_000, { message: 'Nội dung đã ký quá dài.' })
  payload: string;

  @ApiProperty({ description: 'Chữ ký, base64' })
  @IsBase64({}, { message: 'Chữ ký phải ở dạng base64.' })
  signature: string;

  @ApiProperty({ description: 'Mã khoá (keyId)' })
  @Matches(/^[0-9a-f]{32}$/, { message: 'Mã khoá gồm 32 chữ số hệ 16.' })
  keyId: string;
}

/**
 * Kiểm tra chữ ký số kết quả — public: anyone holding a result can check that the commune signed
 * it, here or offline with the published public key. Nothing personal is shown.
 */
@ApiTags('Tra cứu công khai')
@Public()
@Controller('public')
export class SignaturesController {
  constructor(private readonly uow: UnitOfWork) {}

  @Get('signatures/:code')
  @ApiOperation({ summary: 'Chữ ký số trên kết quả của một hồ sơ, kèm kết quả kiểm tra và khoá công khai' })
  @ApiNotFoundResponse({ description: 'Hồ sơ không có kết quả đã ký' })
  async byCode(@Param('code') code: string) {
    const rows = await this.uow.read.signing.signaturesByCode(code.slice(0, 64));
    if (rows.length === 0) throw new NotFoundError('Không có kết quả đã ký số của hồ sơ này.');
    const signatures = [];
    for (const s of rows) {
      const key = await this.uow.read.signing.key(s.keyId);
      signatures.push({
        dossierCode: s.dossierCode,
        documentSha256: s.documentSha256,
        signedBy: s.signedBy,
        signedAt: s.signedAt,
        algorithm: key?.algorithm ?? null,
        keyId: s.keyId,
        publicKeyUrl: `/api/public/signing-keys/${s.keyId}`,
        payload: s.payload,
        signature: s.signature,
        valid: key ? verifyStatement(key.publicKey, s.payload, s.signature) : false,
      });
    }
    return { signatures };
  }

  @Get('signing-keys/:keyId')
  @Header('content-type', 'application/x-pem-file; charset=utf-8')
  @ApiOperation({ summary: 'Khoá công khai (PEM, SPKI) để kiểm tra chữ ký ngoại tuyến, ví dụ bằng openssl pkeyutl -verify -rawin' })
  @ApiNotFoundResponse({ description: 'Không có khoá này' })
  async publicKey(@Param('keyId') keyId: string): Promise<string> {
    const key = /^[0-9a-f]{32}$/.test(keyId) ? await this.uow.read.signing.key(keyId) : null;
    if (!key) throw new NotFoundError('Không có khoá ký số này.');
    return key.publicKey;
  }

  @Post('signatures/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Kiểm tra một chữ ký với khoá công khai của xã' })
  async verify(@Body() body: VerifySignatureDto) {
    const key = await this.uow.read.signing.key(body.keyId);
    if (!key) throw new NotFoundError('Không có khoá ký số này.');
    return { valid: verifyStatement(key.publicKey, body.payload, body.signature), keyId: key.id, algorithm: key.algorithm };
  }
}
