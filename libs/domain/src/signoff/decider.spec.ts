import type { Actor } from '../shared/actor';
import { fold } from '../shared/decider';
import { DeciderSpecification } from '../testing/decider-spec';
import type { RecordSignOff } from './commands';
import { signOffDecider } from './decider';
import type { SignOffRecorded } from './events';

const viceMayor: Actor = { id: 'p-vice-mayor', role: 'leader', unit: 'city' };
const now = '2018-10-01T10:00:00+08:00';
const RECORD_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const KEY_ID = '5d3f1c0e8b7a69584736251403f2e1d0c9b8a79685746352413f2e1d0c9b8a79';
const signature = { payloadType: 'application/vnd.accountability-ledger.signoff.v1+json', payload: 'eyJ9', signatures: [{ keyid: KEY_ID, sig: 'c2ln' }] };
const signedWith = { keyId: KEY_ID, algorithm: 'ed25519', custody: 'user' } as const;

const spec = DeciderSpecification.for(signOffDecider);

// The vice mayor approves the cancellation of task t4-zh recorded by the mayor, as the task stood at version 4.
const approve: RecordSignOff = {
  type: 'RecordSignOff',
  now,
  actor: viceMayor,
  signOffId: 'so-cancel-1',
  record: { type: 'stream-version', streamId: 'task-t4-zh', version: 4 },
  recordHash: RECORD_HASH,
  recordAuthorId: 'p-mayor',
  decision: 'approve',
  comment: null,
  signature,
  signedWith,
};
const approved: SignOffRecorded = {
  type: 'SignOffRecorded',
  data: {
    signOffId: 'so-cancel-1',
    record: { type: 'stream-version', streamId: 'task-t4-zh', version: 4 },
    recordHash: RECORD_HASH,
    recordAuthorId: 'p-mayor',
    decision: 'approve',
    comment: null,
    signature,
    signedWith,
    at: now,
    by: { id: 'p-vice-mayor', role: 'leader', unit: 'city' },
  },
};

