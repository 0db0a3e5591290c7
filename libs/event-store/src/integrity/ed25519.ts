/**
 * Ed25519 (RFC 8032) keys and signatures on node:crypto. Keys travel as raw 32-byte seeds and public keys (what
 * RFC 8032, signed notes and configuration files use); node:crypto only imports DER, so they are wrapped here.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

const KEY_BYTES = 32;
/** PKCS#8 PrivateKeyInfo for id-Ed25519 (RFC 8410 §7) up to the 32-byte seed. */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** SubjectPublicKeyInfo for id-Ed25519 (RFC 8410 §4) up to the 32-byte public key. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface Ed25519KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function ed25519FromSeed(seed32: Uint8Array): Ed25519KeyPair {
  if (seed32.length !== KEY_BYTES) throw new RangeError(`Ed25519 seed must be ${KEY_BYTES} bytes, got ${seed32.length}`);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed32]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

export function ed25519PublicFromRaw(raw32: Uint8Array): KeyObject {
  if (raw32.length !== KEY_BYTES) throw new RangeError(`Ed25519 public key must be ${KEY_BYTES} bytes, got ${raw32.length}`);
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw32]), format: 'der', type: 'spki' });
}

/** The 32-byte RFC 8032 encoding of an Ed25519 public key (a private key gives its public half). */
export function rawPublicKey(key: KeyObject): Buffer {
  assertEd25519(key);
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return Buffer.from(spki.subarray(spki.length - KEY_BYTES));
}

export function generateEd25519(): Ed25519KeyPair {
  return generateKeyPairSync('ed25519');
}

export function signEd25519(privateKey: KeyObject, msg: Uint8Array): Buffer {
  assertEd25519(privateKey);
  if (privateKey.type !== 'private') throw new TypeError('signEd25519 needs a private key');
  // Ed25519 hashes internally, so the digest argument must be null.
  return sign(null, msg, privateKey);
}

/** False for any failure, including a signature of the wrong length or a key of another type. */
export function verifyEd25519(publicKey: KeyObject, msg: Uint8Array, sig: Uint8Array): boolean {
  if (publicKey.asymmetricKeyType !== 'ed25519' || sig.length !== 64) return false;
  try {
    return verify(null, msg, publicKey, sig);
  } catch {
    return false;
  }
}

function assertEd25519(key: KeyObject): void {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`expected an Ed25519 key, got ${key.asymmetricKeyType ?? key.type}`);
  }
}
