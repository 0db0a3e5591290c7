/**
 * SHA-256 and the RFC 6962 / RFC 9162 domain-separated leaf and node hashes.
 *
 * Hashes are returned as fresh Buffers, but the Merkle code passes them around by reference: treat every hash as
 * immutable.
 */
import { createHash, hash } from 'node:crypto';

const HASH_BYTES = 32;
const LEAF_PREFIX = Buffer.of(0x00);
const NODE_PREFIX = Buffer.of(0x01);

/** SHA-256 of the empty string: the RFC 6962 root of the empty tree. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/*
 * One-shot `crypto.hash` over a reused scratch buffer measured ~40% faster than a
 * `createHash().update(prefix).update(data).digest()` chain on Node 26 (1.2 µs vs 2.0 µs per node hash): the
 * chain allocates a Hash object and crosses into C++ four times. Everything here is synchronous, so one module
 * scratch buffer cannot be shared by two calls at once.
 */
const nodeScratch = Buffer.alloc(1 + 2 * HASH_BYTES);
nodeScratch[0] = 0x01;

/** Leaves above this size are streamed instead, so one huge leaf does not pin a huge scratch buffer forever. */
const LEAF_SCRATCH_MAX = 64 * 1024;
let leafScratch = Buffer.alloc(1024);

export function sha256(...parts: Uint8Array[]): Buffer {
  if (parts.length === 1) return hash('sha256', parts[0], 'buffer');
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
}

/** RFC 6962 leaf hash, SHA-256(0x00 ‖ data); a string is hashed as its UTF-8 bytes. */
export function leafHash(data: Uint8Array | string): Buffer {
  // Prepending a NUL character to a string lets one native call encode and hash it (faster than Buffer.from).
  if (typeof data === 'string') return hash('sha256', '\u0000' + data, 'buffer');
  const n = data.length + 1;
  if (n > LEAF_SCRATCH_MAX) return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
  if (n > leafScratch.length) leafScratch = Buffer.alloc(Math.min(LEAF_SCRATCH_MAX, 2 * n));
  leafScratch[0] = 0x00;
  leafScratch.set(data, 1);
  return hash('sha256', leafScratch.subarray(0, n), 'buffer');
}

/** RFC 6962 interior node hash, SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  // The scratch layout only fits two 32-byte hashes; anything else (a malformed proof element) takes the general
  // path so that a short input can never leave stale bytes from an earlier call in the hashed data.
  if (left.length !== HASH_BYTES || right.length !== HASH_BYTES) {
    return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  }
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_BYTES);
  return hash('sha256', nodeScratch, 'buffer');
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Strict: `Buffer.from(s, 'hex')` silently stops at the first bad character, which would hide corrupt input. */
export function fromHex(hex: string): Buffer {
  if (typeof hex !== 'string') throw new TypeError('fromHex: expected a string');
  if (hex.length % 2 !== 0) throw new TypeError(`fromHex: odd length ${hex.length}`);
  if (!HEX.test(hex)) throw new TypeError('fromHex: not a hexadecimal string');
  return Buffer.from(hex, 'hex');
}
