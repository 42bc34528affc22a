import { COMMUNE_UNIT_KINDS, type Role } from '@motcua/domain';
import { DEMO_COMMUNES } from './demo-commune';

/** Tài khoản người dùng — a user as the seed creates it. */
export interface DemoUser {
  readonly username: string;
  readonly fullName: string;
  readonly communeCode: string;
  readonly roles: readonly Role[];
  readonly units: readonly string[];
}

/**
 * The password of every demo account (README lists the accounts). Published, so the accounts exist
 * only when asked for (`seed --demo`) and never under NODE_ENV=production.
 */
export const DEMO_PASSWORD = 'MotCua@2026';

const LOGIN_PREFIX: Readonly<Record<(typeof COMMUNE_UNIT_KINDS)[number], string>> = {
  'van-phong': 'motcua',
  'lanh-dao': 'lanhdao',
  'tu-phap': 'tuphap',
  'dia-chinh': 'diachinh',
  'ke-toan': 'ketoan',
  'van-hoa': 'vanhoa',
  'chinh-sach': 'chinhsach',
  'cong-an': 'congan',
  'quan-su': 'quansu',
  'y-te': 'yte',
  'truong-hoc': 'truonghoc',
};

const PERSON: Readonly<Record<string, string>> = {
  motcua: 'Trần Thị Bình',
  lanhdao: 'Nguyễn Văn Chiến',
  tuphap: 'Lê Văn Tư',
  diachinh: 'Phạm Minh Đức',
  ketoan: 'Hoàng Thị Hạnh',
  vanhoa: 'Vũ Thị Lan',
  chinhsach: 'Đỗ Văn Phúc',
  congan: 'Bùi Quang Huy',
  quansu: 'Đặng Văn Khoa',
  yte: 'Ngô Thị Mai',
  truonghoc: 'Dương Văn Nam',
};

/**
 * One account per unit of each demo commune (`<unit>.<commune code>`, e.g. `tuphap.26734`): the
 * one-stop desk's receptionist, the leader who signs, an officer for every other unit; plus a
 * supervisor, an administrator and the portal's service account per commune.
 */
export const DEMO_USERS: readonly DemoUser[] = DEMO_COMMUNES.flatMap((c) => [
  ...COMMUNE_UNIT_KINDS.map((kind): DemoUser => {
    const login = LOGIN_PREFIX[kind];
    const roles: Role[] = kind === 'van-phong' ? ['reception'] : kind === 'lanh-dao' ? ['leader'] : ['officer'];
    return { username: `${login}.${c.code}`, fullName: PERSON[login], communeCode: c.code, roles, units: [kind] };
  }),
  { username: `giamsat.${c.code}`, fullName: 'Lý Thị Oanh', communeCode: c.code, roles: ['supervisor'], units: [] },
  { username: `quantri.${c.code}`, fullName: 'Quản trị hệ thống', communeCode: c.code, roles: ['admin'], units: [] },
  { username: `dvcqg.${c.code}`, fullName: 'Cổng Dịch vụ công quốc gia', communeCode: c.code, roles: ['service'], units: [] },
]);
