import { isImmutable, isOrdered, List, Map as IMap, OrderedMap, OrderedSet, Set as ISet } from 'immutable';
import { canonicalize } from '@ledger/event-store';
import { canonicalItemsText, canonicalText } from './canonical-text';
import { ABSENT, changedPages, mapChanges } from './map-diff';

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A type-preserving codec between read models (plain objects whose fields are Immutable collections or plain data,
 * nested at will) and canonical JSON documents (RFC 8785 text), generic over every projection.
 *
 * Plain JSON values are written as they are. Everything JSON cannot say is tagged with the key `~`:
 *   Map → {"~":"M","e":[[k,v],...]}, OrderedMap → {"~":"OM","e":[...]}
 *   Set → {"~":"S","v":[...]}, OrderedSet → {"~":"OS","v":[...]}, List → {"~":"L","v":[...]}
 *   undefined (an object member) → {"~":"U"}
 *   a plain object that itself has a key `~` → {"~":"O","v":{...}}
 * so decoding gives back the same collection types. Entries are written in iteration order, Map and Set included:
 * decoding inserts them in that order, which gives back the same iteration order (a small Immutable Map iterates
 * in insertion order, a large one in hash order), so a model hydrated from its documents answers list queries in
 * the order the one folded from the log does. The same fold writes the same bytes, which is what a rebuild compares.
 *
 * A model is stored as documents (below): one per key of each top-level plain Map, one per other field, and a long
 * List at a key of such a Map in pages of LIST_PAGE_SIZE items, so a flush rewrites what changed, not what grew.
 */
export const TAG = '~';

type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

export function encodeValue(value: unknown): Encoded {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
  if (value === undefined) return { [TAG]: 'U' };
  if (isImmutable(value)) return encodeImmutable(value);
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : encodeValue(item)));
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`read-model codec: ${(proto as { constructor?: { name?: string } }).constructor?.name ?? 'an object'} is neither plain data nor an Immutable collection`);
    const out: { [key: string]: Encoded } = {};
    for (const key of Object.keys(value)) out[key] = encodeValue((value as Record<string, unknown>)[key]);
    return TAG in out ? { [TAG]: 'O', v: out } : out;
  }
  throw new TypeError(`read-model codec: a ${typeof value} is not data`);
}

function encodeImmutable(value: unknown): Encoded {
  if (OrderedMap.isOrderedMap(value)) return { [TAG]: 'OM', e: encodeEntries(value as OrderedMap<unknown, unknown>) };
  if (IMap.isMap(value)) return { [TAG]: 'M', e: encodeEntries(value as IMap<unknown, unknown>) };
  if (OrderedSet.isOrderedSet(value)) return { [TAG]: 'OS', v: (value as OrderedSet<unknown>).toArray().map(encodeValue) };
  if (ISet.isSet(value)) return { [TAG]: 'S', v: (value as ISet<unknown>).toArray().map(encodeValue) };
  if (List.isList(value)) return { [TAG]: 'L', v: (value as List<unknown>).toArray().map(encodeValue) };
  throw new TypeError(`read-model codec: this Immutable collection (${isOrdered(value) ? 'ordered' : 'unordered'}) is not one of Map, OrderedMap, Set, OrderedSet, List`);
}

function encodeEntries(map: IMap<unknown, unknown>): Encoded[] {
  const out: Encoded[] = [];
  for (const [key, item] of map) out.push([encodeValue(key), encodeValue(item)]);
  return out;
}

export function decodeValue(encoded: unknown): unknown {
  if (encoded === null || typeof encoded !== 'object') return encoded;
  if (Array.isArray(encoded)) return encoded.map(decodeValue);
  const object = encoded as Record<string, unknown>;
  const tag = object[TAG];
  if (tag === undefined) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(object)) out[key] = decodeValue(object[key]);
    return out;
  }
  switch (tag) {
    case 'M':
      return IMap(decodeEntries(object.e));
    case 'OM':
      return OrderedMap(decodeEntries(object.e));
    case 'S':
      return ISet((object.v as unknown[]).map(decodeValue));
    case 'OS':
      return OrderedSet((object.v as unknown[]).map(decodeValue));
    case 'L':
      return List((object.v as unknown[]).map(decodeValue));
    case 'U':
      return undefined;
    case 'O': {
      const inner = object.v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(inner)) out[key] = decodeValue(inner[key]);
      return out;
    }
    default:
      throw new TypeError(`read-model codec: unknown tag ${JSON.stringify(tag)}`);
  }
}

