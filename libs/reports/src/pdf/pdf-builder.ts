import PDFDocument from 'pdfkit';
import type { ReportLanguage } from '../i18n/language';
import { fontBytes, needsCjk, type FontFace } from './fonts';

/** A column of a table: its heading, its share of the width, and how its cells align. */
export interface PdfColumn {
  readonly header: string;
  /** Consecutive columns with the same group get one heading above theirs. */
  readonly group?: string;
  readonly width: number;
  readonly align?: 'left' | 'right' | 'center';
}

export interface PdfMeta {
  readonly title: string;
  readonly subject: string;
  readonly language: ReportLanguage;
  /** When the report was made: the document's creation date (so the same data gives the same file). */
  readonly createdAt: Date;
  readonly landscape?: boolean;
}

const FONT_NAMES = { latin: { regular: 'latin', bold: 'latin-bold' }, cjk: { regular: 'cjk', bold: 'cjk-bold' } } as const;
const INK = '#1a1a1a';
/**
 * Shaping without the `ccmp` feature: Noto Sans would decompose ị, ụ, ặ … into a base and a combining mark, and the
 * PDF's Unicode map would then give "vi" for "vị" when the text is copied or searched. Text is NFC first, so every
 * Vietnamese letter has its precomposed glyph and renders the same.
 */
const SHAPING = { features: { ccmp: false } as unknown as PDFKit.Mixins.OpenTypeFeatures[] };
const nfc = (text: string) => text.normalize('NFC');
const MUTED = '#555555';
const RULE = '#b0b0b0';
const HEADER_FILL = '#e8edf3';
const BAND_FILL = '#f6f7f9';

/**
 * A thin layer over pdfkit for the reports: A4 pages with margins, a heading, label–value lines, tables whose cells
 * wrap (a row never splits across pages; the header row repeats on a new page), and "page n of m" footers. Each
 * string is set in the language's font, or in the CJK font when it holds Han characters.
 */
export class PdfBuilder {
  readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  private readonly margin = 40;
  private readonly footerHeight = 24;

  constructor(private readonly meta: PdfMeta) {
    this.doc = new PDFDocument({
      size: 'A4',
      layout: meta.landscape ? 'landscape' : 'portrait',
      margins: { top: this.margin, bottom: this.margin + this.footerHeight, left: this.margin, right: this.margin },
      bufferPages: true,
      lang: meta.language === 'zh' ? 'zh-CN' : meta.language,
      displayTitle: true,
      info: { Title: meta.title, Subject: meta.subject, Creator: 'Accountability Ledger', Producer: 'Accountability Ledger (pdfkit)', CreationDate: meta.createdAt, ModDate: meta.createdAt },
    });
    this.doc.registerFont(FONT_NAMES.latin.regular, fontBytes('latin', 'regular'));
    this.doc.registerFont(FONT_NAMES.latin.bold, fontBytes('latin', 'bold'));
    this.doc.registerFont(FONT_NAMES.cjk.regular, fontBytes('cjk', 'regular'));
    this.doc.registerFont(FONT_NAMES.cjk.bold, fontBytes('cjk', 'bold'));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('data', (chunk: Buffer) => this.chunks.push(chunk));
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
    this.doc.fillColor(INK);
  }

  get width(): number {
    return this.doc.page.width - 2 * this.margin;
  }

  private get bottom(): number {
    return this.doc.page.height - this.margin - this.footerHeight;
  }

  /** Selects the font for `text` (or for all of `together`, so a row's cells share one baseline) and a size. */
  private use(text: string, face: FontFace, size: number, together: readonly string[] = [text]): PDFKit.PDFDocument {
    const family = this.meta.language === 'zh' || together.some(needsCjk) ? 'cjk' : 'latin';
    return this.doc.font(FONT_NAMES[family][face]).fontSize(size);
  }

  title(given: string, givenSubtitle?: string): void {
    const text = nfc(given);
    const subtitle = givenSubtitle === undefined ? undefined : nfc(givenSubtitle);
    this.use(text, 'bold', 16).fillColor(INK).text(text, this.margin, this.doc.y, { ...SHAPING, width: this.width });
    if (subtitle) this.use(subtitle, 'regular', 11).fillColor(MUTED).text(subtitle, { ...SHAPING, width: this.width });
    this.doc.fillColor(INK).moveDown(0.6);
  }

  /** A section heading; `keepWith` is the room what follows needs on the same page (a table's header and first row). */
  heading(given: string, keepWith = 60): void {
    const text = nfc(given);
    this.ensureSpace(30 + keepWith);
    this.doc.moveDown(0.6);
    this.use(text, 'bold', 12).fillColor(INK).text(text, this.margin, this.doc.y, { ...SHAPING, width: this.width });
    this.doc.moveDown(0.3);
  }

  /** `label: value` lines, the labels in a column of their own. */
  fields(rows: ReadonlyArray<readonly [string, string]>, labelWidth = 150): void {
    const size = 9.5;
    for (const [givenName, given] of rows) {
      const name = nfc(givenName);
      const value = nfc(given || '—');
      const both = [name, value];
      const valueWidth = this.width - labelWidth;
      const height = Math.max(this.use(name, 'bold', size, both).heightOfString(name, { ...SHAPING, width: labelWidth - 8 }), this.use(value, 'regular', size, both).heightOfString(value, { ...SHAPING, width: valueWidth }));
      this.ensureSpace(height + 2);
      const y = this.doc.y;
      this.use(name, 'bold', size, both).fillColor(MUTED).text(name, this.margin, y, { ...SHAPING, width: labelWidth - 8 });
      this.use(value, 'regular', size, both).fillColor(INK).text(value, this.margin + labelWidth, y, { ...SHAPING, width: valueWidth });
      this.doc.x = this.margin;
      this.doc.y = y + height + 2;
    }
  }

