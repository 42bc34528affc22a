import {
  DossierEvents,
  type DossierEventType,
  formatVn,
  isDossierEvent,
  judgeTimeliness,
  type ProcedureDefinition,
  TIMELINESS_LABELS,
  toLocalDate,
  type TypedDossierEvent,
  UNIT_REGISTRY,
  type UnitKind,
} from '@motcua/domain';
import type { FormDocument, FormHeader, FormKey, SignatureBlock, TrackingBookRow } from '@motcua/documents';
import type {
  ApologyRow,
  CommuneEntity,
  DossierEntity,
  DossierEventEntity,
  HandoffEntity,
  OfficeEntity,
  ResultSignatureRow,
  SupplementRequestRow,
} from '@motcua/persistence';
import { buildReceiptSlip } from '../intake/receipt-slip';
import { PAPER_REASON_LABELS, type PaperReason } from '@motcua/workflow';

/** Everything the forms of one dossier print, loaded once. */
export interface DossierRecord {
  readonly dossier: DossierEntity;
  readonly procedure: ProcedureDefinition;
  readonly office: OfficeEntity;
  readonly commune: CommuneEntity;
  readonly handoffs: readonly HandoffEntity[];
  readonly events: readonly DossierEventEntity[];
  readonly supplements: readonly SupplementRequestRow[];
  readonly apology: ApologyRow | null;
  readonly signatures: readonly ResultSignatureRow[];
}

/** The form cannot be printed for this dossier yet (no supplement request, no apology…): 409. */
export class FormNotApplicable extends Error {}

const unitName = (u: string) => UNIT_REGISTRY[u as UnitKind]?.name ?? u;

/** "Thanh Bình, ngày 02 tháng 3 năm 2026". */
function placeAndDate(commune: CommuneEntity, at: Date): string {
  const [y, m, d] = toLocalDate(at).split('-');
  return `${commune.name.replace(/^(Xã|Phường|Đặc khu) /, '')}, ngày ${d} tháng ${Number(m)} năm ${y}`;
}

/** The heading of a form issued in `commune` at `at` by `issuer`. */
export function formHeader(commune: CommuneEntity, at: Date, issuer: string, number?: string): FormHeader {
  return { authority: `UBND ${commune.name.toUpperCase()}`, issuer: issuer.toUpperCase(), placeAndDate: placeAndDate(commune, at), ...(number ? { number } : {}) };
}

const sign = (title: string, name: string, note?: string): SignatureBlock => ({ title, name, ...(note ? { note } : {}) });

/** A stored event with its payload typed by the catalog. */
type EventOf<T extends DossierEventType> = DossierEventEntity & TypedDossierEvent<T>;

function lastEvent<T extends DossierEventType>(r: DossierRecord, type: T): EventOf<T> | undefined {
  for (let i = r.events.length - 1; i >= 0; i--) {
    const e = r.events[i];
    if (isDossierEvent(e, type)) return e;
  }
  return undefined;
}

/**
 * The two appointments every form quotes alike: the one the receipt slip printed (never moved)
 * and, when a supplement pause or an apology moved it, the current one.
 */
export function appointments(d: Pick<DossierEntity, 'appointmentAt' | 'dueAt'>): { original: string; current?: string } {
  const original = formatVn(d.appointmentAt);
  const current = formatVn(d.dueAt);
  return current === original ? { original } : { original, current };
}

function mau01(r: DossierRecord): FormDocument {
  const s = buildReceiptSlip(r.dossier, r.procedure, r.office, r.commune);
  return {
    form: 'mau-01',
    header: formHeader(r.commune, r.dossier.receivedAt, r.office.name, `Mã hồ sơ: ${r.dossier.code}`),
    dossierCode: s.dossierCode,
    applicantName: s.applicantName,
    applicantAddress: s.applicantAddress,
    ...(s.applicantPhone ? { applicantPhone: s.applicantPhone } : {}),
    ...(s.applicantEmail ? { applicantEmail: s.applicantEmail } : {}),
    procedureName: s.procedureName,
    components: s.components,
    setsCount: s.setsCount,
    receivedAtText: s.receivedAtText,
    appointmentText: appointments(r.dossier).original,
    ...(appointments(r.dossier).current ? { currentAppointmentText: appointments(r.dossier).current } : {}),
    resultDelivery: s.resultDelivery,
    fee: s.fee,
    trackingBook: s.trackingBook,
    lookupHint: s.lookupHint,
    signatures: [sign('NGƯỜI NỘP HỒ SƠ', r.dossier.applicantName), sign('NGƯỜI TIẾP NHẬN HỒ SƠ', r.dossier.receivedBy)],
  };
}

