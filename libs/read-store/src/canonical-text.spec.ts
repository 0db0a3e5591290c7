import fc from 'fast-check';
import { List, Map as IMap, OrderedMap, OrderedSet, Record as IRecord, Seq, Set as ISet, Stack } from 'immutable';
import { canonicalize } from '@ledger/event-store';
import { canonicalItemsText, canonicalText } from './canonical-text';
import { encodeModel, encodeValue, LIST_PAGE_SIZE } from './codec';

/** The two-pass text the single pass must equal: encodeValue's tagged tree, then canonicalize (RFC 8785). */
const reference = (value: unknown) => canonicalize(encodeValue(value));

type Outcome = { text: string } | { error: unknown };
function attempt(make: () => string): Outcome {
  try {
    return { text: make() };
  } catch (error) {
    return { error };
  }
}

/** Same class and message: the codec's refusals are the ones the two passes always gave. */
function sameError(a: unknown, b: unknown): boolean {
  return a instanceof Error && b instanceof Error && a.constructor === b.constructor && a.message === b.message;
}

/** The codec's document for `value` alone (a split Map's item, or a field stored whole), through its public API. */
function documentOf(value: unknown): string {
  const model = IMap.isMap(value) && !OrderedMap.isOrderedMap(value) ? IMap([['k', value]]) : { f: value };
  const documents = encodeModel(model);
  expect(documents).toHaveLength(1);
  return documents[0].doc;
}

/** Object members in any order, with the keys JCS orders by UTF-16 code units rather than code points. */
const key = fc.oneof(
  fc.string({ maxLength: 5 }),
  fc.string({ unit: 'binary', maxLength: 3 }),
  fc.constantFrom('~', '~a', '}', '', 'a', 'b', 'B', '1', '10', '2', 'é', '\u007f', '\uffff', '\ud83d\ude00', '"', '\\', '\u0000', '\u2028', 'constructor', 'toString'),
);

/** Strings at the edges of RFC 8785's escaping and of UTF-16 (pairs only here: a lone surrogate is refused). */
const text = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
  fc.constantFrom('', '"', '\\', '/', '\b\f\n\r\t', '\u0000\u001f', '\u007f', '\u2028\u2029', '\ud800\udc00', '\udbff\udfff', '\ud83d\ude00', '~', 'M'),
);

const number = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.integer(),
  fc.constantFrom(-0, 0, 1e-7, 1.5e-7, 123e-20, 1e15 / 3, 4.35, 5e-324, -5e-324, 1.7976931348623157e308 / 1e300, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.1 + 0.2, 123456789012345680000 / 1e6),
);

const primitive = fc.oneof(fc.constant(null), fc.boolean(), number, text);

/** Values neither pass accepts (or, for the last few, ones the single pass leaves to the two-pass way). */
class Point {
  constructor(readonly x = 1) {}
}
class Items extends Array<unknown> {}
const PointRecord = IRecord({ x: 1 });
const sparse = (): unknown[] => {
  const a: unknown[] = [1];
  a[2] = 3;
  return a;
};
const refused = fc.oneof(
  fc.constantFrom<() => unknown>(
    () => NaN,
    () => Infinity,
    () => -Infinity,
    () => 2 ** 53,
    () => -(2 ** 53),
    () => 1e21,
    () => 1e300,
    () => 'a\ud800',
    () => '\udc00',
    () => new Date(0),
    () => new Point(),
    () => Symbol('s'),
    () => 10n,
    () => () => 1,
    () => PointRecord(),
    () => Seq([1]),
    () => Stack([1]),
    () => sparse(),
    () => Object.fromEntries([['\ud800', 1]]),
    () => Items.from([1, 2]),
    () => Object.fromEntries([['__proto__', null]]),
    () => Object.fromEntries([['__proto__', 1]]),
    () => Object.fromEntries([['__proto__', {}]]),
    () => Object.fromEntries([['__proto__', undefined]]),
  ),
).map((make) => make());

