import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { canonicalBytes, canonicalize, NotIJsonError } from './jcs';

interface JcsVectors {
  cases: Array<{ name: string; input: string; output: string; output_utf8_hex: string }>;
  numbers_rfc8785_appendix_b: Array<{ ieee754_hex: string; expected: string | null; comment: string }>;
  numbers_testdata_readme: Array<{ ieee754_hex: string; expected: string }>;
}

const vectors = JSON.parse(readFileSync(join(__dirname, 'testvectors', 'jcs.json'), 'utf8')) as JcsVectors;
const double = (hex: string): number => Buffer.from(hex, 'hex').readDoubleBE(0);
const isUnsafeInteger = (n: number): boolean => Number.isFinite(n) && Math.abs(n) > Number.MAX_SAFE_INTEGER;

function rejection(value: unknown, options?: Parameters<typeof canonicalize>[1]): NotIJsonError {
  try {
    canonicalize(value, options);
  } catch (e) {
    if (e instanceof NotIJsonError) return e;
    throw e;
  }
  throw new Error('expected canonicalize to throw NotIJsonError');
}

describe('canonicalize', () => {
  describe('given the cyberphone/json-canonicalization test files', () => {
    it.each(vectors.cases.map((c) => [c.name, c] as const))('writes %s byte for byte', (_name, c) => {
      // "values" holds 1E30, which is valid RFC 8785 but not a safe integer, so plain RFC 8785 mode is used here.
      const text = canonicalize(JSON.parse(c.input), { allowUnsafeIntegers: true });
      expect(text).toBe(c.output);
      expect(Buffer.from(text, 'utf8').toString('hex')).toBe(c.output_utf8_hex);
    });

    it('writes every file but "values" the same under the default I-JSON rules', () => {
      for (const c of vectors.cases.filter((v) => v.name !== 'values')) {
        expect(canonicalBytes(JSON.parse(c.input)).toString('hex')).toBe(c.output_utf8_hex);
      }
    });

    it('rejects "values" under the default rules, naming 1E30 by its path', () => {
      const values = vectors.cases.find((c) => c.name === 'values');
      const e = rejection(JSON.parse(values?.input ?? ''));
      expect(e.path).toBe('$.numbers[1]');
      expect(e.reason).toMatch(/safe range/);
    });
  });

  describe.each([
    ['RFC 8785 Appendix B', vectors.numbers_rfc8785_appendix_b],
    ['testdata README', vectors.numbers_testdata_readme],
  ] as const)('given the %s numbers', (_source, numbers) => {
    it.each(numbers.map((n) => [n.ieee754_hex, n.expected] as const))(
      'serialises %s as %s in plain RFC 8785 mode (null: rejects)',
      (hex, expected) => {
        const n = double(hex);
        if (expected === null) {
          expect(() => canonicalize(n, { allowUnsafeIntegers: true })).toThrow(NotIJsonError);
        } else {
          expect(canonicalize(n, { allowUnsafeIntegers: true })).toBe(expected);
          expect(canonicalize([n], { allowUnsafeIntegers: true })).toBe(`[${expected}]`);
        }
      },
    );

    it.each(numbers.map((n) => [n.ieee754_hex, n.expected] as const))(
      'serialises %s as %s by default unless it is an unsafe integer',
      (hex, expected) => {
        const n = double(hex);
        if (expected === null || isUnsafeInteger(n)) {
          expect(() => canonicalize(n)).toThrow(NotIJsonError);
        } else {
          expect(canonicalize(n)).toBe(expected);
        }
      },
    );
  });

  describe('when a number is at the edge of the safe range', () => {
    it('accepts ±(2^53−1) and rejects ±2^53', () => {
      expect(canonicalize(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
      expect(canonicalize(-Number.MAX_SAFE_INTEGER)).toBe('-9007199254740991');
      expect(rejection(2 ** 53).reason).toMatch(/safe range/);
      expect(rejection(-(2 ** 53)).reason).toMatch(/safe range/);
    });

    it('accepts large non-integers and tiny numbers', () => {
      expect(canonicalize(4503599627370495.5)).toBe('4503599627370495.5');
      expect(canonicalize(5e-324)).toBe('5e-324');
    });

    it('writes -0 as 0', () => {
      expect(canonicalize(-0)).toBe('0');
      expect(canonicalize({ a: [-0] })).toBe('{"a":[0]}');
    });
  });

  describe('when the value is not I-JSON', () => {
    const sparse = [1, 2, 3];
    delete sparse[1];
    const withProtoKey = JSON.parse('{"ok":1,"__proto__":{"x":1}}') as unknown;
    class Money {
      constructor(readonly cents: number) {}
    }
    const cases: Array<[string, unknown, string, RegExp]> = [
      ['NaN', { a: NaN }, '$.a', /NaN/],
      ['Infinity', { a: [1, Infinity] }, '$.a[1]', /Infinity/],
      ['-Infinity', [-Infinity], '$[0]', /Infinity/],
      ['an unsafe integer', { data: { amount: 2 ** 60 } }, '$.data.amount', /safe range/],
      ['a lone high surrogate in a string', { s: 'a\ud800b' }, '$.s', /lone surrogate/],
      ['a lone low surrogate in a string', ['\udc00'], '$[0]', /lone surrogate/],
      ['a lone surrogate in a key', { ['k\ud83d']: 1 }, '$["k\\ud83d"]', /lone surrogate/],
      ['undefined', { a: undefined }, '$.a', /undefined/],
      ['undefined in an array', [undefined], '$[0]', /undefined/],
      ['a function', { f: () => 1 }, '$.f', /function/],
      ['a symbol', { s: Symbol('x') }, '$.s', /symbol/],
      ['a bigint', { n: 10n }, '$.n', /bigint/],
      ['a Date', { at: new Date(0) }, '$.at', /Date is not a plain object/],
      ['a Map', { m: new Map() }, '$.m', /Map/],
      ['a Buffer', { b: Buffer.from('x') }, '$.b', /not a plain object/],
      ['a class instance', { price: new Money(5) }, '$.price', /Money is not a plain object/],
      ['a boxed string', { s: new String('x') }, '$.s', /String is not a plain object/],
      ['a sparse array', { list: sparse }, '$.list[1]', /sparse/],
      ['the key __proto__', { data: withProtoKey }, '$.data.__proto__', /__proto__/],
      ['an array subclass', { a: new (class Items extends Array<number> {})() }, '$.a', /array subclass/],
      ['undefined at the top', undefined, '$', /undefined/],
      [
        'a deeply placed problem',
        { data: { items: [{}, {}, {}, { name: NaN }] } },
        '$.data.items[3].name',
        /NaN/,
      ],
      ['a key that is not an identifier', { 'a b': { 'x-y': NaN } }, '$["a b"]["x-y"]', /NaN/],
    ];

    it.each(cases)('rejects %s, naming its path', (_what, value, path, reason) => {
      const e = rejection(value);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe('NotIJsonError');
      expect(e.code).toBe('INTEGRITY.NOT_I_JSON');
      expect(e.path).toBe(path);
      expect(e.reason).toMatch(reason);
      expect(e.message).toBe(`${path}: ${e.reason}`);
    });
  });

  describe('when values nest deeply', () => {
    const nest = (depth: number): unknown => {
      let v: unknown = 1;
      for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v };
      return v;
    };

    it('accepts 64 levels by default and rejects 65', () => {
      expect(() => canonicalize(nest(64))).not.toThrow();
      expect(rejection(nest(65)).reason).toMatch(/deeper than 64/);
    });

    it('honours a smaller maxDepth', () => {
      expect(canonicalize(nest(3), { maxDepth: 3 })).toBe('[{"k":[1]}]');
      expect(rejection(nest(4), { maxDepth: 3 }).path).toBe('$.k[0].k');
      expect(canonicalize(1, { maxDepth: 0 })).toBe('1');
      expect(() => canonicalize([], { maxDepth: 0 })).toThrow(NotIJsonError);
    });

    it('rejects a cyclic value instead of overflowing the stack', () => {
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      expect(rejection(cyclic).reason).toMatch(/cyclic/);
    });

    it('rejects a maxDepth that is not a non-negative integer', () => {
      expect(() => canonicalize({}, { maxDepth: -1 })).toThrow(RangeError);
      expect(() => canonicalize({}, { maxDepth: 1.5 })).toThrow(RangeError);
    });
  });

  describe('when a value is plain JSON', () => {
    it('sorts keys by UTF-16 code units, not by code point or locale', () => {
      // U+FB33 comes before U+1F602 by code point but after it by UTF-16 code unit (0xFB33 > 0xD83D).
      expect(canonicalize({ '\ufb33': 1, '\ud83d\ude02': 2, a: 3, B: 4, '10': 5, '9': 6 })).toBe(
        '{"10":5,"9":6,"B":4,"a":3,"\ud83d\ude02":2,"\ufb33":1}',
      );
    });

    it('sorts objects with many keys', () => {
      const keys = Array.from({ length: 40 }, (_, i) => `k${(i * 7919) % 97}`);
      const obj = Object.fromEntries(keys.map((k) => [k, 1]));
      expect(Object.keys(JSON.parse(canonicalize(obj)) as object)).toEqual([...new Set(keys)].sort());
    });

    it('escapes like ECMAScript JSON.stringify', () => {
      expect(canonicalize('\u0000\u001f"\\/\u007f\u2028é😂')).toBe('"\\u0000\\u001f\\"\\\\/\u007f\u2028é😂"');
      expect(canonicalize({ 'a"b': '\n' })).toBe('{"a\\"b":"\\n"}');
    });

    it('accepts objects without a prototype', () => {
      const o = Object.create(null) as Record<string, unknown>;
      o.b = 1;
      o.a = [true, false, null];
      expect(canonicalize(o)).toBe('{"a":[true,false,null],"b":1}');
    });

    it('returns the UTF-8 bytes from canonicalBytes', () => {
      expect(canonicalBytes({ é: '€' }).toString('hex')).toBe('7b22c3a9223a22e282ac227d');
    });
  });

  describe('for any I-JSON value (property)', () => {
    const key = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })).filter((k) => k !== '__proto__');
    const number = fc.oneof(
      fc.maxSafeInteger(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    ).map((n) => (Object.is(n, -0) ? 0 : n));
    const { value } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constant(null),
        fc.boolean(),
        number,
        fc.string({ unit: 'binary' }),
        fc.array(tie('value'), { maxLength: 6 }),
        fc.dictionary(key, tie('value'), { maxKeys: 6 }),
      ),
    }));

    // An independent reference serialiser. It writes members in sorted order itself: rebuilding an object with
    // sorted keys would not do, because JavaScript enumerates integer-like keys ("0") before all others.
    const sortedStringify = (v: unknown): string => {
      if (Array.isArray(v)) return `[${v.map(sortedStringify).join(',')}]`;
      if (v !== null && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${sortedStringify(o[k])}`).join(',')}}`;
      }
      return JSON.stringify(v);
    };

    it('is idempotent: canonicalize(parse(canonicalize(x))) === canonicalize(x)', () => {
      fc.assert(
        fc.property(value, (x) => {
          const c = canonicalize(x);
          expect(canonicalize(JSON.parse(c))).toBe(c);
        }),
      );
    });

    it('round-trips: parse(canonicalize(x)) deep-equals x', () => {
      fc.assert(
        fc.property(value, (x) => {
          expect(JSON.parse(canonicalize(x))).toEqual(x);
        }),
      );
    });

    it('equals JSON.stringify of the value with its keys sorted (an independent reference)', () => {
      fc.assert(
        fc.property(value, (x) => {
          expect(canonicalize(x)).toBe(sortedStringify(x));
        }),
      );
    });

    it('in plain RFC 8785 mode, also round-trips any fast-check JSON value, unsafe integers included', () => {
      fc.assert(
        fc.property(fc.jsonValue({ stringUnit: 'binary' }), (x) => {
          fc.pre(!JSON.stringify(x).includes('"__proto__"'));
          const c = canonicalize(x, { allowUnsafeIntegers: true });
          expect(canonicalize(JSON.parse(c), { allowUnsafeIntegers: true })).toBe(c);
          // JSON has no -0, so compare with the value after one JSON round trip.
          expect(JSON.parse(c)).toEqual(JSON.parse(JSON.stringify(x)));
        }),
      );
    });

    it('rejects any string with a lone surrogate, wherever it is', () => {
      const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
      fc.assert(
        fc.property(fc.string(), lone, fc.string(), fc.boolean(), (a, s, b, asKey) => {
          const text = a + s + b;
          fc.pre(!(text as unknown as { isWellFormed(): boolean }).isWellFormed());
          const e = rejection(asKey ? { [text]: 1 } : { v: text });
          expect(e.reason).toMatch(/lone surrogate/);
        }),
      );
    });
  });
});