function decodeEntries(entries: unknown): Array<[unknown, unknown]> {
  return (entries as unknown[][]).map(([key, item]) => [decodeValue(key), decodeValue(item)]);
}

/** One stored document: a projection's model is one or more of these. */
export interface ModelDocument {
  /** The model's field (the empty string when the model is itself a Map); a field's List pages: the field and `#`. */
  readonly collection: string;
  /** The key in that field's Map, or the empty string for a field stored whole; a List page: the key, `#`, the page. */
  readonly key: string;
  /** RFC 8785 canonical JSON of the encoded value. */
  readonly doc: string;
}

/** A document to write (`doc`) or to delete (`doc` null). */
export interface DocumentChange {
  readonly collection: string;
  readonly key: string;
  readonly doc: string | null;
}

/** The whole model when it is itself a Map (the record-view projections): one document per key, collection ''. */
export const ROOT = '';
export const WHOLE = '';

/**
 * A List at a key of a split Map with more items than this is stored in pages of this many items, one document per
 * page, beside a small head document at the key (`{"~":"LP","n":<pages>,"p":<page size>}`): page i holds items
 * [i·P, (i+1)·P) as a JSON array of encoded items, in the field's page collection (`<field>#`) under the key
 * `<key>#<i, 4 digits or more>`, so appending to a List rewrites its last page (and the head when a page is added),
 * not the whole List. A List of at most this many items is one document, as any other value.
 *
 * Chosen from the bench:api mix at 50k tasks (a unit's notices: ~60-70 notices of ~400-700 bytes each, a reminder
 * appends one): a flush then writes ~8 notices on average instead of a unit's every notice.
 */
export const LIST_PAGE_SIZE = 16;

/**
 * The stored format, part of every projection's definition (projection-worker.ts, definitionOf): documents written
 * in another format (before List pages, or with another page size) make the worker rebuild the projection from the
 * log and the API fold it rather than decode them.
 */
export const CODEC_FORMAT = `rfc8785-tagged/2 lists>${LIST_PAGE_SIZE}:pages`;

/** Marks the page collection of a field and separates a page's number from its List's key. */
const PAGE_MARK = '#';
const HEAD_TAG = 'LP';

/** The collection holding the List pages of a split field. */
export const pageCollectionOf = (collection: string) => collection + PAGE_MARK;

/**
 * A page's document key: the List's key, `#`, the page number (at least 4 digits). Read back from the last `#`, whose
 * suffix has none, so every Map key (any string, `#` included) and page give a key of their own.
 */
export function pageKeyOf(key: string, page: number): string {
  return `${key}${PAGE_MARK}${String(page).padStart(4, '0')}`;
}

/** The List key and page number of a page document's key (undefined: not a page key this codec writes). */
export function parsePageKey(docKey: string): { key: string; page: number } | undefined {
  const at = docKey.lastIndexOf(PAGE_MARK);
  if (at < 0) return undefined;
  const digits = docKey.slice(at + 1);
  if (!/^\d{4,}$/.test(digits)) return undefined;
  const page = Number(digits);
  if (!Number.isSafeInteger(page) || pageKeyOf('', page) !== `${PAGE_MARK}${digits}`) return undefined;
  return { key: docKey.slice(0, at), page };
}

/** A value stored in pages: a List (at a key of a split Map) with more than LIST_PAGE_SIZE items. */
function isPaged(value: unknown): value is List<unknown> {
  return List.isList(value) && (value as List<unknown>).size > LIST_PAGE_SIZE;
}

const pageCount = (size: number) => Math.ceil(size / LIST_PAGE_SIZE);

const headText = (pages: number) => canonicalize({ [TAG]: HEAD_TAG, n: pages, p: LIST_PAGE_SIZE });

