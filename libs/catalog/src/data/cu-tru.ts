import type { ProcedureDefinition } from '@motcua/domain';
import { FIELDS } from '../fields';
import { EFFECTIVE_2025_07_01, chain, doc, step } from '../route-builders';

/*
 * Residence (cư trú), handled and decided by the commune police: the police chief approves, so
 * these routes have no step for the commune leaders. Rows 13–15 of one-stop-rules.md §6.
 * Conventions: see ho-tich.ts.
 */

const CT01 = 'Tờ khai thay đổi thông tin cư trú (Mẫu CT01)';

/** Checked automatically against the national population database before an officer looks. */
const identityCheck = step('doi-chieu-dan-cu', 'cong-an', 'Đối chiếu thông tin với Cơ sở dữ liệu quốc gia về dân cư', 0.1, {
  automatic: 'identity-check',
});

/** Residence procedures (rows 13–15). */
export const CU_TRU_PROCEDURES: readonly ProcedureDefinition[] = [
  {
    code: 'dang-ky-thuong-tru',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Đăng ký thường trú',
    field: FIELDS.cuTru,
    leadUnit: 'cong-an',
    legalTime: { value: 7, unit: 'working_days' },
    fee: { amount: 20000, note: '20.000 đồng khi nộp trực tiếp; 10.000 đồng khi nộp trực tuyến (Thông tư 75/2022/TT-BTC)' },
    onlineLevel: 'mot-phan',
    components: [doc(CT01, 1), doc('Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp', 0, 1)],
    legalBasis: 'Luật Cư trú năm 2020 (Điều 22); Nghị định số 154/2024/NĐ-CP; Thông tư số 75/2022/TT-BTC',
    route: chain(
      identityCheck,
      step('xu-ly', 'cong-an', 'Thẩm định hồ sơ, cập nhật thông tin thường trú vào Cơ sở dữ liệu về cư trú; Trưởng Công an xã duyệt', 0.9),
    ),
  },
  {
    code: 'dang-ky-tam-tru',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Đăng ký tạm trú, gia hạn tạm trú',
    field: FIELDS.cuTru,
    leadUnit: 'cong-an',
    legalTime: { value: 3, unit: 'working_days' },
    fee: {
      amount: 15000,
      note: '15.000 đồng khi nộp trực tiếp; 7.000 đồng khi nộp trực tuyến; đăng ký theo danh sách 10.000 đồng (trực tuyến 5.000 đồng)/người (Thông tư 75/2022/TT-BTC)',
    },
    onlineLevel: 'mot-phan',
    components: [doc(CT01, 1), doc('Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp', 0, 1)],
    legalBasis: 'Luật Cư trú năm 2020; Thông tư số 75/2022/TT-BTC',
    route: chain(
      identityCheck,
      step('xu-ly', 'cong-an', 'Thẩm định hồ sơ, cập nhật thông tin tạm trú vào Cơ sở dữ liệu về cư trú; Trưởng Công an xã duyệt', 0.9),
    ),
  },
  {
    code: 'xoa-dang-ky-thuong-tru',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Xóa đăng ký thường trú',
    field: FIELDS.cuTru,
    leadUnit: 'cong-an',
    // UNCONFIRMED: 3 working days under the old rules, 5 in the current card copy. The current
    // card is the later publication, so 5 is shipped; a province can publish version 2.
    legalTime: { value: 5, unit: 'working_days' },
    fee: { amount: 0, note: 'Không thu lệ phí (không có trong biểu phí Thông tư 75/2022/TT-BTC)' },
    onlineLevel: 'mot-phan',
    components: [doc(CT01, 1), doc('Giấy tờ, tài liệu chứng minh thuộc trường hợp xóa đăng ký thường trú', 0, 1)],
    legalBasis: 'Luật Cư trú năm 2020 (Điều 24)',
    route: chain(
      step('xu-ly', 'cong-an', 'Thẩm định, xóa thông tin thường trú trong Cơ sở dữ liệu về cư trú; Trưởng Công an xã duyệt', 1),
    ),
  },
];