function mau02(r: DossierRecord): FormDocument {
  const req = r.supplements[r.supplements.length - 1];
  if (!req) throw new FormNotApplicable('Hồ sơ chưa có yêu cầu bổ sung.');
  return {
    form: 'mau-02',
    header: formHeader(r.commune, req.requestedAt, unitName(req.unitKind), `Số: ${req.number}/PYCBS`),
    dossierCode: r.dossier.code,
    applicantName: r.dossier.applicantName,
    applicantAddress: r.dossier.applicantAddress,
    procedureName: r.procedure.name,
    receivedAtText: formatVn(r.dossier.receivedAt),
    items: req.items,
    reason: req.reason,
    citizenDeadlineText: `Trước ${formatVn(req.citizenDueAt)}; quá thời hạn này mà không bổ sung, hồ sơ sẽ bị từ chối giải quyết.`,
    contact: `${r.office.name} – ${r.office.address}`,
    signatures: [sign('NGƯỜI HƯỚNG DẪN', req.requestedBy)],
  };
}

function mau03(r: DossierRecord): FormDocument {
  const e = lastEvent(r, DossierEvents.RejectedAfterAppraisal);
  if (!e || r.dossier.state !== 'rejected_after_appraisal') throw new FormNotApplicable('Hồ sơ không bị từ chối giải quyết.');
  const unit = e.payload.unit ?? r.procedure.leadUnit;
  return {
    form: 'mau-03',
    header: formHeader(r.commune, e.occurredAt, unitName(unit)),
    dossierCode: r.dossier.code,
    applicantName: r.dossier.applicantName,
    applicantAddress: r.dossier.applicantAddress,
    procedureName: r.procedure.name,
    receivedAtText: formatVn(r.dossier.receivedAt),
    reason: e.payload.reason,
    signatures: [sign('NGƯỜI LẬP PHIẾU', e.actor)],
  };
}

function mau04(r: DossierRecord): FormDocument {
  const a = r.apology;
  if (!a) throw new FormNotApplicable('Hồ sơ chưa có văn bản xin lỗi.');
  return {
    form: 'mau-04',
    header: formHeader(r.commune, a.issuedAt, `Ủy ban nhân dân ${r.commune.name.replace(/^Xã/, 'xã')}`),
    addressee: `Kính gửi: Ông/Bà ${r.dossier.applicantName}`,
    dossierCode: r.dossier.code,
    procedureName: r.procedure.name,
    receivedAtText: formatVn(r.dossier.receivedAt),
    originalDueText: appointments(r.dossier).original,
    reason: a.reason,
    newDueText: formatVn(a.newDueAt),
    signatures: [sign('TM. ỦY BAN NHÂN DÂN', a.issuedBy)],
    recipients: ['Như trên;', `${r.office.name};`, 'Lưu: VT.'],
  };
}

function mau05(r: DossierRecord): FormDocument {
  const e = lastEvent(r, DossierEvents.Withdrawn);
  if (!e || r.dossier.state !== 'withdrawn') throw new FormNotApplicable('Hồ sơ không dừng giải quyết theo đề nghị của công dân.');
  return {
    form: 'mau-05',
    header: formHeader(r.commune, e.occurredAt, r.office.name),
    addressee: `Kính gửi: Ông/Bà ${r.dossier.applicantName}`,
    dossierCode: r.dossier.code,
    procedureName: r.procedure.name,
    receivedAtText: formatVn(r.dossier.receivedAt),
    requestedAtText: formatVn(new Date(e.payload.requestedAt)),
    reason: e.payload.reason,
    signatures: [sign('NGƯỜI LẬP', e.actor)],
    recipients: ['Như trên;', 'Lưu: VT.'],
  };
}

