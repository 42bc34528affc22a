import { portalTime } from './portal-payload';

describe('portal timestamps', () => {
  it('are yyyyMMddHHmmss in Vietnam time, seconds truncated', () => {
    expect(portalTime(new Date('2026-11-29T04:51:02.505Z'))).toBe('20261129115102');
    expect(portalTime(new Date('2026-12-31T17:00:59.999Z'))).toBe('20270101000059');
  });
});
