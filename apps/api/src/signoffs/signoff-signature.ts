import type { KeyObject } from 'node:crypto';
import {
  isIsoInstant,
  SIGN_OFF_PAYLOAD_TYPE,
  SIGN_OFF_STATEMENT_FIELDS,
  type IsoInstant,
  type SignOffSigningKey,
  type SignOffStatement,
  type UserKeyAlgorithm,
  type UserKeyRecord,
} from '@ledger/domain';
import { canonicalize, ed25519PublicFromRaw, signEnvelope, verifyEnvelope, type DsseSigner, type JsonObject } from '@ledger/event-store';
import { invalidSignature, signatureError } from './signature-errors';

/**
 * The check a signed sign-off passes before anything is appended: the envelope is a DSSE v1 envelope of the sign-off
 * payload type, signed by a registered, unrevoked key of the approver (the acting user), the signature verifies,
 * and the payload is the canonical JSON (RFC 8785) of exactly the statement the request makes. Pure: the keys come
 * from the approver's user stream, `now` from the ledger's clock.
 */
export interface SignOffSignatureInput {
  readonly envelope: unknown;
  /** The acting user: only their keys may sign, and the statement must name them. */
  readonly signer: string;
  /** The signer's keys as their user stream stands (revoked ones included). */
  readonly keys: readonly UserKeyRecord[];
  /** What the request says, which the signed statement must say too. */
  readonly expected: Omit<SignOffStatement, 'signedAt'>;
  readonly now: IsoInstant;
}

export interface VerifiedSignOffSignature {
  /** The envelope as it will be recorded (only its three DSSE fields). */
  readonly envelope: JsonObject;
  readonly signedWith: SignOffSigningKey;
  readonly statement: SignOffStatement;
}

/** How far ahead of the ledger's clock a signer's clock may be. */
const FUTURE_SKEW_MS = 5 * 60_000;

/**
 * Public keys by algorithm, from the standard base64 of the raw key the registration recorded. Another suite (SM2
 * with SM3) is one more entry here and in the domain's `USER_KEY_ALGORITHMS`, with no change to the envelope.
 */
const PUBLIC_KEY_OF: { readonly [A in UserKeyAlgorithm]: (base64: string) => KeyObject } = {
  ed25519: (base64) => ed25519PublicFromRaw(Buffer.from(base64, 'base64')),
};

/** Throws SIGNOFF.SIGNATURE_INVALID, KEY_UNKNOWN, KEY_REVOKED or PAYLOAD_MISMATCH (422); returns what to record. */
export function verifySignOffSignature(input: SignOffSignatureInput): VerifiedSignOffSignature {
  const envelope = dsseShapeOf(input.envelope);
  if (envelope === null) throw invalidSignature('shape');
  if (envelope.payloadType !== SIGN_OFF_PAYLOAD_TYPE) throw invalidSignature('payload-type');
  const { keyid } = envelope.signatures[0];

  // Only the approver's own keys count: a key of somebody else, or none at all, says nothing about the approver.
  const key = input.keys.find((k) => k.keyId === keyid);
  if (!key) throw signatureError('SIGNOFF.KEY_UNKNOWN', { key: keyid, user: input.signer }, [{ field: 'signature.signatures[0].keyid', reason: keyid }]);
  // Revoked at any point before this append: the log would show the signature made after the revocation.
  if (key.revoked !== null) {
    throw signatureError('SIGNOFF.KEY_REVOKED', { key: keyid, user: input.signer, revokedAt: key.revoked.at }, [{ field: 'signature.signatures[0].keyid', reason: `revoked at ${key.revoked.at}` }]);
  }
  let publicKey: KeyObject;
  try {
    publicKey = PUBLIC_KEY_OF[key.algorithm](key.publicKey);
  } catch {
    throw invalidSignature('algorithm');
  }
  if (!verifyEnvelope(envelope, new Map([[keyid, publicKey]])).ok) throw invalidSignature('signature');

  const statement = statementOf(envelope.payload, input);
  return { envelope: envelope as unknown as JsonObject, signedWith: { keyId: key.keyId, algorithm: key.algorithm, custody: key.custody }, statement };
}

