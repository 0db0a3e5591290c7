import fc from 'fast-check';
import { KeyUnion } from './key-union';

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Sorted, distinct: a source as the union takes it. */
const sourceOf = (keys: readonly string[]) => [...new Set(keys)].sort(byCodeUnits);
/** What the union must hold: every source's keys, each once, in order. */
const unionOf = (sources: ReadonlyArray<readonly string[]>) => sourceOf(sources.flat());

/** Few keys (85), so that sources often share some and gain the same ones at once. */
const key = fc.string({ unit: fc.constantFrom('a', 'b', '\u0000', 'é'), maxLength: 3 });
const source = fc.array(key, { maxLength: 40 }).map(sourceOf);

describe('a union of sorted key lists', () => {
  it('holds every key of its sources once, in order, as sources change a few or many keys at a time', () => {
    fc.assert(
      fc.property(
        fc.array(source, { minLength: 1, maxLength: 6 }),
        // Each step: new keys for some sources (a few keys moved, or the whole list replaced), and a probe key.
        fc.array(fc.tuple(fc.array(fc.tuple(fc.nat(), source, fc.boolean()), { maxLength: 4 }), key), { maxLength: 20 }),
        (initial, steps) => {
          const sources = initial.map((s) => s.slice());
          const union = new KeyUnion(sources);
          expect([...union.sorted]).toEqual(unionOf(sources));
          for (const [changes, probe] of steps) {
            const given: Array<readonly [readonly string[], readonly string[]]> = [];
            // A source changes at most once per step (as a partition's bucket does between two queries).
            const changed = new Set<number>();
            for (const [at, keys, small] of changes) {
              const i = at % sources.length;
              if (changed.has(i)) continue;
              changed.add(i);
              const before = sources[i];
              // Small: a few keys in and out (the splice path); else the whole list (the merge path, most often).
              const after = small ? sourceOf([...before.filter((k) => !keys.includes(k)), ...keys.slice(0, 2)]) : keys;
              given.push([before, after]);
              sources[i] = after;
            }
            union.replace(given);
            const expected = unionOf(sources);
            expect([...union.sorted]).toEqual(expected);
            expect(union.size).toBe(expected.length);
            expect(union.indexAfter(probe)).toBe(expected.filter((k) => k <= probe).length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves a key in place when it moves from one source to another (given two sources, one key moved)', () => {
    const union = new KeyUnion([['a', 'b'], ['c']]);
    const before = union.sorted;
    union.replace([
      [['a', 'b'], ['a']],
      [['c'], ['b', 'c']],
    ]);
    expect(union.sorted).toBe(before);
    expect([...union.sorted]).toEqual(['a', 'b', 'c']);
  });

  it('keeps a key that two sources hold until both let go of it', () => {
    const union = new KeyUnion([['a', 'k'], ['k'], ['z']]);
    union.replace([[['a', 'k'], ['a']]]);
    expect([...union.sorted]).toEqual(['a', 'k', 'z']);
    union.replace([[['k'], []]]);
    expect([...union.sorted]).toEqual(['a', 'z']);
  });

  it('keeps a key that two sources gained at once until both let go of it', () => {
    const union = new KeyUnion([['a'], ['b']]);
    union.replace([
      [['a'], ['a', 'k']],
      [['b'], ['b', 'k']],
    ]);
    union.replace([[['a', 'k'], ['a']]]);
    expect([...union.sorted]).toEqual(['a', 'b', 'k']);
    union.replace([[['b', 'k'], ['b']]]);
    expect([...union.sorted]).toEqual(['a', 'b']);
  });

  it('merges many new keys in one pass (given more than a few changes at once)', () => {
    const union = new KeyUnion([['a'], ['m']]);
    const many = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    // Before, around and after the keys there are.
    union.replace([[['m'], ['0', ...many, 'z']]]);
    expect([...union.sorted]).toEqual(['0', 'a', ...many, 'z']);
    union.replace([[['0', ...many, 'z'], many.slice(10)]]);
    expect([...union.sorted]).toEqual(['a', ...many.slice(10)]);
  });
});
