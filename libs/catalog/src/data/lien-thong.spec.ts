import { DomainValidationError, type RouteProgress, nextProgress, planStages, resolveOptions } from '@motcua/domain';
import { findProcedure } from '../catalog';
import { BIRTH_GROUP_OPTIONS as B, DEATH_GROUP_OPTIONS as D, LIEN_THONG_KHAI_SINH, LIEN_THONG_KHAI_TU } from './lien-thong';

const units = (p: RouteProgress) => (p.kind === 'handoff' ? p.stage.steps.map((s) => s.unit) : p.kind === 'wait' ? p.pending.map((s) => s.unit) : []);

describe('inter-agency group 1: birth → residence + health-insurance card', () => {
  const group = LIEN_THONG_KHAI_SINH;
  const route = group.route;

  it('is in the catalog as group 1, fully online, 3 working days, 7 days to supplement', () => {
    expect(findProcedure('lien-thong-khai-sinh', '2025-07-01')).toBe(group);
    expect(group.interAgencyGroup).toBe(1);
    expect(group.onlineLevel).toBe('toan-trinh');
    expect(group.legalTime).toEqual({ value: 3, unit: 'working_days' });
    expect(group.citizenSupplementDays).toBe(7);
    expect(route.minOptions).toBe(2);
    expect(route.options?.filter((o) => o.required).map((o) => o.key)).toEqual([B.birth]);
  });

  it('registers the birth first, then forks to police and BHXH in parallel, and joins on both', () => {
    const all = resolveOptions(route, undefined);
    expect(all).toEqual([B.birth, B.residence, B.healthInsurance]);

    let progress = nextProgress(route, all, []);
    expect(units(progress)).toEqual(['tu-phap']);
    progress = nextProgress(route, all, ['dang-ky-khai-sinh']);
    expect(units(progress)).toEqual(['lanh-dao']);

    // Fork: one stage, two units at once.
    progress = nextProgress(route, all, ['dang-ky-khai-sinh', 'ky-giay-khai-sinh']);
    expect(progress.kind).toBe('handoff');
    expect(units(progress)).toEqual(['cong-an', 'bhxh']);
    const card = progress.kind === 'handoff' ? progress.stage.steps.find((s) => s.unit === 'bhxh') : undefined;
    expect(card?.automatic).toBe('bhxh-card');

    // Join: the card alone does not finish the dossier; residence is still pending, and vice versa.
    progress = nextProgress(route, all, ['dang-ky-khai-sinh', 'ky-giay-khai-sinh', 'cap-the-bhyt']);
    expect(progress.kind).toBe('wait');
    expect(units(progress)).toEqual(['cong-an']);
    progress = nextProgress(route, all, ['dang-ky-khai-sinh', 'ky-giay-khai-sinh', 'dang-ky-thuong-tru']);
    expect(units(progress)).toEqual(['bhxh']);
    progress = nextProgress(route, all, ['dang-ky-khai-sinh', 'ky-giay-khai-sinh', 'dang-ky-thuong-tru', 'cap-the-bhyt']);
    expect(progress.kind).toBe('done');
  });

  it('skips the police when the citizen chooses birth + card only', () => {
    const chosen = resolveOptions(route, [B.healthInsurance, B.birth]);
    expect(chosen).toEqual([B.birth, B.healthInsurance]);
    const stages = planStages(route, chosen);
    expect(stages.flatMap((s) => s.steps.map((st) => st.unit))).not.toContain('cong-an');
    const progress = nextProgress(route, chosen, ['dang-ky-khai-sinh', 'ky-giay-khai-sinh']);
    expect(units(progress)).toEqual(['bhxh']);
    expect(nextProgress(route, chosen, ['dang-ky-khai-sinh', 'ky-giay-khai-sinh', 'cap-the-bhyt']).kind).toBe('done');
  });

  it('skips BHXH when the citizen chooses birth + residence only', () => {
    const chosen = resolveOptions(route, [B.birth, B.residence]);
    expect(units(nextProgress(route, chosen, ['dang-ky-khai-sinh', 'ky-giay-khai-sinh']))).toEqual(['cong-an']);
  });

  it('refuses birth alone, or a choice without birth', () => {
    expect(() => resolveOptions(route, [B.birth])).toThrow(expect.objectContaining({ code: 'OPTIONS_TOO_FEW' }));
    expect(() => resolveOptions(route, [B.residence, B.healthInsurance])).toThrow(
      expect.objectContaining({ code: 'OPTION_REQUIRED' }),
    );
  });

  it('keeps the whole group within its legal time: birth stages + the longer parallel step ≤ 1', () => {
    const total = route.stages.reduce((sum, s) => sum + Math.max(...s.steps.map((st) => st.share)), 0);
    expect(total).toBeLessThanOrEqual(1 + 1e-9);
    // BHXH's own limit is 2 of the 3 working days.
    const card = route.stages.flatMap((s) => s.steps).find((s) => s.key === 'cap-the-bhyt');
    expect((card?.share ?? 1) * group.legalTime.value).toBeLessThanOrEqual(2);
  });
});

