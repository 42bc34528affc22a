import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsInstant, NestedArray, NestedObject } from '../common/dto-decorators';
import { HandoffRequestDto } from './handoff-request.dto';

/** Byte sizes are stored as bigint; JSON carries integers exactly up to 2^53 − 1. */
const MAX_SIZE_BYTES = Number.MAX_SAFE_INTEGER;

/** Tài liệu đính kèm — a document's metadata; the checksum identifies the file's bytes. */
export class DocumentMetaDto {
  @ApiProperty({ example: 'Tờ khai đăng ký khai sinh.pdf' })
  @IsString({ message: 'Tên tài liệu phải là chuỗi ký tự.' })
  @IsNotEmpty({ message: 'Tên tài liệu không được để trống.' })
  @MaxLength(255, { message: 'Tên tài liệu không được dài quá 255 ký tự.' })
  name: string;

  @ApiProperty({ description: 'SHA-256 của nội dung tệp, 64 chữ số hệ 16' })
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'Mã kiểm tra SHA-256 phải gồm đúng 64 chữ số hệ 16.' })
  sha256: string;

  @ApiPropertyOptional({ example: 'application/pdf' })
  @IsOptional()
  @Matches(/^[\w.+-]+\/[\w.+-]+$/, { message: 'Kiểu tệp phải có dạng loại/kiểu, ví dụ application/pdf.' })
  @MaxLength(255, { message: 'Kiểu tệp không được dài quá 255 ký tự.' })
  mediaType?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_SIZE_BYTES })
  @IsOptional()
  @IsInt({ message: 'Dung lượng tệp phải là số nguyên (byte).' })
  @Min(0, { message: 'Dung lượng tệp không được âm.' })
  @Max(MAX_SIZE_BYTES, { message: `Dung lượng tệp tối đa ${MAX_SIZE_BYTES} byte.` })
  sizeBytes?: number;
}

const documentsProperty = () => [
  ApiPropertyOptional({ type: [DocumentMetaDto] }),
  NestedArray(() => DocumentMetaDto, 'Danh sách tài liệu', { optional: true }),
  ArrayMaxSize(50, { message: 'Tối đa 50 tài liệu mỗi lần.' }),
];

function applyAll(decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((d) => d(target, key));
}

/** Ý kiến xử lý, kèm tài liệu. */
export class CompleteStepDto {
  @ApiPropertyOptional({ description: 'Ý kiến xử lý' })
  @IsOptional()
  @IsString({ message: 'Ý kiến xử lý phải là chuỗi ký tự.' })
  @MaxLength(2000, { message: 'Ý kiến xử lý không được dài quá 2000 ký tự.' })
  notes?: string;

  @ApiPropertyOptional({ type: HandoffRequestDto, description: 'Cách chuyển sang bước tiếp theo; mặc định điện tử' })
  @NestedObject(() => HandoffRequestDto, 'Cách chuyển hồ sơ (handoff)', { optional: true })
  handoff?: HandoffRequestDto;

  @applyAll(documentsProperty())
  documents?: DocumentMetaDto[];
}

/** A reason an officer must give (rejection, stop, apology). */
const reasonDecorators = (label: string) => [
  ApiProperty({ description: label }),
  IsString({ message: `${label} phải là chuỗi ký tự.` }),
  IsNotEmpty({ message: `${label} không được để trống.` }),
  MaxLength(2000, { message: `${label} không được dài quá 2000 ký tự.` }),
];

/** Giao lại bước xử lý cho cán bộ khác. */
export class AssignDto {
  @ApiProperty({ description: 'Tên đăng nhập của cán bộ được giao', example: 'tuphap.26734' })
  @IsString({ message: 'Cán bộ được giao phải là tên đăng nhập.' })
  @IsNotEmpty({ message: 'Phải nêu cán bộ được giao.' })
  @MaxLength(64, { message: 'Tên đăng nhập không được dài quá 64 ký tự.' })
  assignee: string;
}

/** One line of Mẫu 02: a document to add or complete. */
export class SupplementItemDto {
  @ApiProperty({ example: 'Giấy chứng sinh (bản chính)' })
  @IsString({ message: 'Tên giấy tờ phải là chuỗi ký tự.' })
  @IsNotEmpty({ message: 'Tên giấy tờ không được để trống.' })
  @MaxLength(500, { message: 'Tên giấy tờ không được dài quá 500 ký tự.' })
  name: string;

  @ApiPropertyOptional({ default: 1, maximum: 100 })
  @IsOptional()
  @IsInt({ message: 'Số bản chính phải là số nguyên.' })
  @Min(0, { message: 'Số bản chính không được âm.' })
  @Max(100, { message: 'Số bản chính tối đa 100.' })
  originals?: number;

