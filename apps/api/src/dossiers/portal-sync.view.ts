import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Đồng bộ Cổng DVCQG — where a dossier's sync to the national portal stands (OpenAPI model). */
export class PortalSyncStatusView {
  @ApiProperty({
    enum: ['synced', 'pending', 'failing', 'not_applicable'],
    description:
      'synced: Cổng đã nhận mọi thay đổi; pending: còn thay đổi chờ gửi; failing: lần gửi gần nhất thất bại, đang thử lại với thời gian chờ tăng dần; ' +
      'not_applicable: hồ sơ mật (không bao giờ gửi Cổng) hoặc chưa có gì để gửi',
  })
  status: 'synced' | 'pending' | 'failing' | 'not_applicable';

  @ApiProperty({ description: 'Số thứ tự sự kiện cuối cùng Cổng đã nhận (con trỏ đồng bộ)' }) syncedSeq: number;
  @ApiProperty({ description: 'Số thứ tự sự kiện cuối cùng Cổng cần nhận' }) wantedSeq: number;
  @ApiPropertyOptional({ description: 'Lỗi của lần gửi gần nhất (chỉ mã lỗi, không có dữ liệu cá nhân); khi failing' }) lastError?: string;
  @ApiPropertyOptional({ description: 'Thất bại liên tục từ lúc này; khi failing' }) failingSince?: string;
  @ApiPropertyOptional({ description: 'Lần thử tiếp theo; khi failing' }) nextAttemptAt?: string;
}
