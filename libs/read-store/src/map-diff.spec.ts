import fc from 'fast-check';
import { List, Map as IMap } from 'immutable';
import { ABSENT, changedPages, mapChanges, naiveMapChanges, sameChanges, structuralMapDiff, type EntryChange } from './map-diff';

// Strings built from 'Aa' and 'BB' share one string hash (31·h + code) per length: hash-collision buckets.
const colliding = ['Aa', 'BB', 'AaAa', 'AaBB', 'BBAa', 'BBBB', 'AaAaAa', 'BBBBBB', 'AaBBAa'];
const key = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 700 }).map((i) => `t-${i}`) },
  { weight: 2, arbitrary: fc.constantFrom(...colliding) },
  { weight: 1, arbitrary: fc.string({ maxLength: 3 }) },
);
/** A fresh object each time (an Immutable update replaces what it touches by a new value), or a shared constant. */
const value = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer().map((n) => ({ n })));

type Op = { readonly op: 'set'; readonly key: string; readonly value: unknown } | { readonly op: 'delete'; readonly key: string } | { readonly op: 'update'; readonly key: string } | { readonly op: 'clear' };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('set' as const), key, value }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('update' as const), key }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

function apply(map: IMap<string, unknown>, o: Op): IMap<string, unknown> {
  switch (o.op) {
    case 'set':
      return map.set(o.key, o.value);
    case 'delete':
      return map.delete(o.key);
    case 'update':
      return map.update(o.key, (v) => ({ was: v ?? null }));
    case 'clear':
      return map.clear();
  }
}

/** Operations in batches, each applied one by one (persistent) or inside withMutations (transient), as folds do. */
const batches = fc.array(fc.tuple(fc.boolean(), fc.array(op, { maxLength: 60 })), { maxLength: 6 });
function applyAll(map: IMap<string, unknown>, all: ReadonlyArray<readonly [boolean, readonly Op[]]>): IMap<string, unknown>[] {
  const versions = [map];
  for (const [transient, ops] of all) {
    const last = versions[versions.length - 1];
    versions.push(transient ? last.withMutations((m) => void ops.reduce(apply, m)) : ops.reduce(apply, last));
  }
  return versions;
}

/** From 0 to 1,200 entries: an ArrayMapNode root, BitmapIndexedNode and HashArrayMapNode tries of several levels. */
const sizes = fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 1200 }));
const start = fc.tuple(sizes, fc.array(fc.constantFrom(...colliding), { maxLength: 5 })).map(([size, extra]) =>
  IMap<string, unknown>([...Array.from({ length: size }, (_, i): [string, unknown] => [`t-${(i * 7) % 1200}`, { i }]), ...extra.map((k): [string, unknown] => [k, { k }])]),
);

const expectSame = (got: readonly EntryChange[], want: readonly EntryChange[]) => {
  if (!sameChanges(got, want)) expect(got).toEqual(want); // shows both when they differ
};

