import type { ProcedureDefinition } from '@motcua/domain';
import { FIELDS } from '../fields';
import { EFFECTIVE_2025_07_01, chain, doc, leaderSigns, step } from '../route-builders';

/*
 * Civil status (hộ tịch), led by the justice and civil-status officer; the Chairman or a
 * Vice-Chairman signs. Rows 1–8 of the catalog in one-stop-rules.md §6.
 *
 * Conventions used in every data file:
 * - `onlineLevel`: 'toan-trinh' / 'mot-phan' where a published card states it; 'mot-phan' where
 *   the reference only says "online" (the weakest level that is still online); undefined where
 *   online provision is unconfirmed, so reports never over-count online services.
 * - Fees the provincial People's Council sets (HĐND) are shipped as 0 with a note saying so;
 *   the province loads its own amount as a new procedure version.
 * - "Same day, next working day after 15:00" is legal time `same_day` with value 0.
 */

const HDND_FEE_NOTE = 'Lệ phí theo mức do HĐND tỉnh quy định (Thông tư 85/2019/TT-BTC); tỉnh cấu hình mức thu khi triển khai';
const ON_TIME_EXEMPT_NOTE = 'Miễn lệ phí khi đăng ký đúng hạn; đăng ký quá hạn nộp lệ phí theo mức do HĐND tỉnh quy định';

