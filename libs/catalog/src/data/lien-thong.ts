import type { ProcedureDefinition } from '@motcua/domain';
import { FIELDS } from '../fields';
import { EFFECTIVE_2025_07_01, doc, stage, step } from '../route-builders';

/*
 * The two electronic inter-agency groups of Decree 63/2024 (one-stop-rules.md §5.2; DOMAIN.md
 * decision 12). Citizens file them online only (DVCQG or VNeID, no paper), and results come back
 * electronically, hence 'toan-trinh'. Each group is one procedure whose route options are the
 * procedures the citizen may choose; steps carry the option they serve, so `planStages` drops
 * what was not chosen.
 */

/** Option keys of group 1 (birth), as stored on dossiers. */
export const BIRTH_GROUP_OPTIONS = {
  birth: 'khai-sinh',
  residence: 'thuong-tru',
  healthInsurance: 'the-bhyt',
} as const;

/** Option keys of group 2 (death), as stored on dossiers. */
export const DEATH_GROUP_OPTIONS = {
  death: 'khai-tu',
  residenceRemoval: 'xoa-thuong-tru',
  funeral: 'mai-tang',
  survivor: 'tu-tuat',
} as const;

const B = BIRTH_GROUP_OPTIONS;
const D = DEATH_GROUP_OPTIONS;

/**
 * Group 1: birth registration + permanent residence + health-insurance card for a child under 6.
 *
 * Whole group: 3 working days. Birth registration is done and signed first, within the first
 * working day (Decree 63/2024 Art. 8: the same working day) — the Chairman signs the birth
 * certificate *before* the fork, because the police and BHXH act on the signed e-birth
 * certificate. Then residence (police) and the card (BHXH, ≤ 2 WD, automatic) run in parallel;
 * each agency issues its own result, so no commune step follows the join and the desk returns.
 *
 * minOptions 2: birth alone is the stand-alone `dang-ky-khai-sinh`; the group is birth plus at
 * least one of the others (the published subsets are birth + card and birth + residence).
 */
export const LIEN_THONG_KHAI_SINH: ProcedureDefinition = {
  code: 'lien-thong-khai-sinh',
  version: 1,
  effectiveFrom: EFFECTIVE_2025_07_01,
  name: 'Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi',
  field: FIELDS.hoTich,
  leadUnit: 'tu-phap',
  legalTime: { value: 3, unit: 'working_days' },
  fee: {
    amount: 0,
    note: 'Miễn lệ phí đăng ký khai sinh đúng hạn và cấp thẻ bảo hiểm y tế; lệ phí đăng ký thường trú (nếu chọn) theo Thông tư 75/2022/TT-BTC',
  },
  onlineLevel: 'toan-trinh',
  components: [
    doc('Tờ khai điện tử liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế', 1),
    doc('Bản chụp hoặc bản điện tử Giấy chứng sinh', 0, 1),
    doc('Ý kiến đồng ý của chủ hộ, chủ sở hữu chỗ ở hợp pháp (khi chọn đăng ký thường trú)', 1),
  ],
  citizenSupplementDays: 7,
  legalBasis: 'Nghị định số 63/2024/NĐ-CP; Quyết định số 296/QĐ-VPCP năm 2024; Luật Hộ tịch năm 2014; Luật Cư trú năm 2020',
  interAgencyGroup: 1,
  route: {
    version: 1,
    options: [
      { key: B.birth, name: 'Đăng ký khai sinh', required: true },
      { key: B.residence, name: 'Đăng ký thường trú', required: false },
      { key: B.healthInsurance, name: 'Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi', required: false },
    ],
    minOptions: 2,
    stages: [
      stage(
        'khai-sinh',
        step('dang-ky-khai-sinh', 'tu-phap', 'Đăng ký khai sinh trên Phần mềm đăng ký, quản lý hộ tịch điện tử dùng chung', 0.2, {
          option: B.birth,
        }),
      ),
      stage(
        'ky-giay-khai-sinh',
        step('ky-giay-khai-sinh', 'lanh-dao', 'Chủ tịch UBND xã ký số Giấy khai sinh điện tử', 0.1, { option: B.birth }),
      ),
      stage(
        'lien-thong',
        step('dang-ky-thuong-tru', 'cong-an', 'Công an xã đăng ký thường trú cho trẻ', 0.7, { option: B.residence }),
        step('cap-the-bhyt', 'bhxh', 'Bảo hiểm xã hội cấp thẻ bảo hiểm y tế điện tử cho trẻ', 0.6, {
          option: B.healthInsurance,
          automatic: 'bhxh-card',
        }),
      ),
    ],
  },
};

