import { COMMUNE_UNIT_KINDS, formatDossierCode, parseDossierCode } from '@motcua/domain';
import { DEMO_COMMUNE, DEMO_COMMUNE_2, DEMO_COMMUNES } from './demo-commune';

const NON_ASCII_LETTER = /(?!\p{ASCII})\p{L}/u;

describe('demo communes', () => {
  it('are two different communes of the same province', () => {
    expect(DEMO_COMMUNES).toEqual([DEMO_COMMUNE, DEMO_COMMUNE_2]);
    expect(DEMO_COMMUNE.code).toBe('26734');
    expect(DEMO_COMMUNE_2.code).not.toBe(DEMO_COMMUNE.code);
    expect(DEMO_COMMUNE_2.provinceCode).toBe(DEMO_COMMUNE.provinceCode);
    expect(DEMO_COMMUNE_2.provinceName).toBe(DEMO_COMMUNE.provinceName);
    for (const c of DEMO_COMMUNES) {
      expect(c.code).toMatch(/^\d{5}$/);
      expect(c.name).toMatch(/^Xã /);
      expect(c.provinceName).toMatch(/^Tỉnh /);
    }
  });

  it('have offices whose codes are unique and make valid dossier codes', () => {
    const offices = DEMO_COMMUNES.flatMap((c) => c.offices);
    expect(new Set(offices.map((o) => o.code)).size).toBe(offices.length);
    for (const c of DEMO_COMMUNES) {
      expect(c.offices.length).toBeGreaterThan(0);
      expect(c.offices[0].name).toContain('Trung tâm Phục vụ hành chính công');
    }
    for (const o of offices) {
      expect(o.code).toMatch(/^H\d{2}\.\d{2}\.\d{2}$/);
      const code = formatDossierCode(o.code, '2025-07-01', 1);
      expect(parseDossierCode(code)).toEqual({ officeCode: o.code, yymmdd: '250701', sequence: 1 });
    }
  });

  it('have exactly one unit per commune unit kind, named in Vietnamese after the commune', () => {
    for (const c of DEMO_COMMUNES) {
      expect(c.units.map((u) => u.kind)).toEqual([...COMMUNE_UNIT_KINDS]);
      for (const u of c.units) {
        expect(u.name).toMatch(NON_ASCII_LETTER);
        expect(u.name.endsWith(c.name.replace(/^Xã /, 'xã '))).toBe(true);
      }
    }
    expect(DEMO_COMMUNE.units.find((u) => u.kind === 'cong-an')?.name).toBe('Công an xã Thanh Bình');
  });
});
