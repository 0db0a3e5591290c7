import {
  directiveDecider,
  fold,
  SIGN_OFF_PAYLOAD_TYPE,
  signOffDecider,
  userDecider,
  userKeyIdOf,
  type Actor,
  type Decider,
} from '@ledger/domain';
import { canonicalize, generateEd25519, rawPublicKey, signEnvelope, type JsonObject, type RecordedEvent } from '@ledger/event-store';
import { emptyReadModels, foldReadModels } from '../read-models';
import { actorActivity, recordAsOf, recordHashOf, recordTimeline, recordVersionHashes, signOffsOfRecord } from './audit-queries';
import { trailOfActor } from './audit-trail.projection';

const admin: Actor = { id: 'admin', role: 'administrator', unit: 'city' };
const mayor: Actor = { id: 'p-mayor', role: 'leader', unit: 'city' };
const vice: Actor = { id: 'p-vice', role: 'leader', unit: 'city' };
const at = (date: string, time = '09:00:00') => `${date}T${time}+08:00`;
const keys = generateEd25519();
const rawKey = rawPublicKey(keys.publicKey);
const keyId = userKeyIdOf(rawKey);

/** A log built through the real deciders, as the application appends it; `recordedAt` may lag for late entries. */
function buildLog(): RecordedEvent[] {
  const log: RecordedEvent[] = [];
  const run = <S, C, E>(decider: Decider<S, C, E>, streamId: string, actor: Actor, command: object, now: string, recordedAt = now) => {
    const own = log.filter((e) => e.streamId === streamId);
    const state = fold(decider, own.map((e) => ({ type: e.type, data: e.data }) as unknown as E));
    for (const event of decider.decide({ ...command, now, actor } as C, state) as Array<{ type: string; data: JsonObject }>) {
      const position = log.length + 1;
      log.push({
        id: `e-${position}`,
        streamId,
        streamVersion: log.filter((e) => e.streamId === streamId).length + 1,
        position,
        type: event.type,
        schemaVersion: 1,
        data: event.data,
        metadata: { actorId: actor.id, actorRole: actor.role, actorUnit: actor.unit, commandId: `c-${position}`, correlationId: `c-${position}`, causationId: null, occurredAt: new Date(now).toISOString(), recordedAt: new Date(recordedAt).toISOString() },
      });
    }
  };
  run(userDecider, 'user-p-vice', admin, { type: 'RegisterUser', userId: 'p-vice', displayName: 'Vice Mayor', role: 'leader', unitId: 'city' }, at('2018-09-01'));
  run(userDecider, 'user-p-vice', vice, { type: 'RegisterUserKey', userId: 'p-vice', publicKey: rawKey.toString('base64'), algorithm: 'ed25519', custody: 'user' }, at('2018-09-01', '10:00:00'));
  const issue = { type: 'IssueDirective', directiveId: 'd1', issuerUnitId: 'city', issuer: { name: 'Mayor', postTitle: 'Mayor' }, documentNumber: 'DEMO-1', kind: 'directive', issuedOn: '2018-09-06', meeting: null, title: 'Land tasks', body: 'Do the land tasks', taskIds: [] };
  run(directiveDecider, 'directive-d1', mayor, issue, at('2018-09-06'));
  // The vice mayor approves the directive as it stood at version 1, with a signature.
  const v1 = recordVersionHashes(foldReadModels(emptyReadModels(), log).auditTrail, 'directive-d1')[0];
  const statement = { decision: 'approve', recordStreamId: 'directive-d1', recordVersion: 1, recordHash: v1.hash, comment: null, signer: 'p-vice', signedAt: at('2018-09-07') };
  const signature = signEnvelope(SIGN_OFF_PAYLOAD_TYPE, Buffer.from(canonicalize(statement)), { keyid: keyId, privateKey: keys.privateKey }) as unknown as JsonObject;
  run(signOffDecider, 'signoff-s1', vice, { type: 'RecordSignOff', signOffId: 's1', record: { type: 'stream-version', streamId: 'directive-d1', version: 1 }, recordHash: v1.hash, recordAuthorId: 'p-mayor', decision: 'approve', signature, signedWith: { keyId, algorithm: 'ed25519', custody: 'user' } }, at('2018-09-07'));
  // Amended on 09-20; the amendment is entered on 09-25 (a late entry).
  run(directiveDecider, 'directive-d1', mayor, { type: 'AmendDirective', directiveId: 'd1', changes: { title: 'Four land tasks' }, reason: 'Title corrected' }, at('2018-09-20'), at('2018-09-25'));
  run(directiveDecider, 'directive-d1', mayor, { type: 'WithdrawDirective', directiveId: 'd1', reason: 'Superseded' }, at('2018-12-01'));
  return log;
}

