import type { CommandEnvelope } from '../shared/actor';
import type { JsonObject } from '../shared/json';
import type { SignedRecord, SignOffDecision, SignOffSigningKey } from './events';

/**
 * `recordHash` and `recordAuthorId` are supplied by the application from the record it shows the approver (the
 * author is who recorded the record: the directive's issuer, the completion report's reporter, ...). A `signature`
 * comes with `signedWith`: the application verifies the envelope against the approver's registered keys (which
 * live in another stream) and names the key here; the decider records only signatures that come with one.
 */
export type RecordSignOff = Readonly<{
  type: 'RecordSignOff';
  signOffId: string;
  record: Readonly<SignedRecord>;
  recordHash: string;
  recordAuthorId: string;
  decision: SignOffDecision;
  comment?: string | null;
  signature?: JsonObject | null;
  signedWith?: SignOffSigningKey | null;
}> &
  CommandEnvelope;

export type SignOffCommand = RecordSignOff;
export type SignOffCommandType = SignOffCommand['type'];
