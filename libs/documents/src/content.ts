/**
 * What each form says, independent of the output format: the heading, the title and the body as a
 * list of blocks (paragraphs, tables, signatures). The HTML and PDF renderers only lay these blocks
 * out, so both outputs always carry the same Vietnamese text.
 */
import {
  FORM_TITLES,
  type ApologyForm,
  type ComponentLine,
  type ControlSheetForm,
  type ControlSheetRow,
  type FormDocument,
  type FormHeader,
  type ReceiptForm,
  type RefusalForm,
  type SignatureBlock,
  type StopNoticeForm,
  type SupplementRequestForm,
  type TrackingBookForm,
  type TrackingBookRow,
} from './model';

/** The national name, upper right of every form. */
export const NATION = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
/** The motto under the national name. */
export const MOTTO = 'Độc lập - Tự do - Hạnh phúc';
/** Heading of the recipients list (Nơi nhận) of the letters. */
export const RECIPIENTS_TITLE = 'Nơi nhận:';

/** A piece of text with its emphasis. */
export interface Run {
  readonly text: string;
  readonly bold?: boolean;
  readonly italic?: boolean;
}

/** A paragraph made of runs; justified unless centered. */
export interface ParagraphBlock {
  readonly kind: 'paragraph';
  readonly runs: readonly Run[];
  readonly center?: boolean;
}

/** A table column: its header and its width in percent of the line. */
export interface TableColumn {
  readonly header: string;
  readonly width: number;
  readonly center?: boolean;
}

/** A ruled table with one header row (repeated on every page); "\n" in a cell breaks the line. */
export interface TableBlock {
  readonly kind: 'table';
  readonly columns: readonly TableColumn[];
  readonly rows: readonly (readonly string[])[];
  /** In points. */
  readonly fontSize: number;
}

/** The signatures side by side; `recipients` (possibly empty) takes the first, left column. */
export interface SignaturesBlock {
  readonly kind: 'signatures';
  /** "Nơi nhận" lines, already prefixed with "- ". */
  readonly recipients?: readonly string[];
  readonly signatures: readonly SignatureBlock[];
}

/** One element of a form's body. */
export type Block = ParagraphBlock | TableBlock | SignaturesBlock;

/** A form ready to lay out. */
export interface FormContent {
  /** "Mẫu 01" … "Mẫu 07", printed top right. */
  readonly label: string;
  readonly title: string;
  /** The dossier code, or the period of the tracking book. */
  readonly reference: string;
  /** Only the tracking book (Mẫu 07) is printed in landscape. */
  readonly landscape: boolean;
  readonly header: FormHeader;
  readonly body: readonly Block[];
}

/** Lays a form out as format-independent content. */
export function formContent(doc: FormDocument): FormContent {
  return {
    label: `Mẫu ${doc.form.slice(-2)}`,
    title: FORM_TITLES[doc.form],
    reference: doc.form === 'mau-07' ? doc.periodText : doc.dossierCode,
    landscape: doc.form === 'mau-07',
    header: doc.header,
    body: formBody(doc),
  };
}

function formBody(doc: FormDocument): readonly Block[] {
  switch (doc.form) {
    case 'mau-01':
      return receiptBody(doc);
    case 'mau-02':
      return supplementBody(doc);
    case 'mau-03':
      return refusalBody(doc);
    case 'mau-04':
      return apologyBody(doc);
    case 'mau-05':
      return stopNoticeBody(doc);
    case 'mau-06':
      return controlSheetBody(doc);
    case 'mau-07':
      return trackingBookBody(doc);
  }
}

function receiptBody(doc: ReceiptForm): readonly Block[] {
  const contact = [labelled('Số điện thoại', doc.applicantPhone), labelled('Email', doc.applicantEmail)].filter(Boolean);
  return [
    centered(plain('Mã hồ sơ: '), bold(doc.dossierCode)),
    field('Tiếp nhận hồ sơ của', doc.applicantName),
    field('Địa chỉ', doc.applicantAddress),
    ...(contact.length > 0 ? [paragraph(plain(contact.join('    ')))] : []),
    field('Nội dung yêu cầu giải quyết', doc.procedureName),
    paragraph(plain('1. Thành phần hồ sơ nộp gồm:')),
    componentTable(doc.components),
    field('2. Số lượng hồ sơ', `${doc.setsCount} (bộ)`),
    field('3. Thời gian nhận hồ sơ', doc.receivedAtText),
    field('4. Thời gian trả kết quả giải quyết hồ sơ', doc.appointmentText),
    ...(doc.currentAppointmentText ? [field('Thời gian hẹn trả kết quả đã điều chỉnh', doc.currentAppointmentText)] : []),
    field('5. Đăng ký nhận kết quả tại', doc.resultDelivery),
    field('6. Phí, lệ phí', doc.fee),
    paragraph(italic(doc.trackingBook)),
    paragraph(italic(doc.lookupHint)),
    signatures(doc.signatures),
  ];
}

