import { actorRef } from '../shared/actor';
import type { Decider } from '../shared/decider';
import { domainError } from '../shared/domain-error';
import { USER_KEY_ALGORITHMS, USER_KEY_CUSTODIES } from '../identity/user-key';
import { cloneJson, isJsonObject } from '../shared/json';
import type { Role } from '../shared/roles';
import { isStreamId } from '../shared/streams';
import {
  checkEnvelope,
  isId,
  optionalText,
  requireId,
  requireOneOf,
  requirePersonId,
  requireSha256,
} from '../shared/validate';
import type { RecordSignOff, SignOffCommand } from './commands';
import {
  SIGN_OFF_DECISIONS,
  type SignedRecord,
  type SignOffEvent,
  type SignOffRecorded,
  type SignOffSigningKey,
} from './events';

/** Roles that approve or reject records; staff, administrators and auditors do not. */
export const SIGN_OFF_ROLES: readonly Role[] = [
  'leader',
  'unit_head',
  'inspector',
  'appraiser',
  'discipline_commissioner',
];

/** One sign-off per `signoff-<id>` stream: recorded once, never changed (a new decision is a new sign-off). */
export type SignOffState = { status: 'none' } | ({ status: 'recorded' } & SignOffRecorded['data']);

export const signOffDecider: Decider<SignOffState, SignOffCommand, SignOffEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'SignOffRecorded':
        return { status: 'recorded', ...event.data };
      default: {
        const _exhaustive: never = event.type; // one-member union: narrow the discriminant
        return state;
      }
    }
  },
  decide: (command, state) => {
    checkEnvelope(command);
    switch (command.type) {
      case 'RecordSignOff':
        return recordSignOff(command, state);
      default: {
        const _exhaustive: never = command.type; // one-member union: narrow the discriminant
        throw new Error(`unknown sign-off command ${String(_exhaustive)}`);
      }
    }
  },
};

function recordSignOff(command: RecordSignOff, state: SignOffState): SignOffEvent[] {
  const signOffId = requireId(command.signOffId, 'signOffId');
  if (state.status === 'recorded') throw domainError('SIGNOFF.ALREADY_RECORDED', { signOff: signOffId });
  if (!SIGN_OFF_ROLES.includes(command.actor.role)) {
    throw domainError('SIGNOFF.ROLE_NOT_ALLOWED', { role: command.actor.role });
  }
  // Segregation of duties: nobody approves (or rejects) what they recorded themselves.
  const recordAuthorId = requirePersonId(command.recordAuthorId, 'recordAuthorId');
  if (recordAuthorId === command.actor.id) throw domainError('SIGNOFF.SELF_APPROVAL', {});
  const record = signedRecordOf(command.record);
  const recordHash = requireSha256(command.recordHash, 'recordHash');
  const decision = requireOneOf(command.decision, SIGN_OFF_DECISIONS, 'decision');
  const comment = optionalText(command.comment);
  if (decision === 'reject' && comment === null) throw domainError('SIGNOFF.COMMENT_REQUIRED', { field: 'comment' });
  const signature = command.signature ?? null;
  if (signature !== null && !isJsonObject(signature)) {
    throw domainError('SIGNOFF.SIGNATURE_INVALID', { field: 'signature' });
  }
  // An envelope nobody verified must not enter the log looking like a signature, nor a key claim without one.
  const signedWith = command.signedWith ?? null;
  if ((signature === null) !== (signedWith === null)) {
    throw domainError('SIGNOFF.SIGNATURE_INVALID', { field: signature === null ? 'signature' : 'signedWith' });
  }
  return [
    {
      type: 'SignOffRecorded',
      data: {
        signOffId,
        record,
        recordHash,
        recordAuthorId,
        decision,
        comment,
        signature: signature === null ? null : cloneJson(signature),
        // Only on signed sign-offs, so an unsigned one is recorded exactly as before signatures were verified.
        ...(signedWith === null ? {} : { signedWith: signingKeyOf(signedWith) }),
        at: command.now,
        by: actorRef(command.actor),
      },
    },
  ];
}

function signingKeyOf(input: Readonly<SignOffSigningKey>): SignOffSigningKey {
  return {
    keyId: requireSha256(input.keyId, 'signedWith.keyId'),
    algorithm: requireOneOf(input.algorithm, USER_KEY_ALGORITHMS, 'signedWith.algorithm'),
    custody: requireOneOf(input.custody, USER_KEY_CUSTODIES, 'signedWith.custody'),
  };
}

function signedRecordOf(input: Readonly<SignedRecord> | undefined): SignedRecord {
  if (
    input?.type === 'stream-version' &&
    isStreamId(input.streamId) &&
    Number.isSafeInteger(input.version) &&
    input.version >= 1
  ) {
    return { type: 'stream-version', streamId: input.streamId, version: input.version };
  }
  if (input?.type === 'record' && /^[a-z][a-z0-9-]{0,63}$/.test(String(input.kind)) && isId(input.id)) {
    return { type: 'record', kind: input.kind, id: input.id };
  }
  throw domainError('SIGNOFF.RECORD_INVALID', { field: 'record' });
}
