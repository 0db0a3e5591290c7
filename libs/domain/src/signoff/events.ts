import type { ActorRef } from '../shared/actor';
import type { IsoInstant } from '../shared/dates';
import type { DomainEvent } from '../shared/decider';
import type { JsonObject } from '../shared/json';
import type { UserKeyAlgorithm, UserKeyCustody } from '../identity/user-key';

export const SIGN_OFF_DECISIONS = ['approve', 'reject'] as const;
export type SignOffDecision = (typeof SIGN_OFF_DECISIONS)[number];

/**
 * What was signed off: an event stream at a version (the record exactly as the approver saw it), or a record
 * another part of the system names by kind and id (an appraisal result, an exported report).
 */
export type SignedRecord =
  | { type: 'stream-version'; streamId: string; version: number }
  | { type: 'record'; kind: string; id: string };

/**
 * DSSE payload type of a signed sign-off. The payload is the RFC 8785 canonical JSON of a `SignOffStatement`; the
 * signature covers PAE(type, payload), so a statement cannot be passed off as another kind of signed document.
 */
export const SIGN_OFF_PAYLOAD_TYPE = 'application/vnd.accountability-ledger.signoff.v1+json';

/**
 * What an approver signs: the decision, exactly which record at which version and with which hash (the SHA-256 the
 * ledger computes, see `recordHash`), the comment, who signs and when. Every field is part of the signed bytes, so a
 * signed approval cannot be replayed as a rejection, on another record, or by somebody else.
 */
export type SignOffStatement = {
  decision: SignOffDecision;
  recordStreamId: string;
  recordVersion: number;
  recordHash: string;
  /** The comment as recorded (trimmed), or null. */
  comment: string | null;
  /** The approver's user id: the actor the sign-off is recorded for. */
  signer: string;
  signedAt: IsoInstant;
};

export const SIGN_OFF_STATEMENT_FIELDS = [
  'comment',
  'decision',
  'recordHash',
  'recordStreamId',
  'recordVersion',
  'signedAt',
  'signer',
] as const satisfies ReadonlyArray<keyof SignOffStatement>;

/**
 * The registered key a sign-off's signature verified under, checked by the application before the append. The
 * algorithm is named so another suite (SM2/SM3) is a new value, not a new format; `custody: 'server'` marks a
 * signature the ledger made with the key it keeps for the approver (web and API flows without a local key).
 */
export type SignOffSigningKey = { keyId: string; algorithm: UserKeyAlgorithm; custody: UserKeyCustody };

/**
 * phê duyệt / 签批: who (`by`: actor id, role and unit), what (`record` and `recordHash`, the SHA-256 of exactly
 * what was approved, computed by the application), the decision and the comment. `signature` is the approver's
 * signature envelope (DSSE over a `SignOffStatement`), verified by the application before the append; `signedWith`
 * (present exactly when `signature` is) names the key it verified under and who kept that key. Sign-offs recorded
 * before signatures were verified have neither.
 */
export type SignOffRecorded = DomainEvent<
  'SignOffRecorded',
  {
    signOffId: string;
    record: SignedRecord;
    recordHash: string;
    recordAuthorId: string;
    decision: SignOffDecision;
    comment: string | null;
    signature: JsonObject | null;
    signedWith?: SignOffSigningKey;
    at: IsoInstant;
    by: ActorRef;
  }
>;

export type SignOffEvent = SignOffRecorded;
export type SignOffEventType = SignOffEvent['type'];
