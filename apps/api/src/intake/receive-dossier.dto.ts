import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { PLAIN_TEXT } from '@motcua/domain';
import { NestedArray, NestedObject } from '../common/dto-decorators';
import { HandoffRequestDto } from '../workflow/handoff-request.dto';

export const INTAKE_CHANNELS = ['desk', 'post', 'online'] as const;
export const RESULT_DELIVERIES = ['desk', 'post', 'online'] as const;

/** Người nộp hồ sơ — the applicant (chủ hồ sơ). */
export class ApplicantDto {
  @ApiProperty({ example: 'Nguyễn Văn An' })
  @IsString({ message: 'Họ tên người nộp phải là chuỗi ký tự.' })
  @Length(2, 200, { message: 'Họ tên người nộp phải dài từ 2 đến 200 ký tự.' })
  @Matches(PLAIN_TEXT, { message: 'Họ tên người nộp chứa ký tự không hợp lệ.' })
  fullName: string;

  @ApiPropertyOptional({ example: '001090012345', description: 'Số định danh cá nhân (12 số) hoặc CMND (9 số)' })
  @ValidateIf((o: ApplicantDto) => o.idNumber !== undefined || o.phone === undefined)
  @Matches(/^(\d{9}|\d{12})$/, { message: 'Số định danh cá nhân phải gồm 12 chữ số (hoặc CMND 9 chữ số); cần số định danh hoặc số điện thoại.' })
  idNumber?: string;

  @ApiPropertyOptional({ example: '0912345678' })
  @ValidateIf((o: ApplicantDto) => o.phone !== undefined || o.idNumber === undefined)
  @Matches(/^0\d{9}$/, { message: 'Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0; cần số điện thoại hoặc số định danh.' })
  phone?: string;

  @ApiPropertyOptional({ example: 'Thôn Đông, xã Thanh Bình' })
  @IsOptional()
  @IsString({ message: 'Địa chỉ phải là chuỗi ký tự.' })
  @MaxLength(500, { message: 'Địa chỉ không được dài quá 500 ký tự.' })
  address?: string;

  @ApiPropertyOptional({ example: 'an.nguyen@example.vn' })
  @IsOptional()
  @MaxLength(254, { message: 'Địa chỉ thư điện tử không được dài quá 254 ký tự.' })
  @IsEmail({}, { message: 'Địa chỉ thư điện tử không hợp lệ.' })
  email?: string;
}

/** Thành phần hồ sơ nộp — a document handed in, when it differs from the procedure's list. */
export class ComponentDto {
  @ApiProperty({ example: 'Tờ khai đăng ký khai sinh' })
  @IsString({ message: 'Tên giấy tờ phải là chuỗi ký tự.' })
  @Length(1, 300, { message: 'Tên giấy tờ phải dài từ 1 đến 300 ký tự.' })
  name: string;

  @ApiProperty({ example: 1 })
  @IsInt({ message: 'Số bản chính phải là số nguyên.' })
  @Min(0, { message: 'Số bản chính không được âm.' })
  @Max(100, { message: 'Số bản chính tối đa 100.' })
  originals: number;

  @ApiProperty({ example: 0 })
  @IsInt({ message: 'Số bản sao phải là số nguyên.' })
  @Min(0, { message: 'Số bản sao không được âm.' })
  @Max(100, { message: 'Số bản sao tối đa 100.' })
  copies: number;
}

/** Tiếp nhận hồ sơ — a dossier received at the desk, by post, or online. */
export class ReceiveDossierDto {
  @ApiProperty({ example: 'dang-ky-khai-sinh', description: 'Mã thủ tục trong danh mục' })
  @IsString({ message: 'Mã thủ tục phải là chuỗi ký tự.' })
  @Matches(/^[a-z0-9-]{2,64}$/, { message: 'Mã thủ tục chỉ gồm chữ thường, số và dấu gạch ngang.' })
  procedureCode: string;

