import { isImmutable, isOrdered, List, Map as IMap, OrderedMap, OrderedSet, Set as ISet } from 'immutable';
import { canonicalize } from '@ledger/event-store';
import { ABSENT, mapChanges } from './map-diff';

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
  /** The model's field (the empty string when the model is itself a Map). */
  readonly collection: string;
  /** The key in that field's Map, or the empty string for a field stored whole. */
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

/** Fields split into one document per key: plain (unordered) Immutable Maps. Everything else is one document. */
function isSplit(value: unknown): value is IMap<unknown, unknown> {
  return IMap.isMap(value) && !OrderedMap.isOrderedMap(value);
}

function fieldsOf(model: unknown): Array<[string, unknown]> {
  if (isSplit(model)) return [[ROOT, model]];
  if (model === null || typeof model !== 'object' || isImmutable(model) || Array.isArray(model)) {
    throw new TypeError('read-model codec: a model is a Map or a plain object of fields');
  }
  return Object.entries(model as Record<string, unknown>);
}

function docKey(key: unknown, collection: string): string {
  if (typeof key !== 'string') throw new TypeError(`read-model codec: the keys of ${collection || 'the model'} must be strings to be documents`);
  return key;
}

const text = (value: unknown) => canonicalize(encodeValue(value));

/** Every document of a model, in (collection, key) order. */
export function encodeModel(model: unknown): ModelDocument[] {
  return [...encodeModelLazily(model)];
}

/**
 * `encodeModel` one document at a time: the keys are sorted first, each document's text made only when it is asked
 * for, so a writer that takes them as they come never holds every document of a large model at once.
 */
export function* encodeModelLazily(model: unknown): Generator<ModelDocument> {
  const entries: Array<{ collection: string; key: string; value: unknown }> = [];
  for (const [collection, value] of fieldsOf(model)) {
    if (isSplit(value)) {
      for (const [key, item] of value) entries.push({ collection, key: docKey(key, collection), value: item });
    } else {
      entries.push({ collection, key: WHOLE, value });
    }
  }
  entries.sort((a, b) => compareText(a.collection, b.collection) || compareText(a.key, b.key));
  for (const { collection, key, value } of entries) yield { collection, key, doc: text(value) };
}

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
      return (empty as IMap<string, unknown>).withMutations((map) => {
        for (const document of docs) map.set(document.key, decodeValue(JSON.parse(document.doc)));
      });
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
 * (map-diff.ts), so it costs what changed when `after` was folded from `before`; per field otherwise.
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

/**
 * `changesBetween`, and UNCHANGED after each document it compared by text without finding a change: a caller in a
 * process that serves requests can count those too when it decides to give the event loop a turn.
 *
 * By reference (the normal case: `after` was folded from `before`, directly or through a model decoded from the same
 * documents), or with `byText`, when the two models were built apart (a model decoded from the store beside one
 * folded elsewhere), by their documents' text.
 */
export function* diffSteps(before: unknown, after: unknown, byText = false): Generator<DocumentChange | typeof UNCHANGED> {
  if (before === after) return;
  const previous = new globalThis.Map(fieldsOf(before));
  for (const [collection, value] of fieldsOf(after)) {
    const old = previous.get(collection);
    if (old === value) continue;
    if (isSplit(value) && isSplit(old)) {
      for (const [key, was, item] of mapChanges(old, value)) {
        if (item === ABSENT) yield { collection, key: docKey(key, collection), doc: null };
        else if (byText && was !== ABSENT) {
          const doc = text(item);
          if (text(was) === doc) yield UNCHANGED;
          else yield { collection, key: docKey(key, collection), doc };
        } else yield { collection, key: docKey(key, collection), doc: text(item) };
      }
    } else if (isSplit(value)) {
      for (const [key, item] of value) yield { collection, key: docKey(key, collection), doc: text(item) };
    } else {
      const doc = text(value);
      if (byText && old !== undefined && text(old) === doc) yield UNCHANGED;
      else yield { collection, key: WHOLE, doc };
    }
  }
}
