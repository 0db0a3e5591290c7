import { isImmutable, List, Map as IMap, OrderedMap, OrderedSet, Set as ISet } from 'immutable';
import { DEFAULT_MAX_DEPTH } from '@ledger/event-store';

/**
 * A read-model document's text in one pass: exactly `canonicalize(encodeValue(value))` (codec.ts, jcs.ts), written
 * straight from the value without building the tagged tree in between. The documents of every flush are made on the
 * API's main thread (the embedded projector), where the two passes took ~2-3 % of it and their tree was garbage.
 *
 * It accepts only what the two passes accept, and writes only what they write, but it does not say why a value is
 * refused: anything it cannot write throws `Unwritten`, and the caller (codec.ts) then goes the two-pass way, which
 * gives the error it always gave (class, message, path), or the text, for what is merely unusual here (an object with
 * a `__proto__` member, an Array subclass). Refusing too much only costs speed; writing what the two passes refuse,
 * or other bytes, is what the fast-check property (canonical-text.spec.ts) rules out.
 *
 * The tag objects' members are written in RFC 8785 order: `e` and `v` (0x65, 0x76) sort before the tag `~` (0x7e).
 */
export function canonicalText(value: unknown): string {
  return write(value, 0);
}

/** Items [start, end) of a List as a JSON array of encoded items: `canonicalize(items.map(encodeValue))`, a List page. */
export function canonicalItemsText(list: List<unknown>, start: number, end: number): string {
  if (start >= end) return '[]';
  // The page's array is the top-level container; its items sit one level down.
  let out = '';
  for (let i = start; i < end; i++) {
    const item = list.get(i);
    if (typeof item === 'string' && PLAIN_STRING.test(item)) out = out + (i === start ? '["' : ',"') + item + '"';
    else out = out + (i === start ? '[' : ',') + write(item, 1);
  }
  return out + ']';
}

/** Thrown for a value this pass does not write; the caller's two-pass fallback says what is wrong, if anything. */
export class Unwritten extends Error {
  constructor(reason: string) {
    super(`canonical-text: ${reason}`);
    this.name = 'Unwritten';
  }
}

/** canonicalize's default: a container at this depth (the top-level value's is 0) is refused. */
const MAX_DEPTH = DEFAULT_MAX_DEPTH;

const UNDEFINED = '{"~":"U"}';

/**
 * `depth` is the depth of `v` in the tagged tree canonicalize would walk (tag objects and their entry arrays are
 * containers there too), so a value nested too deep, or a cycle, is refused where canonicalize refuses it.
 */
function write(v: unknown, depth: number): string {
  switch (typeof v) {
    case 'string':
      return writeString(v);
    case 'number':
      return writeNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      if (depth >= MAX_DEPTH) throw new Unwritten('nested too deep');
      return UNDEFINED;
    case 'object':
      if (v === null) return 'null';
      if (depth >= MAX_DEPTH) throw new Unwritten('nested too deep');
      // encodeValue's order of tests: an Immutable collection first, whatever else it looks like.
      if (isImmutable(v)) return writeImmutable(v, depth);
      if (Array.isArray(v)) return writeArray(v, depth);
      return writeObject(v, depth);
    default:
      throw new Unwritten(`a ${typeof v} is not data`);
  }
}

function writeImmutable(v: unknown, depth: number): string {
  if (OrderedMap.isOrderedMap(v)) return writeEntries(v as OrderedMap<unknown, unknown>, depth) + '],"~":"OM"}';
  if (IMap.isMap(v)) return writeEntries(v as IMap<unknown, unknown>, depth) + '],"~":"M"}';
  if (OrderedSet.isOrderedSet(v)) return writeItems(v as OrderedSet<unknown>, depth) + '],"~":"OS"}';
  if (ISet.isSet(v)) return writeItems(v as ISet<unknown>, depth) + '],"~":"S"}';
  if (List.isList(v)) return writeItems(v as List<unknown>, depth) + '],"~":"L"}';
  throw new Unwritten('not one of the Immutable collections the codec writes');
}

