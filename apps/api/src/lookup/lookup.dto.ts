import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

/** Tra cứu hồ sơ — the citizen's public lookup: the dossier code plus a second factor. */
export class LookupDossierDto {
  @ApiProperty({ example: 'H26.01.01-260302-0001' })
  @IsString({ message: 'Mã hồ sơ phải là chuỗi ký tự.' })
  @MaxLength(80, { message: 'Mã hồ sơ không được dài quá 80 ký tự.' })
  code: string;

  @ApiPropertyOptional({ example: '0912345678' })
  @ValidateIf((o: LookupDossierDto) => o.phone !== undefined || o.idNumber === undefined)
  @Matches(/^0\d{9}$/, { message: 'Nhập số điện thoại (10 chữ số) hoặc số định danh của người nộp.' })
  phone?: string;

  @ApiPropertyOptional({ example: '001090012345' })
  @ValidateIf((o: LookupDossierDto) => o.idNumber !== undefined || o.phone === undefined)
  @Matches(/^(\d{9}|\d{12})$/, { message: 'Nhập số định danh (12 chữ số) hoặc số điện thoại của người nộp.' })
  idNumber?: string;
}

export class LookupStepView {
  @ApiProperty() at: string;
  @ApiProperty() description: string;
}

/** Chữ ký số trên kết quả, as the citizen sees it. */
export class LookupSignatureView {
  @ApiProperty() signedBy: string;
  @ApiProperty() signedAt: string;
  @ApiProperty({ description: 'SHA-256 của tài liệu kết quả đã ký' }) documentSha256: string;
  @ApiProperty() valid: boolean;
  @ApiProperty({ description: 'Trang kiểm tra chữ ký theo mã xác thực' }) verificationUrl: string;
}

/** What a citizen may see of a dossier. */
export class LookupResultView {
  @ApiProperty() code: string;
  @ApiProperty() procedureName: string;
  @ApiProperty() state: string;
  @ApiProperty({ example: 'Đang xử lý' }) stateLabel: string;
  @ApiProperty({ description: 'Mã trạng thái trên Cổng Dịch vụ công quốc gia (1–10)' }) portalStatus: number;
  @ApiProperty() receivedAt: string;
  @ApiProperty() appointmentAt: string;
  @ApiProperty() appointmentText: string;
  @ApiProperty({ type: [LookupStepView] }) history: LookupStepView[];
  @ApiProperty({ type: [LookupSignatureView], description: 'Chữ ký số trên kết quả, khi đã có' }) signatures: LookupSignatureView[];
}