/**
 * Group 2: death registration + removal of permanent residence + funeral allowance (social-
 * protection beneficiaries and people with meritorious service) and/or survivor benefit (BHXH).
 *
 * The citizen chooses 2, 3 or 4 procedures: death + residence removal always (both required —
 * every published combination contains them), plus the funeral allowance and/or the survivor
 * benefit. minOptions 2 then follows from the two required options.
 *
 * Legal time: the per-step limits of Decree 63/2024 for this group are UNCONFIRMED. MotCua ships
 * 10 working days for the whole group: death registration 1 WD and its signature 0.5 WD (the
 * stand-alone limit is the same day), residence removal 3 WD (under the 5 WD of the stand-alone
 * procedure), the benefits 4.5 WD in parallel, and the Chairman's funeral decision 1 WD.
 */
export const LIEN_THONG_KHAI_TU: ProcedureDefinition = {
  code: 'lien-thong-khai-tu',
  version: 1,
  effectiveFrom: EFFECTIVE_2025_07_01,
  name: 'Liên thông thủ tục hành chính về đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất, trợ cấp mai táng',
  field: FIELDS.hoTich,
  leadUnit: 'tu-phap',
  legalTime: { value: 10, unit: 'working_days' },
  fee: { amount: 0, note: 'Miễn lệ phí đăng ký khai tử đúng hạn; không thu lệ phí xóa đăng ký thường trú' },
  onlineLevel: 'toan-trinh',
  components: [
    doc('Tờ khai điện tử liên thông đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất, trợ cấp mai táng', 1),
    doc('Bản chụp hoặc bản điện tử Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử', 0, 1),
  ],
  legalBasis: 'Nghị định số 63/2024/NĐ-CP; Quyết định số 296/QĐ-VPCP năm 2024; Luật Hộ tịch năm 2014; Luật Cư trú năm 2020',
  interAgencyGroup: 2,
  route: {
    version: 1,
    options: [
      { key: D.death, name: 'Đăng ký khai tử', required: true },
      { key: D.residenceRemoval, name: 'Xóa đăng ký thường trú', required: true },
      { key: D.funeral, name: 'Trợ cấp mai táng, hỗ trợ chi phí mai táng', required: false },
      { key: D.survivor, name: 'Hưởng chế độ tử tuất', required: false },
    ],
    minOptions: 2,
    stages: [
      stage(
        'khai-tu',
        step('dang-ky-khai-tu', 'tu-phap', 'Đăng ký khai tử trên Phần mềm đăng ký, quản lý hộ tịch điện tử dùng chung', 0.1, {
          option: D.death,
        }),
      ),
      stage(
        'ky-trich-luc-khai-tu',
        step('ky-trich-luc-khai-tu', 'lanh-dao', 'Chủ tịch UBND xã ký số Trích lục khai tử điện tử', 0.05, { option: D.death }),
      ),
      stage(
        'xoa-thuong-tru',
        step('xoa-dang-ky-thuong-tru', 'cong-an', 'Công an xã xóa đăng ký thường trú của người chết', 0.3, {
          option: D.residenceRemoval,
        }),
      ),
      stage(
        'che-do',
        step('tro-cap-mai-tang', 'chinh-sach', 'Thẩm định hồ sơ trợ cấp mai táng, hỗ trợ chi phí mai táng', 0.45, {
          option: D.funeral,
        }),
        step('che-do-tu-tuat', 'bhxh', 'Bảo hiểm xã hội giải quyết chế độ tử tuất', 0.45, { option: D.survivor }),
      ),
      stage(
        'quyet-dinh-mai-tang',
        step('quyet-dinh-mai-tang', 'lanh-dao', 'Chủ tịch UBND xã quyết định hỗ trợ chi phí mai táng hoặc ký văn bản đề nghị cấp trên', 0.1, {
          option: D.funeral,
        }),
      ),
    ],
  },
};

/** The two Decree 63/2024 groups. */
export const LIEN_THONG_PROCEDURES: readonly ProcedureDefinition[] = [LIEN_THONG_KHAI_SINH, LIEN_THONG_KHAI_TU];
