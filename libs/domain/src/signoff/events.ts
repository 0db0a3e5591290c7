import type { ActorRef } from '../shared/actor';
import type { IsoInstant } from '../shared/dates';
import type { DomainEvent } from '../shared/decider';
import type { JsonObject } from '../shared/json';

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
 * phê duyệt / 签批: who (`by`: actor id, role and unit), what (`record` and `recordHash`, the SHA-256 of exactly
 * what was approved, computed by the application), the decision and the comment. `signature` is the approver's
 * signature envelope over it, opaque here and verified by the integrity library.
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
    at: IsoInstant;
    by: ActorRef;
  }
>;

export type SignOffEvent = SignOffRecorded;
export type SignOffEventType = SignOffEvent['type'];