/**
 * Plain data and Immutable collections nested in each other: objects with odd keys (`~` included, so the O tag) and
 * undefined members (the U tag), some without a prototype; arrays with undefined items (written null); Maps keyed by
 * strings, numbers and collections, large enough to reach every trie node kind; Lists with unset slots.
 * With `withRefused`, a value anywhere may also be one the two passes refuse.
 */
function values(withRefused: boolean) {
  return fc.letrec<{ value: unknown; member: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      ...(withRefused ? [refused] : []),
      primitive,
      fc.array(fc.oneof(tie('value'), fc.constant(undefined)), { maxLength: 4 }),
      fc.array(fc.tuple(key, tie('member')), { maxLength: 5 }).map((e) => Object.fromEntries(e)),
      fc.array(fc.tuple(key, tie('member')), { maxLength: 3 }).map((e) => {
        const o = Object.create(null) as Record<string, unknown>;
        for (const [k, v] of e) o[k] = v;
        return o;
      }),
      fc.array(fc.tuple(key, tie('member')), { maxLength: 4 }).map((e) => IMap(e)),
      fc.array(fc.tuple(fc.integer({ min: -5, max: 60 }), primitive), { maxLength: 40 }).map((e) => IMap(e)),
      fc.array(fc.tuple(tie('value'), tie('member')), { maxLength: 3 }).map((e) => IMap(e)),
      fc.array(fc.tuple(key, tie('member')), { maxLength: 4 }).map((e) => OrderedMap(e)),
      fc.array(primitive, { maxLength: 40 }).map((v) => ISet(v)),
      fc.array(tie('member'), { maxLength: 3 }).map((v) => ISet(v)),
      fc.array(tie('member'), { maxLength: 4 }).map((v) => OrderedSet(v)),
      fc.array(tie('member'), { maxLength: 4 }).map((v) => List(v)),
      fc.tuple(fc.array(primitive, { maxLength: 40 }), fc.nat(3)).map(([v, extra]) => List(v).setSize(v.length + extra)),
    ),
    member: fc.oneof(tie('value'), fc.constant(undefined)),
  })).value;
}

/**
 * A value nested 60-68 containers deep in the tagged tree, through every kind of container: canonicalize refuses a
 * container at depth 64 (the top-level value's is 0). Each wrapper says how many levels it adds there.
 */
const wrappers: Array<[levels: number, wrap: (inner: unknown) => unknown]> = [
  [1, (x) => [x]],
  [1, (x) => ({ a: x })],
  [2, (x) => ({ '~': x })],
  [2, (x) => List([x])],
  [2, (x) => ISet([x])],
  [3, (x) => IMap([['k', x]])],
  [3, (x) => IMap([[x, 1]])],
  [3, (x) => OrderedMap([['k', x]])],
];
const leaves: Array<[levels: number, leaf: unknown]> = [
  [0, 1],
  [0, 'x'],
  [1, undefined],
  [1, []],
  [1, {}],
  [2, IMap()],
  [2, List()],
  [2, { '~': 1 }],
];
const deep = fc
  .tuple(fc.integer({ min: 60, max: 68 }), fc.array(fc.nat(wrappers.length - 1), { minLength: 70, maxLength: 70 }), fc.nat(leaves.length - 1))
  .map(([target, path, at]) => {
    let [levels, value] = leaves[at];
    for (const w of path) {
      const [more, wrap] = wrappers[w];
      if (levels + more > target) continue;
      levels += more;
      value = wrap(value);
    }
    return value;
  });

