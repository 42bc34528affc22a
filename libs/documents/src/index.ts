export * from './model';
export { escapeHtml, renderHtml } from './html';
export { pdfDefinition, renderPdf, type PdfOptions } from './pdf';
