import fc from 'fast-check';
import { ledgerHeaders } from './ledger-headers';
import { extendedObject, jsonText, objectWithArray, PrebuiltJson } from './prebuilt-json';

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
const without = (object: Record<string, unknown>, keys: Iterable<string>) => {
  const copy = { ...object };
  for (const k of keys) delete copy[k];
  return copy;
};

describe('prebuilt JSON', () => {
  it('writes exactly what JSON.stringify gives (any value, lone surrogates escaped)', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(jsonText(v)).toBe(JSON.stringify(v));
      }),
      { numRuns: 300 },
    );
    expect(jsonText('\ud800x\udc00')).toBe('"\\ud800x\\udc00"');
    expect(() => jsonText(undefined)).toThrow(TypeError);
  });

  it('extends an object from its JSON as JSON.stringify({...object, ...extra}) writes it', () => {
    fc.assert(
      fc.property(record, record, (object, extra) => {
        const other = without(extra, Object.keys(object));
        const json = extendedObject(jsonText(object), other);
        expect(json).toBe(JSON.stringify({ ...object, ...other }));
      }),
      { numRuns: 500 },
    );
    expect(extendedObject('{}', {})).toBe('{}');
    expect(extendedObject('{}', { a: 1 })).toBe('{"a":1}');
    expect(extendedObject('{"a":1}', { b: undefined })).toBe('{"a":1}');
  });

  it('assembles an object with an array of prebuilt items as JSON.stringify writes it', () => {
    fc.assert(
      fc.property(record, key, fc.array(value, { maxLength: 6 }), record, (before, name, items, after) => {
        const head = without(before, [name]);
        const tail = without(after, [name, ...Object.keys(head)]);
        expect(objectWithArray(head, name, items.map(jsonText), tail)).toBe(JSON.stringify({ ...head, [name]: items, ...tail }));
      }),
      { numRuns: 500 },
    );
    expect(objectWithArray({}, 'items', [], {})).toBe('{"items":[]}');
    expect(objectWithArray({ a: 1 }, 'items', ['1', '"x"'], { b: null })).toBe('{"a":1,"items":[1,"x"],"b":null}');
  });

  it('stands for its body if it is ever serialised as an object', () => {
    const body = { taskId: 't-1', title: '国\ud800', version: 3 };
    expect(JSON.stringify(new PrebuiltJson(jsonText(body), 3))).toBe(JSON.stringify(body));
  });

  describe('through ledgerHeaders (the API adapter applies it to every body a route returns)', () => {
    const run = async (body: unknown) => {
      const headers: Record<string, string> = {};
      const reply = { header: (name: string, v: string) => ((headers[name.toLowerCase()] = v), reply) };
      const sent = ledgerHeaders(reply, body);
      return { sent, headers };
    };

    it('sends its text as JSON, with the ETag of its version', async () => {
      const json = jsonText({ version: 7 });
      expect(await run(new PrebuiltJson(json, 7))).toEqual({ sent: json, headers: { etag: '"7"', 'content-type': 'application/json; charset=utf-8' } });
    });

    it('sets no ETag for a body that names no version', async () => {
      const json = jsonText({ items: [] });
      expect(await run(new PrebuiltJson(json))).toEqual({ sent: json, headers: { 'content-type': 'application/json; charset=utf-8' } });
    });

    it('leaves object bodies as they were', async () => {
      expect(await run({ version: 2 })).toEqual({ sent: { version: 2 }, headers: { etag: '"2"' } });
    });
  });
});
