import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { COUNT_KEYS, PERIODIC_REPORT_COLUMNS, type PeriodicReportCounts, type PeriodicReportRow, type ReportIdentity } from '@motcua/domain';

/** What an export prints: the report as the API answers it in JSON. */
export interface PeriodicReportView {
  readonly communeName: string;
  readonly periodTitle: string;
  readonly rows: readonly PeriodicReportRow[];
  readonly total: PeriodicReportCounts;
  readonly identity: ReportIdentity;
}

export const REPORT_TITLE = 'TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH';
export const TOTAL_LABEL = 'Tổng cộng';

/** The line that marks the report: balanced, or not (with the first broken equations). */
export function identityLine(identity: ReportIdentity): string {
  if (identity.holds) return `Kiểm tra cân đối: đạt — ${identity.rule}`;
  const first = identity.failures.slice(0, 3).map((f) => `dòng ${f.row}: ${f.rule} (${f.left} ≠ ${f.right})`);
  return `CẢNH BÁO: SỐ LIỆU KHÔNG CÂN ĐỐI, chưa được gửi báo cáo — ${first.join('; ')}`;
}

/** Each row of the table as cells, the total last: TT, name, then the counts of columns 3–15. */
function tableRows(v: PeriodicReportView): (string | number)[][] {
  const counts = (c: PeriodicReportCounts) => COUNT_KEYS.map((k) => c[k]);
  return [...v.rows.map((r) => [r.no, r.name, ...counts(r)]), ['', TOTAL_LABEL, ...counts(v.total)]];
}

/** Row numbers of the sheet: the header block starts at row {@link XLSX_HEADER_ROW}. */
export const XLSX_HEADER_ROW = 6;

/**
 * Writes the report as an XLSX workbook straight to `out` with exceljs's streaming writer: rows
 * are committed as they are written, so memory stays flat whatever the number of procedures.
 * Layout: rows 1–4 the title block, row 5 the identity check, rows 6–7 the two-level headers
 * (merged groups), row 8 the column numbers (1)…(15), then the rows and the total.
 */
export async function writeXlsx(out: Writable, v: PeriodicReportView): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'MotCua';
  const ws = wb.addWorksheet('Bieu 06', { views: [{ state: 'frozen', ySplit: XLSX_HEADER_ROW + 2 }] });
  ws.columns = PERIODIC_REPORT_COLUMNS.map((c, i) => ({ key: c.no, width: i === 1 ? 48 : i === 0 ? 6 : 12 }));
  const last = PERIODIC_REPORT_COLUMNS.length;
  const bold = { bold: true } as const;
  const title = (text: string, font: Partial<ExcelJS.Font> = {}) => {
    const row = ws.addRow([text]);
    ws.mergeCells(row.number, 1, row.number, last);
    row.getCell(1).font = font;
    row.getCell(1).alignment = { horizontal: 'center' };
    row.commit();
  };
  title(v.communeName.toUpperCase(), bold);
  title(REPORT_TITLE, { bold: true, size: 13 });
  title(v.periodTitle, { italic: true });
  title('Đơn vị tính: Số hồ sơ');
  title(identityLine(v.identity), v.identity.holds ? {} : { bold: true, color: { argb: 'FFC00000' } });

  const groups = ws.addRow(PERIODIC_REPORT_COLUMNS.map((c) => c.group || c.header));
  const headers = ws.addRow(PERIODIC_REPORT_COLUMNS.map((c) => (c.group ? c.header : '')));
  // TT and the name span both header rows; each group spans its columns.
  ws.mergeCells(groups.number, 1, headers.number, 1);
  ws.mergeCells(groups.number, 2, headers.number, 2);
  const spans = new Map<string, [number, number]>();
  PERIODIC_REPORT_COLUMNS.forEach((c, i) => {
    if (!c.group) return;
    const s = spans.get(c.group);
    spans.set(c.group, s ? [s[0], i + 1] : [i + 1, i + 1]);
  });
  for (const [a, b] of spans.values()) if (b > a) ws.mergeCells(groups.number, a, groups.number, b);
  for (const r of [groups, headers]) {
    r.font = bold;
    r.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    r.commit();
  }
  const numbers = ws.addRow(PERIODIC_REPORT_COLUMNS.map((c) => `(${c.no})`));
  numbers.alignment = { horizontal: 'center' };
  numbers.font = { italic: true };
  numbers.commit();
  const body = tableRows(v);
  body.forEach((cells, i) => {
    const row = ws.addRow(cells);
    const isField = i < v.rows.length ? v.rows[i].level === 'field' : true;
    if (isField) row.font = bold;
    row.commit();
  });
  ws.commit();
  await wb.commit();
}

/** A CSV field: quoted when it holds a comma, a quote or a line break. */
function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The report as CSV for Excel: a UTF-8 byte-order mark (without it Excel reads the diacritics as
 * Windows-1258), CRLF line ends; three lines of title, period and identity check, a blank line,
 * then the table with one header line ("group – header") and the total last.
 */
export function toCsv(v: PeriodicReportView): string {
  const header = PERIODIC_REPORT_COLUMNS.map((c) => (c.group ? `${c.group} – ${c.header}` : c.header));
  const lines = [[`${REPORT_TITLE} — ${v.communeName}`], [v.periodTitle], [identityLine(v.identity)], [], header, ...tableRows(v)];
  return `\uFEFF${lines.map((l) => l.map(csvField).join(',')).join('\r\n')}\r\n`;
}
