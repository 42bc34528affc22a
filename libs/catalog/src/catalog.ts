import {
  DomainError,
  DomainValidationError,
  LEGAL_TIME_UNITS,
  type ProcedureDefinition,
  isUnitKind,
  validateRoute,
} from '@motcua/domain';
import { BAO_HIEM_PROCEDURES } from './data/bao-hiem';
import { CHINH_SACH_PROCEDURES } from './data/chinh-sach';
import { CHUNG_THUC_PROCEDURES } from './data/chung-thuc';
import { CU_TRU_PROCEDURES } from './data/cu-tru';
import { DAT_DAI_XAY_DUNG_PROCEDURES } from './data/dat-dai-xay-dung';
import { HO_TICH_PROCEDURES } from './data/ho-tich';
import { LIEN_THONG_PROCEDURES } from './data/lien-thong';
import { QUAN_SU_PROCEDURES } from './data/quan-su';
import { VAN_HOA_GIAO_DUC_PROCEDURES } from './data/van-hoa-giao-duc';

/** Version of the shipped catalog as a whole (year.month.release); seeds record it. */
export const CATALOG_VERSION = '2025.07.1';

/**
 * Every procedure version MotCua ships, for the rule set in force from 2025-07-01. A province
 * changes a procedure by adding a version with a later `effectiveFrom`, never by editing one.
 */
export const PROCEDURE_CATALOG: readonly ProcedureDefinition[] = Object.freeze([
  ...HO_TICH_PROCEDURES,
  ...CHUNG_THUC_PROCEDURES,
  ...CU_TRU_PROCEDURES,
  ...QUAN_SU_PROCEDURES,
  ...CHINH_SACH_PROCEDURES,
  ...VAN_HOA_GIAO_DUC_PROCEDURES,
  ...DAT_DAI_XAY_DUNG_PROCEDURES,
  ...BAO_HIEM_PROCEDURES,
  ...LIEN_THONG_PROCEDURES,
]);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** Today's date in Vietnam (UTC+7, no daylight saving), `YYYY-MM-DD`. */
export function vietnamToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * The version of procedure `code` in force at date `at` (`YYYY-MM-DD`, Vietnam time; today by
 * default): the one with the latest `effectiveFrom` not after `at`, the higher version on a tie.
 * Undefined when the code is unknown or no version is in force yet.
 */
export function findProcedure(
  code: string,
  at: string = vietnamToday(),
  catalog: readonly ProcedureDefinition[] = PROCEDURE_CATALOG,
): ProcedureDefinition | undefined {
  if (!isIsoDate(at)) throw new DomainValidationError('DATE', 'Ngày tra cứu thủ tục không hợp lệ.', 'at', { at });
  let best: ProcedureDefinition | undefined;
  for (const p of catalog) {
    // ISO dates compare correctly as strings.
    if (p.code !== code || p.effectiveFrom > at) continue;
    if (!best || p.effectiveFrom > best.effectiveFrom || (p.effectiveFrom === best.effectiveFrom && p.version > best.version)) {
      best = p;
    }
  }
  return best;
}

/** The version in force at `at` of every procedure of the catalog, in catalog order. */
export function proceduresInForce(
  at: string = vietnamToday(),
  catalog: readonly ProcedureDefinition[] = PROCEDURE_CATALOG,
): ProcedureDefinition[] {
  const codes = [...new Set(catalog.map((p) => p.code))];
  return codes.map((c) => findProcedure(c, at, catalog)).filter((p): p is ProcedureDefinition => p !== undefined);
}

/** Rules the catalog check enforces; each issue names one. */
export type CatalogRule =
  | 'CATALOG_CODE'
  | 'CATALOG_VERSION'
  | 'CATALOG_EFFECTIVE_FROM'
  | 'CATALOG_DUPLICATE'
  | 'CATALOG_ROUTE'
  | 'CATALOG_LEAD_UNIT'
  | 'CATALOG_LEGAL_TIME'
  | 'CATALOG_FEE'
  | 'CATALOG_COMPONENTS'
  | 'CATALOG_NOT_VIETNAMESE'
  | 'CATALOG_NATIONAL_CODE'
  | 'CATALOG_SUPPLEMENT_DAYS'
  | 'CATALOG_GROUP';