/** Who completed each step and when: the giver of the next hand-off from that unit. */
function stepCompletions(r: DossierRecord): Map<string, EventOf<typeof DossierEvents.StepCompleted>> {
  const done = new Map<string, EventOf<typeof DossierEvents.StepCompleted>>();
  for (const e of r.events) if (isDossierEvent(e, DossierEvents.StepCompleted)) done.set(e.payload.stepKey, e);
  return done;
}

function mau06(r: DossierRecord): FormDocument {
  const done = stepCompletions(r);
  const rows = r.handoffs.map((h) => {
    const completed = done.get(h.stepKey);
    const outcome = completed && h.stepDueAt ? TIMELINESS_LABELS[judgeTimeliness(completed.occurredAt, h.stepDueAt)] : '';
    const reason = h.channel === 'paper' ? `Chuyển bản giấy: ${PAPER_REASON_LABELS[h.reason as PaperReason] ?? h.reason ?? ''}` : 'Chuyển điện tử';
    return {
      unitName: unitName(h.toUnit),
      giveText: `Giao: ${unitName(h.fromUnit)}`,
      receiveText: `Nhận: ${unitName(h.toUnit)}`,
      giver: h.sentBy,
      receiver: h.receivedBy ?? 'Chưa nhận',
      timeText: `Giao ${formatVn(h.sentAt)}${h.receivedAt ? `; nhận ${formatVn(h.receivedAt)}` : ''}`,
      stepDueText: h.stepDueAt ? formatVn(h.stepDueAt) : '',
      outcome: outcome as '' | 'Trước hạn' | 'Đúng hạn' | 'Quá hạn',
      note: completed ? `${reason}; hoàn thành ${formatVn(completed.occurredAt)}` : reason,
    };
  });
  return {
    form: 'mau-06',
    header: formHeader(r.commune, r.dossier.receivedAt, r.office.name),
    dossierCode: r.dossier.code,
    applicantName: r.dossier.applicantName,
    applicantAddress: r.dossier.applicantAddress,
    procedureName: r.procedure.name,
    receivedAtText: formatVn(r.dossier.receivedAt),
    dueText: appointments(r.dossier).original,
    ...(appointments(r.dossier).current ? { currentDueText: appointments(r.dossier).current } : {}),
    handlingUnit: unitName(r.procedure.leadUnit),
    rows,
  };
}

/** The form of a dossier (Mẫu 01–06); Mẫu 07 covers a period, see {@link trackingBookRow}. */
export function buildDossierForm(key: Exclude<FormKey, 'mau-07'>, r: DossierRecord): FormDocument {
  switch (key) {
    case 'mau-01':
      return mau01(r);
    case 'mau-02':
      return mau02(r);
    case 'mau-03':
      return mau03(r);
    case 'mau-04':
      return mau04(r);
    case 'mau-05':
      return mau05(r);
    case 'mau-06':
      return mau06(r);
  }
}

/** One line of the tracking book (Mẫu 07) from a dossier and its hand-offs. */
export function trackingBookRow(no: number, d: DossierEntity, procedureName: string, leadUnit: string, handoffs: readonly HandoffEntity[]): TrackingBookRow {
  const first = handoffs[0];
  const back = handoffs.find((h) => h.toUnit === 'van-phong' && h.receivedAt);
  const moved = appointments(d).current;
  const notes = [moved ? `Hẹn lại: ${moved}` : '', d.overdueAt ? 'Quá hạn' : '', d.closingReason ? `Dừng/từ chối: ${d.closingReason}` : ''].filter(Boolean);
  return {
    no,
    dossierCode: d.code,
    procedureName,
    setsCount: d.setsCount,
    applicantName: d.applicantName,
    address: d.applicantAddress,
    handlingUnit: unitName(leadUnit),
    receivedText: formatVn(d.receivedAt),
    appointmentText: appointments(d).original,
    transferredText: first ? formatVn(first.sentAt) : '',
    resultReceivedText: d.resolvedAt ? formatVn(d.resolvedAt) : back?.receivedAt ? formatVn(back.receivedAt) : '',
    returnedText: d.returnedAt ? formatVn(d.returnedAt) : '',
    note: notes.join('; '),
  };
}

