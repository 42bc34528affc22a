import type { ProcedureField } from '@motcua/domain';

/**
 * The fields (lĩnh vực) the catalog files its procedures under; report rows are grouped by them.
 * Codes are local and stable. Circular 03/2025 regulates national field codes, but their format is
 * unconfirmed (one-stop-rules.md §3.5), so a province maps these codes when it reports upward.
 */
export const FIELDS = {
  hoTich: { code: 'ho-tich', name: 'Hộ tịch' },
  chungThuc: { code: 'chung-thuc', name: 'Chứng thực' },
  cuTru: { code: 'cu-tru', name: 'Đăng ký, quản lý cư trú' },
  nghiaVuQuanSu: { code: 'nghia-vu-quan-su', name: 'Nghĩa vụ quân sự' },
  baoTroXaHoi: { code: 'bao-tro-xa-hoi', name: 'Bảo trợ xã hội' },
  nguoiCoCong: { code: 'nguoi-co-cong', name: 'Người có công' },
  giamNgheo: { code: 'giam-ngheo', name: 'Giảm nghèo' },
  vanHoaCoSo: { code: 'van-hoa-co-so', name: 'Văn hóa cơ sở' },
  giaoDuc: { code: 'giao-duc', name: 'Giáo dục và Đào tạo' },
  xayDung: { code: 'xay-dung', name: 'Xây dựng' },
  datDai: { code: 'dat-dai', name: 'Đất đai' },
  baoHiemYTe: { code: 'bao-hiem-y-te', name: 'Bảo hiểm y tế' },
} as const satisfies Record<string, ProcedureField>;
