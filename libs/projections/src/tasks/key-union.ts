import { lowerBound } from './sorted-keys';

/**
 * The union of several sorted lists of distinct keys (its sources), each key once, in order: a plain sorted array, and
 * for the keys more than one source holds, how many do. A source that changes is given as its keys before and after,
 * and the union moves by their difference — so a union over a hundred sources of which a few changed costs what
 * those few changed, not a merge of all of them.
 *
 * Keys compare as JavaScript strings (UTF-16 code units), as the task list's sort does. Sized for a few thousand
 * keys: a key in or out shifts the array (a memmove), and many at once are merged in one pass.
 */
export class KeyUnion {
  private keys: string[];
  /** Keys held by more than one source: how many sources hold each, less one (absent: one). */
  private readonly extra = new Map<string, number>();

  constructor(sources: ReadonlyArray<readonly string[]>) {
    const held = sources.filter((source) => source.length > 0);
    // One source (a unit's list): its keys as they are, copied (the union changes its array in place).
    if (held.length <= 1) {
      this.keys = held.length === 0 ? [] : held[0].slice();
      return;
    }
    const all: string[] = [];
    for (const source of held) for (const key of source) all.push(key);
    // Sorted runs, one per source: the sort merges them (the default sort orders by UTF-16 code units, as `<` does).
    all.sort();
    const keys: string[] = [];
    for (const key of all) {
      if (keys.length > 0 && keys[keys.length - 1] === key) this.extra.set(key, (this.extra.get(key) ?? 0) + 1);
      else keys.push(key);
    }
    this.keys = keys;
  }

  get size(): number {
    return this.keys.length;
  }

  /** The keys in order; read only, and only until the next `replace`. */
  get sorted(): readonly string[] {
    return this.keys;
  }

  /** Where the first key greater than `key` sits. */
  indexAfter(key: string): number {
    const keys = this.keys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Sources that changed: each `[before, after]`, its keys as the union last had them and as they are now (both
   * sorted, distinct). The keys a source gained are counted in before the keys any source lost are counted out, so a
   * key that moved from one source to another stays where it is, and only keys that no source held before or that no
   * source holds now move the array.
   */
  replace(changes: ReadonlyArray<readonly [readonly string[], readonly string[]]>): void {
    const added: string[] = [];
    const removed: string[] = [];
    for (const [before, after] of changes) differences(before, after, removed, added);
    /** Keys new to the union, by how many sources now hold them. */
    let fresh: Map<string, number> | undefined;
    for (const key of added) {
      if (this.keys[lowerBound(this.keys, key)] === key) this.extra.set(key, (this.extra.get(key) ?? 0) + 1);
      else (fresh ??= new Map()).set(key, (fresh.get(key) ?? 0) + 1);
    }
    // A key a source lost was in the union (that source held it), so it is never one of the fresh ones.
    let gone: Set<string> | undefined;
    for (const key of removed) if (!this.release(key)) (gone ??= new Set()).add(key);
    if (fresh === undefined && gone === undefined) return;
    const inserted = fresh === undefined ? [] : [...fresh.keys()].sort();
    for (const key of inserted) {
      const holders = fresh!.get(key)!;
      if (holders > 1) this.extra.set(key, holders - 1);
    }
    if (inserted.length + (gone?.size ?? 0) <= SPLICES) {
      for (const key of gone ?? []) this.keys.splice(lowerBound(this.keys, key), 1);
      for (const key of inserted) this.keys.splice(lowerBound(this.keys, key), 0, key);
    } else this.keys = merged(this.keys, inserted, gone ?? new Set());
  }


  /** One holder of a key that several hold let go of it (true), or the key has a single holder (false). */
  private release(key: string): boolean {
    const more = this.extra.get(key);
    if (more === undefined) return false;
    if (more === 1) this.extra.delete(key);
    else this.extra.set(key, more - 1);
    return true;
  }
}

/** `keys` less `gone`, with `inserted` (sorted, none of them in `keys`) in place: one pass instead of a shift per key. */
function merged(keys: readonly string[], inserted: readonly string[], gone: ReadonlySet<string>): string[] {
  const out: string[] = [];
  let i = 0;
  for (const key of keys) {
    while (i < inserted.length && inserted[i] < key) out.push(inserted[i++]);
    if (!gone.has(key)) out.push(key);
  }
  while (i < inserted.length) out.push(inserted[i++]);
  return out;
}

/** Up to this many keys in or out of the array are moved in place (a shift of the array each); more, in one merge. */
const SPLICES = 16;

/** The keys of `before` not in `after` (appended to `removed`) and of `after` not in `before` (to `added`). */
function differences(before: readonly string[], after: readonly string[], removed: string[], added: string[]): void {
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    if (j >= after.length || (i < before.length && before[i] < after[j])) removed.push(before[i++]);
    else if (i >= before.length || after[j] < before[i]) added.push(after[j++]);
    else {
      i++;
      j++;
    }
  }
}
