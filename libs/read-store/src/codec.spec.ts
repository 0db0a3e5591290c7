import fc from 'fast-check';
import { isImmutable, List, Map as IMap, OrderedMap, OrderedSet, Set as ISet } from 'immutable';
import { decodeModel, decodeValue, diffModels, diffSteps, encodeModel, encodeModelLazily, encodeValue, UNCHANGED, type DocumentChange, type ModelDocument } from './codec';

/** Structural equality that also requires the same collection types, and the same order where order is data. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isImmutable(a) || isImmutable(b)) {
    if (!isImmutable(a) || !isImmutable(b)) return false;
    const kind = (v: unknown) =>
      OrderedMap.isOrderedMap(v) ? 'OM' : IMap.isMap(v) ? 'M' : OrderedSet.isOrderedSet(v) ? 'OS' : ISet.isSet(v) ? 'S' : List.isList(v) ? 'L' : '?';
    if (kind(a) !== kind(b)) return false;
    const x = a as IMap<unknown, unknown>;
    const y = b as IMap<unknown, unknown>;
    if (x.size !== y.size) return false;
    // Iteration order too, for Map and Set: list queries read models in it.
    const xs = [...x.entries()];
    const ys = [...y.entries()];
    return xs.every(([k, v], i) => same(k, ys[i][0]) && same(v, ys[i][1]));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => same(v, b[i]));
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same((a as never)[k], (b as never)[k]));
  }
  return Object.is(a, b);
}

const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('~', '', 'a', 'b', '__x'));
const primitive = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double({ noNaN: true, min: -1e15, max: 1e15 }).filter((n) => !Object.is(n, -0)),
  fc.string({ maxLength: 8 }),
);

/** Plain JSON and Immutable collections, nested at will (undefined only as an object member, as JS data has it). */
const { value } = fc.letrec<{ value: unknown; member: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    primitive,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('member'), { maxKeys: 4 }),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((e) => IMap(e)),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), tie('value')), { maxLength: 4 }).map((e) => IMap(e)),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((e) => OrderedMap(e)),
    fc.array(primitive, { maxLength: 4 }).map((v) => ISet(v)),
    fc.array(primitive, { maxLength: 4 }).map((v) => OrderedSet(v)),
    fc.array(tie('value'), { maxLength: 4 }).map((v) => List(v)),
  ),
  member: fc.oneof(tie('value'), fc.constant(undefined)),
}));

/** A model as projections have them: fields that are Maps (one document per key), other collections, plain data. */
const model = fc.record({
  byId: fc.array(fc.tuple(key, value), { maxLength: 6 }).map((e) => IMap(e)),
  index: fc.array(fc.tuple(key, fc.array(key, { maxLength: 3 }).map((v) => ISet(v))), { maxLength: 4 }).map((e) => IMap(e)),
  ordered: fc.array(fc.tuple(key, value), { maxLength: 4 }).map((e) => OrderedMap(e)),
  log: fc.array(value, { maxLength: 4 }).map((v) => List(v)),
  // A field's kind is the model type's: a field that is not a Map in the empty model never becomes one.
  plain: value.filter((v) => !IMap.isMap(v) || OrderedMap.isOrderedMap(v)),
});

const initial = { byId: IMap<string, unknown>(), index: IMap<string, ISet<string>>(), ordered: OrderedMap<string, unknown>(), log: List<unknown>(), plain: null as unknown };

