import { DomainValidationError, type ProcedureDefinition, validateRoute } from '@motcua/domain';
import {
  CATALOG_VERSION,
  type CatalogRule,
  PROCEDURE_CATALOG,
  catalogIssues,
  findProcedure,
  proceduresInForce,
  validateCatalog,
  vietnamToday,
} from './catalog';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A copy of the shipped catalog with one procedure replaced by a changed copy. */
function brokenCopy(code: string, change: (p: Mutable<ProcedureDefinition>) => void): ProcedureDefinition[] {
  return PROCEDURE_CATALOG.map((p) => {
    if (p.code !== code) return p;
    const copy = structuredClone(p) as Mutable<ProcedureDefinition>;
    change(copy);
    return copy;
  });
}

const byCode = (code: string): ProcedureDefinition => {
  const p = PROCEDURE_CATALOG.find((x) => x.code === code);
  if (!p) throw new Error(`missing ${code}`);
  return p;
};

describe('shipped catalog', () => {
  it('passes validateCatalog', () => {
    expect(catalogIssues(PROCEDURE_CATALOG)).toEqual([]);
    expect(() => validateCatalog(PROCEDURE_CATALOG)).not.toThrow();
    for (const p of PROCEDURE_CATALOG) expect(() => validateRoute(p.route)).not.toThrow();
  });

  it('has a dated version and at least 24 procedures across at least 8 lead units', () => {
    expect(CATALOG_VERSION).toMatch(/^\d{4}\.\d{2}\.\d+$/);
    expect(PROCEDURE_CATALOG.length).toBeGreaterThanOrEqual(24);
    expect(new Set(PROCEDURE_CATALOG.map((p) => p.leadUnit)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(PROCEDURE_CATALOG.map((p) => p.field.code)).size).toBeGreaterThanOrEqual(8);
  });

  it('ships every procedure as version 1 from 2025-07-01', () => {
    for (const p of PROCEDURE_CATALOG) {
      expect([p.code, p.version, p.effectiveFrom]).toEqual([p.code, 1, '2025-07-01']);
    }
  });

  it('uses only national codes given by the reference (none invented)', () => {
    const known = ['1.004873', '2.000815', '1.001748', '1.001733', '1.001699', '1.011609', '1.007073'];
    const used = PROCEDURE_CATALOG.flatMap((p) => (p.nationalCode ? [p.nationalCode] : []));
    expect(used.every((c) => known.includes(c))).toBe(true);
    expect(new Set(used).size).toBe(used.length);
    expect(byCode('cap-giay-xac-nhan-tinh-trang-hon-nhan').nationalCode).toBe('1.004873');
    expect(byCode('chung-thuc-ban-sao-tu-ban-chinh').nationalCode).toBe('2.000815');
  });

  it('models the legal-time units of the reference table', () => {
    for (const code of ['dang-ky-khai-sinh', 'dang-ky-khai-tu', 'chung-thuc-ban-sao-tu-ban-chinh', 'chung-thuc-chu-ky']) {
      expect(byCode(code).legalTime).toEqual({ value: 0, unit: 'same_day' });
    }
    expect(byCode('thong-bao-to-chuc-le-hoi-cap-xa').legalTime).toEqual({ value: 15, unit: 'calendar_days' });
    expect(byCode('cap-giay-phep-xay-dung-nha-o-rieng-le').legalTime).toEqual({ value: 15, unit: 'calendar_days' });
    expect(byCode('dang-ky-thuong-tru').legalTime).toEqual({ value: 7, unit: 'working_days' });
    expect(byCode('cap-giay-xac-nhan-tinh-trang-hon-nhan').legalTime).toEqual({ value: 3, unit: 'working_days' });
  });

  it('has the automatic steps: fee by ke-toan, identity by cong-an, card by bhxh', () => {
    const automatic = (code: string) =>
      byCode(code).route.stages.flatMap((s) => s.steps).filter((s) => s.automatic).map((s) => [s.unit, s.automatic]);
    expect(automatic('cap-giay-phep-xay-dung-nha-o-rieng-le')).toEqual([['ke-toan', 'fee-payment']]);
    expect(automatic('chung-thuc-hop-dong-giao-dich')).toEqual([['ke-toan', 'fee-payment']]);
    expect(automatic('dang-ky-thuong-tru')).toEqual([['cong-an', 'identity-check']]);
    expect(automatic('cap-the-bhyt-tre-em-duoi-6-tuoi')).toEqual([['bhxh', 'bhxh-card']]);
    // A fee step only where there is a fee to confirm.
    for (const p of PROCEDURE_CATALOG) {
      const feeStep = p.route.stages.some((s) => s.steps.some((st) => st.automatic === 'fee-payment'));
      if (feeStep) expect(p.fee.amount).toBeGreaterThan(0);
    }
  });

  it('gives the birth group the 7-day citizen supplement limit', () => {
    expect(byCode('lien-thong-khai-sinh').citizenSupplementDays).toBe(7);
  });
});

describe('validateCatalog rejects a broken copy, one rule at a time', () => {
  const cases: [CatalogRule, string, (p: Mutable<ProcedureDefinition>) => void][] = [
    ['CATALOG_CODE', 'dang-ky-khai-sinh', (p) => (p.code = 'Dang_Ky_Khai_Sinh')],
    ['CATALOG_VERSION', 'dang-ky-khai-sinh', (p) => (p.version = 0)],
    ['CATALOG_EFFECTIVE_FROM', 'dang-ky-khai-sinh', (p) => (p.effectiveFrom = '2025-02-30')],
    ['CATALOG_DUPLICATE', 'dang-ky-ket-hon', (p) => (p.code = 'dang-ky-khai-sinh')],
    [
      'CATALOG_ROUTE',
      'dang-ky-khai-sinh',
      (p) => (p.route = { ...p.route, stages: p.route.stages.map((s) => ({ ...s, steps: s.steps.map((st) => ({ ...st, share: 0.6 })) })) }),
    ],
    ['CATALOG_LEAD_UNIT', 'dang-ky-khai-sinh', (p) => (p.leadUnit = 'dia-chinh')],
    ['CATALOG_LEGAL_TIME', 'dang-ky-khai-sinh', (p) => (p.legalTime = { value: 1, unit: 'same_day' })],
    ['CATALOG_FEE', 'chung-thuc-chu-ky', (p) => (p.fee = { amount: -10000 })],
    ['CATALOG_COMPONENTS', 'dang-ky-khai-sinh', (p) => (p.components = [])],
    ['CATALOG_NOT_VIETNAMESE', 'dang-ky-khai-sinh', (p) => (p.name = 'Dang ky khai sinh')],
    ['CATALOG_NATIONAL_CODE', 'cap-giay-xac-nhan-tinh-trang-hon-nhan', (p) => (p.nationalCode = '1004873')],
    ['CATALOG_SUPPLEMENT_DAYS', 'lien-thong-khai-sinh', (p) => (p.citizenSupplementDays = 0)],
    ['CATALOG_GROUP', 'lien-thong-khai-tu', (p) => (p.route = { version: 1, stages: p.route.stages.map((s) => ({ ...s, steps: s.steps.map(({ option: _o, ...st }) => st) })) })],
  ];

  it.each(cases)('%s', (rule, code, change) => {
    const broken = brokenCopy(code, change);
    const issues = catalogIssues(broken);
    expect(issues.length).toBeGreaterThan(0);
    expect([...new Set(issues.map((i) => i.rule))]).toEqual([rule]);
    expect(() => validateCatalog(broken)).toThrow(DomainValidationError);
    try {
      validateCatalog(broken);
    } catch (e) {
      expect((e as DomainValidationError).code).toBe('CATALOG_INVALID');
      expect((e as DomainValidationError).details.issues).toEqual(issues);
    }
  });

  it('accepts a procedure led by the desk itself even though the desk has no route step', () => {
    expect(catalogIssues(brokenCopy('cap-ban-sao-tu-so-goc', (p) => (p.leadUnit = 'van-phong')))).toEqual([]);
  });

  it('checks the other legal-time, fee and component shapes', () => {
    const rules = (code: string, change: (p: Mutable<ProcedureDefinition>) => void) =>
      catalogIssues(brokenCopy(code, change)).map((i) => i.rule);
    expect(rules('dang-ky-thuong-tru', (p) => (p.legalTime = { value: 0, unit: 'working_days' }))).toEqual(['CATALOG_LEGAL_TIME']);
    expect(rules('dang-ky-thuong-tru', (p) => (p.legalTime = { value: 2.5, unit: 'working_days' }))).toEqual(['CATALOG_LEGAL_TIME']);
    expect(rules('dang-ky-thuong-tru', (p) => (p.legalTime = { value: 7, unit: 'weeks' as never }))).toEqual(['CATALOG_LEGAL_TIME']);
    expect(rules('dang-ky-thuong-tru', (p) => (p.fee = { amount: 20000.5 }))).toEqual(['CATALOG_FEE']);
    expect(rules('dang-ky-thuong-tru', (p) => (p.components = [{ name: 'Tờ khai', originals: 0, copies: 0 }]))).toEqual([
      'CATALOG_COMPONENTS',
    ]);
    expect(rules('dang-ky-thuong-tru', (p) => (p.components = [{ name: 'CT01 form', originals: 1, copies: 0 }]))).toEqual([
      'CATALOG_NOT_VIETNAMESE',
    ]);
  });
});

describe('findProcedure', () => {
  const v1 = byCode('dang-ky-khai-sinh');
  const v2: ProcedureDefinition = { ...v1, version: 2, effectiveFrom: '2026-01-01', fee: { amount: 0, note: 'Miễn lệ phí' } };
  const catalog = [v2, v1];

  it('finds the shipped version from 2025-07-01 and nothing before', () => {
    expect(findProcedure('dang-ky-khai-sinh', '2025-07-01')).toBe(v1);
    expect(findProcedure('dang-ky-khai-sinh', '2025-06-30')).toBeUndefined();
    expect(findProcedure('khong-co-thu-tuc-nay', '2025-08-01')).toBeUndefined();
  });

  it('picks the version in force at the date', () => {
    expect(findProcedure('dang-ky-khai-sinh', '2025-12-31', catalog)).toBe(v1);
    expect(findProcedure('dang-ky-khai-sinh', '2026-01-01', catalog)).toBe(v2);
    expect(findProcedure('dang-ky-khai-sinh', '2030-05-01', catalog)).toBe(v2);
    expect(proceduresInForce('2025-12-31', catalog)).toEqual([v1]);
    expect(proceduresInForce('2026-01-02', catalog)).toEqual([v2]);
  });

  it('prefers the higher version when two start the same day', () => {
    const v3 = { ...v2, version: 3 };
    expect(findProcedure('dang-ky-khai-sinh', '2026-06-01', [v3, v2, v1])).toBe(v3);
  });

  it('refuses a malformed date, naming the field', () => {
    expect(() => findProcedure('dang-ky-khai-sinh', '01/07/2025')).toThrow(expect.objectContaining({ code: 'DATE', field: 'at' }));
    expect(() => findProcedure('dang-ky-khai-sinh', '2025-13-01')).toThrow(DomainValidationError);
  });

  it('defaults to today in Vietnam time', () => {
    expect(vietnamToday(new Date('2025-06-30T17:30:00Z'))).toBe('2025-07-01');
    expect(vietnamToday(new Date('2025-06-30T16:59:00Z'))).toBe('2025-06-30');
    expect(proceduresInForce().length).toBe(PROCEDURE_CATALOG.length);
  });
});
