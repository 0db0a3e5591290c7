import type { CommandEnvelope } from '../shared/actor';
import type { JsonObject } from '../shared/json';
import type { SignedRecord, SignOffDecision } from './events';

/**
 * `recordHash` and `recordAuthorId` are supplied by the application from the record it shows the approver (the
 * author is who recorded the record: the directive's issuer, the completion report's reporter, ...).
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
}> &
  CommandEnvelope;

export type SignOffCommand = RecordSignOff;
export type SignOffCommandType = SignOffCommand['type'];
