/**
 * The evidence bundle: one JSON file an outside body can verify with no database and no network. Its format is
 * the contract between the builder, our verifier and the standalone one (`standalone/verify-evidence.mjs`), so it
 * is spelled out here field by field; README.md describes the checks.
 *
 * The file is the RFC 8785 canonical JSON of an `EvidenceBundle`, with nothing before or after it: any byte
 * changed either breaks the JSON, breaks the canonical form, or changes a value that some check covers.
 */

export const EVIDENCE_FORMAT = 'accountability-ledger/evidence/v1';
/** DSSE payload type of the export signature, whose payload is the canonical bundle without `exportSignature`. */
export const EVIDENCE_PAYLOAD_TYPE = 'application/vnd.accountability-ledger.evidence.v1+json';

/** Event types the verifier reads keys from (their data is defined by @ledger/domain identity and event-store checkpoints). */
export const USER_KEY_REGISTERED = 'UserKeyRegistered';
export const USER_KEY_REVOKED = 'UserKeyRevoked';
export const CHECKPOINT_KEY_ROTATED = 'CheckpointKeyRotated';
/** Users' keys live in their `user-<id>` stream. */
export const userStreamOf = (userId: string): string => `user-${userId}`;

export interface EvidenceBundle {
  readonly format: typeof EVIDENCE_FORMAT;
  /** ISO 8601 UTC, from the ledger's clock. */
  readonly exportedAt: string;
  /** Who asked for the export (from their credential), as recorded in the log's `AuditDataViewed` event. */
  readonly exportedBy: { readonly actorId: string; readonly actorRole: string; readonly actorUnit: string };
  /** What was asked for: stream ids and event ids. */
  readonly subject: { readonly streams: readonly string[]; readonly eventIds: readonly string[] };
  /** The key that signed the checkpoint (and the export): the ledger's key at the time of export. */
  readonly ledger: { readonly origin: string; readonly algorithm: 'ed25519'; readonly keyId: string; readonly publicKey: string };
  /** The checkpoint every inclusion proof is against; `size` and `rootHash` repeat what the note signs. */
  readonly checkpoint: { readonly size: number; readonly rootHash: string; readonly note: string };
  /**
   * In position order: the subject's events, the approvers' key registrations and revocations, and the ledger's
   * key rotations, each with its canonical record (the bytes that were hashed) and inclusion proof.
   */
  readonly events: readonly EvidenceEvent[];
  /** DSSE envelopes found in the events' data, with the key each verifies under; ordered by `compareEnvelopeRefs` (derived; checked). */
  readonly envelopes: readonly EvidenceEnvelopeRef[];
  /** The approvers' public keys as the included key events establish them, by registration position (derived; checked). */
  readonly approverKeys: readonly ApproverKey[];
  /** The newest checkpoint at export, when newer than `checkpoint`, with the consistency proof between them. */
  readonly latest: { readonly size: number; readonly rootHash: string; readonly note: string; readonly consistencyProof: readonly string[] } | null;
  readonly exportSignature: { readonly payloadType: typeof EVIDENCE_PAYLOAD_TYPE; readonly signatures: ReadonlyArray<{ readonly keyid: string; readonly sig: string }> };
}

export interface EvidenceEvent {
  /** Global position; the Merkle leaf index is position − 1. */
  readonly position: number;
  /** Lower-case hex SHA-256(0x00 ‖ record). */
  readonly leafHash: string;
  /** RFC 9162 inclusion proof against `checkpoint`, lower-case hex, from the leaf up. */
  readonly proof: readonly string[];
  /** The RFC 8785 canonical JSON of the whole event envelope, exactly as stored and hashed. */
  readonly record: string;
}

export interface EvidenceEnvelopeRef {
  /** Position of the event whose data holds the envelope. */
  readonly position: number;
  /** JSON pointer into the event record (`/data/signature`). */
  readonly path: string;
  /** The event's actor: whose registered keys may have signed it. */
  readonly signer: string;
  readonly keyId: string;
}

export interface ApproverKey {
  readonly userId: string;
  readonly keyId: string;
  readonly algorithm: string;
  readonly publicKey: string;
  readonly custody: string;
  /** Position of the UserKeyRegistered event. */
  readonly registeredAt: number;
  /** Position of the UserKeyRevoked event, if the bundle includes one. */
  readonly revokedAt: number | null;
}

/** Approvals are envelopes in any event's data except a key rotation's, which is the ledger's own and checked as such. */
export function approvalEnvelopesOf(event: { type: string; data: unknown }): FoundEnvelope[] {
  return event.type === CHECKPOINT_KEY_ROTATED ? [] : findEnvelopes(event.data, '/data');
}

/** A DSSE envelope as found in event data: an object with a string payloadType, a string payload and a signatures array. */
export interface FoundEnvelope {
  readonly path: string;
  readonly envelope: { payloadType: string; payload: string; signatures: Array<{ keyid?: unknown; sig?: unknown }> };
}

const MAX_DEPTH = 32;

/** Every DSSE-shaped object inside `value`, with its JSON pointer relative to `base`. */
export function findEnvelopes(value: unknown, base: string, depth = 0): FoundEnvelope[] {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return [];
  const v = value as Record<string, unknown>;
  if (!Array.isArray(value) && typeof v.payloadType === 'string' && typeof v.payload === 'string' && Array.isArray(v.signatures)) {
    return [{ path: base, envelope: v as unknown as FoundEnvelope['envelope'] }];
  }
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((item, i) => [String(i), item]) : Object.entries(v);
  return entries.flatMap(([key, item]) => findEnvelopes(item, `${base}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1));
}

/** The order of `envelopes`: by position, then by path (UTF-16 code units, as RFC 8785 orders names). */
export function compareEnvelopeRefs(a: { position: number; path: string }, b: { position: number; path: string }): number {
  return a.position - b.position || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}