/** A sign-off statement signed as the ledger expects it: what `ledger sign` and the server-kept keys produce. */
export function signSignOffStatement(statement: SignOffStatement, signer: DsseSigner): JsonObject {
  return signEnvelope(SIGN_OFF_PAYLOAD_TYPE, Buffer.from(canonicalize(statement), 'utf8'), signer) as unknown as JsonObject;
}

/** The record version a signed statement names, if the envelope carries a readable one (to spot a stale signature). */
export function signedRecordVersionOf(envelope: unknown): number | undefined {
  const shaped = dsseShapeOf(envelope);
  if (shaped === null) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(shaped.payload, 'base64').toString('utf8')) as { recordVersion?: unknown };
    return Number.isSafeInteger(parsed.recordVersion) && (parsed.recordVersion as number) >= 1 ? (parsed.recordVersion as number) : undefined;
  } catch {
    return undefined;
  }
}

type Dsse = { payloadType: string; payload: string; signatures: [{ keyid: string; sig: string }] };

/** The envelope with exactly one signature naming its key, the payload in canonical standard base64; else null. */
function dsseShapeOf(value: unknown): Dsse | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (Object.keys(v).some((k) => k !== 'payloadType' && k !== 'payload' && k !== 'signatures')) return null;
  if (typeof v.payloadType !== 'string' || typeof v.payload !== 'string' || !Array.isArray(v.signatures) || v.signatures.length !== 1) return null;
  const s = v.signatures[0] as Record<string, unknown> | null;
  if (typeof s !== 'object' || s === null || Object.keys(s).some((k) => k !== 'keyid' && k !== 'sig')) return null;
  if (typeof s.keyid !== 'string' || s.keyid === '' || typeof s.sig !== 'string') return null;
  // One spelling per payload: the bytes recorded are the bytes signed, with no room for variants.
  if (Buffer.from(v.payload, 'base64').toString('base64') !== v.payload || v.payload === '') return null;
  return { payloadType: v.payloadType, payload: v.payload, signatures: [{ keyid: s.keyid, sig: s.sig }] };
}

/** The signed statement, which must be the canonical JSON of exactly the expected statement. */
function statementOf(payload: string, input: SignOffSignatureInput): SignOffStatement {
  const text = Buffer.from(payload, 'base64').toString('utf8');
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw mismatch([{ field: 'payload', reason: 'not JSON' }]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw mismatch([{ field: 'payload', reason: 'not a JSON object' }]);
  const names = Object.keys(parsed).sort();
  if (names.join() !== [...SIGN_OFF_STATEMENT_FIELDS].sort().join()) {
    throw mismatch([{ field: 'payload', reason: `must have exactly the fields ${SIGN_OFF_STATEMENT_FIELDS.join(', ')}; has ${names.join(', ')}` }]);
  }
  const differing = (Object.keys(input.expected) as Array<keyof typeof input.expected>)
    .filter((name) => parsed[name] !== input.expected[name])
    .map((name) => ({ field: `payload.${name}`, reason: `signed ${JSON.stringify(parsed[name])}, the request says ${JSON.stringify(input.expected[name])}` }));
  if (differing.length > 0) throw mismatch(differing);
  const signedAt = parsed.signedAt;
  if (!isIsoInstant(signedAt)) throw mismatch([{ field: 'payload.signedAt', reason: 'not an ISO 8601 instant with an offset' }]);
  if (Date.parse(signedAt) > Date.parse(input.now) + FUTURE_SKEW_MS) throw mismatch([{ field: 'payload.signedAt', reason: `${signedAt} is after now (${input.now})` }]);
  const statement: SignOffStatement = { ...input.expected, signedAt };
  // The same fields could be spelled differently (key order, escapes, number forms): only the canonical bytes count.
  if (canonicalize(statement) !== text) throw mismatch([{ field: 'payload', reason: 'not the RFC 8785 canonical JSON of the statement' }]);
  return statement;
}

function mismatch(fields: Array<{ field: string; reason: string }>) {
  return signatureError('SIGNOFF.PAYLOAD_MISMATCH', { fields: fields.map((f) => f.field).join(', ') }, fields.map((f) => ({ ...f, field: `signature.${f.field}` })));
}
