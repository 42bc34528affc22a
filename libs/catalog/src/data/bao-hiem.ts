import type { ProcedureDefinition } from '@motcua/domain';
import { FIELDS } from '../fields';
import { EFFECTIVE_2025_07_01, chain, doc, step } from '../route-builders';

/*
 * Social insurance procedures received at the commune centre on behalf of BHXH: vertically
 * organised agencies post staff at the centres (Decree 118/2025), so the desk receives and BHXH
 * decides. Not one of the 30 rows of §6; the BHYT card for young children is the stand-alone
 * form of the card step of inter-agency group 1 (§5.2). Conventions: see ho-tich.ts.
 */

/** BHXH procedures received at the commune. */
export const BAO_HIEM_PROCEDURES: readonly ProcedureDefinition[] = [
  {
    code: 'cap-the-bhyt-tre-em-duoi-6-tuoi',
    version: 1,
    effectiveFrom: EFFECTIVE_2025_07_01,
    name: 'Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi',
    field: FIELDS.baoHiemYTe,
    leadUnit: 'bhxh',
    // ≤ 2 WD is BHXH's limit inside group 1 (VSS notice); the stand-alone limit is unconfirmed.
    legalTime: { value: 2, unit: 'working_days' },
    fee: { amount: 0, note: 'Không thu phí; ngân sách nhà nước đóng bảo hiểm y tế cho trẻ em dưới 6 tuổi' },
    components: [
      doc('Tờ khai tham gia, điều chỉnh thông tin bảo hiểm xã hội, bảo hiểm y tế (Mẫu TK1-TS)', 1),
      doc('Giấy khai sinh hoặc Trích lục khai sinh', 0, 1),
    ],
    legalBasis: 'Luật Bảo hiểm y tế; Nghị định số 63/2024/NĐ-CP',
    route: chain(step('cap-the-bhyt', 'bhxh', 'Bảo hiểm xã hội cấp thẻ bảo hiểm y tế điện tử', 1, { automatic: 'bhxh-card' })),
  },
];