/** `{"e":[[k,v],...` — the tag object at `depth`, its entry array one down, each entry two down, keys and values three. */
function writeEntries(map: IMap<unknown, unknown>, depth: number): string {
  // The entry array and each entry are containers too (refused a little early for an empty Map: the fallback decides).
  if (depth + 2 >= MAX_DEPTH) throw new Unwritten('nested too deep');
  let out = '{"e":[';
  let first = true;
  // forEach walks the entries in the iterator's order without an [key, value] array per entry.
  map.forEach((item, key) => {
    out += (first ? '[' : ',[') + write(key, depth + 3) + ',' + write(item, depth + 3) + ']';
    first = false;
  });
  return out;
}

/** `{"v":[...` — the tag object at `depth`, its item array one down, the items two down. */
function writeItems(items: ISet<unknown> | List<unknown>, depth: number): string {
  if (depth + 1 >= MAX_DEPTH) throw new Unwritten('nested too deep');
  let out = '{"v":[';
  let first = true;
  items.forEach((item: unknown) => {
    out += first ? write(item, depth + 2) : ',' + write(item, depth + 2);
    first = false;
  });
  return out;
}

/** encodeValue maps a hole to a hole (canonicalize then refuses it) and an undefined item to null. */
function writeArray(a: unknown[], depth: number): string {
  // encodeValue's `map` makes an instance of a subclass's species, which canonicalize may refuse or not: the two-pass
  // way decides. Array.prototype of another realm is an array itself (canonicalize's own test).
  const proto: unknown = Object.getPrototypeOf(a);
  if (proto !== Array.prototype && !Array.isArray(proto)) throw new Unwritten('an Array subclass');
  const n = a.length;
  if (n === 0) return '[]';
  let out = '';
  for (let i = 0; i < n; i++) {
    const item = a[i];
    const before = i === 0 ? '[' : ',';
    // As an object's members: a plain string's opening quote comes with what goes before it.
    if (typeof item === 'string' && PLAIN_STRING.test(item)) out = out + (i === 0 ? '["' : ',"') + item + '"';
    else if (item !== undefined) out = out + before + write(item, depth + 1);
    else if (i in a) out = out + before + 'null';
    else throw new Unwritten('a sparse array');
  }
  return out + ']';
}

/**
 * Members in UTF-16 code unit order (RFC 8785 §3.2.3; `<` on strings), an undefined member as the U tag, and an
 * object with a member `~` wrapped as `{"v":{...},"~":"O"}`, so its own members sit one level further down.
 */
function writeObject(o: object, depth: number): string {
  const proto: unknown = Object.getPrototypeOf(o);
  if (proto !== Object.prototype && proto !== null) throw new Unwritten('not a plain object');
  const keys = Object.keys(o);
  const n = keys.length;
  if (n === 0) return '{}';
  const shape = shapeOf(keys);
  // The values in the keys' order, in one call: reading each member by its name was a keyed load that never saw
  // the same shape twice in a row (task views, events, actors) and cost more than the rest of the member.
  const values = Object.values(o);
  if (values.length !== n) throw new Unwritten('an object that changed while it was read');
  const at = shape.tagged ? depth + 1 : depth;
  if (at >= MAX_DEPTH) throw new Unwritten('nested too deep');
  const { order, openers, stringOpeners } = shape;
  let out = '';
  for (let i = 0; i < n; i++) {
    const value = values[order[i]];
    // Most members are plain strings: their opening quote comes with the name, one concatenation fewer.
    if (typeof value === 'string' && PLAIN_STRING.test(value)) out = out + stringOpeners[i] + value + '"';
    else out = out + openers[i] + write(value, at + 1);
  }
  return out + shape.close;
}

