import type { KeyObject } from 'node:crypto';
import { ed25519PublicFromRaw, verifyEnvelope, type DsseEnvelope } from '@ledger/event-store';

/** An Ed25519 public key from the standard base64 of its 32 raw bytes; undefined for anything else. */
export function publicKeyOf(base64: unknown): KeyObject | undefined {
  if (typeof base64 !== 'string') return undefined;
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== base64) return undefined;
  try {
    return ed25519PublicFromRaw(raw);
  } catch {
    return undefined;
  }
}

/**
 * The key an envelope is attributed to: the first of `usable` it verifies under, or else the first keyid it
 * claims ('' when none), so builder and verifier derive the same summary whether or not it verifies.
 */
export function envelopeKeyId(envelope: { signatures: Array<{ keyid?: unknown }> }, usable: ReadonlyMap<string, KeyObject>): string {
  const check = verifyEnvelope(envelope as unknown as DsseEnvelope, usable);
  if (check.ok) return check.keyid;
  const claimed = envelope.signatures.find((s) => typeof s?.keyid === 'string')?.keyid;
  return typeof claimed === 'string' ? claimed : '';
}
