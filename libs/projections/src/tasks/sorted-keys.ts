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

/** First position in `chunk` (sorted) whose key is ≥ key. */
export function lowerBound(chunk: readonly string[], key: string): number {
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

/**
 * One version of sorted keys as plain arrays, for reading: its chunks, and how many keys precede each. A List is never
 * changed once made (an insert or remove makes another), so this is built once per version (`denseOf`) and a query
 * walks arrays instead of the List's trie: a count is two binary searches, a cursor step an array read.
 */
export interface DenseKeys {
  readonly chunks: ReadonlyArray<readonly string[]>;
  /** `before[i]`: how many keys the chunks before chunk i hold. */
  readonly before: readonly number[];
  readonly size: number;
}

/** Per version of sorted keys, weakly: a replaced version and its arrays are collectable. */
const denseVersions = new WeakMap<SortedKeys, DenseKeys>();

const EMPTY_DENSE: DenseKeys = { chunks: [], before: [], size: 0 };

export function denseOf(keys: SortedKeys): DenseKeys {
  if (keys.size === 0) return EMPTY_DENSE;
  let dense = denseVersions.get(keys);
  if (dense === undefined) {
    const chunks = keys.toArray();
    const before = new Array<number>(chunks.length);
    let size = 0;
    for (let i = 0; i < chunks.length; i++) {
      before[i] = size;
      size += chunks[i].length;
    }
    dense = { chunks, before, size };
    denseVersions.set(keys, dense);
  }
  return dense;
}

/** The chunk `key` belongs in (as `chunkIndex`), over plain arrays. */
function denseChunkIndex(chunks: ReadonlyArray<readonly string[]>, key: string): number {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (chunks[mid][0] <= key) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** How many keys are < `bound` (all of them for undefined). */
function rank(keys: DenseKeys, bound: string | undefined): number {
  if (bound === undefined || keys.size === 0) return keys.size;
  const { chunks } = keys;
  // A bound before or after every key (a deadline window around a whole partition) looks at one key.
  if (bound <= chunks[0][0]) return 0;
  const last = chunks[chunks.length - 1];
  if (bound > last[last.length - 1]) return keys.size;
  const ci = denseChunkIndex(chunks, bound);
  return keys.before[ci] + lowerBound(chunks[ci], bound);
}

/** How many keys k satisfy lo ≤ k < hi (either bound may be absent). */
export function countRange(keys: SortedKeys | DenseKeys, lo: string | undefined, hi: string | undefined): number {
  if (lo !== undefined && hi !== undefined && hi <= lo) return 0;
  const dense = isDense(keys) ? keys : denseOf(keys);
  return rank(dense, hi) - (lo === undefined ? 0 : rank(dense, lo));
}

const isDense = (keys: SortedKeys | DenseKeys): keys is DenseKeys => (keys as DenseKeys).chunks !== undefined;

const NO_CHUNK: readonly string[] = [];

/** A forward cursor over the keys k with lo ≤ k < hi. */
export class KeyCursor {
  private readonly chunks: ReadonlyArray<readonly string[]>;
  private chunk: readonly string[];
  private ci: number;
  private pi: number;
  /** The key under the cursor, undefined once past the range. */
  current: string | undefined;

  constructor(
    keys: SortedKeys | DenseKeys,
    lo: string | undefined,
    private readonly hi: string | undefined,
  ) {
    const chunks = (this.chunks = (isDense(keys) ? keys : denseOf(keys)).chunks);
    if (chunks.length === 0) {
      this.ci = 0;
      this.pi = 0;
      this.chunk = NO_CHUNK;
      this.current = undefined;
      return;
    }
    if (lo === undefined || lo <= chunks[0][0]) {
      this.ci = 0;
      this.pi = 0;
    } else {
      this.ci = denseChunkIndex(chunks, lo);
      this.pi = lowerBound(chunks[this.ci], lo);
    }
    this.chunk = chunks[this.ci];
    this.current = this.read();
  }

  private read(): string | undefined {
    while (this.pi >= this.chunk.length) {
      if (this.ci + 1 >= this.chunks.length) return undefined;
      this.chunk = this.chunks[++this.ci];
      this.pi = 0;
    }
    const key = this.chunk[this.pi];
    return this.hi !== undefined && key >= this.hi ? undefined : key;
  }

  advance(): void {
    this.pi++;
    this.current = this.read();
  }
}