function supplementBody(doc: SupplementRequestForm): readonly Block[] {
  return [
    centered(plain('Mã hồ sơ: '), bold(doc.dossierCode)),
    ...applicantFields(doc),
    paragraph(plain('Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:')),
    componentTable(doc.items),
    field('Lý do', doc.reason),
    field('Thời hạn bổ sung, hoàn thiện hồ sơ', doc.citizenDeadlineText),
    field('Nơi nộp bổ sung và liên hệ hướng dẫn', doc.contact),
    signatures(doc.signatures),
  ];
}

function refusalBody(doc: RefusalForm): readonly Block[] {
  return [
    centered(plain('Mã hồ sơ: '), bold(doc.dossierCode)),
    ...applicantFields(doc),
    paragraph(plain('Qua xem xét, cơ quan, đơn vị thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:')),
    paragraph(plain(doc.reason)),
    paragraph(plain('Xin thông báo để Ông/Bà được biết và thực hiện./.')),
    signatures(doc.signatures),
  ];
}

function apologyBody(doc: ApologyForm): readonly Block[] {
  return [
    centered(plain(doc.addressee)),
    field('Mã hồ sơ', doc.dossierCode),
    field('Tên thủ tục hành chính', doc.procedureName),
    field('Thời gian nhận hồ sơ', doc.receivedAtText),
    field('Thời hạn trả kết quả ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả', doc.originalDueText),
    paragraph(plain('Tuy nhiên đến nay, hồ sơ của Ông/Bà chưa được giải quyết đúng hạn. Lý do: '), plain(doc.reason)),
    paragraph(
      plain('Sự chậm trễ này đã gây phiền hà cho Ông/Bà. Cơ quan, đơn vị xin lỗi Ông/Bà và đề nghị gia hạn thời gian giải quyết, hẹn trả kết quả vào: '),
      bold(doc.newDueText),
      plain('.'),
    ),
    paragraph(plain('Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.')),
    signatures(doc.signatures, doc.recipients),
  ];
}

function stopNoticeBody(doc: StopNoticeForm): readonly Block[] {
  return [
    centered(plain(doc.addressee)),
    field('Mã hồ sơ', doc.dossierCode),
    field('Tên thủ tục hành chính', doc.procedureName),
    field('Thời gian nhận hồ sơ', doc.receivedAtText),
    field('Thời gian đề nghị dừng giải quyết', doc.requestedAtText),
    field('Lý do', doc.reason),
    paragraph(plain('Cơ quan, đơn vị thông báo dừng giải quyết hồ sơ nêu trên./.')),
    signatures(doc.signatures, doc.recipients),
  ];
}

function controlSheetBody(doc: ControlSheetForm): readonly Block[] {
  return [
    centered(plain('Mã hồ sơ: '), bold(doc.dossierCode)),
    ...applicantFields(doc),
    field('Thời hạn giải quyết', doc.dueText),
    ...(doc.currentDueText ? [field('Thời hạn giải quyết đã điều chỉnh', doc.currentDueText)] : []),
    field('Cơ quan (bộ phận) giải quyết hồ sơ', doc.handlingUnit),
    table(CONTROL_SHEET_COLUMNS, doc.rows, 12),
  ];
}

function trackingBookBody(doc: TrackingBookForm): readonly Block[] {
  return [
    centered(bold(doc.officeName)),
    centered(italic(doc.periodText)),
    table(TRACKING_BOOK_COLUMNS, doc.rows, 8),
  ];
}

/** A table column that also says how to fill its cell from a row. */
interface ColumnOf<R> extends TableColumn {
  readonly cell: (row: R, index: number) => string;
}

