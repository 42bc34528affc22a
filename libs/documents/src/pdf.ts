/**
 * The forms as PDF, through pdfmake with its bundled Roboto fonts (they cover Vietnamese). The
 * layout mirrors the HTML page: heading columns, centered title, ruled tables, signatures side by side.
 */
import pdfmake from 'pdfmake';
import robotoFonts from 'pdfmake/fonts/Roboto';
import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import {
  formContent,
  MOTTO,
  NATION,
  RECIPIENTS_TITLE,
  type Block,
  type ParagraphBlock,
  type SignaturesBlock,
  type TableBlock,
} from './content';
import type { FormDocument, FormHeader, SignatureBlock } from './model';

/** Options of {@link renderPdf}. */
export interface PdfOptions {
  /** Compress the PDF streams (default true); false leaves text and font maps readable, for tests. */
  readonly compress?: boolean;
}

const POINTS_PER_MM = 72 / 25.4;

/** Roboto Regular/Medium/Italic/MediumItalic, as shipped in the installed pdfmake package. */
const FONT_FILES: ReadonlySet<string> = new Set(Object.values(robotoFonts.Roboto));

/** Builds the pdfmake document definition of a form (pure: no fonts, no I/O). */
export function pdfDefinition(doc: FormDocument): TDocumentDefinitions {
  const content = formContent(doc);
  return {
    pageSize: 'A4',
    pageOrientation: content.landscape ? 'landscape' : 'portrait',
    pageMargins: [mm(15), mm(20), mm(15), mm(20)],
    info: { title: content.title, subject: content.reference, creator: 'MotCua' },
    defaultStyle: { font: 'Roboto', fontSize: 13, lineHeight: 1.15 },
    content: [
      { text: content.label, alignment: 'right', italics: true, fontSize: 11 },
      headerPdf(content.header),
      { text: content.title, bold: true, fontSize: 14, alignment: 'center', margin: [0, 12, 0, 8] },
      ...content.body.map(blockPdf),
    ],
  };
}

/** Renders a form as a PDF file. */
export async function renderPdf(doc: FormDocument, opts: PdfOptions = {}): Promise<Buffer> {
  const definition: TDocumentDefinitions = { ...pdfDefinition(doc), compress: opts.compress ?? true };
  return configuredPdfmake().createPdf(definition).getBuffer();
}

/**
 * pdfmake is a process-wide singleton: set our fonts and access policies right before each use, so
 * that nothing configured elsewhere leaks in. pdfmake rewrites the font descriptors it is given, hence
 * a fresh copy each time. No URL may be fetched and no local file read but the four font files.
 */
function configuredPdfmake(): typeof pdfmake {
  pdfmake.setFonts({ Roboto: { ...robotoFonts.Roboto } });
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path) => FONT_FILES.has(path));
  return pdfmake;
}

function headerPdf(h: FormHeader): Content {
  const left: Content[] = [h.authority, { text: h.issuer, bold: true }, rule(), ...(h.number ? [h.number] : [])];
  const right: Content[] = [
    { text: NATION, bold: true },
    { text: MOTTO, bold: true, decoration: 'underline' },
    { text: h.placeAndDate, italics: true, margin: [0, 8, 0, 0] },
  ];
  return {
    columns: [
      { width: '*', stack: left },
      { width: '*', stack: right },
    ],
    columnGap: 8,
    fontSize: 12,
    alignment: 'center',
    margin: [0, 0, 0, 12],
  };
}

/** The short line under the issuer's name. */
function rule(): Content {
  return { canvas: [{ type: 'line', x1: 0, y1: 0, x2: 60, y2: 0, lineWidth: 0.75 }], margin: [0, 2, 0, 4] };
}

function blockPdf(block: Block): Content {
  switch (block.kind) {
    case 'paragraph':
      return paragraphPdf(block);
    case 'table':
      return tablePdf(block);
    case 'signatures':
      return signaturesPdf(block);
  }
}

function paragraphPdf(p: ParagraphBlock): Content {
  return {
    text: p.runs.map((run) => ({ text: run.text, bold: run.bold ?? false, italics: run.italic ?? false })),
    alignment: p.center ? 'center' : 'justify',
    margin: [0, 0, 0, 4],
  };
}

function tablePdf(t: TableBlock): Content {
  const head: TableCell[] = t.columns.map((c) => ({ text: c.header, bold: true, alignment: 'center' }));
  const rows: TableCell[][] = t.rows.map((row) =>
    row.map((cell, i) => ({ text: cell, alignment: t.columns[i]?.center ? 'center' : 'left' })),
  );
  return {
    table: { headerRows: 1, dontBreakRows: true, widths: t.columns.map((c) => `${c.width}%`), body: [head, ...rows] },
    fontSize: t.fontSize,
    margin: [0, 2, 0, 8],
  };
}

function signaturesPdf(s: SignaturesBlock): Content {
  const columns: Content[] = [...(s.recipients ? [recipientsPdf(s.recipients)] : []), ...s.signatures.map(signaturePdf)];
  return { stack: [{ columns, columnGap: 12 }], unbreakable: true, margin: [0, 16, 0, 0] };
}

function recipientsPdf(lines: readonly string[]): Content {
  const title: Content[] = lines.length > 0 ? [{ text: RECIPIENTS_TITLE, bold: true, italics: true, fontSize: 12 }] : [];
  return { stack: [...title, ...lines.map((line) => ({ text: line, fontSize: 11 }))], alignment: 'left' };
}

function signaturePdf(s: SignatureBlock): Content {
  const note: Content[] = s.note ? [{ text: s.note, italics: true, fontSize: 11 }] : [];
  return {
    stack: [{ text: s.title, bold: true }, ...note, { text: s.name, bold: true, margin: [0, mm(22), 0, 0] }],
    alignment: 'center',
  };
}

function mm(millimetres: number): number {
  return millimetres * POINTS_PER_MM;
}