/** One broken rule of one procedure version, with a Vietnamese message for the administrator. */
export interface CatalogIssue {
  readonly rule: CatalogRule;
  /** `code@version` of the procedure. */
  readonly procedure: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const NATIONAL_CODE = /^[1-3]\.\d{6}$/;
// Every Vietnamese phrase has a letter outside ASCII (ă, â, đ, ê, ô, ơ, ư or a tone mark).
const NON_ASCII_LETTER = /(?!\p{ASCII})\p{L}/u;
/** Upper bound for a sane legal time: a year, in any unit. */
const MAX_LEGAL_TIME = 366;

const isCount = (n: number): boolean => Number.isInteger(n) && n >= 0;

/**
 * Every broken rule of a catalog (empty when valid): unique (code, version), a valid route whose
 * steps include the lead unit (unless the desk itself leads), sane legal time, non-negative
 * whole-VND fee, non-empty components, Vietnamese names, well-formed codes and dates, and
 * inter-agency groups that offer options. {@link validateCatalog} throws on the same list.
 */
export function catalogIssues(catalog: readonly ProcedureDefinition[]): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const seen = new Set<string>();
  for (const p of catalog) {
    const id = `${p.code}@${p.version}`;
    const fail = (rule: CatalogRule, message: string, details?: Record<string, unknown>) =>
      issues.push({ rule, procedure: id, message, ...(details ? { details } : {}) });

    if (!KEBAB.test(p.code)) fail('CATALOG_CODE', 'Mã thủ tục phải viết thường, nối bằng dấu gạch ngang.');
    if (!Number.isInteger(p.version) || p.version < 1) fail('CATALOG_VERSION', 'Phiên bản thủ tục phải là số nguyên dương.');
    if (!isIsoDate(p.effectiveFrom)) fail('CATALOG_EFFECTIVE_FROM', 'Ngày hiệu lực phải có dạng YYYY-MM-DD hợp lệ.');
    if (seen.has(id)) fail('CATALOG_DUPLICATE', 'Trùng mã thủ tục và phiên bản.');
    seen.add(id);

    try {
      validateRoute(p.route);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      fail('CATALOG_ROUTE', e.message, { routeRule: e.code });
    }

    const routeUnits = new Set(p.route.stages.flatMap((s) => s.steps.map((st) => st.unit)));
    if (!isUnitKind(p.leadUnit) || (p.leadUnit !== 'van-phong' && !routeUnits.has(p.leadUnit))) {
      fail('CATALOG_LEAD_UNIT', `Đơn vị chủ trì "${String(p.leadUnit)}" không có bước nào trong quy trình.`);
    }

    const t = p.legalTime;
    const saneTime = LEGAL_TIME_UNITS.includes(t.unit)
      ? t.unit === 'same_day'
        ? t.value === 0
        : Number.isInteger(t.value) && t.value >= 1 && t.value <= MAX_LEGAL_TIME
      : false;
    if (!saneTime) fail('CATALOG_LEGAL_TIME', 'Thời hạn giải quyết không hợp lệ.', { legalTime: t });

    if (!(Number.isInteger(p.fee.amount) && p.fee.amount >= 0)) {
      fail('CATALOG_FEE', 'Phí, lệ phí phải là số đồng nguyên, không âm.', { amount: p.fee.amount });
    }

    const badComponent = p.components.find(
      (c) => c.name.trim() === '' || !isCount(c.originals) || !isCount(c.copies) || c.originals + c.copies < 1,
    );
    if (p.components.length === 0 || badComponent) {
      fail('CATALOG_COMPONENTS', 'Thành phần hồ sơ phải có ít nhất một giấy tờ, mỗi giấy tờ có tên và số bản.');
    }

    const texts: [string, string][] = [
      ['name', p.name],
      ['field.name', p.field.name],
      ...p.components.map((c, i): [string, string] => [`components[${i}].name`, c.name]),
      ...p.route.stages.flatMap((s) => s.steps.map((st): [string, string] => [`route.${st.key}.name`, st.name])),
      ...(p.route.options ?? []).map((o): [string, string] => [`route.options.${o.key}.name`, o.name]),
    ];
    for (const [path, text] of texts) {
      if (!NON_ASCII_LETTER.test(text)) fail('CATALOG_NOT_VIETNAMESE', `"${text}" không phải tiếng Việt có dấu.`, { path });
    }

    if (p.nationalCode !== undefined && !NATIONAL_CODE.test(p.nationalCode)) {
      fail('CATALOG_NATIONAL_CODE', 'Mã thủ tục quốc gia phải có dạng 1.004873.');
    }
    if (p.citizenSupplementDays !== undefined && !(Number.isInteger(p.citizenSupplementDays) && p.citizenSupplementDays >= 1)) {
      fail('CATALOG_SUPPLEMENT_DAYS', 'Thời hạn bổ sung hồ sơ của công dân phải là số ngày nguyên dương.');
    }
    if (p.interAgencyGroup !== undefined && (p.route.options ?? []).length < 2) {
      fail('CATALOG_GROUP', 'Nhóm thủ tục liên thông phải có ít nhất hai thủ tục để lựa chọn.');
    }
  }
  return issues;
}

/**
 * Checks a catalog before it is seeded or served; throws a {@link DomainValidationError}
 * (`CATALOG_INVALID`) whose `details.issues` lists every broken rule (see {@link catalogIssues}).
 */
export function validateCatalog(catalog: readonly ProcedureDefinition[]): void {
  const issues = catalogIssues(catalog);
  if (issues.length > 0) {
    const summary = issues.map((i) => `${i.procedure}: ${i.message}`).join('; ');
    throw new DomainValidationError('CATALOG_INVALID', `Danh mục thủ tục không hợp lệ: ${summary}`, 'catalog', { issues });
  }
}
