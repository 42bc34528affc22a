/**
 * The printable forms of Circular 03/2025/TT-VPCP, Annex I (Biểu mẫu), as plain data. Every text
 * arrives already formatted (dates in Vietnamese, unit names resolved); the renderers only lay it
 * out, as HTML ready to print and as PDF.
 */

/** The heading every form shares: the issuing authority, the motto, place and date. */
export interface FormHeader {
  /** e.g. "UBND XÃ PHÚ THỊNH" (upper line, left). */
  readonly authority: string;
  /** e.g. "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" or the unit's name (second line, left, bold). */
  readonly issuer: string;
  /** Document number, e.g. "Số: 12/PYCBS"; absent when the form has none. */
  readonly number?: string;
  /** e.g. "Phú Thịnh, ngày 02 tháng 3 năm 2026". */
  readonly placeAndDate: string;
}

/** One document of the dossier with how many originals / copies (bản chính / bản sao). */
export interface ComponentLine {
  readonly name: string;
  readonly originals: number;
  readonly copies: number;
  readonly note?: string;
}

/** A signature block: the role line (e.g. "NGƯỜI TIẾP NHẬN"), the name, optionally a digital-signature note. */
export interface SignatureBlock {
  readonly title: string;
  readonly name: string;
  /** e.g. "Đã ký số lúc 10 giờ 05 phút, ngày 04/03/2026 (khoá 3f2a…)". */
  readonly note?: string;
}

/** Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả. */
export interface ReceiptForm {
  readonly form: 'mau-01';
  readonly header: FormHeader;
  readonly dossierCode: string;
  readonly applicantName: string;
  readonly applicantAddress: string;
  readonly applicantPhone?: string;
  readonly applicantEmail?: string;
  readonly procedureName: string;
  readonly components: readonly ComponentLine[];
  readonly setsCount: number;
  readonly receivedAtText: string;
  /** The appointment as the slip printed it at intake (a reprint quotes the same). */
  readonly appointmentText: string;
  /** The appointment now, when a supplement pause or an apology moved it. */
  readonly currentAppointmentText?: string;
  readonly resultDelivery: string;
  readonly fee: string;
  /** "Vào Sổ theo dõi hồ sơ, Quyển số 2026, Số thứ tự 15". */
  readonly trackingBook: string;
  readonly lookupHint: string;
  readonly signatures: readonly SignatureBlock[];
}

/** Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ. */
export interface SupplementRequestForm {
  readonly form: 'mau-02';
  readonly header: FormHeader;
  readonly dossierCode: string;
  readonly applicantName: string;
  readonly applicantAddress: string;
  readonly procedureName: string;
  readonly receivedAtText: string;
  /** What to add or complete, one line each. */
  readonly items: readonly ComponentLine[];
  readonly reason: string;
  /** e.g. "Trong thời hạn 7 ngày làm việc, trước 17 giờ 00 phút ngày 12/03/2026". */
  readonly citizenDeadlineText: string;
  /** Where the citizen hands the supplement in and whom to ask. */
  readonly contact: string;
  readonly signatures: readonly SignatureBlock[];
}

/** Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ (also used after appraisal). */
export interface RefusalForm {
  readonly form: 'mau-03';
  readonly header: FormHeader;
  readonly dossierCode: string;
  readonly applicantName: string;
  readonly applicantAddress: string;
  readonly procedureName: string;
  readonly receivedAtText: string;
  readonly reason: string;
  readonly signatures: readonly SignatureBlock[];
}

/** Mẫu 04 — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết. */
export interface ApologyForm {
  readonly form: 'mau-04';
  readonly header: FormHeader;
  /** "Kính gửi: Ông/Bà Nguyễn Văn A". */
  readonly addressee: string;
  readonly dossierCode: string;
  readonly procedureName: string;
  readonly receivedAtText: string;
  readonly originalDueText: string;
  readonly reason: string;
  readonly newDueText: string;
  readonly signatures: readonly SignatureBlock[];
  /** "Nơi nhận" lines, e.g. ["Như trên;", "Trung tâm Phục vụ hành chính công xã;", "Lưu: VT."]. */
  readonly recipients: readonly string[];
}