const COMPONENT_COLUMNS: readonly ColumnOf<ComponentLine>[] = [
  { header: 'STT', width: 7, center: true, cell: (_, i) => String(i + 1) },
  { header: 'Tên giấy tờ', width: 53, cell: (c) => c.name },
  { header: 'Bản chính', width: 11, center: true, cell: (c) => String(c.originals) },
  { header: 'Bản sao', width: 11, center: true, cell: (c) => String(c.copies) },
  { header: 'Ghi chú', width: 18, cell: (c) => c.note ?? '' },
];

const CONTROL_SHEET_COLUMNS: readonly ColumnOf<ControlSheetRow>[] = [
  { header: 'TÊN CƠ QUAN', width: 20, cell: (r) => r.unitName },
  {
    header: 'THỜI GIAN GIAO, NHẬN HỒ SƠ',
    width: 40,
    cell: (r) => lines(r.giveText, r.receiveText, labelled('Người giao', r.giver), labelled('Người nhận', r.receiver), r.timeText),
  },
  {
    header: 'KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/đúng hạn/quá hạn)',
    width: 22,
    center: true,
    cell: (r) => lines(r.outcome, labelled('Hạn xử lý', r.stepDueText)),
  },
  { header: 'GHI CHÚ', width: 18, cell: (r) => r.note },
];

const TRACKING_BOOK_COLUMNS: readonly ColumnOf<TrackingBookRow>[] = [
  { header: 'STT', width: 3.5, center: true, cell: (r) => String(r.no) },
  { header: 'Mã hồ sơ', width: 14, cell: (r) => r.dossierCode },
  { header: 'Tên TTHC', width: 10, cell: (r) => r.procedureName },
  { header: 'Số lượng hồ sơ', width: 4.5, center: true, cell: (r) => String(r.setsCount) },
  { header: 'Tên cá nhân/tổ chức', width: 8.5, cell: (r) => r.applicantName },
  { header: 'Địa chỉ', width: 8.5, cell: (r) => r.address },
  { header: 'Cơ quan giải quyết', width: 8, cell: (r) => r.handlingUnit },
  { header: 'Ngày nhận', width: 7.5, center: true, cell: (r) => r.receivedText },
  { header: 'Ngày hẹn trả', width: 7.5, center: true, cell: (r) => r.appointmentText },
  { header: 'Ngày chuyển', width: 7.5, center: true, cell: (r) => r.transferredText },
  { header: 'Ngày nhận kết quả', width: 7.5, center: true, cell: (r) => r.resultReceivedText },
  { header: 'Ngày trả kết quả', width: 7.5, center: true, cell: (r) => r.returnedText },
  { header: 'Ghi chú', width: 5.5, cell: (r) => r.note },
];

function applicantFields(doc: {
  readonly applicantName: string;
  readonly applicantAddress: string;
  readonly procedureName: string;
  readonly receivedAtText: string;
}): readonly Block[] {
  return [
    field('Tên cá nhân, tổ chức', doc.applicantName),
    field('Địa chỉ', doc.applicantAddress),
    field('Tên thủ tục hành chính', doc.procedureName),
    field('Thời gian nhận hồ sơ', doc.receivedAtText),
  ];
}

function table<R>(columns: readonly ColumnOf<R>[], rows: readonly R[], fontSize: number): TableBlock {
  return { kind: 'table', columns, rows: rows.map((row, i) => columns.map((c) => c.cell(row, i))), fontSize };
}

function componentTable(components: readonly ComponentLine[]): TableBlock {
  return table(COMPONENT_COLUMNS, components, 12);
}

/** A single signature goes right: an empty recipients column keeps the left half free. */
function signatures(blocks: readonly SignatureBlock[], recipients?: readonly string[]): SignaturesBlock {
  const left = recipients ?? (blocks.length === 1 ? [] : undefined);
  return { kind: 'signatures', recipients: left?.map((line) => `- ${line}`), signatures: blocks };
}

function field(label: string, value: string): ParagraphBlock {
  return paragraph(plain(`${label}: `), bold(value));
}

function paragraph(...runs: Run[]): ParagraphBlock {
  return { kind: 'paragraph', runs };
}

function centered(...runs: Run[]): ParagraphBlock {
  return { kind: 'paragraph', runs, center: true };
}

function plain(text: string): Run {
  return { text };
}

function bold(text: string): Run {
  return { text, bold: true };
}

function italic(text: string): Run {
  return { text, italic: true };
}

function labelled(label: string, value: string | undefined): string {
  return value ? `${label}: ${value}` : '';
}

function lines(...texts: string[]): string {
  return texts.filter(Boolean).join('\n');
}
