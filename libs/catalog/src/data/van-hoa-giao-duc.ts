import type { ProcedureDefinition } from '@motcua/domain';
import { FIELDS } from '../fields';
import { EFFECTIVE_2025_07_01, chain, doc, leaderSigns, step } from '../route-builders';

/*
 * Culture and education: rows 26–28 of one-stop-rules.md §6. Conventions: see ho-tich.ts.
 */

const FREE = { amount: 0, note: 'Không thu phí, lệ phí' } as const;

/** Culture and education procedures (rows 26–28). */
export const VAN_HOA_GIAO_DUC_PROCEDURES: readonly ProcedureDefinition[] = [
  {
    code: 'thong-bao-to-chuc-le-hoi-cap-xa',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Thông báo tổ chức lễ hội cấp xã',
    field: FIELDS.vanHoaCoSo,
    leadUnit: 'van-hoa',
    // The commune answers within 15 days (10 in some cards) only to object: silence means the
    // festival may go ahead. The legal time is the window for an objection.
    legalTime: { value: 15, unit: 'calendar_days' },
    fee: FREE,
    components: [doc('Văn bản thông báo tổ chức lễ hội (tên lễ hội, thời gian, địa điểm, quy mô, nội dung)', 1)],
    legalBasis: 'Nghị định số 110/2018/NĐ-CP (Điều 14, Điều 15)',
    route: chain(
      step('xu-ly', 'van-hoa', 'Xem xét nội dung thông báo; dự thảo văn bản trả lời nếu không đồng ý', 0.7),
      leaderSigns(0.3, 'Chủ tịch UBND xã ký văn bản trả lời (trường hợp không đồng ý)'),
    ),
  },
  {
    code: 'xet-tang-danh-hieu-gia-dinh-van-hoa',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Xét tặng danh hiệu "Gia đình văn hóa"',
    field: FIELDS.vanHoaCoSo,
    leadUnit: 'van-hoa',
    // 10 days from a complete file, after the village's own 10-day comment period.
    legalTime: { value: 10, unit: 'calendar_days' },
    fee: FREE,
    components: [doc('Biên bản họp bình xét và danh sách đề nghị của thôn, tổ dân phố', 1)],
    legalBasis: 'Nghị định số 86/2023/NĐ-CP; Quyết định số 191/QĐ-BVHTTDL năm 2024',
    route: chain(
      step('xu-ly', 'van-hoa', 'Tổng hợp đề nghị của thôn, tổ dân phố; thẩm định tiêu chuẩn', 0.7),
      leaderSigns(0.3, 'Chủ tịch UBND xã ký quyết định tặng danh hiệu'),
    ),
  },
  {
    code: 'cho-phep-nhom-tre-lop-mau-giao-doc-lap-hoat-dong',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Cho phép nhóm trẻ, lớp mẫu giáo độc lập hoạt động giáo dục',
    field: FIELDS.giaoDuc,
    // The unit registry has no education office; the plan assigns education to `truong-hoc`.
    leadUnit: 'truong-hoc',
    // Pre-2025 chain: commune check 5 WD → district inspection 10 WD → chair's decision 10 WD.
    // The post-2025 commune chain is unconfirmed; the total is kept and the inspection is local.
    legalTime: { value: 25, unit: 'working_days' },
    fee: FREE,
    components: [
      doc('Tờ trình đề nghị cho phép hoạt động giáo dục', 1),
      doc('Danh sách kèm văn bằng, chứng chỉ của người phụ trách và giáo viên', 0, 1),
      doc('Giấy tờ chứng minh quyền sử dụng hợp pháp cơ sở vật chất', 0, 1),
    ],
    legalBasis: 'Nghị định số 46/2017/NĐ-CP (Điều 11, đã được sửa đổi, bổ sung)',
    route: chain(
      step('xu-ly', 'truong-hoc', 'Kiểm tra hồ sơ và kiểm tra thực tế điều kiện hoạt động', 0.6),
      leaderSigns(0.4, 'Chủ tịch UBND xã ký quyết định cho phép hoạt động giáo dục'),
    ),
  },
];
