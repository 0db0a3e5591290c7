import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { csvField, writeCsv } from './csv-writer';

/** What a reader gets back: csv-parse as `ledger import` configures it (BOM dropped), rows as arrays. */
function read(text: string): string[][] {
  return parse(text, { bom: true, relax_column_count: false }) as string[][];
}

describe('the CSV writer', () => {
  describe('given any rows of any text (commas, quotes, CR, LF, edge spaces, Vietnamese, Chinese, emoji)', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom(',', '"', '\r', '\n', ' ', '\t', 'ệ', 'ữ', '衡', '〔', '😀'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 12 });
    it('reads them back exactly: parse(write(rows)) = rows', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 6 }).chain((width) => fc.tuple(fc.array(text, { minLength: width, maxLength: width }), fc.array(fc.array(text, { minLength: width, maxLength: width }), { maxLength: 8 }))), ([header, rows]) => {
          expect(read(writeCsv(header, rows))).toEqual([header, ...rows]);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('when a field needs quoting', () => {
    it('quotes commas, quotes and line breaks (RFC 4180), doubling the quotes', () => {
      expect(csvField('a,b')).toBe('"a,b"');
      expect(csvField('say "hi"')).toBe('"say ""hi"""');
      expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    });
    it('quotes a field with spaces at its edges, which a trimming reader would otherwise lose', () => {
      expect(csvField(' padded ')).toBe('" padded "');
    });
    it('leaves a plain field as it is', () => {
      expect(csvField('Quận Châu Huy')).toBe('Quận Châu Huy');
      expect(csvField('')).toBe('');
    });
  });

  describe('the file', () => {
    it('starts with a UTF-8 byte order mark and ends every record with CRLF', () => {
      expect(writeCsv(['a', 'b'], [['1', '2']])).toBe('\uFEFFa,b\r\n1,2\r\n');
    });
    it('can leave the byte order mark out', () => {
      expect(writeCsv(['a'], [], { bom: false })).toBe('a\r\n');
    });
    it('keeps a row of one empty field (an empty line would be skipped)', () => {
      expect(read(writeCsv(['only'], [[''], ['x']]))).toEqual([['only'], [''], ['x']]);
    });
  });
});
