import { COMMUNE_UNIT_KINDS } from '@motcua/domain';

/** A unit kind staffed by the commune itself (not an outside agency). */
export type CommuneUnitKind = (typeof COMMUNE_UNIT_KINDS)[number];

/**
 * Điểm tiếp nhận — an office that receives dossiers: the commune's Public Administration Service
 * Centre or one of its reception points. Its code prefixes the dossier codes it issues.
 */
export interface ReceivingOffice {
  /** Electronic office code (document-exchange identifier style), e.g. `H26.01.01`. */
  readonly code: string;
  readonly name: string;
  readonly address: string;
}

/** One unit of a given commune, with the name its officers and citizens see. */
export interface CommuneUnit {
  readonly kind: CommuneUnitKind;
  readonly name: string;
}

/** Đơn vị hành chính cấp xã — a commune served by the deployment, with its offices and units. */
export interface CommuneDefinition {
  /** Administrative-unit code of the commune (5 digits). */
  readonly code: string;
  readonly name: string;
  /** Province code (2 digits). */
  readonly provinceCode: string;
  /** Province name, e.g. "Tỉnh Bình An". */
  readonly provinceName: string;
  readonly offices: readonly ReceivingOffice[];
  readonly units: readonly CommuneUnit[];
}

const UNIT_NAME_PREFIX: Readonly<Record<CommuneUnitKind, string>> = {
  'van-phong': 'Văn phòng HĐND và UBND',
  'lanh-dao': 'Lãnh đạo UBND',
  'tu-phap': 'Bộ phận Tư pháp – Hộ tịch',
  'dia-chinh': 'Bộ phận Địa chính – Xây dựng – Nông nghiệp',
  'ke-toan': 'Bộ phận Tài chính – Kế toán',
  'van-hoa': 'Bộ phận Văn hóa – Thông tin',
  'chinh-sach': 'Bộ phận Chính sách xã hội',
  'cong-an': 'Công an',
  'quan-su': 'Ban Chỉ huy Quân sự',
  'y-te': 'Trạm Y tế',
  'truong-hoc': 'Các trường học trên địa bàn',
};

/** One unit per commune unit kind, named after the commune ("Công an xã Thanh Bình"). */
function communeUnits(communeName: string): CommuneUnit[] {
  const lower = communeName.replace(/^Xã /, 'xã ');
  return COMMUNE_UNIT_KINDS.map((kind) => ({ kind, name: `${UNIT_NAME_PREFIX[kind]} ${lower}` }));
}

/*
 * Demo data for the seed. The province and communes are fictional and their codes are not taken
 * from the national list of administrative units; they only have the right shape.
 */
const DEMO_PROVINCE = { provinceCode: '26', provinceName: 'Tỉnh Bình An' } as const;

/** The seed's main commune: a service centre and one extra reception point. */
export const DEMO_COMMUNE: CommuneDefinition = {
  code: '26734',
  name: 'Xã Thanh Bình',
  ...DEMO_PROVINCE,
  offices: [
    {
      code: 'H26.01.01',
      name: 'Trung tâm Phục vụ hành chính công xã Thanh Bình',
      address: 'Số 1 đường Trần Hưng Đạo, thôn Bình Trung, xã Thanh Bình, tỉnh Bình An',
    },
    {
      code: 'H26.01.02',
      name: 'Điểm tiếp nhận thôn Tân Lập – Trung tâm Phục vụ hành chính công xã Thanh Bình',
      address: 'Nhà văn hóa thôn Tân Lập, xã Thanh Bình, tỉnh Bình An',
    },
  ],
  units: communeUnits('Xã Thanh Bình'),
};

/**
 * A second commune of the same province, so a dossier received at one commune's centre and decided
 * by the other (reception regardless of administrative boundary, Decree 118/2025) can be tested.
 */
export const DEMO_COMMUNE_2: CommuneDefinition = {
  code: '26737',
  name: 'Xã Phú Hòa',
  ...DEMO_PROVINCE,
  offices: [
    {
      code: 'H26.02.01',
      name: 'Trung tâm Phục vụ hành chính công xã Phú Hòa',
      address: 'Số 5 đường Lê Lợi, thôn Phú Lộc, xã Phú Hòa, tỉnh Bình An',
    },
  ],
  units: communeUnits('Xã Phú Hòa'),
};

/** Both demo communes, the main one first. */
export const DEMO_COMMUNES: readonly CommuneDefinition[] = [DEMO_COMMUNE, DEMO_COMMUNE_2];
