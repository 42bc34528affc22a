import type { ProcedureDefinition } from '@motcua/domain';
import { FIELDS } from '../fields';
import { EFFECTIVE_2025_07_01, chain, doc, leaderSigns, step } from '../route-builders';

/*
 * Military service (nghĩa vụ quân sự), handled by the commune military command. Rows 17–18 of
 * one-stop-rules.md §6. Conventions: see ho-tich.ts.
 */

/** Military-service registration procedures (rows 17–18). */
export const QUAN_SU_PROCEDURES: readonly ProcedureDefinition[] = [
  {
    code: 'dang-ky-nghia-vu-quan-su-lan-dau',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Đăng ký nghĩa vụ quân sự lần đầu',
    field: FIELDS.nghiaVuQuanSu,
    leadUnit: 'quan-su',
    // "Within the day": modelled as the same-day unit with the office's cut-off.
    legalTime: { value: 0, unit: 'same_day' },
    fee: { amount: 0, note: 'Không thu lệ phí' },
    components: [
      doc('Phiếu tự khai sức khỏe nghĩa vụ quân sự', 1),
      doc('Bản chụp thẻ Căn cước hoặc Căn cước công dân', 0, 1),
    ],
    legalBasis: 'Luật Nghĩa vụ quân sự năm 2015',
    route: chain(
      step('xu-ly', 'quan-su', 'Ban Chỉ huy Quân sự xã đối chiếu, ghi Sổ đăng ký công dân sẵn sàng nhập ngũ', 0.6),
      leaderSigns(0.4, 'Chủ tịch UBND xã ký Giấy chứng nhận đăng ký nghĩa vụ quân sự'),
    ),
  },
  {
    code: 'dang-ky-nghia-vu-quan-su-chuyen-den',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Đăng ký nghĩa vụ quân sự chuyển đến khi thay đổi nơi cư trú hoặc nơi làm việc, học tập',
    nationalCode: '1.001748',
    field: FIELDS.nghiaVuQuanSu,
    leadUnit: 'quan-su',
    legalTime: { value: 1, unit: 'working_days' },
    fee: { amount: 0, note: 'Không thu lệ phí' },
    components: [
      doc('Giấy giới thiệu di chuyển đăng ký nghĩa vụ quân sự do nơi đi cấp', 1),
      doc('Giấy chứng nhận đăng ký nghĩa vụ quân sự hoặc Giấy chứng nhận đăng ký quân nhân dự bị', 1),
    ],
    legalBasis: 'Luật Nghĩa vụ quân sự năm 2015; Quyết định số 6184/QĐ-BQP',
    route: chain(
      step('xu-ly', 'quan-su', 'Vào Sổ đăng ký công dân sẵn sàng nhập ngũ hoặc Sổ đăng ký quân nhân dự bị; lập Phiếu quân nhân dự bị', 1),
    ),
  },
  {
    code: 'dang-ky-nghia-vu-quan-su-tam-vang',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Đăng ký tạm vắng nghĩa vụ quân sự',
    // The reference pairs 1.001748 / 1.001733 with "moving in / temporary absence"; 1.001748 is
    // confirmed as moving in (Điện Biên card), so 1.001733 is temporary absence — verify locally.
    nationalCode: '1.001733',
    field: FIELDS.nghiaVuQuanSu,
    leadUnit: 'quan-su',
    legalTime: { value: 1, unit: 'working_days' },
    fee: { amount: 0, note: 'Không thu lệ phí' },
    components: [doc('Giấy chứng nhận đăng ký nghĩa vụ quân sự hoặc Giấy chứng nhận đăng ký quân nhân dự bị', 1)],
    legalBasis: 'Luật Nghĩa vụ quân sự năm 2015; Quyết định số 6184/QĐ-BQP',
    route: chain(step('xu-ly', 'quan-su', 'Ghi đăng ký tạm vắng vào sổ đăng ký nghĩa vụ quân sự', 1)),
  },
];