  @ApiProperty({ example: 'H26.01.01', description: 'Mã cơ quan tiếp nhận (phần đầu của mã hồ sơ)' })
  @IsString({ message: 'Mã cơ quan tiếp nhận phải là chuỗi ký tự.' })
  @Matches(/^[A-Za-z0-9.]{2,64}$/, { message: 'Mã cơ quan tiếp nhận không hợp lệ.' })
  officeCode: string;

  @ApiPropertyOptional({ description: 'Xã giải quyết, khi khác xã của nơi tiếp nhận (tiếp nhận phi địa giới trong tỉnh)' })
  @IsOptional()
  @Matches(/^[0-9A-Za-z]{2,16}$/, { message: 'Mã xã giải quyết không hợp lệ.' })
  communeCode?: string;

  @ApiProperty({ enum: INTAKE_CHANNELS, description: 'desk: trực tiếp; post: bưu chính công ích; online: trực tuyến' })
  @IsIn(INTAKE_CHANNELS, { message: 'Kênh tiếp nhận phải là desk, post hoặc online.' })
  channel: (typeof INTAKE_CHANNELS)[number];

  @ApiPropertyOptional({ enum: RESULT_DELIVERIES, default: 'desk' })
  @IsOptional()
  @IsIn(RESULT_DELIVERIES, { message: 'Hình thức trả kết quả phải là desk, post hoặc online.' })
  resultDelivery?: (typeof RESULT_DELIVERIES)[number];

  @ApiProperty({ type: ApplicantDto })
  @NestedObject(() => ApplicantDto, 'Người nộp hồ sơ (applicant)')
  applicant: ApplicantDto;

  @ApiPropertyOptional({ description: 'Trích yếu nội dung hồ sơ' })
  @IsOptional()
  @IsString({ message: 'Trích yếu phải là chuỗi ký tự.' })
  @MaxLength(1000, { message: 'Trích yếu không được dài quá 1000 ký tự.' })
  summary?: string;

  @ApiPropertyOptional({ type: [String], description: 'Các thủ tục liên thông công dân chọn (nhóm liên thông)' })
  @IsOptional()
  @IsArray({ message: 'Danh sách thủ tục liên thông phải là mảng.' })
  @ArrayMaxSize(10, { message: 'Tối đa 10 thủ tục liên thông.' })
  @IsString({ each: true, message: 'Mã thủ tục liên thông phải là chuỗi ký tự.' })
  @MaxLength(64, { each: true, message: 'Mã thủ tục liên thông không được dài quá 64 ký tự.' })
  options?: string[];

  @ApiPropertyOptional({ type: [ComponentDto], description: 'Thành phần hồ sơ thực nộp; mặc định theo thủ tục' })
  @NestedArray(() => ComponentDto, 'Thành phần hồ sơ', { optional: true })
  @ArrayMaxSize(50, { message: 'Tối đa 50 thành phần hồ sơ.' })
  components?: ComponentDto[];

  @ApiPropertyOptional({ default: 1 })
  @IsOptional()
  @IsInt({ message: 'Số bộ hồ sơ phải là số nguyên.' })
  @Min(1, { message: 'Số bộ hồ sơ ít nhất là 1.' })
  @Max(20, { message: 'Số bộ hồ sơ tối đa 20.' })
  setsCount?: number;

  @ApiPropertyOptional({ default: false, description: 'Hồ sơ mật: chỉ luân chuyển bản giấy, không đồng bộ lên Cổng' })
  @IsOptional()
  @IsBoolean({ message: 'Đánh dấu hồ sơ mật phải là true hoặc false.' })
  stateSecret?: boolean;

  @ApiPropertyOptional({ type: HandoffRequestDto, description: 'Cách chuyển hồ sơ đến đơn vị xử lý đầu tiên; mặc định điện tử' })
  @NestedObject(() => HandoffRequestDto, 'Cách chuyển hồ sơ (handoff)', { optional: true })
  handoff?: HandoffRequestDto;
}
