import type { CallHandler, ExecutionContext } from '@nestjs/common';
import fc from 'fast-check';
import { lastValueFrom, of } from 'rxjs';
import { LedgerHeadersInterceptor } from './ledger-headers.interceptor';
import { extendedObject, joinPieces, jsonBytes, objectWithArray, PrebuiltJson, type JsonPiece } from './prebuilt-json';

/** Strings of every kind: any code point, CJK and emoji, controls and quotes, and lone surrogates (escaped by JSON). */
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\u0000', '\u2028', 'é', '国', '😀', '\ud83d', '\ude00') }),
  fc.array(fc.oneof(loneSurrogate, fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 6 }).map((parts) => parts.join('')),
);
/** JSON-able values (with `undefined` members, which JSON.stringify leaves out). */
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    text,
    fc.array(tie('value')),
    fc.dictionary(text, fc.oneof(tie('value'), fc.constant(undefined))),
  ),
}));
/** Object keys that are no array index (those come first in an object's key order, wherever they were set). */
const key = text.filter((k) => !/^(0|[1-9][0-9]*)$/.test(k) || Number(k) >= 2 ** 32 - 1);
const record = fc.dictionary(key, fc.oneof(value, fc.constant(undefined)), { maxKeys: 8 });
const utf8 = (json: string) => Buffer.from(json, 'utf8');
const without = (object: Record<string, unknown>, keys: Iterable<string>) => {
  const copy = { ...object };
  for (const k of keys) delete copy[k];
  return copy;
};

describe('prebuilt JSON', () => {
  it('encodes exactly what JSON.stringify gives, in UTF-8 (any value, lone surrogates escaped)', () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = jsonBytes(v);
        expect(bytes.equals(utf8(JSON.stringify(v)))).toBe(true);
        expect(bytes.toString('utf8')).toBe(JSON.stringify(v));
      }),
      { numRuns: 500 },
    );
    expect(jsonBytes('\ud800x\udc00').toString()).toBe('"\\ud800x\\udc00"');
  });

  it('keeps each cached body in memory of its own, not in a slice of the shared pool', () => {
    for (const v of [{}, { a: 1 }, { title: '国有土地'.repeat(100) }]) {
      const bytes = jsonBytes(v);
      expect([bytes.byteOffset, bytes.buffer.byteLength]).toEqual([0, bytes.length]);
    }
  });

  it('extends an object from its JSON as JSON.stringify({...object, ...extra}) writes it', () => {
    fc.assert(
      fc.property(record, record, (object, extra) => {
        const other = without(extra, Object.keys(object));
        expect(joinPieces(extendedObject(jsonBytes(object), other)).equals(utf8(JSON.stringify({ ...object, ...other })))).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(joinPieces(extendedObject(jsonBytes({}), {})).toString()).toBe('{}');
    expect(joinPieces(extendedObject(jsonBytes({}), { a: 1 })).toString()).toBe('{"a":1}');
    expect(joinPieces(extendedObject(jsonBytes({ a: 1 }), { b: undefined })).toString()).toBe('{"a":1}');
  });

  it('assembles an object with an array of prebuilt items as JSON.stringify writes it', () => {
    fc.assert(
      fc.property(record, key, fc.array(value, { maxLength: 6 }), record, fc.boolean(), (before, name, items, after, split) => {
        const head = without(before, [name]);
        const tail = without(after, [name, ...Object.keys(head)]);
        // Each item as one buffer, or in pieces (a string and bytes).
        const pieces = items.map((item): JsonPiece | JsonPiece[] => {
          const bytes = jsonBytes(item);
          return split && bytes.length > 1 ? [bytes.subarray(0, 1), bytes.subarray(1).toString('utf8')] : bytes;
        });
        expect(objectWithArray(head, name, pieces, tail).equals(utf8(JSON.stringify({ ...head, [name]: items, ...tail })))).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(objectWithArray({}, 'items', [], {}).toString()).toBe('{"items":[]}');
  });

  it('stands for its body if it is ever serialised as an object', () => {
    const body = { taskId: 't-1', title: '国\ud800', version: 3 };
    expect(JSON.stringify(new PrebuiltJson(jsonBytes(body), 3))).toBe(JSON.stringify(body));
  });

  describe('through LedgerHeadersInterceptor', () => {
    const run = async (body: unknown) => {
      const headers: Record<string, string> = {};
      const reply = { header: (name: string, v: string) => ((headers[name.toLowerCase()] = v), reply) };
      const ctx = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ExecutionContext;
      const sent = await lastValueFrom(new LedgerHeadersInterceptor().intercept(ctx, { handle: () => of(body) } as CallHandler));
      return { sent, headers };
    };

    it('sends its bytes as JSON, with the ETag of its version', async () => {
      const bytes = jsonBytes({ version: 7 });
      expect(await run(new PrebuiltJson(bytes, 7))).toEqual({ sent: bytes, headers: { etag: '"7"', 'content-type': 'application/json; charset=utf-8' } });
    });

    it('sets no ETag for a body that names no version', async () => {
      const bytes = jsonBytes({ items: [] });
      expect(await run(new PrebuiltJson(bytes))).toEqual({ sent: bytes, headers: { 'content-type': 'application/json; charset=utf-8' } });
    });

    it('leaves object bodies as they were', async () => {
      expect(await run({ version: 2 })).toEqual({ sent: { version: 2 }, headers: { etag: '"2"' } });
    });
  });
});
