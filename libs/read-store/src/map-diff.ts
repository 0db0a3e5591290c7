import { List, Map as IMap } from 'immutable';

/** Where a key is missing from one side of a diff. */
export const ABSENT: unique symbol = Symbol('absent');
export type Absent = typeof ABSENT;

/** A key whose value differs by reference between two Maps: `[key, before, after]`, ABSENT where the key is missing. */
export type EntryChange<K = unknown, V = unknown> = readonly [key: K, before: V | Absent, after: V | Absent];

/**
 * The keys whose values differ between two Maps, found by walking the two Maps' hash tries side by side and skipping
 * every sub-tree they share (===): an Immutable update copies only the path to what it touched, so when `after` was
 * made from `before` the cost follows what changed, not the size of the Maps. Any pair of nodes it does not know how
 * to walk together (different kinds, a leaf facing a branch, hash collisions) is compared by enumerating both; and
 * if Immutable's internals are not the ones this was written against (probed once, below), the whole diff is the
 * naive one over the public API — so the answer is always the naive diff's, only faster when structure is shared.
 *
 * Order is not specified (a flush writes distinct keys, so order does not matter there).
 */
export function mapChanges<K, V>(before: IMap<K, V>, after: IMap<K, V>, visits?: { nodes: number }): Array<EntryChange<K, V>> {
  if (before === after) return [];
  if (NODES !== undefined) {
    const out: Array<EntryChange<K, V>> = [];
    const from = visited;
    try {
      diffNodes(rootOf(before), rootOf(after), NODES, out as EntryChange[]);
      return out;
    } catch (error) {
      if (!(error instanceof Unrecognised)) throw error;
    } finally {
      if (visits) visits.nodes += visited - from;
    }
  }
  return naiveMapChanges(before, after);
}

/** The same changes through the public API alone: O(size of both Maps). What `mapChanges` is tested against. */
export function naiveMapChanges<K, V>(before: IMap<K, V>, after: IMap<K, V>): Array<EntryChange<K, V>> {
  const out: Array<EntryChange<K, V>> = [];
  if (before === after) return out;
  for (const [key, item] of after) {
    const old = before.get(key, ABSENT as never) as V | Absent;
    if (old !== item) out.push([key, old, item]);
  }
  for (const key of before.keys()) if (!after.has(key)) out.push([key, before.get(key) as V, ABSENT]);
  return out;
}

/**
 * The pages of `after` (page i: items [i·pageSize, (i+1)·pageSize)) that differ from the same page of `before`:
 * another length, or an item that is another object (===), in ascending order. Pages `before` has beyond `after`'s
 * last are not listed (the caller deletes them). An update of a List (push, set, an asMutable batch) keeps every item
 * it did not touch, so when `after` was made from `before` exactly the pages touched are listed.
 */
