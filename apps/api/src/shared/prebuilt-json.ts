/**
 * Response bodies already serialised, for reads whose records are immutable snapshots: JSON made once per snapshot
 * (or assembled from such fragments) is sent without JSON.stringify on every request. Every function here gives
 * exactly the text `JSON.stringify` of the equivalent object gives.
 *
 * A controller returns a `PrebuiltJson`; `ledgerHeaders` (ledger-headers.ts) hands Fastify its text with the content type
 * Fastify gives a serialised object (`application/json; charset=utf-8`), which Fastify then sends as it is, and sets
 * `ETag` from its `version` as it does from an object body's `version`.
 *
 * Why strings and not UTF-8 Buffers: measured on bench:api's 50k-task seed (API CPU per request, SQLite, 10 s runs,
 * alternated), cached Buffers assembled per request cost more than the plain objects did (list 647-652 µs vs 565-631,
 * notices 355-367 vs 338-343: a copy into a new off-heap Buffer per response, and tens of thousands of small
 * off-heap cached Buffers that start mark-compacts through V8's external-memory limit), while cached strings cost
 * less (list 519-603, notices 244-289). Node encodes a string while copying it into the socket's write, which is
 * most of what `writeUtf8String` costs in a profile: the syscall, not the encoding.
 */

/** The content type Fastify sends a serialised object with. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export class PrebuiltJson {
  constructor(
    /** The whole body. */
    readonly json: string,
    /** The record version the body names (`ETag: "<version>"`), as an object body's `version` member would. */
    readonly version?: number,
  ) {}

  /** Only if one is ever serialised as an object (outside the interceptor): the body it stands for, not its fields. */
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/** `JSON.stringify(value)`, for a value that has JSON (not undefined, a function or a symbol). */
export function jsonText(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('jsonText: the value has no JSON (undefined, a function or a symbol)');
  return text;
}

/**
 * `JSON.stringify({...value, ...extra})`, given `json`, the JSON of the object `value`: its text without the closing
 * brace, then extra's members. `extra` must not repeat a key of `value` (a repeated key keeps its first place in the
 * object) and its keys must not be array indices (those come first in an object's key order).
 */
export function extendedObject(json: string, extra: object): string {
  const members = JSON.stringify(extra);
  if (members === '{}') return json;
  return json.length === 2 ? members : `${json.slice(0, -1)},${members.slice(1)}`;
}

/**
 * `JSON.stringify({...before, [key]: items, ...after})` where each item is given as its JSON. The keys of `before`,
 * `key` and the keys of `after` must all differ and none be an array index (which would reorder them).
 */
export function objectWithArray(before: object, key: string, items: readonly string[], after: object): string {
  const head = JSON.stringify(before);
  const tail = JSON.stringify(after);
  // One join: one flat string however many items (Node then encodes it once, as it writes it).
  const parts: string[] = [`${head === '{}' ? '{' : `${head.slice(0, -1)},`}${JSON.stringify(key)}:[`];
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts.push(',');
    parts.push(items[i]);
  }
  parts.push(tail === '{}' ? ']}' : `],${tail.slice(1)}`);
  return parts.join('');
}