  @ApiPropertyOptional({ default: 0, maximum: 100 })
  @IsOptional()
  @IsInt({ message: 'Số bản sao phải là số nguyên.' })
  @Min(0, { message: 'Số bản sao không được âm.' })
  @Max(100, { message: 'Số bản sao tối đa 100.' })
  copies?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'Ghi chú phải là chuỗi ký tự.' })
  @MaxLength(500, { message: 'Ghi chú không được dài quá 500 ký tự.' })
  note?: string;
}

/** Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02). */
export class SupplementRequestDto {
  @applyAll(reasonDecorators('Lý do yêu cầu bổ sung'))
  reason: string;

  @ApiProperty({ type: [SupplementItemDto] })
  @NestedArray(() => SupplementItemDto, 'Danh sách giấy tờ cần bổ sung')
  @ArrayMinSize(1, { message: 'Phải nêu ít nhất một giấy tờ cần bổ sung.' })
  @ArrayMaxSize(50, { message: 'Tối đa 50 giấy tờ.' })
  items: SupplementItemDto[];
}

/** Công dân nộp hồ sơ bổ sung. */
export class SupplyDto {
  @ApiProperty({ enum: ['desk', 'online', 'post'] })
  @IsIn(['desk', 'online', 'post'], { message: 'Kênh nộp bổ sung phải là desk, online hoặc post.' })
  via: 'desk' | 'online' | 'post';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'Ghi chú phải là chuỗi ký tự.' })
  @MaxLength(2000, { message: 'Ghi chú không được dài quá 2000 ký tự.' })
  note?: string;

  @applyAll(documentsProperty())
  documents?: DocumentMetaDto[];
}

/** Từ chối giải quyết sau thẩm định (thông báo theo Mẫu 03). */
export class RejectDto {
  @applyAll(reasonDecorators('Lý do từ chối'))
  reason: string;
}

/** Dừng giải quyết theo yêu cầu của công dân (Mẫu 05). */
export class WithdrawDto {
  @applyAll(reasonDecorators('Lý do dừng giải quyết'))
  reason: string;

  @ApiPropertyOptional({ description: 'Thời điểm công dân đề nghị (ISO 8601, năm 2000–2099); mặc định là lúc ghi nhận' })
  @IsOptional()
  @IsInstant('Thời điểm đề nghị')
  requestedAt?: string;
}

/** Văn bản xin lỗi và đề nghị gia hạn (Mẫu 04). */
export class ApologyDto {
  @applyAll(reasonDecorators('Lý do chậm trễ'))
  reason: string;

  @ApiProperty({ description: 'Ngày hẹn trả kết quả mới (ISO 8601, năm 2000–2099)', example: '2026-03-12T10:00:00Z' })
  @IsInstant('Ngày hẹn mới')
  newDueAt: string;
}

/** Lãnh đạo phê duyệt, ký số kết quả. */
export class SignDto {
  @ApiProperty({ type: DocumentMetaDto, description: 'Tài liệu kết quả được ký' })
  @NestedObject(() => DocumentMetaDto, 'Tài liệu kết quả (document)')
  document: DocumentMetaDto;

  @ApiPropertyOptional({ description: 'Ý kiến phê duyệt' })
  @IsOptional()
  @IsString({ message: 'Ý kiến phê duyệt phải là chuỗi ký tự.' })
  @MaxLength(2000, { message: 'Ý kiến phê duyệt không được dài quá 2000 ký tự.' })
  notes?: string;

  @ApiPropertyOptional({ type: HandoffRequestDto })
  @NestedObject(() => HandoffRequestDto, 'Cách chuyển hồ sơ (handoff)', { optional: true })
  handoff?: HandoffRequestDto;
}

/** Trả kết quả cho công dân. */
export class ReturnDto {
  @ApiProperty({ enum: ['desk', 'post'] })
  @IsIn(['desk', 'post'], { message: 'Hình thức trả kết quả phải là desk hoặc post.' })
  delivery: 'desk' | 'post';

  @ApiPropertyOptional({ description: 'Người nhận kết quả (ký Sổ theo dõi)' })
  @IsOptional()
  @IsString({ message: 'Tên người nhận phải là chuỗi ký tự.' })
  @MaxLength(200, { message: 'Tên người nhận không được dài quá 200 ký tự.' })
  receiverName?: string;

  @ApiPropertyOptional({ description: 'Số hiệu bưu gửi; bắt buộc khi trả qua bưu chính' })
  @IsOptional()
  @Matches(/^[A-Z0-9]{6,20}$/, { message: 'Số hiệu bưu gửi gồm 6–20 chữ in hoa hoặc chữ số.' })
  postalTrackingNumber?: string;
}
