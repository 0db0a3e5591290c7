/**
 * CSV as RFC 4180 writes it: fields separated by commas, records ended by CRLF, a field quoted when it holds a
 * comma, a quote, CR or LF (quotes doubled inside), or when it starts or ends with white space (so a reader that
 * trims unquoted fields, as `ledger import` does, keeps it). With `bom`, a UTF-8 byte order mark first: Excel
 * then reads Vietnamese and Chinese correctly, and csv-parse (`bom: true`) drops it.
 */
export type CsvRow = readonly string[];

export interface CsvOptions {
  /** Prefix the UTF-8 byte order mark (default true). */
  readonly bom?: boolean;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One record: its fields quoted as needed, joined by commas (no line end). */
export function csvRecord(row: CsvRow): string {
  // A record of one empty field would be an empty line, which readers skip: quote it so the row survives.
  if (row.length === 1 && row[0] === '') return '""';
  return row.map(csvField).join(',');
}

/** The whole file: the header, then every row, each ended by CRLF. */
export function writeCsv(header: CsvRow, rows: readonly CsvRow[], options: CsvOptions = {}): string {
  const body = [header, ...rows].map((row) => `${csvRecord(row)}\r\n`).join('');
  return (options.bom ?? true) ? `\uFEFF${body}` : body;
}

/** The file as bytes (UTF-8). */
export function csvBytes(header: CsvRow, rows: readonly CsvRow[], options: CsvOptions = {}): Buffer {
  return Buffer.from(writeCsv(header, rows, options), 'utf8');
}
