import { Body, Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiProperty, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { IsBase64, IsString, Matches, MaxLength } from 'class-validator';
import { NotFoundError } from '@motcua/domain';
import { UnitOfWork } from '@motcua/persistence';
import { checkStoredSignature, VERIFICATION_TOKEN, verifyStatement } from '@motcua/workflow';
import { Public } from '../auth/actor';

class VerifySignatureDto {
  @ApiProperty({ description: 'Nội dung đã ký, đúng từng byte (JSON chuẩn hoá)' })
  @IsString({ message: 'Nội dung đã ký phải là chuỗi ký tự.' })
  @MaxLength(10_000, { message: 'Nội dung đã ký quá dài.' })
  payload: string;

  @ApiProperty({ description: 'Chữ ký, base64 (Ed25519: 88 ký tự)' })
  @IsBase64({}, { message: 'Chữ ký phải ở dạng base64.' })
  @MaxLength(1000, { message: 'Chữ ký quá dài.' })
  signature: string;

  @ApiProperty({ description: 'Mã khoá (keyId)' })
  @Matches(/^[0-9a-f]{32}$/, { message: 'Mã khoá gồm 32 chữ số hệ 16.' })
  keyId: string;
}

/** One answer for a wrong token and for no signature, so nothing can be learnt by trying. */
const NO_SIGNATURE = 'Không có kết quả đã ký số ứng với mã xác thực này.';

/**
 * Kiểm tra chữ ký số kết quả — public, rate-limited per client address: whoever holds a signed
 * result reads its verification token (printed on it, as the QR code of a Vietnamese
 * e-document) and checks here that the commune signed it, or offline with the published public
 * key. Dossier codes are sequential, so nothing is found by code: the token is 128 random bits.
 */
@ApiTags('Tra cứu công khai')
@Public()
@ApiTooManyRequestsResponse({ description: 'Quá nhiều yêu cầu từ một địa chỉ; thử lại sau một phút.' })
@Controller('public')
export class SignaturesController {
  constructor(private readonly uow: UnitOfWork) {}

  @Get('signatures/:token')
  @ApiOperation({ summary: 'Chữ ký số trên một kết quả, theo mã xác thực in trên kết quả, kèm kết quả kiểm tra và khoá công khai' })
  @ApiNotFoundResponse({ description: 'Không có kết quả đã ký với mã xác thực này' })
  async byToken(@Param('token') token: string) {
    const across = this.uow.acrossCommunes;
    const s = VERIFICATION_TOKEN.test(token) ? await across.signatureByToken(token) : null;
    if (!s) throw new NotFoundError(NO_SIGNATURE);
    const { valid, algorithm } = await checkStoredSignature(across, s);
    return {
      dossierCode: s.dossierCode,
      documentSha256: s.documentSha256,
      signedBy: s.signedBy,
      signedAt: s.signedAt,
      algorithm,
      keyId: s.keyId,
      publicKeyUrl: `/api/public/signing-keys/${s.keyId}`,
      payload: s.payload,
      signature: s.signature,
      valid,
    };
  }

  @Get('signing-keys/:keyId')
  @Header('content-type', 'application/x-pem-file; charset=utf-8')
  @ApiOperation({ summary: 'Khoá công khai (PEM, SPKI) để kiểm tra chữ ký ngoại tuyến, ví dụ bằng openssl pkeyutl -verify -rawin' })
  @ApiNotFoundResponse({ description: 'Không có khoá này' })
  async publicKey(@Param('keyId') keyId: string): Promise<string> {
    const key = /^[0-9a-f]{32}$/.test(keyId) ? await this.uow.acrossCommunes.publicSigningKey(keyId) : null;
    if (!key) throw new NotFoundError('Không có khoá ký số này.');
    return key.publicKey;
  }

  @Post('signatures/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Kiểm tra một chữ ký với khoá công khai của xã' })
  async verify(@Body() body: VerifySignatureDto) {
    const key = await this.uow.acrossCommunes.publicSigningKey(body.keyId);
    if (!key) throw new NotFoundError('Không có khoá ký số này.');
    return { valid: verifyStatement(key.publicKey, body.payload, body.signature), keyId: key.id, algorithm: key.algorithm };
  }
}
