import { List } from 'immutable';

/**
 * A sorted set of strings as an Immutable.js List of chunks, each a sorted, non-empty plain array of at most
 * CHUNK_MAX keys (a JSON value, never mutated once in the List: an insert or remove copies its chunk), every key of
 * a chunk below every key of the next. Insert and remove copy one small chunk and the outer List's path to it; a
 * range is found by binary search over the chunks' first keys, then inside one chunk. So a model holding it stays
 * Immutable collections and plain JSON values, as the read-model codec wants.
 *
 * Keys compare as JavaScript strings (UTF-16 code units), as the task list's sort did.
 */
export type SortedKeys = List<readonly string[]>;

export const EMPTY_KEYS: SortedKeys = List();

const CHUNK_MAX = 32;

/** The chunk `key` belongs in: the last whose first key is ≤ key (0 when key precedes everything). */
function chunkIndex(keys: SortedKeys, key: string): number {
  let lo = 0;
  let hi = keys.size - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (keys.get(mid)![0] <= key) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** First position in `chunk` whose key is ≥ key. */
function lowerBound(chunk: readonly string[], key: string): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (chunk[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function insertKey(keys: SortedKeys, key: string): SortedKeys {
  if (keys.size === 0) return List([[key]]);
  const ci = chunkIndex(keys, key);
  const chunk = keys.get(ci)!;
  const at = lowerBound(chunk, key);
  if (chunk[at] === key) return keys;
  const grown = chunk.slice(0, at);
  grown.push(key);
  for (let i = at; i < chunk.length; i++) grown.push(chunk[i]);
  if (grown.length <= CHUNK_MAX) return keys.set(ci, grown);
  const half = grown.length >> 1;
  return keys.splice(ci, 1, grown.slice(0, half), grown.slice(half));
}

export function removeKey(keys: SortedKeys, key: string): SortedKeys {
  if (keys.size === 0) return keys;
  const ci = chunkIndex(keys, key);
  const chunk = keys.get(ci)!;
  const at = lowerBound(chunk, key);
  if (chunk[at] !== key) return keys;
  if (chunk.length === 1) return keys.delete(ci);
  const shrunk = chunk.slice(0, at);
  for (let i = at + 1; i < chunk.length; i++) shrunk.push(chunk[i]);
  return keys.set(ci, shrunk);
}

export function hasKey(keys: SortedKeys, key: string): boolean {
  if (keys.size === 0) return false;
  const chunk = keys.get(chunkIndex(keys, key))!;
  return chunk[lowerBound(chunk, key)] === key;
}

/** How many keys are < `bound` (all of them for undefined). */
function rank(keys: SortedKeys, bound: string | undefined): number {
  let n = 0;
  for (const chunk of keys) {
    if (bound === undefined || chunk[chunk.length - 1] < bound) n += chunk.length;
    else return n + lowerBound(chunk, bound);
  }
  return n;
}

/** How many keys k satisfy lo ≤ k < hi (either bound may be absent). */
export function countRange(keys: SortedKeys, lo: string | undefined, hi: string | undefined): number {
  if (lo !== undefined && hi !== undefined && hi <= lo) return 0;
  return rank(keys, hi) - (lo === undefined ? 0 : rank(keys, lo));
}

/** A forward cursor over the keys k with lo ≤ k < hi. */
export class KeyCursor {
  private ci: number;
  private pi: number;
  /** The key under the cursor, undefined once past the range. */
  current: string | undefined;

  constructor(
    private readonly keys: SortedKeys,
    lo: string | undefined,
    private readonly hi: string | undefined,
  ) {
    if (keys.size === 0) {
      this.ci = 0;
      this.pi = 0;
    } else if (lo === undefined) {
      this.ci = 0;
      this.pi = 0;
    } else {
      this.ci = chunkIndex(keys, lo);
      this.pi = lowerBound(keys.get(this.ci)!, lo);
    }
    this.current = this.read();
  }

  private read(): string | undefined {
    let chunk = this.keys.get(this.ci);
    while (chunk !== undefined && this.pi >= chunk.length) {
      this.ci++;
      this.pi = 0;
      chunk = this.keys.get(this.ci);
    }
    if (chunk === undefined) return undefined;
    const key = chunk[this.pi];
    return this.hi !== undefined && key >= this.hi ? undefined : key;
  }

  advance(): void {
    this.pi++;
    this.current = this.read();
  }
}