describe('audit trail', () => {
  const log = buildLog();
  const models = foldReadModels(emptyReadModels(), log);
  const trail = models.auditTrail;

  describe('who approved what', () => {
    it('names the approver, role, unit, both clocks, and the hash of exactly what they saw', () => {
      const [signOff] = signOffsOfRecord(models, 'directive-d1');
      expect(signOff).toMatchObject({
        signOffId: 's1',
        approver: { id: 'p-vice', name: 'Vice Mayor', role: 'leader', unit: 'city' },
        decision: 'approve',
        occurredAt: at('2018-09-07'),
        recordedAt: '2018-09-07T01:00:00.000Z',
        record: { streamId: 'directive-d1', version: 1 },
      });
      const representation = { ...fold(directiveDecider, [{ type: log[2].type, data: log[2].data } as never]), version: 1 };
      expect(signOff.recordHash).toBe(recordHashOf(representation));
    });

    it('says the hash matches version 1, not the amended record of today', () => {
      const [signOff] = signOffsOfRecord(models, 'directive-d1');
      expect(signOff.hashCheck).toEqual({ currentVersion: 3, matchesCurrent: false, matchedVersion: 1, matchesSignedVersion: true });
    });

    it('re-verifies the signature under the key the approver had registered, and says who kept the key', () => {
      const [signOff] = signOffsOfRecord(models, 'directive-d1');
      expect(signOff.signature).toEqual({ keyId, algorithm: 'ed25519', custody: 'user', payloadType: SIGN_OFF_PAYLOAD_TYPE, verifies: true, keyRegisteredAt: at('2018-09-01', '10:00:00'), keyRevokedAt: null });
    });

    it('answers nothing for a record nobody signed off', () => {
      expect(signOffsOfRecord(models, 'directive-nope')).toEqual([]);
    });
  });

  describe('a record\'s timeline', () => {
    const timeline = recordTimeline(trail, 'directive-d1', { lateAfterSeconds: 3600 });

    it('lists every event with its actor and both clocks', () => {
      expect(timeline.map((e) => [e.streamVersion, e.type, e.actor.id, e.actor.name])).toEqual([
        [1, 'DirectiveIssued', 'p-mayor', null],
        [2, 'DirectiveAmended', 'p-mayor', null],
        [3, 'DirectiveWithdrawn', 'p-mayor', null],
      ]);
    });

    it('marks the amendment entered five days late as late and as an amendment; the withdrawal as a withdrawal', () => {
      expect(timeline[1]).toMatchObject({ late: true, lateBySeconds: 5 * 86400, correction: 'amendment', occurredAt: at('2018-09-20'), recordedAt: '2018-09-25T01:00:00.000Z' });
      expect(timeline[0]).toMatchObject({ late: false, lateBySeconds: 0, correction: null });
      expect(timeline[2]).toMatchObject({ late: false, correction: 'withdrawal' });
    });

    it('takes the late threshold from the caller', () => {
      expect(recordTimeline(trail, 'directive-d1', { lateAfterSeconds: 6 * 86400 })[1].late).toBe(false);
    });
  });

  describe('a record as of an instant', () => {
    it('folds what was recorded by then: before the amendment was entered, the old title', () => {
      const before = recordAsOf(trail, 'directive-d1', at('2018-09-22'), 'recorded');
      expect(before).toMatchObject({ exists: true, state: { title: 'Land tasks', status: 'issued', version: 1 } });
      expect(before.excluded.map((e) => [e.type, e.occurredBeforeAt])).toEqual([['DirectiveAmended', true], ['DirectiveWithdrawn', false]]);
    });

    it('folds what had occurred by then: the amendment of 09-20 counts on 09-22, though entered on 09-25', () => {
      expect(recordAsOf(trail, 'directive-d1', at('2018-09-22'), 'occurred').state).toMatchObject({ title: 'Four land tasks', version: 2 });
    });

    it('after the amendment was entered, the new title; after the withdrawal, withdrawn', () => {
      expect(recordAsOf(trail, 'directive-d1', at('2018-09-26'), 'recorded').state).toMatchObject({ title: 'Four land tasks', status: 'issued' });
      expect(recordAsOf(trail, 'directive-d1', at('2018-12-02'), 'recorded').state).toMatchObject({ status: 'withdrawn', version: 3 });
    });

    it('says the record did not exist yet before its first event', () => {
      expect(recordAsOf(trail, 'directive-d1', at('2018-09-01'), 'recorded')).toMatchObject({ exists: false, state: null, included: [] });
    });

    it('gives what GET served at that version: the same hash the sign-off recorded', () => {
      expect(recordHashOf(recordAsOf(trail, 'directive-d1', at('2018-09-07'), 'recorded').state!)).toBe(signOffsOfRecord(models, 'directive-d1')[0].recordHash);
    });

    it('folds a sign-off too, and refuses kinds it has no fold for', () => {
      expect(recordAsOf(trail, 'signoff-s1', at('2018-12-31'), 'recorded').state).toMatchObject({ status: 'recorded', decision: 'approve', version: 1 });
      expect(() => recordAsOf(trail, 'user-p-vice', at('2018-12-31'), 'recorded')).toThrow(RangeError);
    });
  });

  describe('an actor\'s activity', () => {
    it('pages by position: each page starts after the cursor, and the last page has no cursor', () => {
      const first = actorActivity(trail, 'p-mayor', { after: 0, limit: 2, lateAfterSeconds: 3600 });
      expect(first.items.map((e) => e.type)).toEqual(['DirectiveIssued', 'DirectiveAmended']);
      expect(first.nextCursor).toBe(first.items[1].position);
      const second = actorActivity(trail, 'p-mayor', { after: first.nextCursor!, limit: 2, lateAfterSeconds: 3600 });
      expect(second.items.map((e) => e.type)).toEqual(['DirectiveWithdrawn']);
      expect(second.nextCursor).toBeNull();
    });

    it('gives role and unit at the time and marks late entries and corrections', () => {
      const { items } = actorActivity(trail, 'p-mayor', { after: 0, limit: 10, lateAfterSeconds: 3600 });
      expect(items[1]).toMatchObject({ streamId: 'directive-d1', actor: { id: 'p-mayor', role: 'leader', unit: 'city' }, late: true, correction: 'amendment' });
    });

    it('leaves out what the caller may not read, and still moves the cursor past it', () => {
      const page = actorActivity(trail, 'p-vice', { after: 0, limit: 1, lateAfterSeconds: 3600, include: (e) => e.streamId.startsWith('signoff-') });
      expect(page.items.map((e) => e.type)).toEqual(['SignOffRecorded']);
      expect(page.nextCursor).toBeNull();
      const userOnly = trailOfActor(trail, 'p-vice', { after: 0, limit: 1, include: (e) => e.streamId.startsWith('user-') });
      expect(userOnly.items.map((e) => e.type)).toEqual(['UserKeyRegistered']);
      expect(userOnly.nextCursor).toBe(userOnly.items[0].position);
    });

    it('is empty for an actor who did nothing', () => {
      expect(actorActivity(trail, 'p-nobody', { after: 0, limit: 10, lateAfterSeconds: 3600 })).toEqual({ items: [], nextCursor: null });
    });
  });
});
