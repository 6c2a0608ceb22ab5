// What the PDF reports share (the coverage report, hub/reports/coverage-pdf.ts, and the periodic
// report, hub/periodic-reports/report-pdf.ts): A4 with DejaVu Sans embedded (from the
// dejavu-fonts-ttf package; it has every Vietnamese glyph), headings in Vietnamese with English
// beside them, tables whose grey header (Vietnamese, English beneath) repeats on every page they
// continue to, and a footer with "Trang n/N" on every page.
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);
const fontDir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
export const PDF_FONT = path.join(fontDir, 'DejaVuSans.ttf');
export const PDF_FONT_BOLD = path.join(fontDir, 'DejaVuSans-Bold.ttf');

export const MARGINS = { top: 48, bottom: 56, left: 48, right: 40 };
const FOOTER_GAP = 14; // the footer sits this far below the bottom margin, 11 mm above the edge

/** Failure reasons print in red, as on the pages. */
export const FAILURE_RED = '#c62828';

export interface Col {
  vi: string;
  en: string;
  w: number;
  /** Cells printed in red (failure reasons). */
  red?: boolean;
  right?: boolean;
}

export type Pdf = InstanceType<typeof PDFDocument>;

/**
 * A new A4 document with the fonts registered as 'body' and 'bold', and its bytes once ended. The
 * same info (with a CreationDate) gives the same bytes: pdfkit derives the file ID from the info.
 */
export function openPdf(info: PDFKit.DocumentInfo): { doc: Pdf; done: Promise<Buffer> } {
  const doc = new PDFDocument({ size: 'A4', margins: MARGINS, bufferPages: true, lang: 'vi-VN', info });
  doc.registerFont('body', PDF_FONT);
  doc.registerFont('bold', PDF_FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, done };
}

/** The page's writing area and the blocks the reports are made of. */
export function pdfLayout(doc: Pdf) {
  const left = MARGINS.left;
  const width = doc.page.width - MARGINS.left - MARGINS.right;
  const bottom = () => doc.page.height - MARGINS.bottom;
  /** A new page unless `h` points still fit on this one. */
  const ensure = (h: number) => {
    if (doc.y + h > bottom()) doc.addPage();
  };
  const heading = (vi: string, en: string, keep = 60) => {
    ensure(keep);
    doc.moveDown(0.6);
    doc.x = left;
    doc
      .font('bold')
      .fontSize(12)
      .fillColor('#000')
      .text(vi, { continued: true })
      .font('body')
      .fillColor('#555')
      .text(` / ${en}`);
    doc.fillColor('#000').moveDown(0.3);
  };
  const note = (text: string) => {
    doc.x = left;
    doc.y += 3;
    doc.font('body').fontSize(9).fillColor('#333').text(text, { width });
    doc.fillColor('#000');
  };

  // A table: a grey header (Vietnamese, English beneath) repeated on each page, cells wrapped to
  // their column, numbers right-aligned, a rule under each row, the last row bold when it is a total.
  const table = (cols: Col[], rows: string[][], o: { size: number; totalRow?: boolean }) => {
    const pad = 2.5;
    const hv = 7; // header sizes: Vietnamese, then English
    const he = 6;
    const header = () => {
      const h =
        Math.max(
          ...cols.map(
            (c) =>
              doc
                .font('bold')
                .fontSize(hv)
                .heightOfString(c.vi, { width: c.w - 2 * pad }) +
              doc
                .font('body')
                .fontSize(he)
                .heightOfString(c.en, { width: c.w - 2 * pad }),
          ),
        ) +
        2 * pad;
      ensure(h + 16);
      const y = doc.y;
      doc.rect(left, y, width, h).fill('#eceff1');
      let x = left;
      for (const c of cols) {
        const opts = { width: c.w - 2 * pad, align: c.right ? ('right' as const) : ('left' as const) };
        doc
          .font('bold')
          .fontSize(hv)
          .fillColor('#000')
          .text(c.vi, x + pad, y + pad, opts);
        doc
          .font('body')
          .fontSize(he)
          .fillColor('#555')
          .text(c.en, x + pad, doc.y, opts);
        x += c.w;
      }
      doc.fillColor('#000');
      doc.y = y + h;
    };
    header();
    rows.forEach((cells, i) => {
      const bold = o.totalRow && i === rows.length - 1;
      doc.font(bold ? 'bold' : 'body').fontSize(o.size);
      const h =
        Math.max(...cells.map((v, j) => doc.heightOfString(v || ' ', { width: cols[j].w - 2 * pad }))) + 2 * pad;
      if (doc.y + h > bottom()) {
        doc.addPage();
        header();
        doc.font(bold ? 'bold' : 'body').fontSize(o.size);
      }
      const y = doc.y;
      if (bold) doc.rect(left, y, width, h).fill('#f5f5f5').fillColor('#000');
      let x = left;
      cells.forEach((v, j) => {
        if (cols[j].red) doc.fillColor(FAILURE_RED);
        doc.text(v, x + pad, y + pad, { width: cols[j].w - 2 * pad, align: cols[j].right ? 'right' : 'left' });
        doc.fillColor('#000');
        x += cols[j].w;
      });
      doc
        .moveTo(left, y + h)
        .lineTo(left + width, y + h)
        .lineWidth(bold ? 0.8 : 0.3)
        .strokeColor(bold ? '#000' : '#b0bec5')
        .stroke();
      doc.y = y + h;
    });
    doc.x = left;
  };

  /** On every page, once the content is laid out: a rule, `caption` on the left, "Trang n/N" on the right. */
  const footers = (caption: string) => {
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const saved = doc.page.margins.bottom;
      doc.page.margins.bottom = 0; // writing below the margin would otherwise start a new page
      const y = doc.page.height - MARGINS.bottom + FOOTER_GAP;
      doc
        .moveTo(left, y - 5)
        .lineTo(left + width, y - 5)
        .lineWidth(0.3)
        .strokeColor('#b0bec5')
        .stroke();
      doc.font('body').fontSize(7.5).fillColor('#555');
      doc.text(caption, left, y, { width: width - 80, height: 10, ellipsis: true });
      doc.text(`Trang ${i - range.start + 1}/${range.count}`, left + width - 80, y, {
        width: 80,
        align: 'right',
        lineBreak: false,
      });
      doc.page.margins.bottom = saved;
    }
  };

  return { left, width, bottom, ensure, heading, note, table, footers };
}
