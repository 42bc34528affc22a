/**
 * Biểu "Tình hình, kết quả giải quyết TTHC" — the periodic report of how the commune handled its
 * dossiers, in the 13-column layout of Circular 01/2020 (portal-and-reports.md §2.2). Pure: the
 * persistence layer counts, this module adds up and checks.
 *
 * What each column counts, over the dossiers the commune decides (the "agency that directly
 * handles" them, Biểu 06: a dossier received at another commune's office counts here, not there):
 * - 4 / 5 new: received (DossierReceived) inside the period, online / at the desk or by post;
 * - 6 carried over: received before the period and not closed before it began;
 * - 3 = 4 + 5 + 6;
 * - 7–10 resolved: the result reached the desk (ResultReady, portal status 9 "Đã xử lý xong")
 *   inside the period, judged early / on time / late by calendar day against the original due
 *   date (DOMAIN.md decisions 5 and 6: an apology does not move it; the citizen's supplement time
 *   does);
 * - 11–13 in process: not closed at the end of the period; overdue when the original due date
 *   passed before the end; a dossier paused for a supplement at the end is within its deadline
 *   unless it was already overdue when it was paused (its clock is stopped).
 *
 * Rows split out (DOMAIN.md decision 11: "+ withdrawn / stopped when split out"): dossiers closed
 * without a result inside the period — withdrawn at the citizen's request (Mẫu 05) and rejected
 * after appraisal (Mẫu 03, also the automatic rejection past the supplement deadline). MotCua
 * splits them out by default, in two columns after the official 13, because they are neither
 * "resolved" (no result) nor "in process". A province whose form counts them as handled (the
 * Thanh Hóa software groups "Trả lại/Xin rút" with on time, §2.3) reports with
 * `closedWithoutResult: 'resolved-on-time'`: they are then added to columns 7 and 9.
 * Dossiers refused at reception (Mẫu 03 at the desk) or submitted online and never accepted were
 * never received and count nowhere.
 *
 * Identity checked on every report, every row: 3 = 7 + 11 + split out; 3 = 4 + 5 + 6;
 * 7 = 8 + 9 + 10; 11 = 12 + 13; and the totals equal the sums of their rows.
 */
export interface PeriodicReportCounts {
  /** 3 */ readonly received: number;
  /** 4 */ readonly receivedOnline: number;
  /** 5 */ readonly receivedInPersonOrPost: number;
  /** 6 */ readonly carriedOver: number;
  /** 7 */ readonly resolved: number;
  /** 8 */ readonly resolvedEarly: number;
  /** 9 */ readonly resolvedOnTime: number;
  /** 10 */ readonly resolvedLate: number;
  /** 11 */ readonly inProcess: number;
  /** 12 */ readonly inProcessWithinDeadline: number;
  /** 13 */ readonly inProcessOverdue: number;
  /** Split out: withdrawn at the citizen's request in the period. */
  readonly withdrawn: number;
  /** Split out: rejected after appraisal (or past the supplement deadline) in the period. */
  readonly rejected: number;
}

export const COUNT_KEYS = [
  'received',
  'receivedOnline',
  'receivedInPersonOrPost',
  'carriedOver',
  'resolved',
  'resolvedEarly',
  'resolvedOnTime',
  'resolvedLate',
  'inProcess',
  'inProcessWithinDeadline',
  'inProcessOverdue',
  'withdrawn',
  'rejected',
] as const satisfies readonly (keyof PeriodicReportCounts)[];

/** Every count zero: the report of a period with no dossier. */
export const ZERO_COUNTS: PeriodicReportCounts = Object.freeze(Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as unknown as PeriodicReportCounts);

/** How dossiers closed without a result are reported (see the module comment). */
export type ClosedWithoutResultRule = 'split-out' | 'resolved-on-time';

/** The column headers, numbered as the form numbers them; the last two are MotCua's split-out columns. */
export const PERIODIC_REPORT_COLUMNS: readonly { readonly no: string; readonly group: string; readonly header: string; readonly key?: keyof PeriodicReportCounts }[] = [
  { no: '1', group: '', header: 'TT' },
  { no: '2', group: '', header: 'Lĩnh vực, công việc giải quyết theo cấp' },
  { no: '3', group: 'Số hồ sơ nhận giải quyết', header: 'Tổng số', key: 'received' },
  { no: '4', group: 'Số hồ sơ nhận giải quyết', header: 'Trong kỳ: Trực tuyến', key: 'receivedOnline' },
  { no: '5', group: 'Số hồ sơ nhận giải quyết', header: 'Trong kỳ: Trực tiếp, dịch vụ bưu chính', key: 'receivedInPersonOrPost' },
  { no: '6', group: 'Số hồ sơ nhận giải quyết', header: 'Từ kỳ trước', key: 'carriedOver' },
  { no: '7', group: 'Số lượng hồ sơ đã giải quyết', header: 'Tổng số', key: 'resolved' },
  { no: '8', group: 'Số lượng hồ sơ đã giải quyết', header: 'Trước hạn', key: 'resolvedEarly' },
  { no: '9', group: 'Số lượng hồ sơ đã giải quyết', header: 'Đúng hạn', key: 'resolvedOnTime' },
  { no: '10', group: 'Số lượng hồ sơ đã giải quyết', header: 'Quá hạn', key: 'resolvedLate' },
  { no: '11', group: 'Số lượng hồ sơ đang giải quyết', header: 'Tổng số', key: 'inProcess' },
  { no: '12', group: 'Số lượng hồ sơ đang giải quyết', header: 'Trong hạn', key: 'inProcessWithinDeadline' },
  { no: '13', group: 'Số lượng hồ sơ đang giải quyết', header: 'Quá hạn', key: 'inProcessOverdue' },
  { no: '14', group: 'Tách riêng (ngoài biểu)', header: 'Công dân rút hồ sơ', key: 'withdrawn' },
  { no: '15', group: 'Tách riêng (ngoài biểu)', header: 'Dừng xử lý, trả lại hồ sơ', key: 'rejected' },
];