describe('structural Map diff', () => {
  it('recognises the Immutable.js in use (otherwise every diff is the naive one: correct, but O(size))', () => {
    expect(structuralMapDiff).toBe(true);
  });

  describe('when one Map was made from the other by sets, deletes and updates', () => {
    it('finds exactly the changes the naive diff finds, either way round and between any two versions', () => {
      fc.assert(
        fc.property(start, batches, (map, all) => {
          const versions = applyAll(map, all);
          for (let i = 0; i < versions.length; i++) {
            for (const j of [0, i - 1, versions.length - 1]) {
              if (j < 0) continue;
              expectSame(mapChanges(versions[j], versions[i]), naiveMapChanges(versions[j], versions[i]));
              expectSame(mapChanges(versions[i], versions[j]), naiveMapChanges(versions[i], versions[j]));
            }
          }
        }),
        { numRuns: 300 },
      );
    });

    it('grows and shrinks across every kind of node (empty, one entry, 8, 9, 16, 17, hundreds) and finds every change', () => {
      let map = IMap<string, unknown>();
      const versions = [map];
      for (let i = 0; i < 600; i++) versions.push((map = map.set(`k${i}`, i)));
      for (const k of colliding) versions.push((map = map.set(k, k)));
      for (let i = 0; i < 600; i++) versions.push((map = map.delete(`k${(i * 13) % 600}`)));
      for (const k of colliding) versions.push((map = map.delete(k)));
      expect(map.size).toBe(0);
      for (let i = 1; i < versions.length; i++) {
        for (const j of [i - 1, Math.max(0, i - 9), Math.max(0, i - 50), 0, 300, versions.length - 1]) {
          expectSame(mapChanges(versions[j], versions[i]), naiveMapChanges(versions[j], versions[i]));
        }
      }
    });
  });

  describe('when the two Maps were built apart', () => {
    it('finds exactly the changes the naive diff finds', () => {
      fc.assert(
        fc.property(start, start, batches, (a, b, all) => {
          const c = applyAll(b, all).pop()!;
          expectSame(mapChanges(a, c), naiveMapChanges(a, c));
          expectSame(mapChanges(c, a), naiveMapChanges(c, a));
          // Equal contents, no node in common: every key whose value is another object.
          const copy = IMap<string, unknown>([...a.entries()]);
          expectSame(mapChanges(a, copy), naiveMapChanges(a, copy));
        }),
        { numRuns: 200 },
      );
    });
  });

  it('reports a change as [key, before, after], ABSENT for a key one side does not have', () => {
    const before = IMap<string, unknown>(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
    const after = before.set('k1', 'one').delete('k2').set('new', 'x').set('k3', 3);
    const changes = mapChanges(before, after);
    expect(new Map(changes.map(([k, was, now]) => [k, [was, now]]))).toEqual(
      new Map<string, unknown[]>([
        ['k1', [1, 'one']],
        ['k2', [2, ABSENT]],
        ['new', [ABSENT, 'x']],
      ]),
    );
    expect(mapChanges(after, after)).toEqual([]);
    expect(mapChanges(IMap(), IMap())).toEqual([]);
  });

  it('compares keys that are value objects (Immutable is() equality) as the naive diff does', () => {
    const keyed = (n: number) => IMap<unknown, unknown>(Array.from({ length: 30 }, (_, i) => [List([i % n, 'x']), i]));
    const a = keyed(30);
    const b = keyed(30).set(List([3, 'x']), 'changed');
    expectSame(mapChanges(a, b), naiveMapChanges(a, b));
    expect(mapChanges(a, b).map(([k]) => k)).toEqual([List([3, 'x'])]);
  });

  it('costs what changed, not the size of the Map, when the two share structure', () => {
    const large = IMap<string, unknown>(Array.from({ length: 50_000 }, (_, i) => [`t-${i}`, { i }]));
    const changed = large.set('t-17', { i: -1 }).delete('t-4242').set('t-new', {});
    const visits = { nodes: 0 };
    expectSame(mapChanges(large, changed, visits), naiveMapChanges(large, changed));
    // Three paths of at most four levels, each level's node looking at most at its 32 slots.
    expect(visits.nodes).toBeLessThan(3 * 4 * 33);
    const apart = IMap<string, unknown>([...changed.entries()]);
    const all = { nodes: 0 };
    mapChanges(large, apart, all);
    expect(all.nodes).toBeGreaterThan(50_000 / 32);
  });
});

describe('changed pages of a List', () => {
  /** The pages of `after` whose items (by ===) or length differ from the same page of `before`, slice by slice. */
  const naive = (before: List<unknown>, after: List<unknown>, size: number) =>
    Array.from({ length: Math.ceil(after.size / size) }, (_, page) => page).filter((page) => {
      const a = before.slice(page * size, (page + 1) * size).toArray();
      const b = after.slice(page * size, (page + 1) * size).toArray();
      return a.length !== b.length || a.some((item, i) => item !== b[i]);
    });
  type ListOp = { op: 'push'; n: number } | { op: 'pop'; n: number } | { op: 'set'; at: number } | { op: 'unshift' } | { op: 'remove'; at: number } | { op: 'same'; at: number };
  const listOp: fc.Arbitrary<ListOp> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('push' as const), n: fc.integer({ min: 1, max: 40 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('pop' as const), n: fc.integer({ min: 1, max: 20 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat() }) },
    { weight: 1, arbitrary: fc.constant({ op: 'unshift' as const }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), at: fc.nat() }) },
    // Sets an item to itself: Immutable gives back the same List.
    { weight: 1, arbitrary: fc.record({ op: fc.constant('same' as const), at: fc.nat() }) },
  );
  const applyList = (list: List<unknown>, o: ListOp): List<unknown> => {
    switch (o.op) {
      case 'push':
        return list.push(...Array.from({ length: o.n }, (_, i) => ({ i })));
      case 'pop':
        return list.slice(0, Math.max(0, list.size - o.n));
      case 'set':
        return list.size === 0 ? list : list.set(o.at % list.size, { set: o.at });
      case 'unshift':
        return list.unshift({ first: true });
      case 'remove':
        return list.size === 0 ? list : list.remove(o.at % list.size);
      case 'same':
        return list.size === 0 ? list : list.set(o.at % list.size, list.get(o.at % list.size));
    }
  };

  it('lists exactly the pages whose items or length changed, for Lists made one from the other (persistent and transient updates)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.array(fc.tuple(fc.boolean(), fc.array(listOp, { maxLength: 6 })), { maxLength: 5 }), fc.constantFrom(1, 3, 16, 32, 64), (size, batches, pageSize) => {
        const versions = [List<unknown>(Array.from({ length: size }, (_, i) => ({ i })))];
        for (const [transient, ops] of batches) {
          const last = versions[versions.length - 1];
          versions.push(transient ? last.withMutations((l) => void ops.reduce(applyList, l)) : ops.reduce(applyList, last));
        }
        for (const a of versions) for (const b of versions) expect(changedPages(a, b, pageSize)).toEqual(naive(a, b, pageSize));
      }),
    );
  });

  it('compares items by reference: Lists built apart from the same items differ in no page, from copies in every page', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ i }));
    expect(changedPages(List(items), List(items), 16)).toEqual([]);
    expect(changedPages(List(items), List(items.map((x) => ({ ...x }))), 16)).toEqual([0, 1, 2, 3]);
    expect(changedPages(List(items), List(items).push({ i: 50 }), 16)).toEqual([3]);
    expect(changedPages(List(items), List(items).push(...items.slice(0, 14)), 16)).toEqual([3]);
    expect(changedPages(List(items), List(items).push(...items.slice(0, 15)), 16)).toEqual([3, 4]);
    expect(changedPages(List(items), List(items.slice(0, 32)), 16)).toEqual([]);
    expect(changedPages(List(items), List(items.slice(0, 31)), 16)).toEqual([1]);
  });
});