/** Mẫu 05 — Thông báo dừng giải quyết hồ sơ. */
export interface StopNoticeForm {
  readonly form: 'mau-05';
  readonly header: FormHeader;
  readonly addressee: string;
  readonly dossierCode: string;
  readonly procedureName: string;
  readonly receivedAtText: string;
  readonly requestedAtText: string;
  readonly reason: string;
  readonly signatures: readonly SignatureBlock[];
  readonly recipients: readonly string[];
}

/** Early / on time / late, as printed in the last column of the control sheet. */
export type StepOutcomeText = 'Trước hạn' | 'Đúng hạn' | 'Quá hạn' | '';

/** One hand-off of the control sheet: giver, receiver, time, the step's due date and outcome. */
export interface ControlSheetRow {
  /** Receiving unit's name (TÊN CƠ QUAN). */
  readonly unitName: string;
  /** "Giao: Bộ phận Một cửa" */
  readonly giveText: string;
  /** "Nhận: Tư pháp – Hộ tịch" */
  readonly receiveText: string;
  readonly giver: string;
  readonly receiver: string;
  /** "09 giờ 30 phút, ngày 02/03/2026". */
  readonly timeText: string;
  readonly stepDueText: string;
  readonly outcome: StepOutcomeText;
  /** Paper hand-off reason, notes. */
  readonly note: string;
}

/** Mẫu 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ. */
export interface ControlSheetForm {
  readonly form: 'mau-06';
  readonly header: FormHeader;
  readonly dossierCode: string;
  readonly applicantName: string;
  readonly applicantAddress: string;
  readonly procedureName: string;
  readonly receivedAtText: string;
  /** The appointment on the receipt slip. */
  readonly dueText: string;
  /** The appointment now, when a supplement pause or an apology moved it. */
  readonly currentDueText?: string;
  readonly handlingUnit: string;
  readonly rows: readonly ControlSheetRow[];
}

/** One line of the tracking book. */
export interface TrackingBookRow {
  readonly no: number;
  readonly dossierCode: string;
  readonly procedureName: string;
  readonly setsCount: number;
  readonly applicantName: string;
  readonly address: string;
  readonly handlingUnit: string;
  readonly receivedText: string;
  /** The appointment on the receipt slip; a moved one is in the note. */
  readonly appointmentText: string;
  readonly transferredText: string;
  readonly resultReceivedText: string;
  readonly returnedText: string;
  readonly note: string;
}

/** Mẫu 07 — Sổ theo dõi hồ sơ, for one office and one period. */
export interface TrackingBookForm {
  readonly form: 'mau-07';
  readonly header: FormHeader;
  readonly officeName: string;
  /** "Từ ngày 01/03/2026 đến ngày 31/03/2026". */
  readonly periodText: string;
  readonly rows: readonly TrackingBookRow[];
}

export type FormDocument =
  | ReceiptForm
  | SupplementRequestForm
  | RefusalForm
  | ApologyForm
  | StopNoticeForm
  | ControlSheetForm
  | TrackingBookForm;

export type FormKey = FormDocument['form'];

export const FORM_KEYS: readonly FormKey[] = ['mau-01', 'mau-02', 'mau-03', 'mau-04', 'mau-05', 'mau-06', 'mau-07'];

/** The official titles, upper case as printed. */
export const FORM_TITLES: Readonly<Record<FormKey, string>> = {
  'mau-01': 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
  'mau-02': 'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
  'mau-03': 'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ',
  'mau-04': 'VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT',
  'mau-05': 'THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ',
  'mau-06': 'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ',
  'mau-07': 'SỔ THEO DÕI HỒ SƠ',
};