export function changedPages(before: List<unknown>, after: List<unknown>, pageSize: number): number[] {
  const out: number[] = [];
  if (before === after) return out;
  const pages = Math.ceil(after.size / pageSize);
  // Both Lists side by side, one item at a time (an iterator, not get(i) down the trie for each).
  const a = before.values();
  const b = after.values();
  for (let page = 0; page < pages; page++) {
    const start = page * pageSize;
    const end = Math.min(after.size, start + pageSize);
    let changed = Math.min(before.size, start + pageSize) !== end;
    for (let i = start; i < end; i++) {
      const item = b.next().value;
      const was = i < before.size ? a.next().value : ABSENT;
      if (was !== item) changed = true;
    }
    if (changed) out.push(page);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Immutable 5's Map trie (node_modules/immutable/dist/immutable.js, "Trie Nodes"): a Map's `_root` is undefined
// (empty), an ArrayMapNode (`entries`, at most 8, only as the root), or a trie of BitmapIndexedNode (`bitmap`, the
// `nodes` present, at most 16) and HashArrayMapNode (`nodes`: 32 slots) branches, 5 bits of the key's hash per level,
// whose leaves are ValueNode (`entry`: one [key, value]) and HashCollisionNode (`entries` sharing one `keyHash`).
// A branch sits at the depth of its hash bits whatever its kind, so two branches at the same depth are walked slot
// by slot; leaves may sit higher (a branch left with one leaf is replaced by it), hence the enumeration fallback.
// Persistent nodes are never mutated (a transient update copies every node it does not own), which is what makes
// "same node, same entries" true.
// ---------------------------------------------------------------------------------------------------------------

type Entry = [unknown, unknown];
interface TrieNode {
  readonly constructor: unknown;
  readonly entries?: Entry[];
  readonly entry?: Entry;
  readonly bitmap?: number;
  readonly nodes?: Array<TrieNode | undefined>;
}

interface NodeKinds {
  readonly arrayMap: unknown;
  readonly bitmapIndexed: unknown;
  readonly hashArrayMap: unknown;
  readonly hashCollision: unknown;
  readonly value: unknown;
}

class Unrecognised extends Error {}

function rootOf(map: IMap<unknown, unknown>): TrieNode | undefined {
  if (!('_root' in map)) throw new Unrecognised();
  return (map as unknown as { _root: TrieNode | undefined })._root;
}

const popCount = (x: number) => {
  x -= (x >> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >> 2) & 0x33333333);
  x = (x + (x >> 4)) & 0x0f0f0f0f;
  return (Math.imul(x, 0x01010101) >>> 24) & 0xff;
};

/** Pairs of nodes compared so far (what a test reads to see that shared sub-tries are skipped). */
let visited = 0;

function diffNodes(a: TrieNode | undefined, b: TrieNode | undefined, kinds: NodeKinds, out: EntryChange[]): void {
  visited++;
  if (a === b) return;
  if (a === undefined) return enumerate(b!, kinds, (e) => void out.push([e[0], ABSENT, e[1]]));
  if (b === undefined) return enumerate(a, kinds, (e) => void out.push([e[0], e[1], ABSENT]));
  const branchA = a.constructor === kinds.bitmapIndexed || a.constructor === kinds.hashArrayMap;
  const branchB = b.constructor === kinds.bitmapIndexed || b.constructor === kinds.hashArrayMap;
  if (branchA && branchB) {
    const slotsA = a.constructor === kinds.bitmapIndexed ? a.bitmap! : fullSlots(a);
    const slotsB = b.constructor === kinds.bitmapIndexed ? b.bitmap! : fullSlots(b);
    let slots = slotsA | slotsB;
    while (slots !== 0) {
      const bit = slots & -slots;
      slots ^= bit;
      diffNodes(childAt(a, bit, slotsA, kinds), childAt(b, bit, slotsB, kinds), kinds, out);
    }
    return;
  }
  if (a.constructor === kinds.value && b.constructor === kinds.value && isPrimitive(a.entry![0]) && a.entry![0] === b.entry![0]) {
    if (a.entry![1] !== b.entry![1]) out.push([a.entry![0], a.entry![1], b.entry![1]]);
    return;
  }
  // Nodes that cannot be walked together: enumerate both (small in practice: a root of at most 8 entries, a
  // collision bucket, or a leaf facing the branch that replaced it, i.e. keys that were added or removed).
  const old = new globalThis.Map<unknown, unknown>();
  enumerate(a, kinds, (e) => {
    if (!isPrimitive(e[0])) throw new Unrecognised(); // Immutable's is() equality of value objects: leave it to the naive diff
    old.set(e[0], e[1]);
  });
  enumerate(b, kinds, (e) => {
    if (!isPrimitive(e[0])) throw new Unrecognised();
    if (!old.has(e[0])) return void out.push([e[0], ABSENT, e[1]]);
    const before = old.get(e[0]);
    old.delete(e[0]);
    if (before !== e[1]) out.push([e[0], before, e[1]]);
  });
  for (const [key, before] of old) out.push([key, before, ABSENT]);
}

/** Keys a native Map compares as Immutable's is() does (SameValueZero): not objects, whose is() may be by value. */
const isPrimitive = (key: unknown) => key === null || (typeof key !== 'object' && typeof key !== 'function');

function fullSlots(node: TrieNode): number {
  let slots = 0;
  const nodes = node.nodes!;
  for (let i = 0; i < nodes.length; i++) if (nodes[i] !== undefined) slots |= 1 << i;
  return slots;
}

function childAt(node: TrieNode, bit: number, slots: number, kinds: NodeKinds): TrieNode | undefined {
  if ((slots & bit) === 0) return undefined;
  if (node.constructor === kinds.bitmapIndexed) return node.nodes![popCount(slots & (bit - 1))];
  return node.nodes![31 - Math.clz32(bit)];
}

function enumerate(node: TrieNode, kinds: NodeKinds, fn: (entry: Entry) => void): void {
  const kind = node.constructor;
  if (kind === kinds.value) fn(node.entry!);
  else if (kind === kinds.arrayMap || kind === kinds.hashCollision) for (const entry of node.entries!) fn(entry);
  else if (kind === kinds.bitmapIndexed || kind === kinds.hashArrayMap) {
    for (const child of node.nodes!) if (child !== undefined) enumerate(child, kinds, fn);
  } else throw new Unrecognised();
}

/**
 * The node constructors, taken from Maps built to have each kind, and checked to hold their entries where this
 * file reads them; undefined (so every diff is the naive one) if anything is not as expected.
 */
function probe(): NodeKinds | undefined {
  try {
    const root = (map: IMap<unknown, unknown>) => rootOf(map)!;
    const constructorsIn = (node: TrieNode, into = new Set<unknown>()) => {
      into.add(node.constructor);
      if (node.nodes) for (const child of node.nodes) if (child) constructorsIn(child, into);
      return into;
    };
    const nine = IMap<unknown, unknown>(Array.from({ length: 9 }, (_, i) => [`k${i}`, i]));
    const arrayMap = root(IMap([['a', 1]]));
    const bitmapIndexed = root(nine);
    const hashArrayMap = root(IMap(Array.from({ length: 200 }, (_, i) => [`k${i}`, i])));
    // 'Aa' and 'BB' have the same string hash (31·h + code): one bucket, beside enough keys to make a branch.
    const withCollision = nine.set('Aa', 'x').set('BB', 'y');
    const values = constructorsIn(bitmapIndexed);
    values.delete(bitmapIndexed.constructor);
    if (values.size !== 1) return undefined;
    const [value] = values;
    const collisions = constructorsIn(root(withCollision));
    for (const known of [bitmapIndexed.constructor, hashArrayMap.constructor, value]) collisions.delete(known);
    if (collisions.size !== 1) return undefined;
    const [hashCollision] = collisions;
    const kinds: NodeKinds = {
      arrayMap: arrayMap.constructor,
      bitmapIndexed: bitmapIndexed.constructor,
      hashArrayMap: hashArrayMap.constructor,
      hashCollision,
      value,
    };
    if (new Set(Object.values(kinds)).size !== 5) return undefined;
    if (!Array.isArray(arrayMap.entries) || typeof bitmapIndexed.bitmap !== 'number' || hashArrayMap.nodes?.length !== 32) return undefined;
    // And the walk agrees with the public API on the probes themselves.
    const samples = [IMap(), IMap([['a', 1]]), nine, IMap(Array.from({ length: 200 }, (_, i) => [`k${i}`, i])), withCollision];
    for (const x of samples) {
      for (const y of samples) {
        const got: EntryChange[] = [];
        diffNodes(rootOf(x), rootOf(y), kinds, got);
        if (!sameChanges(got, naiveMapChanges(x, y))) return undefined;
      }
    }
    return kinds;
  } catch {
    return undefined;
  }
}

/** The same set of changes (as `mapChanges` returns them, in any order). */
export function sameChanges(a: readonly EntryChange[], b: readonly EntryChange[]): boolean {
  if (a.length !== b.length) return false;
  const byKey = new globalThis.Map(a.map((change) => [change[0], change]));
  if (byKey.size !== a.length) return false;
  return b.every((change) => {
    const other = byKey.get(change[0]);
    return other !== undefined && other[1] === change[1] && other[2] === change[2];
  });
}

const NODES = probe();

/** Whether the structural walk is in use (false: Immutable's internals changed and every diff is the naive one). */
export const structuralMapDiff = NODES !== undefined;
