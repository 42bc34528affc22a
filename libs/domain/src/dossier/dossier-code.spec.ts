import { DomainValidationError } from '../errors';
import { formatDossierCode, parseDossierCode } from './dossier-code';

describe('dossier code (decision 8)', () => {
  it('is <office>-YYMMDD-NNNN with the day sequence zero-padded', () => {
    expect(formatDossierCode('H26.01.01', '2026-03-02', 7)).toBe('H26.01.01-260302-0007');
  });

  it('widens past 9999 instead of wrapping', () => {
    expect(formatDossierCode('H26.01.01', '2026-03-02', 10000)).toBe('H26.01.01-260302-10000');
    expect(parseDossierCode('H26.01.01-260302-10000')).toEqual({ officeCode: 'H26.01.01', yymmdd: '260302', sequence: 10000 });
  });

  it('refuses a bad office code, date or sequence', () => {
    expect(() => formatDossierCode('H26 01', '2026-03-02', 1)).toThrow(DomainValidationError);
    expect(() => formatDossierCode('H26', '2026-3-2', 1)).toThrow(DomainValidationError);
    expect(() => formatDossierCode('H26', '2026-03-02', 0)).toThrow(DomainValidationError);
  });

  it('parses only well-formed codes', () => {
    expect(parseDossierCode('H26-2603-0001')).toBeUndefined();
  });
});
