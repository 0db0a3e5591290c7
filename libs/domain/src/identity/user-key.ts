import { createHash, createPublicKey } from 'node:crypto';
import type { ActorRef } from '../shared/actor';
import type { IsoInstant } from '../shared/dates';

/**
 * Users' signing keys: the public half of the key an approver signs sign-offs with (a DSSE envelope whose `keyid`
 * is the key id below). Only public keys ever enter the log.
 *
 * - key id: lower-case hex SHA-256 of the raw public key (for Ed25519 the 32-byte RFC 8032 encoding), so anyone
 *   holding the key can recompute it and two spellings of one key cannot get two ids;
 * - algorithm: named in every event, so another suite (SM2 where a jurisdiction requires it) is a new member of
 *   `USER_KEY_ALGORITHMS`, not a format change;
 * - custody: `user` when the private key never left the user's hands (`ledger sign`), `server` when the ledger
 *   keeps it for the user (web and API flows). A verifier reports which.
 */
export const USER_KEY_ALGORITHMS = ['ed25519'] as const;
export type UserKeyAlgorithm = (typeof USER_KEY_ALGORITHMS)[number];

export const USER_KEY_CUSTODIES = ['user', 'server'] as const;
export type UserKeyCustody = (typeof USER_KEY_CUSTODIES)[number];

export type UserKeyRecord = {
  keyId: string;
  algorithm: UserKeyAlgorithm;
  /** Standard base64 of the raw public key. */
  publicKey: string;
  custody: UserKeyCustody;
  registeredAt: IsoInstant;
  registeredBy: ActorRef;
  revoked: { at: IsoInstant; by: ActorRef; reason: string } | null;
};

const RAW_KEY_BYTES: { readonly [A in UserKeyAlgorithm]: number } = { ed25519: 32 };
/** SubjectPublicKeyInfo for id-Ed25519 (RFC 8410 §4) up to the 32-byte key: how node:crypto imports a raw key. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The key id of a raw public key: lower-case hex SHA-256 of its bytes. */
export function userKeyIdOf(rawPublicKey: Uint8Array): string {
  return createHash('sha256').update(rawPublicKey).digest('hex');
}

/**
 * The raw bytes of a public key given as standard base64, or null when it is not one: not canonical base64 (so a
 * key has exactly one spelling in the log), not the algorithm's length, or not a point node:crypto accepts.
 */
export function decodeUserPublicKey(publicKey: unknown, algorithm: UserKeyAlgorithm): Buffer | null {
  if (typeof publicKey !== 'string' || !BASE64.test(publicKey)) return null;
  const raw = Buffer.from(publicKey, 'base64');
  if (raw.length !== RAW_KEY_BYTES[algorithm] || raw.toString('base64') !== publicKey) return null;
  try {
    createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
  return raw;
}

/**
 * Whether a signature made at `at` may be attributed to the key: registered at or before `at` and not revoked at
 * or before it. Instants are compared as instants (they may carry different offsets).
 */
export function isUserKeyUsableAt(key: UserKeyRecord, at: IsoInstant): boolean {
  const t = Date.parse(at);
  if (Date.parse(key.registeredAt) > t) return false;
  return key.revoked === null || Date.parse(key.revoked.at) > t;
}
