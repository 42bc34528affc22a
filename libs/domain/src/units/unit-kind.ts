/**
 * Unit registry (đơn vị): the commune's own units and the outside agencies reached through
 * connectors. Codes are stable: they name queues, rows and routes.
 */
export const COMMUNE_UNIT_KINDS = [
  'van-phong',
  'lanh-dao',
  'tu-phap',
  'dia-chinh',
  'ke-toan',
  'van-hoa',
  'chinh-sach',
  'cong-an',
  'quan-su',
  'y-te',
  'truong-hoc',
] as const;

export const EXTERNAL_UNIT_KINDS = ['bhxh', 'cap-tren'] as const;

export const UNIT_KINDS = [...COMMUNE_UNIT_KINDS, ...EXTERNAL_UNIT_KINDS] as const;

export type UnitKind = (typeof UNIT_KINDS)[number];

/** Đơn vị — one entry of the unit registry. */
export interface UnitDefinition {
  readonly kind: UnitKind;
  /** Vietnamese name shown to officers and citizens. */
  readonly name: string;
  /** Outside agencies are reached through a connector, not staffed by commune officers. */
  readonly external: boolean;
}

export const UNIT_REGISTRY: Readonly<Record<UnitKind, UnitDefinition>> = {
  'van-phong': { kind: 'van-phong', name: 'Văn phòng HĐND và UBND (Bộ phận Một cửa)', external: false },
  'lanh-dao': { kind: 'lanh-dao', name: 'Lãnh đạo UBND xã', external: false },
  'tu-phap': { kind: 'tu-phap', name: 'Tư pháp – Hộ tịch', external: false },
  'dia-chinh': { kind: 'dia-chinh', name: 'Địa chính – Xây dựng – Nông nghiệp', external: false },
  'ke-toan': { kind: 'ke-toan', name: 'Tài chính – Kế toán', external: false },
  'van-hoa': { kind: 'van-hoa', name: 'Văn hóa – Thông tin', external: false },
  'chinh-sach': { kind: 'chinh-sach', name: 'Lao động – Thương binh và Xã hội (Chính sách)', external: false },
  'cong-an': { kind: 'cong-an', name: 'Công an xã', external: false },
  'quan-su': { kind: 'quan-su', name: 'Ban Chỉ huy Quân sự xã', external: false },
  'y-te': { kind: 'y-te', name: 'Trạm Y tế xã', external: false },
  'truong-hoc': { kind: 'truong-hoc', name: 'Trường học', external: false },
  bhxh: { kind: 'bhxh', name: 'Bảo hiểm xã hội', external: true },
  'cap-tren': { kind: 'cap-tren', name: 'Cơ quan cấp trên', external: true },
};

export function isUnitKind(value: unknown): value is UnitKind {
  return typeof value === 'string' && (UNIT_KINDS as readonly string[]).includes(value);
}
