import { Workbook, type Worksheet } from 'exceljs';
import { csvBytes } from './csv/csv-writer';
import type { Formatter } from './i18n/language';
import type { PdfBuilder } from './pdf/pdf-builder';

/**
 * One table of a report, described once and rendered three ways: in a PDF (values formatted for the locale), in
 * an XLSX sheet (numbers stay numbers, with a number format), and as CSV (numbers as plain decimals, so the file
 * reads back in any locale).
 */
export type CellKind = 'text' | 'integer' | 'number' | 'percent' | 'date';
export type Cell = string | number | null;

export interface TableColumn {
  readonly header: string;
  /** A heading over consecutive columns in a PDF; in a sheet or CSV the header reads `group: header`. */
  readonly group?: string;
  /** Share of the width in a PDF; characters in a sheet are derived from it. */
  readonly width: number;
  readonly kind?: CellKind;
}

export interface ReportTable {
  /** The sheet's name (≤ 31 characters, no []:*?/\). */
  readonly sheet: string;
  readonly title: string;
  readonly columns: readonly TableColumn[];
  readonly rows: ReadonlyArray<readonly Cell[]>;
  /** Said instead of an empty table. */
  readonly empty?: string;
}

/** The header of a column where there is one header row: `group: header`. */
export function flatHeader(column: TableColumn): string {
  return column.group ? `${column.group}: ${column.header}` : column.header;
}

export function formatCell(format: Formatter, kind: CellKind, value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'string') return kind === 'date' ? format.date(value) : value;
  switch (kind) {
    case 'integer':
      return format.integer(value);
    case 'percent':
      return format.percent(value);
    default:
      return format.number(value);
  }
}

export function pdfTable(pdf: PdfBuilder, format: Formatter, table: ReportTable): void {
  pdf.heading(table.title);
  if (table.rows.length === 0 && table.empty) {
    pdf.paragraph(table.empty, { muted: true });
    return;
  }
  pdf.table(
    table.columns.map((column) => ({ header: column.header, group: column.group, width: column.width, align: column.kind && column.kind !== 'text' && column.kind !== 'date' ? 'right' : 'left' })),
    table.rows.map((row) => row.map((cell, i) => formatCell(format, table.columns[i].kind ?? 'text', cell))),
  );
}

const NUMBER_FORMATS: Partial<Record<CellKind, string>> = { integer: '0', number: '0.00', percent: '0.0%', date: 'yyyy-mm-dd' };

/** Adds a sheet with a bold, frozen header row; numbers stay numbers. */
export function xlsxSheet(workbook: Workbook, table: ReportTable): Worksheet {
  const sheet = workbook.addWorksheet(table.sheet.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = table.columns.map((column, i) => ({
    header: flatHeader(column),
    key: `c${i}`,
    width: Math.max(8, Math.min(60, Math.round(column.width * 1.6))),
    style: NUMBER_FORMATS[column.kind ?? 'text'] ? { numFmt: NUMBER_FORMATS[column.kind ?? 'text'] } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).alignment = { wrapText: true, vertical: 'top' };
  for (const row of table.rows) {
    sheet.addRow(
      row.map((cell, i) => {
        const kind = table.columns[i].kind ?? 'text';
        // Dates as real dates so the sheet sorts and filters them; everything else as it is.
        if (kind === 'date' && typeof cell === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(cell)) return new Date(`${cell}T00:00:00Z`);
        return cell;
      }),
    );
  }
  return sheet;
}

export async function xlsxBytes(build: (workbook: Workbook) => void, meta: { title: string; createdAt: Date }): Promise<Buffer> {
  const workbook = new Workbook();
  workbook.creator = 'Accountability Ledger';
  workbook.title = meta.title;
  workbook.created = meta.createdAt;
  workbook.modified = meta.createdAt;
  build(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A table as CSV: its headers, then its rows with numbers as plain decimals. */
export function csvOf(table: ReportTable): Buffer {
  return csvBytes(
    table.columns.map(flatHeader),
    table.rows.map((row) => row.map((cell) => (cell === null ? '' : String(cell)))),
  );
}