describe('inter-agency group 2: death → residence removal → funeral allowance / survivor benefit', () => {
  const group = LIEN_THONG_KHAI_TU;
  const route = group.route;

  it('is in the catalog as group 2 with 4 procedures, death and residence removal required', () => {
    expect(findProcedure('lien-thong-khai-tu', '2025-07-01')).toBe(group);
    expect(group.interAgencyGroup).toBe(2);
    expect(route.options?.map((o) => o.key)).toEqual([D.death, D.residenceRemoval, D.funeral, D.survivor]);
    expect(route.options?.filter((o) => o.required).map((o) => o.key)).toEqual([D.death, D.residenceRemoval]);
    expect(route.minOptions).toBe(2);
  });

  it('accepts 2, 3 or 4 procedures and refuses fewer', () => {
    expect(resolveOptions(route, [D.death, D.residenceRemoval])).toHaveLength(2);
    expect(resolveOptions(route, [D.death, D.residenceRemoval, D.funeral])).toHaveLength(3);
    expect(resolveOptions(route, undefined)).toHaveLength(4);
    expect(() => resolveOptions(route, [D.death])).toThrow(DomainValidationError);
    expect(() => resolveOptions(route, [D.death, D.funeral])).toThrow(expect.objectContaining({ code: 'OPTION_REQUIRED' }));
  });

  it('runs death → residence removal → the chosen benefits, in that order', () => {
    const chosen = resolveOptions(route, [D.death, D.residenceRemoval, D.survivor]);
    const order = planStages(route, chosen).map((s) => s.steps.map((st) => st.unit));
    expect(order).toEqual([['tu-phap'], ['lanh-dao'], ['cong-an'], ['bhxh']]);
    const done = ['dang-ky-khai-tu', 'ky-trich-luc-khai-tu', 'xoa-dang-ky-thuong-tru'];
    expect(units(nextProgress(route, chosen, done))).toEqual(['bhxh']);
    expect(nextProgress(route, chosen, [...done, 'che-do-tu-tuat']).kind).toBe('done');
  });

  it('with all four, forks to the social-policy unit and BHXH, then the Chairman decides the funeral allowance', () => {
    const all = resolveOptions(route, undefined);
    const done = ['dang-ky-khai-tu', 'ky-trich-luc-khai-tu', 'xoa-dang-ky-thuong-tru'];
    expect(units(nextProgress(route, all, done))).toEqual(['chinh-sach', 'bhxh']);
    expect(nextProgress(route, all, [...done, 'tro-cap-mai-tang']).kind).toBe('wait');
    expect(units(nextProgress(route, all, [...done, 'tro-cap-mai-tang', 'che-do-tu-tuat']))).toEqual(['lanh-dao']);
  });

  it('with death + residence removal only, ends after the police', () => {
    const chosen = resolveOptions(route, [D.residenceRemoval, D.death]);
    expect(planStages(route, chosen).map((s) => s.key)).toEqual(['khai-tu', 'ky-trich-luc-khai-tu', 'xoa-thuong-tru']);
    expect(nextProgress(route, chosen, ['dang-ky-khai-tu', 'ky-trich-luc-khai-tu', 'xoa-dang-ky-thuong-tru']).kind).toBe('done');
  });
});
