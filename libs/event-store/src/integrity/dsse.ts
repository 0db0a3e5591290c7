/**
 * DSSE v1 envelopes (secure-systems-lab/dsse, protocol.md). Signatures cover PAE(payloadType, payload), never the
 * envelope's JSON, so the envelope can be re-serialised freely and the type cannot be swapped without breaking them.
 *
 * Keys are node:crypto KeyObjects. Ed25519 is what the ledger signs with; ECDSA P-256/SHA-256 (raw r‖s) is also
 * verified, because it is the scheme of DSSE's own published test vector.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64Lenient } from './base64';
import { failed } from './proof-check';

export interface DsseSignature {
  /** Unauthenticated hint naming the key; empty means "try every trusted key". */
  keyid: string;
  /** base64 */
  sig: string;
}

export interface DsseEnvelope {
  /** base64 */
  payload: string;
  payloadType: string;
  signatures: DsseSignature[];
}

export interface DsseSigner {
  keyid: string;
  privateKey: KeyObject;
}

/** Narrows the `ProofCheck & { keyid?: string }` contract: on success, keyid names the trusted key that signed. */
export type EnvelopeCheck = { ok: true; keyid: string } | { ok: false; reason: string };

/** "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes as ASCII decimal. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  const header = `DSSEv1 ${type.length} `;
  const middle = ` ${payload.length} `;
  const out = Buffer.allocUnsafe(header.length + type.length + middle.length + payload.length);
  let at = out.write(header, 0, 'latin1');
  at += type.copy(out, at);
  at += out.write(middle, at, 'latin1');
  out.set(payload, at);
  return out;
}

export function signEnvelope(payloadType: string, payload: Uint8Array, signer: DsseSigner): DsseEnvelope {
  const message = pae(payloadType, payload);
  return {
    payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64'),
    payloadType,
    signatures: [{ keyid: signer.keyid, sig: signWith(signer.privateKey, message).toString('base64') }],
  };
}

/**
 * Passes when any signature verifies under a trusted key. A signature whose keyid names no trusted key is
 * ignored (it may be someone else's); with an empty keyid every trusted key is tried.
 */
export function verifyEnvelope(env: DsseEnvelope, keys: ReadonlyMap<string, KeyObject>): EnvelopeCheck {
  // The envelope usually comes straight from JSON.parse, so its shape is not taken on trust.
  const untrusted = env as unknown as Record<string, unknown> | null;
  if (typeof untrusted !== 'object' || untrusted === null) return failed('envelope is not an object');
  if (typeof untrusted.payloadType !== 'string') return failed('payloadType is not a string');
  if (typeof untrusted.payload !== 'string') return failed('payload is not a string');
  if (!Array.isArray(untrusted.signatures) || untrusted.signatures.length === 0) return failed('no signatures');
  const payload = decodeBase64Lenient(env.payload);
  if (payload === undefined) return failed('payload is not valid base64');
  const message = pae(env.payloadType, payload);

  let reason = 'no signature by a trusted key';
  for (const entry of untrusted.signatures as unknown[]) {
    const s = entry as Partial<Record<keyof DsseSignature, unknown>> | null;
    if (typeof s !== 'object' || s === null || typeof s.sig !== 'string') {
      reason = 'malformed signature entry';
      continue;
    }
    if (s.keyid !== undefined && typeof s.keyid !== 'string') {
      reason = 'keyid is not a string';
      continue;
    }
    const sig = decodeBase64Lenient(s.sig);
    if (sig === undefined) {
      reason = 'signature is not valid base64';
      continue;
    }
    const keyid = s.keyid ?? '';
    if (keyid !== '') {
      const key = keys.get(keyid);
      if (key === undefined) {
        reason = `unknown keyid ${JSON.stringify(keyid)}`;
        continue;
      }
      if (verifyWith(key, message, sig)) return { ok: true, keyid };
      reason = `signature by ${JSON.stringify(keyid)} does not verify`;
      continue;
    }
    for (const [id, key] of keys) {
      if (verifyWith(key, message, sig)) return { ok: true, keyid: id };
    }
    reason = 'signature does not verify under any trusted key';
  }
  return failed(reason);
}

function signWith(privateKey: KeyObject, message: Buffer): Buffer {
  switch (privateKey.asymmetricKeyType) {
    case 'ed25519':
      return sign(null, message, privateKey);
    case 'ec':
      return sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    default:
      throw new TypeError(`cannot sign DSSE envelopes with a ${String(privateKey.asymmetricKeyType)} key`);
  }
}

function verifyWith(publicKey: KeyObject, message: Buffer, sig: Buffer): boolean {
  try {
    switch (publicKey.asymmetricKeyType) {
      case 'ed25519':
        return sig.length === 64 && verify(null, message, publicKey, sig);
      case 'ec':
        return verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig);
      default:
        return false;
    }
  } catch {
    return false;
  }
}
