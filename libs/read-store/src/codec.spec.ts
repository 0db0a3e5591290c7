import fc from 'fast-check';
import { isImmutable, List, Map as IMap, OrderedMap, OrderedSet, Set as ISet } from 'immutable';
import { decodeModel, decodeValue, diffModels, encodeModel, encodeValue, type ModelDocument } from './codec';

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

  it('applies the diff between two models to the first model’s documents to give the second’s', () => {
    fc.assert(
      fc.property(model, model, (a, b) => {
        const docs = new Map(encodeModel(a).map((d) => [`${d.collection}\u0000${d.key}`, d]));
        for (const change of diffModels(a, b)) {
          const id = `${change.collection}\u0000${change.key}`;
          if (change.doc === null) docs.delete(id);
          else docs.set(id, { collection: change.collection, key: change.key, doc: change.doc });
        }
        const sorted = [...docs.values()].sort((x, y) => (x.collection + '\u0000' + x.key < y.collection + '\u0000' + y.key ? -1 : 1));
        expect(sorted).toEqual(encodeModel(b));
      }),
    );
  });

  it('writes only the documents an update touched', () => {
    const before = { byId: IMap<string, { n: number }>({ a: { n: 1 }, b: { n: 2 } }), index: IMap(), ordered: OrderedMap(), log: List(), plain: null };
    const after = { ...before, byId: before.byId.set('b', { n: 3 }).remove('a').set('c', { n: 4 }) };
    expect(diffModels(before, after)).toEqual([
      { collection: 'byId', key: 'b', doc: '{"n":3}' },
      { collection: 'byId', key: 'c', doc: '{"n":4}' },
      { collection: 'byId', key: 'a', doc: null },
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

  it('refuses values that are not data', () => {
    expect(() => encodeValue(new Date(0))).toThrow(/neither plain data nor an Immutable collection/);
    expect(() => encodeModel({ byId: IMap([[1, 'x']]) })).toThrow(/must be strings/);
  });
});
