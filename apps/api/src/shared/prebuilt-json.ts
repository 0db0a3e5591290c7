/**
 * Response bodies already encoded as JSON (UTF-8), for reads whose records are immutable snapshots: a body made once
 * per snapshot (or assembled from such fragments) is sent without JSON.stringify and without encoding a string on
 * every request. Every function here gives exactly the bytes `JSON.stringify` of the equivalent object gives.
 *
 * A controller returns a `PrebuiltJson`; `LedgerHeadersInterceptor` sends its bytes as `application/json;
 * charset=utf-8` (the content type Fastify gives a serialised object) and sets `ETag` from its `version`, as it does
 * from an object body's `version`.
 */

/** The content type Fastify sends a serialised object with. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export class PrebuiltJson {
  constructor(
    /** The whole body. */
    readonly bytes: Buffer,
    /** The record version the body names (`ETag: "<version>"`), as an object body's `version` member would. */
    readonly version?: number,
  ) {}

  /** Only if one is ever serialised as an object (outside the interceptor): the body it stands for, not its fields. */
  toJSON(): unknown {
    return JSON.parse(this.bytes.toString('utf8'));
  }
}

/** A piece of JSON text: a string, or bytes already UTF-8. */
export type JsonPiece = string | Uint8Array;

/**
 * UTF-8 of `JSON.stringify(value)` in a buffer of its own. `Buffer.from(string)` would hand bodies under 4 KiB out as
 * slices of the shared 8 KiB pool, and a cached slice keeps its whole slab alive. (JSON.stringify escapes lone
 * surrogates, so the text is well-formed and its UTF-8 is exact.)
 */
export function jsonBytes(value: unknown): Buffer {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('jsonBytes: the value has no JSON (undefined, a function or a symbol)');
  return ownUtf8(text);
}

/** UTF-8 of a string in a buffer that shares no memory with anything else. */
export function ownUtf8(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  bytes.write(text, 0, 'utf8');
  return bytes;
}

/** Pieces of JSON text as one buffer (a transient one: it may come from the shared pool). */
export function joinPieces(pieces: readonly JsonPiece[]): Buffer {
  let size = 0;
  for (const piece of pieces) size += typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : piece.byteLength;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const piece of pieces) {
    if (typeof piece === 'string') at += out.write(piece, at, 'utf8');
    else {
      out.set(piece, at);
      at += piece.byteLength;
    }
  }
  return out;
}

/**
 * The pieces of `JSON.stringify({...value, ...extra})`, given `json`, the JSON of the object `value`: its text without
 * the closing brace, then extra's members. `extra` must not repeat a key of `value` (a repeated key keeps its first
 * place in the object) and its keys must not be array indices (those come first in an object's key order).
 */
export function extendedObject(json: Uint8Array, extra: object, into: JsonPiece[] = []): JsonPiece[] {
  const members = JSON.stringify(extra);
  if (members === '{}') {
    into.push(json);
    return into;
  }
  // `{` and `}` are one byte each in UTF-8: the object's text without its closing brace is its bytes but the last.
  into.push(json.subarray(0, json.byteLength - 1), json.byteLength === 2 ? members.slice(1) : `,${members.slice(1)}`);
  return into;
}

/**
 * `JSON.stringify({...before, [key]: items, ...after})` where each item is given as the pieces of its JSON. The keys
 * of `before`, `key` and the keys of `after` must all differ and none be an array index (which would reorder them).
 */
export function objectWithArray(before: object, key: string, items: ReadonlyArray<JsonPiece | readonly JsonPiece[]>, after: object): Buffer {
  const head = JSON.stringify(before);
  const tail = JSON.stringify(after);
  const pieces: JsonPiece[] = [`${head === '{}' ? '{' : `${head.slice(0, -1)},`}${JSON.stringify(key)}:[`];
  items.forEach((item, i) => {
    if (i > 0) pieces.push(',');
    if (typeof item === 'string' || item instanceof Uint8Array) pieces.push(item);
    else pieces.push(...item);
  });
  pieces.push(tail === '{}' ? ']}' : `],${tail.slice(1)}`);
  return joinPieces(pieces);
}