/** How to write the members of an object whose Object.keys are a given list, in that order. */
interface Shape {
  /** Indexes into Object.keys (and Object.values), in the members' sorted order. */
  readonly order: readonly number[];
  /** What comes before each sorted member's value: `{"name":` for the first (`{"v":{"name":` when tagged), then `,"name":`. */
  readonly openers: readonly string[];
  /** `openers` with the opening quote of a string value. */
  readonly stringOpeners: readonly string[];
  readonly close: string;
  /** encodeValue tags an object with an own enumerable member `~` (the O tag). */
  readonly tagged: boolean;
}

interface ShapeNode {
  readonly next: globalThis.Map<string, ShapeNode>;
  shape: Shape | undefined;
}

/**
 * Shapes by their key lists, in a trie walked one key at a time. A model's objects come in a few shapes (the
 * deciders build them member by member in one order), so each list is checked, quoted and sorted once: an object
 * then costs a Map lookup per member (on names whose hash V8 keeps), instead of a sort by string comparisons, a
 * RegExp test and two concatenations per member. Key lists are data too (a plain object used as a dictionary), so
 * the trie starts over when it has grown this large.
 */
const SHAPE_NODES_KEPT = 8192;
let shapes: ShapeNode = { next: new globalThis.Map(), shape: undefined };
let shapeNodes = 0;

function shapeOf(keys: string[]): Shape {
  if (shapeNodes > SHAPE_NODES_KEPT) {
    shapes = { next: new globalThis.Map(), shape: undefined };
    shapeNodes = 0;
  }
  let node = shapes;
  for (let i = 0; i < keys.length; i++) {
    let child = node.next.get(keys[i]);
    if (child === undefined) {
      child = { next: new globalThis.Map(), shape: undefined };
      node.next.set(keys[i], child);
      shapeNodes++;
    }
    node = child;
  }
  return (node.shape ??= newShape(keys));
}

function newShape(keys: readonly string[]): Shape {
  // encodeValue assigns each member to a fresh object, where `__proto__` sets the prototype instead: the two-pass
  // way drops such a member or refuses the object, depending on its value.
  if (keys.includes('__proto__')) throw new Unwritten('a __proto__ member');
  const order = keys.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  const tagged = keys.includes('~');
  const openers = order.map((at, i) => (i === 0 ? (tagged ? '{"v":{"' : '{"') : ',"') + writeKey(keys[at]) + '":');
  return { order, openers, stringOpeners: openers.map((opener) => opener + '"'), close: tagged ? '},"~":"O"}' : '}', tagged };
}

/*
 * Strings and numbers as jcs.ts writes them (its serializeString, quoteKey and serializeNumber, the same tests in the
 * same order). Not imported: those throw jcs.ts's internal path-collecting signal, which a caller outside it cannot
 * catch as such, and they would have to be made public API of @ledger/event-store for this one use. The property
 * test holds both to the same bytes and the same refusals.
 */

const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

// The project's `lib` is ES2023; `isWellFormed` is ES2024 and present in every Node this runs on.
const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

function writeString(s: string): string {
  if (PLAIN_STRING.test(s)) return '"' + s + '"';
  if (!isWellFormed(s)) throw new Unwritten('a lone surrogate');
  return JSON.stringify(s);
}

function writeKey(key: string): string {
  if (PLAIN_STRING.test(key)) return key;
  if (!isWellFormed(key)) throw new Unwritten('a lone surrogate');
  const quoted = JSON.stringify(key);
  return quoted.slice(1, quoted.length - 1);
}

function writeNumber(n: number): string {
  if (n !== n) throw new Unwritten('NaN');
  // Beyond ±(2^53−1) every double is an integer: the unsafe integers and the infinities, both refused by I-JSON.
  if (n > Number.MAX_SAFE_INTEGER || n < -Number.MAX_SAFE_INTEGER) throw new Unwritten(`${n} is not an I-JSON number`);
  // ECMAScript Number-to-String is RFC 8785's number format; it also writes -0 as 0.
  return '' + n;
}