/** Civil-status procedures (rows 1–8). */
export const HO_TICH_PROCEDURES: readonly ProcedureDefinition[] = [
  {
    code: 'dang-ky-khai-sinh',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Đăng ký khai sinh',
    field: FIELDS.hoTich,
    leadUnit: 'tu-phap',
    legalTime: { value: 0, unit: 'same_day' },
    fee: { amount: 0, note: ON_TIME_EXEMPT_NOTE },
    onlineLevel: 'mot-phan',
    components: [
      doc('Tờ khai đăng ký khai sinh (theo mẫu)', 1),
      doc('Giấy chứng sinh hoặc giấy tờ thay thế Giấy chứng sinh', 1),
    ],
    legalBasis: 'Luật Hộ tịch năm 2014 (Điều 11, Điều 16); Nghị định số 123/2015/NĐ-CP',
    route: chain(
      step('xu-ly', 'tu-phap', 'Kiểm tra hồ sơ, ghi Sổ đăng ký khai sinh, cập nhật Cơ sở dữ liệu hộ tịch', 0.6),
      leaderSigns(0.4, 'Chủ tịch UBND xã ký Giấy khai sinh'),
    ),
  },
  {
    code: 'dang-ky-ket-hon',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Đăng ký kết hôn',
    field: FIELDS.hoTich,
    leadUnit: 'tu-phap',
    // Settled on receipt of a complete dossier; a case needing verification takes up to 5 working
    // days and is handled as an extension (apology letter with a new date), not as the normal time.
    legalTime: { value: 0, unit: 'same_day' },
    fee: { amount: 0, note: 'Miễn lệ phí đối với công dân Việt Nam cư trú ở trong nước' },
    components: [
      doc('Tờ khai đăng ký kết hôn (theo mẫu)', 1),
      doc('Giấy xác nhận tình trạng hôn nhân (khi một bên không thường trú tại xã)', 1),
    ],
    legalBasis: 'Luật Hộ tịch năm 2014 (Điều 18); Nghị định số 123/2015/NĐ-CP',
    route: chain(
      step('xu-ly', 'tu-phap', 'Kiểm tra điều kiện kết hôn, ghi Sổ đăng ký kết hôn', 0.6),
      leaderSigns(0.4, 'Chủ tịch UBND xã ký Giấy chứng nhận kết hôn'),
    ),
  },
  {
    code: 'dang-ky-khai-tu',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Đăng ký khai tử',
    nationalCode: '1.007073',
    field: FIELDS.hoTich,
    leadUnit: 'tu-phap',
    legalTime: { value: 0, unit: 'same_day' },
    fee: { amount: 0, note: ON_TIME_EXEMPT_NOTE },
    // Online through inter-agency group 2 (`lien-thong-khai-tu`); stand-alone level unconfirmed.
    components: [
      doc('Tờ khai đăng ký khai tử (theo mẫu)', 1),
      doc('Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử', 1),
    ],
    legalBasis: 'Luật Hộ tịch năm 2014; Nghị định số 123/2015/NĐ-CP',
    route: chain(
      step('xu-ly', 'tu-phap', 'Kiểm tra hồ sơ, ghi Sổ đăng ký khai tử, cập nhật Cơ sở dữ liệu hộ tịch', 0.6),
      leaderSigns(0.4, 'Chủ tịch UBND xã ký Trích lục khai tử'),
    ),
  },
  {
    code: 'cap-giay-xac-nhan-tinh-trang-hon-nhan',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Cấp Giấy xác nhận tình trạng hôn nhân',
    nationalCode: '1.004873',
    field: FIELDS.hoTich,
    leadUnit: 'tu-phap',
    // 3 working days; up to 23 days when verification is needed (handled as an extension).
    legalTime: { value: 3, unit: 'working_days' },
    fee: { amount: 0, note: HDND_FEE_NOTE },
    onlineLevel: 'toan-trinh',
    components: [
      doc('Tờ khai cấp Giấy xác nhận tình trạng hôn nhân (theo mẫu)', 1),
      doc('Giấy tờ chứng minh đã ly hôn hoặc người kia đã chết (nếu đã từng kết hôn)', 0, 1),
    ],
    legalBasis: 'Luật Hộ tịch năm 2014; Nghị định số 123/2015/NĐ-CP (đã được sửa đổi, bổ sung)',
    route: chain(
      step('xu-ly', 'tu-phap', 'Tra cứu Cơ sở dữ liệu hộ tịch, xác minh tình trạng hôn nhân', 0.7),
      leaderSigns(0.3, 'Chủ tịch UBND xã ký Giấy xác nhận tình trạng hôn nhân'),
    ),
  },
  {
    code: 'thay-doi-cai-chinh-bo-sung-thong-tin-ho-tich',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Thay đổi, cải chính, bổ sung thông tin hộ tịch',
    field: FIELDS.hoTich,
    leadUnit: 'tu-phap',
    // 3 working days, plus up to 3 when verification is needed (extension).
    legalTime: { value: 3, unit: 'working_days' },
    fee: { amount: 0, note: HDND_FEE_NOTE },
    components: [
      doc('Tờ khai đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch (theo mẫu)', 1),
      doc('Giấy tờ làm căn cứ cho việc thay đổi, cải chính, bổ sung thông tin hộ tịch', 0, 1),
    ],
    legalBasis: 'Luật Hộ tịch năm 2014; Nghị định số 123/2015/NĐ-CP',
    route: chain(
      step('xu-ly', 'tu-phap', 'Thẩm tra căn cứ thay đổi, cải chính, bổ sung; ghi Sổ hộ tịch', 0.7),
      leaderSigns(0.3, 'Chủ tịch UBND xã ký Trích lục thay đổi, cải chính, bổ sung thông tin hộ tịch'),
    ),
  },
  {
    code: 'dang-ky-nhan-cha-me-con',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Đăng ký nhận cha, mẹ, con',
    field: FIELDS.hoTich,
    leadUnit: 'tu-phap',
    // 3 working days (extension up to 5 when verification is needed — unconfirmed).
    legalTime: { value: 3, unit: 'working_days' },
    fee: { amount: 0, note: HDND_FEE_NOTE },
    components: [
      doc('Tờ khai đăng ký nhận cha, mẹ, con (theo mẫu)', 1),
      doc('Văn bản hoặc giấy tờ chứng minh quan hệ cha, mẹ, con', 0, 1),
    ],
    legalBasis: 'Luật Hộ tịch năm 2014; Nghị định số 123/2015/NĐ-CP',
    route: chain(
      step('xu-ly', 'tu-phap', 'Kiểm tra chứng cứ quan hệ cha, mẹ, con; niêm yết, ghi Sổ hộ tịch', 0.7),
      leaderSigns(0.3, 'Chủ tịch UBND xã ký Trích lục đăng ký nhận cha, mẹ, con'),
    ),
  },
  {
    code: 'dang-ky-giam-ho',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Đăng ký giám hộ',
    field: FIELDS.hoTich,
    leadUnit: 'tu-phap',
    // UNCONFIRMED in the reference ("believed 3 WD"); shipped as 3 working days.
    legalTime: { value: 3, unit: 'working_days' },
    fee: { amount: 0, note: 'Miễn lệ phí (Luật Hộ tịch năm 2014, Điều 11)' },
    components: [
      doc('Tờ khai đăng ký giám hộ (theo mẫu)', 1),
      doc('Văn bản cử người giám hộ hoặc giấy tờ chứng minh điều kiện giám hộ đương nhiên', 1),
    ],
    legalBasis: 'Luật Hộ tịch năm 2014; Bộ luật Dân sự năm 2015',
    route: chain(
      step('xu-ly', 'tu-phap', 'Kiểm tra điều kiện giám hộ, ghi Sổ đăng ký giám hộ', 0.7),
      leaderSigns(0.3, 'Chủ tịch UBND xã ký Trích lục đăng ký giám hộ'),
    ),
  },
  {
    code: 'cap-ban-sao-trich-luc-ho-tich',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Cấp bản sao trích lục hộ tịch',
    field: FIELDS.hoTich,
    leadUnit: 'tu-phap',
    // "Same day" is unconfirmed for this procedure; follows the civil-status rule.
    legalTime: { value: 0, unit: 'same_day' },
    fee: { amount: 8000, note: 'Phí cấp bản sao trích lục hộ tịch: 8.000 đồng/bản sao (Thông tư 281/2016/TT-BTC)' },
    components: [doc('Tờ khai cấp bản sao trích lục hộ tịch (theo mẫu)', 1)],
    legalBasis: 'Luật Hộ tịch năm 2014; Thông tư số 281/2016/TT-BTC',
    route: chain(
      step('xu-ly', 'tu-phap', 'Tra cứu Sổ hộ tịch, Cơ sở dữ liệu hộ tịch; in bản sao trích lục', 0.6),
      leaderSigns(0.4, 'Lãnh đạo UBND xã ký bản sao trích lục hộ tịch'),
    ),
  },
];
