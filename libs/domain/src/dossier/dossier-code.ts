import { DomainValidationError } from '../errors';

/**
 * Mã hồ sơ (DOMAIN.md decision 8): `<receiving office code>-YYMMDD-NNNN`, NNNN the day's sequence
 * at that office, zero-padded to four digits and widened past 9999 (never wrapped).
 * `localDate` is the receipt date in Vietnam time, `YYYY-MM-DD`.
 */
export function formatDossierCode(officeCode: string, localDate: string, sequence: number): string {
  if (!/^[A-Za-z0-9.]+$/.test(officeCode)) {
    throw new DomainValidationError('OFFICE_CODE', 'Mã cơ quan tiếp nhận không hợp lệ.', 'officeCode');
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(localDate);
  if (!m) throw new DomainValidationError('DATE', 'Ngày tiếp nhận không hợp lệ.', 'receivedAt');
  if (!Number.isInteger(sequence) || sequence < 1) {
    throw new DomainValidationError('SEQUENCE', 'Số thứ tự hồ sơ phải là số nguyên dương.', 'sequence');
  }
  return `${officeCode}-${m[1].slice(2)}${m[2]}${m[3]}-${String(sequence).padStart(4, '0')}`;
}

/** Parses a dossier code; undefined when it does not have the format. */
export function parseDossierCode(code: string): { officeCode: string; yymmdd: string; sequence: number } | undefined {
  const m = /^([A-Za-z0-9.]+)-(\d{6})-(\d{4,})$/.exec(code);
  if (!m) return undefined;
  return { officeCode: m[1], yymmdd: m[2], sequence: Number(m[3]) };
}
