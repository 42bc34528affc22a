import type { ProcedureDefinition } from '@motcua/domain';
import { FIELDS } from '../fields';
import { EFFECTIVE_2025_07_01, chain, doc, feeConfirmed, leaderSigns, step } from '../route-builders';

/*
 * Certification (chứng thực), led by the justice officer; the Chairman or a Vice-Chairman signs.
 * Rows 9–12 of one-stop-rules.md §6. Conventions: see ho-tich.ts.
 */

/** Certification procedures (rows 9–12). */
export const CHUNG_THUC_PROCEDURES: readonly ProcedureDefinition[] = [
  {
    code: 'chung-thuc-ban-sao-tu-ban-chinh',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Chứng thực bản sao từ bản chính giấy tờ, văn bản',
    nationalCode: '2.000815',
    field: FIELDS.chungThuc,
    leadUnit: 'tu-phap',
    // Same day; bulk or complex requests may take up to 2 more working days (an agreed extension).
    legalTime: { value: 0, unit: 'same_day' },
    fee: {
      amount: 2000,
      note: '2.000 đồng/trang đối với trang thứ nhất và thứ hai; từ trang thứ ba 1.000 đồng/trang; tối đa 200.000 đồng/bản (Thông tư 226/2016/TT-BTC)',
    },
    onlineLevel: 'mot-phan',
    components: [
      doc('Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao', 1),
      doc('Bản sao cần chứng thực', 0, 1),
    ],
    legalBasis: 'Nghị định số 23/2015/NĐ-CP; Thông tư số 226/2016/TT-BTC',
    route: chain(
      step('xu-ly', 'tu-phap', 'Đối chiếu bản sao với bản chính, ghi lời chứng, vào sổ chứng thực', 0.5),
      leaderSigns(0.5, 'Chủ tịch hoặc Phó Chủ tịch UBND xã ký chứng thực, đóng dấu'),
    ),
  },
  {
    code: 'chung-thuc-chu-ky',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Chứng thực chữ ký trong giấy tờ, văn bản',
    field: FIELDS.chungThuc,
    leadUnit: 'tu-phap',
    legalTime: { value: 0, unit: 'same_day' },
    fee: { amount: 10000, note: '10.000 đồng/trường hợp (Thông tư 226/2016/TT-BTC)' },
    // Partial: the signer must sign in front of the certifying officer.
    onlineLevel: 'mot-phan',
    components: [doc('Giấy tờ, văn bản cần chứng thực chữ ký (ký trước mặt người thực hiện chứng thực)', 1)],
    legalBasis: 'Nghị định số 23/2015/NĐ-CP; Thông tư số 226/2016/TT-BTC',
    route: chain(
      step('xu-ly', 'tu-phap', 'Kiểm tra giấy tờ, chứng kiến việc ký, ghi lời chứng', 0.5),
      leaderSigns(0.5, 'Chủ tịch hoặc Phó Chủ tịch UBND xã ký chứng thực, đóng dấu'),
    ),
  },
  {
    code: 'chung-thuc-hop-dong-giao-dich',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Chứng thực hợp đồng, giao dịch',
    field: FIELDS.chungThuc,
    leadUnit: 'tu-phap',
    // ≤ 2 working days (UNCONFIRMED in the reference).
    legalTime: { value: 2, unit: 'working_days' },
    fee: {
      amount: 50000,
      note: '50.000 đồng/hợp đồng, giao dịch; sửa đổi, bổ sung 30.000 đồng; sửa lỗi sai sót 25.000 đồng (Thông tư 226/2016/TT-BTC)',
    },
    onlineLevel: 'mot-phan',
    components: [
      doc('Dự thảo hợp đồng, giao dịch', 1),
      doc('Giấy tờ chứng minh quyền sở hữu, quyền sử dụng tài sản (đối với hợp đồng về tài sản phải đăng ký)', 0, 1),
    ],
    legalBasis: 'Nghị định số 23/2015/NĐ-CP; Thông tư số 226/2016/TT-BTC',
    route: chain(
      feeConfirmed(0.1),
      step('xu-ly', 'tu-phap', 'Kiểm tra hợp đồng, năng lực hành vi dân sự của các bên; ghi lời chứng', 0.6),
      leaderSigns(0.3, 'Chủ tịch hoặc Phó Chủ tịch UBND xã ký chứng thực hợp đồng, giao dịch'),
    ),
  },
  {
    code: 'cap-ban-sao-tu-so-goc',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Cấp bản sao từ sổ gốc',
    field: FIELDS.chungThuc,
    leadUnit: 'tu-phap',
    // Same day, next working day after 15:00 (UNCONFIRMED for this procedure).
    legalTime: { value: 0, unit: 'same_day' },
    fee: { amount: 0, note: 'Không thu phí' },
    components: [doc('Văn bản yêu cầu cấp bản sao từ sổ gốc (khi yêu cầu qua bưu chính)', 1)],
    legalBasis: 'Nghị định số 23/2015/NĐ-CP; Quyết định số 1024/QĐ-BTP năm 2018',
    route: chain(
      step('xu-ly', 'tu-phap', 'Tra cứu sổ gốc, lập bản sao', 0.5),
      leaderSigns(0.5, 'Lãnh đạo UBND xã ký bản sao từ sổ gốc, đóng dấu'),
    ),
  },
];