  paragraph(given: string, options: { muted?: boolean; size?: number } = {}): void {
    const text = nfc(given);
    const size = options.size ?? 9.5;
    const height = this.use(text, 'regular', size).heightOfString(text, { ...SHAPING, width: this.width });
    this.ensureSpace(height);
    this.use(text, 'regular', size).fillColor(options.muted ? MUTED : INK).text(text, this.margin, this.doc.y, { ...SHAPING, width: this.width });
    this.doc.fillColor(INK);
  }

  /** A table; `widths` are shares of the full width. Rows wrap, and never split across pages. */
  table(givenColumns: readonly PdfColumn[], givenRows: ReadonlyArray<readonly string[]>, options: { size?: number } = {}): void {
    const columns = givenColumns.map((column) => ({ ...column, header: nfc(column.header), group: column.group === undefined ? undefined : nfc(column.group) }));
    const rows = givenRows.map((row) => row.map(nfc));
    const size = options.size ?? 8.5;
    const pad = 3;
    const widths = this.fitWidths(columns, rows, size, pad);
    const heightOf = (cells: readonly string[], face: FontFace, cellWidths: readonly number[]) =>
      Math.max(...cells.map((cell, i) => this.use(cell, face, size, cells).heightOfString(cell || ' ', { ...SHAPING, width: cellWidths[i] - 2 * pad }))) + 2 * pad;
    const draw = (cells: readonly string[], face: FontFace, fill: string | null, cellWidths = widths, align = (i: number) => columns[i].align ?? 'left') => {
      const height = heightOf(cells, face, cellWidths);
      const y = this.doc.y;
      if (fill) this.doc.rect(this.margin, y, this.width, height).fill(fill);
      let x = this.margin;
      cells.forEach((cell, i) => {
        this.use(cell, face, size, cells)
          .fillColor(INK)
          .text(cell, x + pad, y + pad, { ...SHAPING, width: cellWidths[i] - 2 * pad, align: align(i) });
        x += cellWidths[i];
      });
      this.doc.moveTo(this.margin, y + height).lineTo(this.margin + this.width, y + height).lineWidth(0.5).strokeColor(RULE).stroke();
      this.doc.x = this.margin;
      this.doc.y = y + height;
      return height;
    };
    // The group row: one cell per run of columns sharing a group (an empty cell over ungrouped columns).
    const groups: { label: string; width: number }[] = [];
    columns.forEach((column, i) => {
      const last = groups.at(-1);
      if (column.group !== undefined && last !== undefined && i > 0 && columns[i - 1].group === column.group) last.width += widths[i];
      else groups.push({ label: column.group ?? '', width: widths[i] });
    });
    const grouped = columns.some((column) => column.group !== undefined);
    const drawHeader = () => {
      if (grouped) draw(groups.map((g) => g.label), 'bold', HEADER_FILL, groups.map((g) => g.width), (i) => (groups[i].label ? 'center' : 'left'));
      draw(columns.map((column) => column.header), 'bold', HEADER_FILL);
    };
    const header = columns.map((column) => column.header);
    const headerHeight = heightOf(header, 'bold', widths) * (grouped ? 2 : 1);
    this.ensureSpace(headerHeight + (rows.length > 0 ? heightOf(rows[0], 'regular', widths) : 0));
    drawHeader();
    rows.forEach((row, index) => {
      const height = heightOf(row, 'regular', widths);
      if (this.doc.y + height > this.bottom) {
        this.doc.addPage();
        drawHeader();
      }
      draw(row, 'regular', index % 2 === 1 ? BAND_FILL : null);
    });
    this.doc.moveDown(0.4);
  }

  /**
   * Column widths from the shares, widened so that no word of a header or cell is split (the longest word fits),
   * taking the room from the columns that have some to spare.
   */
  private fitWidths(columns: readonly PdfColumn[], rows: ReadonlyArray<readonly string[]>, size: number, pad: number): number[] {
    const total = columns.reduce((sum, column) => sum + column.width, 0);
    const shares = columns.map((column) => (column.width / total) * this.width);
    const longestWord = (text: string, face: FontFace) =>
      Math.max(0, ...text.split(/\s+/).map((word) => this.use(word, face, size, [text]).widthOfString(word, SHAPING)));
    const minimum = columns.map((column, i) => Math.min(this.width / 3, Math.max(longestWord(column.header, 'bold'), ...rows.map((row) => longestWord(row[i] ?? '', 'regular'))) + 2 * pad + 1));
    const widths = shares.map((share, i) => Math.max(share, minimum[i]));
    const excess = widths.reduce((sum, w) => sum + w, 0) - this.width;
    if (excess > 0) {
      const slack = widths.map((w, i) => Math.max(0, w - minimum[i]));
      const totalSlack = slack.reduce((sum, w) => sum + w, 0);
      if (totalSlack > 0) return widths.map((w, i) => w - (slack[i] / totalSlack) * Math.min(excess, totalSlack));
    }
    return widths;
  }

  private ensureSpace(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  /** Writes the footers ("page n of m" and a line of the caller's) on every page and returns the file. */
  async finish(footer: (page: number, pages: number) => string): Promise<Buffer> {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const text = nfc(footer(i + 1, range.count));
      // Writing inside the bottom margin: lift it for the footer so pdfkit does not open a new page.
      const bottomMargin = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0;
      this.use(text, 'regular', 7.5)
        .fillColor(MUTED)
        .text(text, this.margin, this.doc.page.height - this.margin - 10, { ...SHAPING, width: this.width, align: 'center', lineBreak: false });
      this.doc.page.margins.bottom = bottomMargin;
    }
    this.doc.end();
    return this.done;
  }
}