/** Page `page` of `list`: its items, encoded, as a JSON array. */
function pageText(list: List<unknown>, page: number): string {
  const start = page * LIST_PAGE_SIZE;
  const end = Math.min(list.size, start + LIST_PAGE_SIZE);
  let doc: string;
  try {
    doc = canonicalItemsText(list, start, end);
  } catch {
    const items: Encoded[] = [];
    for (let i = start; i < end; i++) items.push(encodeValue(list.get(i)));
    doc = canonicalize(items);
  }
  return flat(doc);
}

/** Fields split into one document per key: plain (unordered) Immutable Maps. Everything else is one document. */
function isSplit(value: unknown): value is IMap<unknown, unknown> {
  return IMap.isMap(value) && !OrderedMap.isOrderedMap(value);
}

function fieldsOf(model: unknown): Array<[string, unknown]> {
  if (isSplit(model)) return [[ROOT, model]];
  if (model === null || typeof model !== 'object' || isImmutable(model) || Array.isArray(model)) {
    throw new TypeError('read-model codec: a model is a Map or a plain object of fields');
  }
  const fields = Object.entries(model as Record<string, unknown>);
  for (const [field] of fields) {
    if (field.endsWith(PAGE_MARK)) throw new TypeError(`read-model codec: a model field's name may not end with '${PAGE_MARK}' (${JSON.stringify(field)}): that names a field's List pages`);
  }
  return fields;
}

function docKey(key: unknown, collection: string): string {
  if (typeof key !== 'string') throw new TypeError(`read-model codec: the keys of ${collection || 'the model'} must be strings to be documents`);
  return key;
}

/**
 * A document's text: `canonicalize(encodeValue(value))`, written in one pass (canonical-text.ts) without the tagged
 * tree in between. What that pass does not write (a value the two passes refuse, or an unusual one) goes the two-pass
 * way, so a refusal is the error it always was and the text is the same either way.
 */
function text(value: unknown): string {
  let doc: string;
  try {
    doc = canonicalText(value);
  } catch {
    doc = canonicalize(encodeValue(value));
  }
  return flat(doc);
}

/**
 * The same string, flattened now. Both ways build the text by concatenation (a rope of many pieces); whoever
 * reads it first flattens it — SQLite's bind, or the structured clone that takes a flush's documents to the
 * read-model writer thread — and that costs several times more once the pieces are out of the cache than right after
 * they were made. Converting a string to a number flattens it in place (V8), whatever the number comes out as.
 */
function flat(text: string): string {
  Number(text);
  return text;
}

/** A document whose text is made when asked for. */
interface LazyDocument {
  readonly collection: string;
  readonly key: string;
  readonly make: () => string;
}

/** The documents of one key of a split Map: the value whole, or a List's head and pages. */
function documentsAt(collection: string, key: string, value: unknown, into: LazyDocument[]): void {
  if (!isPaged(value)) {
    into.push({ collection, key, make: () => text(value) });
    return;
  }
  const pages = pageCount(value.size);
  into.push({ collection, key, make: () => headText(pages) });
  const pageCollection = pageCollectionOf(collection);
  for (let page = 0; page < pages; page++) into.push({ collection: pageCollection, key: pageKeyOf(key, page), make: () => pageText(value, page) });
}

/** Every document of a model, in (collection, key) order. */
export function encodeModel(model: unknown): ModelDocument[] {
  return [...encodeModelLazily(model)];
}

/**
 * `encodeModel` one document at a time: the keys are sorted first, each document's text made only when it is asked
 * for, so a writer that takes them as they come never holds every document of a large model at once.
 */
export function* encodeModelLazily(model: unknown): Generator<ModelDocument> {
  const entries: LazyDocument[] = [];
  for (const [collection, value] of fieldsOf(model)) {
    if (isSplit(value)) {
      for (const [key, item] of value) documentsAt(collection, docKey(key, collection), item, entries);
    } else {
      entries.push({ collection, key: WHOLE, make: () => text(value) });
    }
  }
  entries.sort((a, b) => compareText(a.collection, b.collection) || compareText(a.key, b.key));
  for (const { collection, key, make } of entries) yield { collection, key, doc: make() };
}

