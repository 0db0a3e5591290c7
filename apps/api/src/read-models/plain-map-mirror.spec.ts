import fc from 'fast-check';
import { Map as IMap } from 'immutable';
import { PlainMapMirror } from './plain-map-mirror';

type Op = { readonly kind: 'set'; readonly key: string; readonly value: number } | { readonly kind: 'delete'; readonly key: string } | { readonly kind: 'back'; readonly to: number };

const key = fc.oneof(fc.constantFrom('a', 'b', 't-1', 'l:d01'), fc.string({ maxLength: 6 }), fc.integer({ min: 0, max: 3000 }).map((n) => `t-${n}`));
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), key, value: fc.integer() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('back' as const), to: fc.nat() }) },
);

describe('PlainMapMirror', () => {
  it('given any sequence of versions (later ones, and earlier ones shown again), when synced to each, then it holds exactly that version\'s entries', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.integer()), { maxLength: 2500 }), fc.array(fc.array(op, { minLength: 1, maxLength: 8 }), { maxLength: 25 }), (initial, batches) => {
        const versions = [IMap<string, number>(initial)];
        const mirror = new PlainMapMirror<number>();
        const check = (version: IMap<string, number>) => {
          const synced = mirror.sync(version);
          expect(synced.size).toBe(version.size);
          expect(new Map(synced)).toEqual(new Map(version.entries()));
        };
        check(versions[0]);
        for (const batch of batches) {
          let version = versions[versions.length - 1];
          for (const o of batch) {
            if (o.kind === 'set') version = version.set(o.key, o.value);
            else if (o.kind === 'delete') version = version.delete(o.key);
            else version = versions[o.to % versions.length];
          }
          versions.push(version);
          check(version);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('given the version it last saw, when synced again, then nothing is walked and the same Map is returned', () => {
    const version = IMap({ a: 1, b: 2 });
    const mirror = new PlainMapMirror<number>();
    const first = mirror.sync(version);
    expect(mirror.sync(version)).toBe(first);
    expect([...first.entries()]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });
});