describe('read-model codec', () => {
  it('decodes every value to the same value and collection types', () => {
    fc.assert(fc.property(value, (v) => same(decodeValue(JSON.parse(JSON.stringify(encodeValue(v)))), v)));
  });

  it('decodes every model from its documents to an equal model', () => {
    // A Map field split into documents comes back in key order (the documents'); everything inside keeps its order.
    const byKey = <T extends { byId: IMap<string, unknown>; index: IMap<string, unknown> }>(x: T): T => ({ ...x, byId: x.byId.sortBy((_, k) => k).toMap(), index: x.index.sortBy((_, k) => k).toMap() });
    fc.assert(fc.property(model, (m) => same(byKey(decodeModel(initial, encodeModel(m))), byKey(m))));
  });

  it('encodes deterministically: the same documents for the same model, and for the model decoded from them', () => {
    fc.assert(
      fc.property(model, (m) => {
        expect(encodeModel(m)).toEqual(encodeModel(m));
        const copy = decodeModel(initial, encodeModel(m));
        expect(encodeModel(copy)).toEqual(encodeModel(m));
        // And the decoded copy evolves like the original: the same update gives the same documents.
        const touch = (x: typeof m) => ({ ...x, byId: x.byId.set('new', 1).remove('a'), index: x.index.update('b', ISet<string>(), (s) => s.add('z')) });
        expect(encodeModel(touch(copy))).toEqual(encodeModel(touch(m)));
      }),
    );
  });

  it('gives back the iteration order of small and large Maps and Sets', () => {
    const small = IMap<string, number>().set('t-zh', 1).set('t-hn', 2);
    const large = IMap<string, number>(Array.from({ length: 40 }, (_, i) => [`k${(i * 7) % 40}`, i]));
    const set = ISet(['t-zh', 't-hn', 't-a']);
    for (const v of [small, large, set, large.remove('k3').remove('k10')]) {
      expect([...(decodeValue(JSON.parse(JSON.stringify(encodeValue(v)))) as IMap<string, number>).keys()]).toEqual([...v.keys()]);
    }
  });

  /** The first model's documents with the changes applied, in (collection, key) order as encodeModel gives them. */
  const applied = (a: unknown, changes: readonly DocumentChange[]) => {
    const docs = new Map(encodeModel(a).map((d) => [`${d.collection}\u0000${d.key}`, d]));
    expect(new Set(changes.map((c) => `${c.collection}\u0000${c.key}`)).size).toBe(changes.length); // each document once
    for (const change of changes) {
      const id = `${change.collection}\u0000${change.key}`;
      if (change.doc === null) docs.delete(id);
      else docs.set(id, { collection: change.collection, key: change.key, doc: change.doc });
    }
    return [...docs.values()].sort((x, y) => (x.collection + '\u0000' + x.key < y.collection + '\u0000' + y.key ? -1 : 1));
  };

  it('applies the diff between two models to the first model’s documents to give the second’s', () => {
    fc.assert(fc.property(model, model, (a, b) => expect(applied(a, diffModels(a, b))).toEqual(encodeModel(b))));
  });

  describe('when the second model was folded from the first (Maps sharing structure, across every node kind)', () => {
    const op = fc.oneof(
      fc.tuple(fc.constant('set' as const), fc.integer({ min: 0, max: 400 }), value),
      fc.tuple(fc.constant('delete' as const), fc.integer({ min: 0, max: 400 }), fc.constant(null)),
      fc.tuple(fc.constant('index' as const), fc.integer({ min: 0, max: 40 }), key),
    );
    const grown = fc.tuple(model, fc.integer({ min: 0, max: 300 })).map(([m, n]) => ({
      ...m,
      byId: m.byId.withMutations((byId) => void Array.from({ length: n }, (_, i) => byId.set(`t-${i}`, { i }))),
    }));
    type Model = typeof initial & { byId: IMap<string, unknown>; index: IMap<string, ISet<string>>; log: List<unknown> };
    const fold = (m: Model, ops: ReadonlyArray<readonly [string, number, unknown]>): Model =>
      ops.reduce<Model>(
        (x, [kind, n, v]) =>
          kind === 'set'
            ? { ...x, byId: x.byId.set(`t-${n}`, v) }
            : kind === 'delete'
              ? { ...x, byId: x.byId.delete(`t-${n}`) }
              : { ...x, index: x.index.update(`p-${n}`, ISet<string>(), (set) => set.add(v as string)), log: x.log.push(n) },
        m,
      );

    it('writes exactly the documents that changed: the naive per-key comparison’s, and they give the second’s documents', () => {
      fc.assert(
        fc.property(grown, fc.array(op, { maxLength: 80 }), (a, ops) => {
          const b = fold(a, ops);
          const changes = diffModels(a, b);
          expect(applied(a, changes)).toEqual(encodeModel(b));
          // Written: exactly the keys whose value is another object (or gone), as a per-key walk would find them.
          const naive = (['byId', 'index'] as const).flatMap((field) => [
            ...[...b[field]].filter(([k, v]) => a[field].get(k) !== v).map(([k]) => `${field}/${k}`),
            ...[...a[field].keys()].filter((k) => !b[field].has(k)).map((k) => `${field}/${k}`),
          ]);
          const whole = (['ordered', 'log', 'plain'] as const).filter((field) => a[field] !== b[field]).map((field) => `${field}/`);
          expect(changes.map((c) => `${c.collection}/${c.key}`).sort()).toEqual([...naive, ...whole].sort());
        }),
        { numRuns: 150 },
      );
    });
  });

  describe('when compared by text (models built apart)', () => {
    it('writes only documents whose text changed, and marks every other document compared', () => {
      const a = { ...initial, byId: IMap<string, unknown>(Array.from({ length: 100 }, (_, i) => [`t-${i}`, { i }])), log: List([1]) };
      const b = { ...initial, byId: IMap<string, unknown>(Array.from({ length: 100 }, (_, i) => [`t-${i}`, { i: i === 7 ? -7 : i }])).set('t-new', 1), log: List([1]) };
      const steps = [...diffSteps(a, b, true)];
      const written = steps.filter((s): s is DocumentChange => s !== UNCHANGED).sort((x, y) => (x.key < y.key ? -1 : 1));
      expect(written).toEqual([
        { collection: 'byId', key: 't-7', doc: '{"i":-7}' },
        { collection: 'byId', key: 't-new', doc: '1' },
      ]);
      // 99 documents of byId and the log compared equal.
      expect(steps.filter((s) => s === UNCHANGED)).toHaveLength(100);
      expect([...diffSteps(a, b, false)].filter((s) => s === UNCHANGED)).toHaveLength(0);
    });
  });

  it('writes only the documents an update touched', () => {
    const before = { byId: IMap<string, { n: number }>({ a: { n: 1 }, b: { n: 2 } }), index: IMap(), ordered: OrderedMap(), log: List(), plain: null };
    const after = { ...before, byId: before.byId.set('b', { n: 3 }).remove('a').set('c', { n: 4 }) };
    // In no particular order (each document once): the store writes them in one transaction.
    expect(diffModels(before, after).sort((x, y) => (x.key < y.key ? -1 : 1))).toEqual([
      { collection: 'byId', key: 'a', doc: null },
      { collection: 'byId', key: 'b', doc: '{"n":3}' },
      { collection: 'byId', key: 'c', doc: '{"n":4}' },
    ]);
    expect(diffModels(after, after)).toEqual([]);
  });

  it('stores a model that is itself a Map as one document per key', () => {
    const m = IMap({ x: List([1, 2]), y: { '~': 'tricky' } });
    const docs: ModelDocument[] = encodeModel(m);
    expect(docs).toEqual([
      { collection: '', key: 'x', doc: '{"v":[1,2],"~":"L"}' },
      { collection: '', key: 'y', doc: '{"v":{"~":"tricky"},"~":"O"}' },
    ]);
    expect(same(decodeModel(IMap(), docs), m)).toBe(true);
  });

  it('encodes a model lazily: in (collection, key) order, each document made only when it is asked for', () => {
    const made: string[] = [];
    const item = (key: string) => Object.defineProperty({}, 'v', { enumerable: true, get: () => (made.push(key), key) });
    const model = { b: IMap([['y', item('b/y')], ['x', item('b/x')]]), a: item('a') };
    const documents = encodeModelLazily(model);
    expect(documents.next().value).toEqual({ collection: 'a', key: '', doc: '{"v":"a"}' });
    expect(made).toEqual(['a']);
    expect([...documents].map((d) => d.key)).toEqual(['x', 'y']);
    expect(made).toEqual(['a', 'b/x', 'b/y']);
  });

  it('refuses values that are not data', () => {
    expect(() => encodeValue(new Date(0))).toThrow(/neither plain data nor an Immutable collection/);
    expect(() => encodeModel({ byId: IMap([[1, 'x']]) })).toThrow(/must be strings/);
  });
});
