import fc from 'fast-check';
import { isImmutable, List, Map as IMap, OrderedMap, OrderedSet, Set as ISet } from 'immutable';
import {
  decodeModel,
  decodeValue,
  diffModels,
  diffSteps,
  encodeModel,
  encodeModelLazily,
  encodeValue,
  LIST_PAGE_SIZE,
  pageCollectionOf,
  pageKeyOf,
  parsePageKey,
  UNCHANGED,
  type DocumentChange,
  type ModelDocument,
} from './codec';

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

  describe('Lists at a key of a split Map, stored in pages', () => {
    const P = LIST_PAGE_SIZE;
    /** Sizes around the page boundaries. */
    const listSize = fc.constantFrom(0, 1, P - 1, P, P + 1, 2 * P - 1, 2 * P, 2 * P + 1, 3 * P, 3 * P + 1);
    const items = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ [tag]: i }));
    /** Keys that would collide under a naive page-key scheme: `#`, page-like suffixes, the empty key. */
    const listKey = fc.oneof(key, fc.constantFrom('a#0001', 'a#0000', '#', '#0000', 'a', 'a#', 'a#1', 'x#0002#0003'));
    const listOf = fc.tuple(listSize, fc.array(value, { maxLength: 3 })).map(([n, extra]) => List<unknown>([...items(n, 'i'), ...extra]));
    type Lists = { readonly lists: IMap<string, unknown>; readonly ids: IMap<string, List<string>>; readonly log: List<unknown> };
    const emptyLists: Lists = { lists: IMap(), ids: IMap(), log: List() };
    const lists = fc.record({
      lists: fc.array(fc.tuple(listKey, fc.oneof({ weight: 4, arbitrary: listOf }, { weight: 1, arbitrary: value })), { maxLength: 6 }).map((e) => IMap(e)),
      ids: fc.array(fc.tuple(listKey, listSize.map((n) => List(Array.from({ length: n }, (_, i) => `id-${i}`)))), { maxLength: 3 }).map((e) => IMap(e)),
      // A List that is a field (not at a key of a split Map) stays one document, however long.
      log: listSize.map((n) => List<unknown>(items(n, 'l'))),
    });
    const byKey = (m: Lists): Lists => ({ ...m, lists: m.lists.sortBy((_, k) => k).toMap(), ids: m.ids.sortBy((_, k) => k).toMap() });

    it('pages a List longer than a page (head + pages), keeps a shorter one whole, and keys pages apart from any Map key', () => {
      const m: Lists = { ...emptyLists, lists: IMap<string, unknown>([['a', List(items(2 * P + 1, 'i'))], ['a#0001', List([1])], ['b', List(items(P, 'i'))]]) };
      const docs = encodeModel(m);
      expect(docs.filter((d) => d.collection === 'lists').map((d) => [d.key, d.doc])).toEqual([
        ['a', `{"n":3,"p":${P},"~":"LP"}`],
        ['a#0001', '{"v":[1],"~":"L"}'],
        ['b', expect.stringMatching(/^\{"v":\[/)],
      ]);
      expect(docs.filter((d) => d.collection === pageCollectionOf('lists')).map((d) => [d.key, JSON.parse(d.doc).length])).toEqual([
        ['a#0000', P],
        ['a#0001', P],
        ['a#0002', 1],
      ]);
      expect(same(decodeModel(emptyLists, docs), m)).toBe(true);
    });

    it('reads a page key back as the key and page it was made of, whatever the key', () => {
      fc.assert(fc.property(fc.string(), fc.integer({ min: 0, max: 1e7 }), (k, page) => expect(parsePageKey(pageKeyOf(k, page))).toEqual({ key: k, page })));
      expect(parsePageKey('a#1')).toBeUndefined();
      expect(parsePageKey('a#00001')).toBeUndefined();
      expect(parsePageKey('a')).toBeUndefined();
    });

    it('decodes every model with paged Lists to the same Lists (order, values, types)', () => {
      fc.assert(fc.property(lists, (m) => same(byKey(decodeModel(emptyLists, encodeModel(m))), byKey(m))));
    });

    it('refuses documents it does not write: pages without a head, a page missing, a page of the wrong length', () => {
      const docs = encodeModel({ ...emptyLists, lists: IMap([['k', List(items(2 * P + 1, 'i'))]]) });
      const without = (pred: (d: ModelDocument) => boolean) => docs.filter((d) => !pred(d));
      expect(() => decodeModel(emptyLists, without((d) => d.collection === 'lists'))).toThrow(/List pages without a head/);
      expect(() => decodeModel(emptyLists, without((d) => d.key === 'k#0001'))).toThrow(/a List head of 3 pages with 2 page documents/);
      const short = docs.map((d) => (d.key === 'k#0000' ? { ...d, doc: '[1]' } : d));
      expect(() => decodeModel(emptyLists, short)).toThrow(/page 0 does not hold/);
      expect(() => encodeModel({ 'x#': IMap() })).toThrow(/may not end with '#'/);
    });

    type ListOp =
      | readonly ['push', string, number]
      | readonly ['pop', string, number]
      | readonly ['set', string, number]
      | readonly ['unshift', string]
      | readonly ['delete', string]
      | readonly ['replace', string, number]
      | readonly ['plain', string]
      | readonly ['id', string];
    const listOp: fc.Arbitrary<ListOp> = fc.oneof(
      { weight: 8, arbitrary: fc.tuple(fc.constant('push' as const), listKey, fc.integer({ min: 1, max: 2 * P + 2 })) },
      { weight: 3, arbitrary: fc.tuple(fc.constant('pop' as const), listKey, fc.integer({ min: 1, max: 2 * P })) },
      { weight: 3, arbitrary: fc.tuple(fc.constant('set' as const), listKey, fc.nat()) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('unshift' as const), listKey) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('delete' as const), listKey) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('replace' as const), listKey, listSize) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('plain' as const), listKey) },
      { weight: 2, arbitrary: fc.tuple(fc.constant('id' as const), listKey) },
    );
    let made = 0;
    const asList = (v: unknown) => (List.isList(v) ? (v as List<unknown>) : List<unknown>());
    /** One op as a fold does it (a new object for each item it adds or sets; everything else kept). */
    const applyOp = (m: Lists, o: ListOp): Lists => {
      const k = o[1];
      const list = asList(m.lists.get(k));
      switch (o[0]) {
        case 'push':
          return { ...m, lists: m.lists.set(k, list.push(...items(o[2], `p${made++}`))) };
        case 'pop':
          return { ...m, lists: m.lists.set(k, list.slice(0, Math.max(0, list.size - o[2]))) };
        case 'set':
          return list.size === 0 ? m : { ...m, lists: m.lists.set(k, list.set(o[2] % list.size, { set: made++ })) };
        case 'unshift':
          return { ...m, lists: m.lists.set(k, list.unshift({ first: made++ })) };
        case 'delete':
          return { ...m, lists: m.lists.delete(k), ids: m.ids.delete(k) };
        case 'replace':
          return { ...m, lists: m.lists.set(k, List(items(o[2], `r${made++}`))) };
        case 'plain':
          return { ...m, lists: m.lists.set(k, { plain: made++ }) };
        case 'id':
          return { ...m, ids: m.ids.update(k, List<string>(), (ids) => ids.push(`id-${made++}`)), log: m.log.push(made) };
      }
    };
    /** Ops in batches, each applied one by one or inside withMutations (a page fold's transient copies). */
    const batches = fc.array(fc.tuple(fc.boolean(), fc.array(listOp, { maxLength: 12 })), { minLength: 1, maxLength: 4 });
    const fold = (m: Lists, all: ReadonlyArray<readonly [boolean, readonly ListOp[]]>): Lists[] => {
      const versions = [m];
      for (const [transient, ops] of all) {
        const last = versions[versions.length - 1];
        if (!transient) versions.push(ops.reduce(applyOp, last));
        else {
          // As the notices projection batches: each List a batch appends to made mutable once, then immutable again.
          const owned = new Map<string, List<unknown>>();
          const next = last.lists.withMutations((map) => {
            for (const o of ops) {
              if (o[0] !== 'push') continue;
              let list = owned.get(o[1]);
              if (list === undefined) owned.set(o[1], (list = asList(map.get(o[1])).asMutable()));
              for (const item of items(o[2], `t${made++}`)) list.push(item);
              map.set(o[1], list);
            }
          });
          for (const list of owned.values()) list.asImmutable();
          versions.push(ops.filter((o) => o[0] !== 'push').reduce(applyOp, { ...last, lists: next }));
        }
      }
      return versions;
    };
    const pageItems = (v: unknown, page: number) => (List.isList(v) && (v as List<unknown>).size > P ? (v as List<unknown>).slice(page * P, (page + 1) * P).toArray() : undefined);

    it('flushes by diff to the documents a full encoding of the new model gives, and never writes a page whose items did not change', () => {
      fc.assert(
        fc.property(lists, batches, (start, all) => {
          const versions = fold(start, all);
          for (let i = 0; i + 1 < versions.length; i++) {
            for (const [a, b] of [[versions[i], versions[i + 1]], [versions[0], versions[i + 1]]]) {
              const changes = diffModels(a, b);
              expect(applied(a, changes)).toEqual(encodeModel(b));
              for (const change of changes) {
                if (change.doc === null || !change.collection.endsWith('#')) continue;
                const { key: k, page } = parsePageKey(change.key)!;
                const field = change.collection.slice(0, -1) as 'lists' | 'ids';
                const was = pageItems(a[field].get(k), page);
                const now = pageItems(b[field].get(k), page)!;
                // A page written is new, or holds another number of items, or an item that is another object.
                expect(was === undefined || was.length !== now.length || was.some((item, j) => item !== now[j])).toBe(true);
              }
            }
          }
        }),
        { numRuns: 150 },
      );
    });

    it('writes, for appends to a paged List, its last page and the pages added (and the head when the page count changed): nothing else', () => {
      fc.assert(
        fc.property(fc.integer({ min: P + 1, max: 5 * P }), fc.array(fc.integer({ min: 1, max: 2 * P + 1 }), { minLength: 1, maxLength: 5 }), (size, pushes) => {
          let m: Lists = { ...emptyLists, lists: IMap<string, unknown>([['k', List(items(size, 'i'))], ['other', List(items(3 * P, 'o'))]]) };
          for (const n of pushes) {
            const before = (m.lists.get('k') as List<unknown>).size;
            const next = { ...m, lists: m.lists.update('k', (l) => (l as List<unknown>).push(...items(n, `n${made++}`))) };
            const pagesBefore = Math.ceil(before / P);
            const pagesAfter = Math.ceil((before + n) / P);
            const first = Math.floor(before / P);
            const want = [
              ...(pagesAfter !== pagesBefore ? ['lists/k'] : []),
              ...Array.from({ length: pagesAfter - first }, (_, i) => `lists#/${pageKeyOf('k', first + i)}`),
            ];
            expect(diffModels(m, next).map((c) => `${c.collection}/${c.key}`)).toEqual(want);
            m = next;
          }
        }),
      );
    });

    it('compares pages by text when the models were built apart: writes only the pages whose text changed', () => {
      fc.assert(
        fc.property(lists, batches, (start, all) => {
          const versions = fold(start, all);
          const a = versions[0];
          const b = versions[versions.length - 1];
          // `b` as another process folded it: equal values, other objects.
          const apart = decodeModel(emptyLists, encodeModel(b));
          const steps = [...diffSteps(a, apart, true)];
          const written = steps.filter((s): s is DocumentChange => s !== UNCHANGED);
          expect(applied(a, written)).toEqual(encodeModel(b));
          const before = new Map(encodeModel(a).map((d) => [`${d.collection}\u0000${d.key}`, d.doc]));
          for (const change of written) expect(before.get(`${change.collection}\u0000${change.key}`)).not.toBe(change.doc ?? undefined);
        }),
        { numRuns: 100 },
      );
    });
  });

  it('refuses values that are not data', () => {
    expect(() => encodeValue(new Date(0))).toThrow(/neither plain data nor an Immutable collection/);
    expect(() => encodeModel({ byId: IMap([[1, 'x']]) })).toThrow(/must be strings/);
  });
});
