import { reportingSpan, reportingSpanTitle } from './reporting-period';
import { buildPeriodicReport, ZERO_COUNTS } from './periodic-report';

const span = (...a: Parameters<typeof reportingSpan>) => {
  const s = reportingSpan(...a);
  return [s.firstDay, s.lastDay, s.from.toISOString(), s.to.toISOString()];
};

describe('reporting periods (DOMAIN.md decision 11), Vietnam local midnights', () => {
  it('cuts calendar periods', () => {
    expect(span('month', 2026, 3, 'calendar')).toEqual(['2026-03-01', '2026-03-31', '2026-02-28T17:00:00.000Z', '2026-03-31T17:00:00.000Z']);
    expect(span('month', 2026, 12, 'calendar').slice(0, 2)).toEqual(['2026-12-01', '2026-12-31']);
    expect(span('quarter', 2026, 2, 'calendar').slice(0, 2)).toEqual(['2026-04-01', '2026-06-30']);
    expect(span('half', 2026, 2, 'calendar').slice(0, 2)).toEqual(['2026-07-01', '2026-12-31']);
    expect(span('nine-months', 2026, 1, 'calendar').slice(0, 2)).toEqual(['2026-01-01', '2026-09-30']);
    expect(span('year', 2028, 1, 'calendar').slice(0, 2)).toEqual(['2028-01-01', '2028-12-31']);
  });

  it('cuts 15th-to-14th windows, the year before for January', () => {
    expect(span('month', 2026, 3, '15-14')).toEqual(['2026-02-15', '2026-03-14', '2026-02-14T17:00:00.000Z', '2026-03-14T17:00:00.000Z']);
    expect(span('month', 2026, 1, '15-14').slice(0, 2)).toEqual(['2025-12-15', '2026-01-14']);
    expect(span('quarter', 2026, 1, '15-14').slice(0, 2)).toEqual(['2025-12-15', '2026-03-14']);
    expect(span('half', 2026, 2, '15-14').slice(0, 2)).toEqual(['2026-06-15', '2026-12-14']);
    expect(span('year', 2026, 1, '15-14').slice(0, 2)).toEqual(['2025-12-15', '2026-12-14']);
  });

  it('tiles the year: each month starts where the one before ended', () => {
    for (const w of ['calendar', '15-14'] as const) {
      for (let m = 2; m <= 12; m++) expect(reportingSpan('month', 2026, m, w).from).toEqual(reportingSpan('month', 2026, m - 1, w).to);
      expect(reportingSpan('year', 2026, 1, w).to).toEqual(reportingSpan('month', 2026, 12, w).to);
    }
  });

  it('refuses an index out of range, naming it', () => {
    expect(() => reportingSpan('quarter', 2026, 5, 'calendar')).toThrow(expect.objectContaining({ field: 'index' }));
    expect(() => reportingSpan('year', 2026, 2, 'calendar')).toThrow(/từ 1 đến 1/);
  });

  it('titles the period', () => {
    expect(reportingSpanTitle(reportingSpan('quarter', 2026, 1, '15-14'))).toBe('Quý I năm 2026 (từ ngày 15/12/2025 đến ngày 14/03/2026)');
  });
});

describe('the periodic report body', () => {
  const p = (code: string, field: string, c: Partial<typeof ZERO_COUNTS>) => ({ ...ZERO_COUNTS, ...c, procedureCode: code, procedureName: code, fieldCode: field, fieldName: field });

  it('adds fields up from procedures and checks the identity', () => {
    const a = p('a', 'Hộ tịch', { received: 2, receivedOnline: 1, carriedOver: 1, resolved: 1, resolvedLate: 1, inProcess: 1, inProcessOverdue: 1 });
    const b = p('b', 'Chứng thực', { received: 1, receivedInPersonOrPost: 1, withdrawn: 1 });
    const total = { ...ZERO_COUNTS, received: 3, receivedOnline: 1, receivedInPersonOrPost: 1, carriedOver: 1, resolved: 1, resolvedLate: 1, inProcess: 1, inProcessOverdue: 1, withdrawn: 1 };
    const r = buildPeriodicReport([a, b], total);
    expect(r.rows.map((x) => [x.no, x.name, x.received])).toEqual([['1', 'Chứng thực', 1], ['1.1', 'b', 1], ['2', 'Hộ tịch', 2], ['2.1', 'a', 2]]);
    expect(r.identity.holds).toBe(true);
    // Counted as handled on time instead: column 7 and 9 take the withdrawn dossier.
    const onTime = buildPeriodicReport([a, b], total, 'resolved-on-time');
    expect(onTime.total).toMatchObject({ resolved: 2, resolvedOnTime: 1, withdrawn: 0 });
    expect(onTime.identity.holds).toBe(true);
  });

  it('reports every broken equation, and a total that is not the sum of its rows', () => {
    const bad = p('a', 'Hộ tịch', { received: 2, receivedOnline: 2, resolved: 1, resolvedEarly: 1 });
    const r = buildPeriodicReport([bad], { ...ZERO_COUNTS, received: 3, receivedOnline: 3, resolved: 1, resolvedEarly: 1, inProcess: 2, inProcessWithinDeadline: 2 });
    expect(r.identity.holds).toBe(false);
    expect(r.identity.failures.map((f) => f.row)).toEqual(expect.arrayContaining(['1', '1.1', 'total']));
  });
});
