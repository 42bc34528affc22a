import { DomainValidationError } from '../errors';
import { nextProgress, planStages, resolveOptions, type RouteDefinition, validateRoute } from './route';

const birthGroup: RouteDefinition = {
  version: 1,
  options: [
    { key: 'birth', name: 'Đăng ký khai sinh', required: true },
    { key: 'residence', name: 'Đăng ký thường trú', required: false },
    { key: 'bhyt', name: 'Cấp thẻ BHYT', required: false },
  ],
  minOptions: 2,
  stages: [
    { key: 's1', steps: [{ key: 'birth', unit: 'tu-phap', name: 'Đăng ký khai sinh', share: 0.3, option: 'birth' }] },
    {
      key: 's2',
      steps: [
        { key: 'residence', unit: 'cong-an', name: 'Đăng ký thường trú', share: 0.6, option: 'residence' },
        { key: 'bhyt', unit: 'bhxh', name: 'Cấp thẻ BHYT', share: 0.6, option: 'bhyt', automatic: 'bhxh-card' },
      ],
    },
    { key: 's3', steps: [{ key: 'sign', unit: 'lanh-dao', name: 'Ký kết quả', share: 0.1 }] },
  ],
};

function ruleOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof DomainValidationError ? e.code : 'other';
  }
  return undefined;
}

describe('routes', () => {
  it('accepts a fork/join route whose stage shares fit the legal time', () => {
    expect(() => validateRoute(birthGroup)).not.toThrow();
  });

  it.each([
    ['ROUTE_EMPTY', { ...birthGroup, stages: [] }],
    ['ROUTE_VERSION', { ...birthGroup, version: 0 }],
    ['ROUTE_SHARES_EXCEED', { ...birthGroup, stages: [...birthGroup.stages, { key: 's4', steps: [{ key: 'x', unit: 'van-phong', name: 'x', share: 0.2 }] }] }],
    ['ROUTE_STEP_DUPLICATE', { ...birthGroup, stages: [birthGroup.stages[0], { key: 's9', steps: [{ key: 'birth', unit: 'tu-phap', name: 'x', share: 0.1 }] }] }],
    ['ROUTE_UNKNOWN_UNIT', { version: 1, stages: [{ key: 's', steps: [{ key: 'a', unit: 'nowhere', name: 'x', share: 0.5 }] }] }],
    ['ROUTE_FORK_SAME_UNIT', { version: 1, stages: [{ key: 's', steps: [{ key: 'a', unit: 'tu-phap', name: 'x', share: 0.5 }, { key: 'b', unit: 'tu-phap', name: 'y', share: 0.5 }] }] }],
    ['ROUTE_STEP_SHARE', { version: 1, stages: [{ key: 's', steps: [{ key: 'a', unit: 'tu-phap', name: 'x', share: 0 }] }] }],
    ['ROUTE_UNKNOWN_OPTION', { version: 1, stages: [{ key: 's', steps: [{ key: 'a', unit: 'tu-phap', name: 'x', share: 0.5, option: 'zzz' }] }] }],
  ])('refuses a route breaking %s', (rule, route) => {
    expect(ruleOf(() => validateRoute(route as RouteDefinition))).toBe(rule);
  });

  it('checks the citizen’s choice of inter-agency procedures', () => {
    expect(resolveOptions(birthGroup, undefined)).toEqual(['birth', 'residence', 'bhyt']);
    expect(resolveOptions(birthGroup, ['bhyt', 'birth'])).toEqual(['birth', 'bhyt']);
    expect(ruleOf(() => resolveOptions(birthGroup, ['residence', 'bhyt']))).toBe('OPTION_REQUIRED');
    expect(ruleOf(() => resolveOptions(birthGroup, ['birth']))).toBe('OPTIONS_TOO_FEW');
    expect(ruleOf(() => resolveOptions(birthGroup, ['birth', 'marriage']))).toBe('OPTION_UNKNOWN');
    expect(ruleOf(() => resolveOptions({ version: 1, stages: birthGroup.stages.slice(2) }, ['birth']))).toBe('OPTIONS_NOT_ALLOWED');
  });

  it('forks after birth registration, joins on both units, then goes to signature', () => {
    const all = ['birth', 'residence', 'bhyt'];
    const first = nextProgress(birthGroup, all, []);
    expect(first.kind === 'handoff' && first.stage.steps.map((s) => s.unit)).toEqual(['tu-phap']);
    const fork = nextProgress(birthGroup, all, ['birth']);
    expect(fork.kind === 'handoff' && fork.stage.steps.map((s) => s.unit)).toEqual(['cong-an', 'bhxh']);
    const join = nextProgress(birthGroup, all, ['birth', 'bhyt']);
    expect(join.kind === 'wait' && join.pending.map((s) => s.key)).toEqual(['residence']);
    const sign = nextProgress(birthGroup, all, new Set(['birth', 'bhyt', 'residence']));
    expect(sign.kind === 'handoff' && sign.stage.key).toBe('s3');
    expect(nextProgress(birthGroup, all, ['birth', 'bhyt', 'residence', 'sign'])).toEqual({ kind: 'done' });
  });

  it('skips the steps of procedures the citizen did not choose', () => {
    const chosen = ['birth', 'bhyt'];
    expect(planStages(birthGroup, chosen).map((s) => s.steps.map((x) => x.key))).toEqual([['birth'], ['bhyt'], ['sign']]);
    const afterBhyt = nextProgress(birthGroup, chosen, ['birth', 'bhyt']);
    expect(afterBhyt.kind === 'handoff' && afterBhyt.stage.key).toBe('s3');
  });
});
