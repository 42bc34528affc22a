import { ApiProperty } from '@nestjs/swagger';
import { describeLegalTime, formatVn, type ProcedureComponent, type ProcedureDefinition } from '@motcua/domain';
import { CommuneEntity, DossierEntity, OfficeEntity } from '@motcua/persistence';

const DELIVERY_TEXT: Record<DossierEntity['resultDelivery'], string> = {
  desk: 'Tại Bộ phận Một cửa nơi nộp hồ sơ',
  post: 'Qua dịch vụ bưu chính công ích',
  online: 'Trực tuyến, qua Cổng Dịch vụ công quốc gia',
};

const CHANNEL_TEXT: Record<DossierEntity['channel'], string> = {
  desk: 'Trực tiếp',
  post: 'Qua dịch vụ bưu chính công ích',
  online: 'Trực tuyến',
};

function vnd(amount: number): string {
  return `${amount.toLocaleString('vi-VN')} đồng`;
}

/** Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01, Circular 03/2025) — the slip's content. */
export class ReceiptSlip {
  @ApiProperty({ example: 'Mẫu 01' }) form: string;
  @ApiProperty() title: string;
  @ApiProperty() officeName: string;
  @ApiProperty({ description: 'Xã giải quyết hồ sơ' }) decidingCommune: string;
  @ApiProperty() dossierCode: string;
  @ApiProperty() applicantName: string;
  @ApiProperty() applicantAddress: string;
  @ApiProperty({ nullable: true, type: String }) applicantPhone: string | null;
  @ApiProperty({ nullable: true, type: String }) applicantEmail: string | null;
  @ApiProperty() procedureName: string;
  @ApiProperty() legalTime: string;
  @ApiProperty() channel: string;
  @ApiProperty() components: ProcedureComponent[];
  @ApiProperty() setsCount: number;
  @ApiProperty() receivedAt: string;
  @ApiProperty({ example: '09 giờ 30 phút, ngày 02/03/2026' }) receivedAtText: string;
  @ApiProperty() appointmentAt: string;
  @ApiProperty() appointmentText: string;
  @ApiProperty() resultDelivery: string;
  @ApiProperty() fee: string;
  @ApiProperty({ example: 'Vào Sổ theo dõi hồ sơ, Quyển số 2026, Số thứ tự 15' }) trackingBook: string;
  @ApiProperty() bookNumber: number;
  @ApiProperty() bookEntry: number;
  @ApiProperty() receivedBy: string;
  @ApiProperty() lookupHint: string;
}

/** Builds Mẫu 01 from the dossier as written; the slip is a projection, never stored apart. */
export function buildReceiptSlip(
  d: DossierEntity,
  procedure: ProcedureDefinition,
  office: OfficeEntity,
  decidingCommune: CommuneEntity,
): ReceiptSlip {
  const fee = Number(d.feeAmount);
  return {
    form: 'Mẫu 01',
    title: 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
    officeName: office.name,
    decidingCommune: decidingCommune.name,
    dossierCode: d.code,
    applicantName: d.applicantName,
    applicantAddress: d.applicantAddress,
    applicantPhone: d.applicantPhone,
    applicantEmail: d.applicantEmail,
    procedureName: procedure.name,
    legalTime: describeLegalTime(procedure.legalTime),
    channel: CHANNEL_TEXT[d.channel],
    components: d.components,
    setsCount: d.setsCount,
    receivedAt: d.receivedAt.toISOString(),
    receivedAtText: formatVn(d.receivedAt),
    appointmentAt: d.appointmentAt.toISOString(),
    appointmentText: formatVn(d.appointmentAt),
    resultDelivery: DELIVERY_TEXT[d.resultDelivery],
    fee: fee > 0 ? vnd(fee) : procedure.fee.note ?? 'Miễn phí',
    trackingBook: `Vào Sổ theo dõi hồ sơ, Quyển số ${d.bookNumber}, Số thứ tự ${d.bookEntry}`,
    bookNumber: d.bookNumber,
    bookEntry: d.bookEntry,
    receivedBy: d.receivedBy,
    lookupHint: `Tra cứu tình trạng hồ sơ bằng mã ${d.code} kèm số điện thoại hoặc số định danh của người nộp.`,
  };
}