describe('sign-off decider', () => {
  describe('when nothing is recorded yet', () => {
    it('records an approval: who, in which role and unit, what exactly (hash), the decision and the signature', () => {
      spec.given([]).when(approve).then([approved]);
    });

    it('records an approval of a record named by kind and id, without a signature (and without signedWith)', () => {
      const { signedWith: _none, ...unsigned } = approved.data;
      spec
        .given([])
        .when({ ...approve, record: { type: 'record', kind: 'appraisal-result', id: 'ar-2018-zh' }, signature: undefined, signedWith: undefined })
        .then([
          {
            type: 'SignOffRecorded',
            data: { ...unsigned, record: { type: 'record', kind: 'appraisal-result', id: 'ar-2018-zh' }, signature: null },
          },
        ]);
    });

    it('marks a signature the ledger made with the key it keeps for the approver as server custody', () => {
      spec
        .given([])
        .when({ ...approve, signedWith: { ...signedWith, custody: 'server' } })
        .then([{ type: 'SignOffRecorded', data: { ...approved.data, signedWith: { ...signedWith, custody: 'server' } } }]);
    });

    it('refuses a signature that comes without the key it was verified under, and a key without a signature', () => {
      spec.given([]).when({ ...approve, signedWith: undefined }).thenThrows('SIGNOFF.SIGNATURE_INVALID', { field: 'signedWith' });
      spec.given([]).when({ ...approve, signedWith: null }).thenThrows('SIGNOFF.SIGNATURE_INVALID', { field: 'signedWith' });
      spec.given([]).when({ ...approve, signature: null }).thenThrows('SIGNOFF.SIGNATURE_INVALID', { field: 'signature' });
    });

    it('refuses a malformed signing key: key id, algorithm or custody', () => {
      spec.given([]).when({ ...approve, signedWith: { ...signedWith, keyId: 'k1' } }).thenThrows('COMMON.HASH_INVALID', { field: 'signedWith.keyId' });
      spec.given([]).when({ ...approve, signedWith: { ...signedWith, algorithm: 'rsa' as never } }).thenThrows('COMMON.VALUE_NOT_ALLOWED', { field: 'signedWith.algorithm' });
      spec.given([]).when({ ...approve, signedWith: { ...signedWith, custody: 'hsm' as never } }).thenThrows('COMMON.VALUE_NOT_ALLOWED', { field: 'signedWith.custody' });
    });

    it('records a rejection with its comment', () => {
      spec
        .given([])
        .when({ ...approve, decision: 'reject', comment: 'The cancellation reason is not substantiated' })
        .then([
          {
            type: 'SignOffRecorded',
            data: { ...approved.data, decision: 'reject', comment: 'The cancellation reason is not substantiated' },
          },
        ]);
    });

    it('refuses self-approval: nobody signs off a record they authored', () => {
      const error = spec.given([]).when({ ...approve, recordAuthorId: 'p-vice-mayor' }).thenThrows('SIGNOFF.SELF_APPROVAL');
      expect(error.kind).toBe('forbidden');
      expect(error.messages).toEqual({
        en: 'You cannot sign off a record you authored.',
        vi: 'Bạn không thể phê duyệt hồ sơ do chính mình lập.',
        zh: '不能签批本人制作的记录。',
      });
      spec
        .given([])
        .when({ ...approve, recordAuthorId: 'p-vice-mayor', decision: 'reject', comment: 'No' })
        .thenThrows('SIGNOFF.SELF_APPROVAL');
    });

    it('refuses a rejection without a comment', () => {
      spec.given([]).when({ ...approve, decision: 'reject' }).thenThrows('SIGNOFF.COMMENT_REQUIRED', { field: 'comment' });
      spec.given([]).when({ ...approve, decision: 'reject', comment: '  ' }).thenThrows('SIGNOFF.COMMENT_REQUIRED');
    });

    it('refuses a malformed record hash', () => {
      for (const recordHash of ['', RECORD_HASH.slice(1), RECORD_HASH.toUpperCase(), `${RECORD_HASH}0`, 'z'.repeat(64)]) {
        spec.given([]).when({ ...approve, recordHash }).thenThrows('COMMON.HASH_INVALID', { field: 'recordHash' });
      }
    });

    it('refuses a malformed record reference', () => {
      const bad = [
        { type: 'stream-version', streamId: 'task t4', version: 4 },
        { type: 'stream-version', streamId: 'task-t4-zh', version: 0 },
        { type: 'stream-version', streamId: 'task-t4-zh', version: 1.5 },
        { type: 'record', kind: 'Appraisal', id: 'ar-1' },
        { type: 'record', kind: 'appraisal', id: '' },
        { type: 'file', path: '/etc/passwd' },
      ];
      for (const record of bad) {
        spec.given([]).when({ ...approve, record: record as never }).thenThrows('SIGNOFF.RECORD_INVALID', { field: 'record' });
      }
    });

    it('refuses an unknown decision', () => {
      spec.given([]).when({ ...approve, decision: 'abstain' as never }).thenThrows('COMMON.VALUE_NOT_ALLOWED', { field: 'decision' });
    });

    it('refuses a signature envelope that is not a plain JSON object', () => {
      for (const bad of [[1, 2], 'sig', { sig: Number.NaN }, { when: new Date(0) }]) {
        spec.given([]).when({ ...approve, signature: bad as never }).thenThrows('SIGNOFF.SIGNATURE_INVALID');
      }
    });

    it('refuses roles that do not sign off records', () => {
      for (const role of ['unit_staff', 'auditor', 'administrator'] as const) {
        spec.given([]).when({ ...approve, actor: { ...viceMayor, role } }).thenThrows('SIGNOFF.ROLE_NOT_ALLOWED');
      }
    });

    it('refuses a missing author or a malformed sign-off id', () => {
      spec.given([]).when({ ...approve, recordAuthorId: '' }).thenThrows('COMMON.TEXT_REQUIRED', { field: 'recordAuthorId' });
      spec.given([]).when({ ...approve, signOffId: 'SO 1' }).thenThrows('COMMON.ID_INVALID', { field: 'signOffId' });
    });
  });

  describe('when the sign-off is recorded', () => {
    it('refuses to record it again (a new decision is a new sign-off)', () => {
      spec.given([approved]).when({ ...approve, decision: 'reject', comment: 'Changed my mind' }).thenThrows('SIGNOFF.ALREADY_RECORDED');
    });

    it('answers who approved what, when, in which role, and what they saw', () => {
      const state = fold(signOffDecider, [approved]);
      expect(state).toMatchObject({
        status: 'recorded',
        by: { id: 'p-vice-mayor', role: 'leader', unit: 'city' },
        at: now,
        record: { streamId: 'task-t4-zh', version: 4 },
        recordHash: RECORD_HASH,
        decision: 'approve',
      });
    });
  });
});