function corrupt(collection: string, key: string, why: string): never {
  throw new TypeError(`read-model codec: the documents of ${collection || 'the model'} at ${JSON.stringify(key)} are not ones this codec writes: ${why}`);
}

/** A List from its head (already parsed) and its pages' documents, checked to be the pages the head says. */
function decodePaged(collection: string, key: string, head: Record<string, unknown>, pages: globalThis.Map<number, string> | undefined): List<unknown> {
  const count = head.n;
  const size = head.p;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1 || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) corrupt(collection, key, 'a List head without its page count and size');
  if ((pages?.size ?? 0) !== count) corrupt(collection, key, `a List head of ${count} pages with ${pages?.size ?? 0} page documents`);
  const items: unknown[] = [];
  for (let page = 0; page < count; page++) {
    const doc = pages!.get(page);
    if (doc === undefined) corrupt(collection, key, `page ${page} of ${count} is missing`);
    const encoded = JSON.parse(doc) as unknown;
    if (!Array.isArray(encoded) || encoded.length < 1 || encoded.length > size || (page < count - 1 && encoded.length !== size)) corrupt(collection, key, `page ${page} does not hold the items a page of ${size} holds`);
    for (const item of encoded) items.push(decodeValue(item));
  }
  return List(items);
}

const isHead = (parsed: unknown): parsed is Record<string, unknown> =>
  parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && (parsed as Record<string, unknown>)[TAG] === HEAD_TAG;

/**
 * The model from its documents. `initial` (the projection's empty model) says the model's shape: which fields are
 * split Maps (an empty Map has no documents) and the value of a field with no document.
 */
export function decodeModel<Model>(initial: Model, documents: Iterable<ModelDocument>): Model {
  const byCollection = new globalThis.Map<string, ModelDocument[]>();
  for (const document of documents) {
    const list = byCollection.get(document.collection);
    if (list) list.push(document);
    else byCollection.set(document.collection, [document]);
  }
  const decodeField = (collection: string, empty: unknown): unknown => {
    const docs = byCollection.get(collection) ?? [];
    if (isSplit(empty)) {
      // Each List's pages, by its key and page number.
      const pagesOf = new globalThis.Map<string, globalThis.Map<number, string>>();
      for (const document of byCollection.get(pageCollectionOf(collection)) ?? []) {
        const at = parsePageKey(document.key) ?? corrupt(pageCollectionOf(collection), document.key, 'not a page key');
        const pages = pagesOf.get(at.key) ?? new globalThis.Map<number, string>();
        pages.set(at.page, document.doc);
        pagesOf.set(at.key, pages);
      }
      const map = (empty as IMap<string, unknown>).withMutations((out) => {
        for (const document of docs) {
          const parsed = JSON.parse(document.doc) as unknown;
          if (isHead(parsed)) {
            out.set(document.key, decodePaged(collection, document.key, parsed, pagesOf.get(document.key)));
            pagesOf.delete(document.key);
          } else out.set(document.key, decodeValue(parsed));
        }
      });
      for (const key of pagesOf.keys()) corrupt(collection, key, 'List pages without a head');
      return map;
    }
    const whole = docs.find((document) => document.key === WHOLE);
    return whole === undefined ? empty : decodeValue(JSON.parse(whole.doc));
  };
  if (isSplit(initial)) return decodeField(ROOT, initial) as Model;
  const out: Record<string, unknown> = {};
  for (const [collection, empty] of fieldsOf(initial)) out[collection] = decodeField(collection, empty);
  return out as Model;
}

/**
 * The documents that differ between two versions of a model: per key of a split Map by reference (an Immutable
 * update replaces exactly the values it touched), found by a walk of the two Maps' tries that skips what they share
 * (map-diff.ts), so it costs what changed when `after` was folded from `before`; within a paged List, per page, by
 * comparing the items of each page by reference (an append leaves every item but the new ones where it was); per
 * field otherwise.
 */
export function diffModels(before: unknown, after: unknown): DocumentChange[] {
  return [...changesBetween(before, after)];
}