describe('canonicalText (one pass) against canonicalize(encodeValue(…)) (two passes)', () => {
  it('writes every value the two passes write, byte for byte', () => {
    fc.assert(
      fc.property(values(false), (v) => {
        expect(canonicalText(v)).toBe(reference(v));
        expect(documentOf(v)).toBe(reference(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes a List page as the two passes write its encoded items', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(values(false), fc.constant(undefined)), { minLength: LIST_PAGE_SIZE + 1, maxLength: 3 * LIST_PAGE_SIZE + 2 }), (items) => {
        const list = List(items);
        const documents = encodeModel(IMap([['k', list]]));
        const pages = documents.filter((d) => d.collection === '#');
        expect(pages).toHaveLength(Math.ceil(items.length / LIST_PAGE_SIZE));
        pages.forEach((page, i) => {
          const slice = items.slice(i * LIST_PAGE_SIZE, (i + 1) * LIST_PAGE_SIZE);
          expect(page.doc).toBe(canonicalize(slice.map(encodeValue)));
          expect(canonicalItemsText(list, i * LIST_PAGE_SIZE, i * LIST_PAGE_SIZE + slice.length)).toBe(page.doc);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('refuses every value the two passes refuse, and the codec then throws the error they throw', () => {
    let refusedSeen = 0;
    fc.assert(
      fc.property(values(true), (v) => {
        const expected = attempt(() => reference(v));
        const fast = attempt(() => canonicalText(v));
        const document = attempt(() => documentOf(v));
        if ('error' in expected) {
          refusedSeen++;
          expect('error' in fast).toBe(true);
          expect('error' in document && sameError(document.error, expected.error)).toBe(true);
        } else {
          // The single pass may leave an unusual value (a `__proto__` member, an Array subclass) to the two passes.
          if ('text' in fast) expect(fast.text).toBe(expected.text);
          expect(document).toEqual(expected);
        }
      }),
      { numRuns: 2000 },
    );
    // The generator reaches refusals often enough to mean something.
    expect(refusedSeen).toBeGreaterThan(200);
  });

  it('refuses exactly where canonicalize refuses to nest 64 containers deep', () => {
    fc.assert(
      fc.property(deep, (v) => {
        const expected = attempt(() => reference(v));
        const fast = attempt(() => canonicalText(v));
        if ('error' in expected) expect('error' in fast).toBe(true);
        else if ('text' in fast) expect(fast.text).toBe(expected.text);
        expect(attempt(() => documentOf(v))).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a List page as the two passes do: the first page they refuse, with their error', () => {
    fc.assert(
      fc.property(fc.array(values(true), { minLength: LIST_PAGE_SIZE + 1, maxLength: 2 * LIST_PAGE_SIZE }), (items) => {
        const list = List(items);
        const expected = [items.slice(0, LIST_PAGE_SIZE), items.slice(LIST_PAGE_SIZE)].map((slice) => attempt(() => canonicalize(slice.map(encodeValue))));
        const fast = [0, 1].map((page) => attempt(() => canonicalItemsText(list, page * LIST_PAGE_SIZE, Math.min(items.length, (page + 1) * LIST_PAGE_SIZE))));
        expected.forEach((page, i) => {
          if ('error' in page) expect('error' in fast[i]).toBe(true);
          else if ('text' in fast[i]) expect(fast[i]).toEqual(page);
        });
        // encodeModel makes the pages in key order, so the first refused page is the one whose error it throws.
        const documents = attempt(() => JSON.stringify(encodeModel(IMap([['k', list]])).filter((d) => d.collection === '#').map((d) => d.doc)));
        const refusal = expected.find((page) => 'error' in page);
        if (refusal !== undefined && 'error' in refusal) expect('error' in documents && sameError(documents.error, refusal.error)).toBe(true);
        else expect(documents).toEqual({ text: JSON.stringify(expected.map((page) => ('text' in page ? page.text : ''))) });
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a cycle as the two passes do (they overflow the stack)', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => canonicalText(cyclic)).toThrow();
    expect(() => documentOf(cyclic)).toThrow(RangeError);
  });

  it('writes the tags and member order the codec documents', () => {
    const v = {
      '~': 1,
      b: [undefined, 1],
      a: undefined,
      m: IMap([[1, 'x']]),
      o: OrderedMap([['k', List([ISet(['s']), OrderedSet([-0])])]]),
    };
    expect(canonicalText(v)).toBe(
      '{"v":{"a":{"~":"U"},"b":[null,1],"m":{"e":[[1,"x"]],"~":"M"},"o":{"e":[["k",{"v":[{"v":["s"],"~":"S"},{"v":[0],"~":"OS"}],"~":"L"}]],"~":"OM"},"~":1},"~":"O"}',
    );
    expect(canonicalText(v)).toBe(reference(v));
  });
});