/** One procedure's counts, as the repository returns them. */
export interface ProcedureCounts extends PeriodicReportCounts {
  readonly procedureCode: string;
  readonly procedureName: string;
  readonly fieldCode: string;
  readonly fieldName: string;
}

/** A row of the report: a field's subtotal (level 1) or one of its procedures (level 2). */
export interface PeriodicReportRow extends PeriodicReportCounts {
  /** "1", "2"… for fields; "1.1", "1.2"… for their procedures. */
  readonly no: string;
  readonly level: 'field' | 'procedure';
  readonly code: string;
  readonly name: string;
}

/** One broken equation of the identity, for the report's `identity.failures`. */
export interface IdentityFailure {
  /** The row's number, or "total". */
  readonly row: string;
  readonly rule: string;
  readonly left: number;
  readonly right: number;
}

export interface ReportIdentity {
  readonly holds: boolean;
  readonly rule: string;
  readonly failures: readonly IdentityFailure[];
}

export const IDENTITY_RULE = '(3) = (7) + (11) + rút + dừng xử lý; (3) = (4) + (5) + (6); (7) = (8) + (9) + (10); (11) = (12) + (13); tổng = cộng các dòng';

const zero = (): Record<keyof PeriodicReportCounts, number> =>
  Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as Record<keyof PeriodicReportCounts, number>;

function add(into: Record<keyof PeriodicReportCounts, number>, c: PeriodicReportCounts): void {
  for (const k of COUNT_KEYS) into[k] += c[k];
}

/** `c` with closed-without-result dossiers moved under the rule. */
function applyRule(c: PeriodicReportCounts, rule: ClosedWithoutResultRule): PeriodicReportCounts {
  if (rule === 'split-out') return c;
  const moved = c.withdrawn + c.rejected;
  return { ...c, resolved: c.resolved + moved, resolvedOnTime: c.resolvedOnTime + moved, withdrawn: 0, rejected: 0 };
}

function check(row: string, c: PeriodicReportCounts, failures: IdentityFailure[]): void {
  const eq = (rule: string, left: number, right: number) => {
    if (left !== right) failures.push({ row, rule, left, right });
  };
  eq('(3) = (7) + (11) + rút + dừng xử lý', c.received, c.resolved + c.inProcess + c.withdrawn + c.rejected);
  eq('(3) = (4) + (5) + (6)', c.received, c.receivedOnline + c.receivedInPersonOrPost + c.carriedOver);
  eq('(7) = (8) + (9) + (10)', c.resolved, c.resolvedEarly + c.resolvedOnTime + c.resolvedLate);
  eq('(11) = (12) + (13)', c.inProcess, c.inProcessWithinDeadline + c.inProcessOverdue);
}

/** The report's rows (fields by name, each followed by its procedures by name), total and identity. */
export interface PeriodicReportBody {
  readonly rows: readonly PeriodicReportRow[];
  readonly total: PeriodicReportCounts;
  readonly identity: ReportIdentity;
}

/**
 * Builds the rows from per-procedure counts: one subtotal row per field, its procedures under it,
 * and the grand total; then checks the identity on every row. `reportedTotal` is the total the
 * repository counted on its own (over dossiers, not rows): the identity also demands it equal the
 * sum of the rows, so a dossier lost between procedures would show.
 */
export function buildPeriodicReport(
  procedures: readonly ProcedureCounts[],
  reportedTotal: PeriodicReportCounts,
  rule: ClosedWithoutResultRule = 'split-out',
): PeriodicReportBody {
  const byField = new Map<string, { name: string; items: ProcedureCounts[] }>();
  for (const p of procedures) {
    const f = byField.get(p.fieldCode) ?? { name: p.fieldName, items: [] };
    f.items.push(p);
    byField.set(p.fieldCode, f);
  }
  const collator = new Intl.Collator('vi');
  const fields = [...byField.entries()].sort((a, b) => collator.compare(a[1].name, b[1].name));
  const rows: PeriodicReportRow[] = [];
  const failures: IdentityFailure[] = [];
  const sum = zero();
  fields.forEach(([code, f], i) => {
    const subtotal = zero();
    const items = f.items.sort((a, b) => collator.compare(a.procedureName, b.procedureName)).map((p) => applyRule(p, rule));
    for (const p of items) add(subtotal, p);
    add(sum, subtotal);
    rows.push({ no: String(i + 1), level: 'field', code, name: f.name, ...subtotal });
    items.forEach((p, j) => {
      const c = Object.fromEntries(COUNT_KEYS.map((k) => [k, p[k]])) as unknown as PeriodicReportCounts;
      rows.push({ no: `${i + 1}.${j + 1}`, level: 'procedure', code: f.items[j].procedureCode, name: f.items[j].procedureName, ...c });
    });
  });
  for (const r of rows) check(r.no, r, failures);
  const total = applyRule(reportedTotal, rule);
  check('total', total, failures);
  for (const k of COUNT_KEYS) if (total[k] !== sum[k]) failures.push({ row: 'total', rule: `tổng (${k}) = cộng các lĩnh vực`, left: total[k], right: sum[k] });
  return { rows, total, identity: { holds: failures.length === 0, rule: IDENTITY_RULE, failures } };
}