/** `diffModels` one document at a time, so a large flush can give the event loop a turn between documents. */
export function* changesBetween(before: unknown, after: unknown, byText = false): Generator<DocumentChange> {
  for (const step of diffSteps(before, after, byText)) if (step !== UNCHANGED) yield step;
}

/** Yielded by `diffSteps` for a document compared by text and found unchanged (work done, nothing to write). */
export const UNCHANGED: unique symbol = Symbol('unchanged');

type Step = DocumentChange | typeof UNCHANGED;

/**
 * `changesBetween`, and UNCHANGED after each document it compared by text without finding a change: a caller in a
 * process that serves requests can count those too when it decides to give the event loop a turn.
 *
 * By reference (the normal case: `after` was folded from `before`, directly or through a model decoded from the same
 * documents), or with `byText`, when the two models were built apart (a model decoded from the store beside one
 * folded elsewhere), by their documents' text.
 */
export function* diffSteps(before: unknown, after: unknown, byText = false): Generator<Step> {
  if (before === after) return;
  const previous = new globalThis.Map(fieldsOf(before));
  for (const [collection, value] of fieldsOf(after)) {
    const old = previous.get(collection);
    if (old === value) continue;
    if (isSplit(value) && isSplit(old)) {
      for (const [key, was, item] of mapChanges(old, value)) {
        const at = docKey(key, collection);
        if (item === ABSENT) yield* removedAt(collection, at, was);
        else if (was === ABSENT) yield* writtenAt(collection, at, item);
        else yield* changedAt(collection, at, was, item, byText);
      }
    } else if (isSplit(value)) {
      for (const [key, item] of value) yield* writtenAt(collection, docKey(key, collection), item);
    } else {
      const doc = text(value);
      if (byText && old !== undefined && text(old) === doc) yield UNCHANGED;
      else yield { collection, key: WHOLE, doc };
    }
  }
}

/** Every document of a value new at `key`. */
function* writtenAt(collection: string, key: string, value: unknown): Generator<Step> {
  const documents: LazyDocument[] = [];
  documentsAt(collection, key, value, documents);
  for (const document of documents) yield { collection: document.collection, key: document.key, doc: document.make() };
}

/** Deletes every document of a value gone from `key`. */
function* removedAt(collection: string, key: string, value: unknown): Generator<Step> {
  yield { collection, key, doc: null };
  if (isPaged(value)) for (let page = 0; page < pageCount(value.size); page++) yield { collection: pageCollectionOf(collection), key: pageKeyOf(key, page), doc: null };
}

/** The documents to write and delete when the value at `key` went from `was` to `item` (another object). */
function* changedAt(collection: string, key: string, was: unknown, item: unknown, byText: boolean): Generator<Step> {
  if (isPaged(item)) {
    if (isPaged(was)) yield* pagesChanged(collection, key, was, item, byText);
    else yield* writtenAt(collection, key, item);
    return;
  }
  const doc = text(item);
  if (isPaged(was)) {
    // Back to one document: it replaces the head, and the pages go.
    yield { collection, key, doc };
    for (let page = 0; page < pageCount(was.size); page++) yield { collection: pageCollectionOf(collection), key: pageKeyOf(key, page), doc: null };
  } else if (byText && text(was) === doc) yield UNCHANGED;
  else yield { collection, key, doc };
}

/** A paged List's changed documents: the head when the page count changed, the pages whose items changed, the pages gone. */
function* pagesChanged(collection: string, key: string, was: List<unknown>, item: List<unknown>, byText: boolean): Generator<Step> {
  const before = pageCount(was.size);
  const after = pageCount(item.size);
  if (before !== after) yield { collection, key, doc: headText(after) };
  const pageCollection = pageCollectionOf(collection);
  for (const page of changedPages(was, item, LIST_PAGE_SIZE)) {
    const doc = pageText(item, page);
    if (byText && page < before && pageText(was, page) === doc) yield UNCHANGED;
    else yield { collection: pageCollection, key: pageKeyOf(key, page), doc };
  }
  for (let page = after; page < before; page++) yield { collection: pageCollection, key: pageKeyOf(key, page), doc: null };
}
