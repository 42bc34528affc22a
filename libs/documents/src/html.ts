/**
 * The forms as one self-contained HTML page each, laid out for printing on A4 (the tracking book
 * on A4 landscape) in the standard layout of Vietnamese administrative documents.
 */
import {
  formContent,
  MOTTO,
  NATION,
  RECIPIENTS_TITLE,
  type Block,
  type ParagraphBlock,
  type Run,
  type SignaturesBlock,
  type TableBlock,
} from './content';
import type { FormDocument, FormHeader, SignatureBlock } from './model';

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes & < > " ' so that any text can be put into HTML content or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/** Renders a form as a complete HTML page, ready to print. */
export function renderHtml(doc: FormDocument): string {
  const content = formContent(doc);
  return [
    '<!doctype html>',
    '<html lang="vi">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(`${content.title} – ${content.reference}`)}</title>`,
    `<style>${css(content.landscape)}</style>`,
    '</head>',
    '<body>',
    `<div class="form-label">${escapeHtml(content.label)}</div>`,
    headerHtml(content.header),
    `<h1>${escapeHtml(content.title)}</h1>`,
    ...content.body.map(blockHtml),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function css(landscape: boolean): string {
  return `
@page { size: A4${landscape ? ' landscape' : ''}; margin: 20mm 15mm; }
body { font-family: "Times New Roman", "Liberation Serif", serif; font-size: 13pt; line-height: 1.3; color: #000; margin: 0; }
.form-label { text-align: right; font-style: italic; font-size: 11pt; }
table.header { width: 100%; border-collapse: collapse; font-size: 12pt; margin-bottom: 12pt; }
table.header td { vertical-align: top; text-align: center; padding: 0; }
.bold { font-weight: bold; }
.rule { width: 60pt; margin: 2pt auto 4pt; border-top: 1px solid #000; }
.motto { font-weight: bold; text-decoration: underline; }
.place-date { font-style: italic; margin-top: 8pt; }
h1 { font-size: 14pt; font-weight: bold; text-align: center; margin: 12pt 0 8pt; }
p { margin: 0 0 4pt; text-align: justify; }
p.center { text-align: center; }
table.grid { width: 100%; border-collapse: collapse; margin: 2pt 0 8pt; }
table.grid thead { display: table-header-group; }
table.grid tr { page-break-inside: avoid; }
table.grid th, table.grid td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: top; text-align: left; }
table.grid th { font-weight: bold; text-align: center; vertical-align: middle; }
table.grid td.center { text-align: center; }
table.signatures { width: 100%; table-layout: fixed; border-collapse: collapse; margin-top: 16pt; page-break-inside: avoid; }
table.signatures td { vertical-align: top; text-align: center; padding: 0 4pt; }
table.signatures td.recipients { text-align: left; font-size: 11pt; }
.recipients-title { font-weight: bold; font-style: italic; font-size: 12pt; }
.sig-note { font-style: italic; font-size: 11pt; }
.sig-name { font-weight: bold; margin-top: 22mm; }
`;
}

function headerHtml(h: FormHeader): string {
  const left = [
    div(h.authority),
    div(h.issuer, 'bold'),
    '<div class="rule"></div>',
    h.number ? div(h.number) : '',
  ];
  const right = [
    div(NATION, 'bold'),
    `<div><span class="motto">${escapeHtml(MOTTO)}</span></div>`,
    div(h.placeAndDate, 'place-date'),
  ];
  return `<table class="header"><tr><td style="width:50%">${left.join('')}</td><td>${right.join('')}</td></tr></table>`;
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return paragraphHtml(block);
    case 'table':
      return tableHtml(block);
    case 'signatures':
      return signaturesHtml(block);
  }
}

function paragraphHtml(p: ParagraphBlock): string {
  return `<p${p.center ? ' class="center"' : ''}>${p.runs.map(runHtml).join('')}</p>`;
}

function runHtml(run: Run): string {
  let html = escapeHtml(run.text);
  if (run.bold) html = `<b>${html}</b>`;
  if (run.italic) html = `<i>${html}</i>`;
  return html;
}

function tableHtml(t: TableBlock): string {
  const cols = t.columns.map((c) => `<col style="width:${c.width}%">`).join('');
  const head = t.columns.map((c) => `<th>${escapeHtml(c.header)}</th>`).join('');
  const body = t.rows
    .map((row) => `<tr>${row.map((cell, i) => `<td${t.columns[i]?.center ? ' class="center"' : ''}>${multiline(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table class="grid" style="font-size:${t.fontSize}pt"><colgroup>${cols}</colgroup><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function signaturesHtml(s: SignaturesBlock): string {
  const cells = [...(s.recipients ? [recipientsHtml(s.recipients)] : []), ...s.signatures.map(signatureHtml)];
  return `<table class="signatures"><tr>${cells.join('')}</tr></table>`;
}

function recipientsHtml(lines: readonly string[]): string {
  const body = lines.length > 0 ? [div(RECIPIENTS_TITLE, 'recipients-title'), ...lines.map((line) => div(line))].join('') : '';
  return `<td class="recipients">${body}</td>`;
}

function signatureHtml(s: SignatureBlock): string {
  const parts = [div(s.title, 'bold'), s.note ? div(s.note, 'sig-note') : '', div(s.name, 'sig-name')];
  return `<td>${parts.join('')}</td>`;
}

function div(text: string, className?: string): string {
  return `<div${className ? ` class="${className}"` : ''}>${escapeHtml(text)}</div>`;
}

function multiline(text: string): string {
  return escapeHtml(text).replace(/\n/g, '<br>');
}
