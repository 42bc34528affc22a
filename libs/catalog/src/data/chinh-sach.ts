import type { ProcedureDefinition } from '@motcua/domain';
import { FIELDS } from '../fields';
import { EFFECTIVE_2025_07_01, chain, doc, leaderSigns, stage, step } from '../route-builders';

/*
 * Social policy (bảo trợ xã hội, người có công, giảm nghèo), handled by the commune's social-policy
 * unit (`chinh-sach`; the reference's "Culture–Society unit"). Rows 19, 20, 21, 23 and 25 of
 * one-stop-rules.md §6. Rows 22 and 24 are left out as stand-alone procedures because their legal
 * time is unconfirmed; row 22 is served through inter-agency group 2. Conventions: see ho-tich.ts.
 */

const FREE = { amount: 0, note: 'Không thu phí, lệ phí' } as const;

/** Social-policy procedures (rows 19, 20, 21, 23, 25). */
export const CHINH_SACH_PROCEDURES: readonly ProcedureDefinition[] = [
  {
    code: 'tro-cap-xa-hoi-hang-thang',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hằng tháng',
    field: FIELDS.baoTroXaHoi,
    leadUnit: 'chinh-sach',
    legalTime: { value: 10, unit: 'working_days' },
    fee: FREE,
    components: [
      doc('Tờ khai đề nghị trợ giúp xã hội (theo mẫu)', 1),
      doc('Giấy tờ chứng minh thuộc đối tượng hưởng trợ cấp xã hội (nếu có)', 0, 1),
    ],
    legalBasis: 'Nghị định số 20/2021/NĐ-CP (đã được sửa đổi, bổ sung)',
    route: chain(
      step('xu-ly', 'chinh-sach', 'Thẩm định hồ sơ, niêm yết công khai, trình Chủ tịch UBND xã', 0.7),
      leaderSigns(0.3, 'Chủ tịch UBND xã ký quyết định trợ cấp xã hội'),
    ),
  },
  {
    code: 'xac-dinh-muc-do-khuyet-tat',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật',
    nationalCode: '1.001699',
    field: FIELDS.baoTroXaHoi,
    leadUnit: 'chinh-sach',
    legalTime: { value: 25, unit: 'working_days' },
    fee: FREE,
    // Published as level 4 (Đà Nẵng); level 4 ≈ toàn trình (unconfirmed equivalence, §7).
    onlineLevel: 'toan-trinh',
    components: [
      doc('Đơn đề nghị xác định, xác định lại mức độ khuyết tật (theo mẫu)', 1),
      doc('Giấy tờ liên quan đến tình trạng khuyết tật (bệnh án, giấy khám, điều trị…), nếu có', 0, 1),
    ],
    legalBasis: 'Luật Người khuyết tật năm 2010; Nghị định số 28/2012/NĐ-CP; Thông tư số 01/2019/TT-BLĐTBXH',
    // The assessment council sits with the health station: the council stage forks to both.
    route: {
      version: 1,
      stages: [
        stage('kiem-tra', step('kiem-tra', 'chinh-sach', 'Kiểm tra hồ sơ, trình Chủ tịch triệu tập Hội đồng xác định mức độ khuyết tật', 0.2)),
        stage(
          'hoi-dong',
          step('hoi-dong', 'chinh-sach', 'Thường trực Hội đồng tổ chức xác định mức độ khuyết tật, lập biên bản', 0.6),
          step('y-te-danh-gia', 'y-te', 'Trạm Y tế xã tham gia Hội đồng, nhận xét tình trạng sức khỏe, khuyết tật', 0.5),
        ),
        stage('ky-duyet', leaderSigns(0.2, 'Chủ tịch UBND xã cấp Giấy xác nhận khuyết tật')),
      ],
    },
  },
  {
    code: 'doi-cap-lai-giay-xac-nhan-khuyet-tat',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Đổi, cấp lại Giấy xác nhận khuyết tật',
    field: FIELDS.baoTroXaHoi,
    leadUnit: 'chinh-sach',
    // Cards differ (2 WD Hà Nam, 5 WD Gò Vấp): the longer one is shipped so no province is
    // judged late against a limit it did not publish.
    legalTime: { value: 5, unit: 'working_days' },
    fee: FREE,
    components: [doc('Đơn đề nghị đổi, cấp lại Giấy xác nhận khuyết tật (theo mẫu)', 1)],
    legalBasis: 'Thông tư số 01/2019/TT-BLĐTBXH',
    route: chain(
      step('xu-ly', 'chinh-sach', 'Đối chiếu hồ sơ lưu, trình cấp đổi, cấp lại', 0.6),
      leaderSigns(0.4, 'Chủ tịch UBND xã ký Giấy xác nhận khuyết tật'),
    ),
  },
  {
    code: 'cong-nhan-ho-co-muc-song-trung-binh',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Công nhận hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp và diêm nghiệp có mức sống trung bình',
    nationalCode: '1.011609',
    field: FIELDS.giamNgheo,
    // The poverty sector moved to Agriculture & Environment in 2025 (QĐ 967/QĐ-BNNMT); the commune
    // review is still shipped under the social-policy unit. Lead unit is data a province can change.
    leadUnit: 'chinh-sach',
    // "15 days" including a 5-working-day public posting; counted as calendar days.
    legalTime: { value: 15, unit: 'calendar_days' },
    fee: FREE,
    onlineLevel: 'toan-trinh',
    components: [doc('Giấy đề nghị công nhận hộ có mức sống trung bình (theo mẫu)', 1)],
    legalBasis: 'Quyết định số 24/2021/QĐ-TTg; Quyết định số 406/QĐ-LĐTBXH năm 2023',
    route: chain(
      step('xu-ly', 'chinh-sach', 'Rà soát, xác định thu nhập; niêm yết công khai kết quả 05 ngày làm việc', 0.8),
      leaderSigns(0.2, 'Chủ tịch UBND xã ký quyết định công nhận'),
    ),
  },
  {
    code: 'huong-mai-tang-phi-nguoi-co-cong-tu-tran',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Giải quyết chế độ mai táng phí, trợ cấp một lần khi người có công với cách mạng từ trần',
    field: FIELDS.nguoiCoCong,
    leadUnit: 'chinh-sach',
    // Only the pre-2025 chain is published (commune 5 WD → district 10 → province 10 = 25 WD).
    // The district step is gone; the total is kept as the ceiling and the commune keeps its 5 WD.
    legalTime: { value: 25, unit: 'working_days' },
    fee: FREE,
    // Online only through inter-agency group 2 (`lien-thong-khai-tu`).
    components: [
      doc('Bản khai của thân nhân hoặc người tổ chức mai táng (theo mẫu)', 1),
      doc('Giấy báo tử hoặc Trích lục khai tử', 0, 1),
    ],
    legalBasis: 'Nghị định số 131/2021/NĐ-CP; Thông tư số 05/2013/TT-BLĐTBXH',
    route: chain(
      step('xu-ly', 'chinh-sach', 'Xác nhận hồ sơ, lập danh sách đề nghị', 0.12),
      leaderSigns(0.08, 'Chủ tịch UBND xã ký văn bản đề nghị gửi cơ quan cấp trên'),
      step('quyet-dinh', 'cap-tren', 'Cơ quan cấp tỉnh quản lý người có công ra quyết định trợ cấp', 0.8),
    ),
  },
];
