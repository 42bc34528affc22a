import type { ProcedureDefinition } from '@motcua/domain';
import { FIELDS } from '../fields';
import { EFFECTIVE_2025_07_01, chain, doc, feeConfirmed, leaderSigns, step } from '../route-builders';

/*
 * Construction and land, handled by the land–construction unit since the June 2025 decrees moved
 * these powers to communes. Rows 29–30 of one-stop-rules.md §6. Conventions: see ho-tich.ts.
 */

/** Construction and land procedures (rows 29–30). */
export const DAT_DAI_XAY_DUNG_PROCEDURES: readonly ProcedureDefinition[] = [
  {
    code: 'cap-giay-phep-xay-dung-nha-o-rieng-le',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Cấp giấy phép xây dựng đối với nhà ở riêng lẻ',
    field: FIELDS.xayDung,
    leadUnit: 'dia-chinh',
    legalTime: { value: 15, unit: 'calendar_days' },
    // Set by the provincial People's Council; 50,000 VND is the common figure (UNCONFIRMED).
    fee: { amount: 50000, note: 'Lệ phí cấp giấy phép xây dựng theo mức do HĐND tỉnh quy định (phổ biến 50.000 đồng/giấy phép)' },
    components: [
      doc('Đơn đề nghị cấp giấy phép xây dựng (theo mẫu)', 1),
      doc('Giấy tờ hợp pháp về quyền sử dụng đất', 0, 1),
      doc('Bộ bản vẽ thiết kế xây dựng', 2),
    ],
    legalBasis: 'Luật Xây dựng năm 2014 (được sửa đổi, bổ sung); Nghị định số 175/2024/NĐ-CP; Nghị định số 140/2025/NĐ-CP',
    route: chain(
      feeConfirmed(0.05),
      step('xu-ly', 'dia-chinh', 'Thẩm định hồ sơ, kiểm tra thực địa, dự thảo giấy phép', 0.75),
      leaderSigns(0.2, 'Chủ tịch UBND xã ký Giấy phép xây dựng'),
    ),
  },
  {
    code: 'dang-ky-dat-dai-cap-giay-chung-nhan-lan-dau',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất lần đầu cho cá nhân',
    field: FIELDS.datDai,
    leadUnit: 'dia-chinh',
    // Decree 101/2024 Art. 22: registration ≤ 20 WD, certificate ≤ 3 WD → 23 WD shipped. A
    // "≤ 17 days" post-reform total is reported but volatile (Decree 49/2026 moved powers again).
    legalTime: { value: 23, unit: 'working_days' },
    fee: {
      amount: 0,
      note: 'Phí, lệ phí theo mức do HĐND tỉnh quy định; nghĩa vụ tài chính về đất nộp theo thông báo của cơ quan thuế',
    },
    components: [
      doc('Đơn đăng ký đất đai, tài sản gắn liền với đất (theo mẫu)', 1),
      doc('Giấy tờ về quyền sử dụng đất (nếu có)', 0, 1),
    ],
    legalBasis: 'Luật Đất đai năm 2024; Nghị định số 101/2024/NĐ-CP (Điều 22); Nghị định số 151/2025/NĐ-CP (Điều 5)',
    route: chain(
      step('xu-ly', 'dia-chinh', 'Kiểm tra hồ sơ, xác nhận hiện trạng, niêm yết công khai', 0.3),
      step(
        'dang-ky',
        'cap-tren',
        'Chi nhánh Văn phòng đăng ký đất đai đăng ký, chuyển thông tin xác định nghĩa vụ tài chính',
        0.57,
      ),
      leaderSigns(0.13, 'Chủ tịch UBND xã ký Giấy chứng nhận quyền sử dụng đất'),
    ),
  },
];
