import fc from 'fast-check';
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
import { actorEvents, auditLogOver } from './audit-log';

const admin: Actor = { id: 'admin', role: 'administrator', unit: 'city' };
const mayor: Actor = { id: 'p-mayor', role: 'leader', unit: 'city' };
const vice: Actor = { id: 'p-vice', role: 'leader', unit: 'city' };
const at = (date: string, time = '09:00:00') => `${date}T${time}+08:00`;
const keys = generateEd25519();
const rawKey = rawPublicKey(keys.publicKey);
const keyId = userKeyIdOf(rawKey);

/** A log built through the real deciders, as the application appends it; `recordedAt` may lag for late entries. */
async function buildLog(): Promise<RecordedEvent[]> {
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
  const v1 = (await recordVersionHashes(auditLogOver(log), 'directive-d1'))[0];
  const statement = { decision: 'approve', recordStreamId: 'directive-d1', recordVersion: 1, recordHash: v1.hash, comment: null, signer: 'p-vice', signedAt: at('2018-09-07') };
  const signature = signEnvelope(SIGN_OFF_PAYLOAD_TYPE, Buffer.from(canonicalize(statement)), { keyid: keyId, privateKey: keys.privateKey }) as unknown as JsonObject;
  run(signOffDecider, 'signoff-s1', vice, { type: 'RecordSignOff', signOffId: 's1', record: { type: 'stream-version', streamId: 'directive-d1', version: 1 }, recordHash: v1.hash, recordAuthorId: 'p-mayor', decision: 'approve', signature, signedWith: { keyId, algorithm: 'ed25519', custody: 'user' } }, at('2018-09-07'));
  // Amended on 09-20; the amendment is entered on 09-25 (a late entry).
  run(directiveDecider, 'directive-d1', mayor, { type: 'AmendDirective', directiveId: 'd1', changes: { title: 'Four land tasks' }, reason: 'Title corrected' }, at('2018-09-20'), at('2018-09-25'));
  run(directiveDecider, 'directive-d1', mayor, { type: 'WithdrawDirective', directiveId: 'd1', reason: 'Superseded' }, at('2018-12-01'));
  return log;
}

describe('audit queries over the log', () => {
  let log: RecordedEvent[];
  let models: ReturnType<typeof emptyReadModels>;
  let trail: ReturnType<typeof auditLogOver>;
  beforeAll(async () => {
    log = await buildLog();
    models = foldReadModels(emptyReadModels(), log);
    trail = auditLogOver(log);
  });

  describe('who approved what', () => {
    it('names the approver, role, unit, both clocks, and the hash of exactly what they saw', async () => {
      const [signOff] = (await signOffsOfRecord(models, trail, 'directive-d1'));
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

    it('says the hash matches version 1, not the amended record of today', async () => {
      const [signOff] = (await signOffsOfRecord(models, trail, 'directive-d1'));
      expect(signOff.hashCheck).toEqual({ currentVersion: 3, matchesCurrent: false, matchedVersion: 1, matchesSignedVersion: true });
    });

    it('re-verifies the signature under the key the approver had registered, and says who kept the key', async () => {
      const [signOff] = (await signOffsOfRecord(models, trail, 'directive-d1'));
      expect(signOff.signature).toEqual({ keyId, algorithm: 'ed25519', custody: 'user', payloadType: SIGN_OFF_PAYLOAD_TYPE, verifies: true, keyRegisteredAt: at('2018-09-01', '10:00:00'), keyRevokedAt: null });
    });

    it('answers nothing for a record nobody signed off', async () => {
      expect((await signOffsOfRecord(models, trail, 'directive-nope'))).toEqual([]);
    });
  });

  describe('a record\'s timeline', () => {
    let timeline: Awaited<ReturnType<typeof recordTimeline>>;
    beforeAll(async () => {
      timeline = await recordTimeline(trail, 'directive-d1', { lateAfterSeconds: 3600 });
    });

    it('lists every event with its actor and both clocks', async () => {
      expect(timeline.map((e) => [e.streamVersion, e.type, e.actor.id, e.actor.name])).toEqual([
        [1, 'DirectiveIssued', 'p-mayor', null],
        [2, 'DirectiveAmended', 'p-mayor', null],
        [3, 'DirectiveWithdrawn', 'p-mayor', null],
      ]);
    });

    it('marks the amendment entered five days late as late and as an amendment; the withdrawal as a withdrawal', async () => {
      expect(timeline[1]).toMatchObject({ late: true, lateBySeconds: 5 * 86400, correction: 'amendment', occurredAt: at('2018-09-20'), recordedAt: '2018-09-25T01:00:00.000Z' });
      expect(timeline[0]).toMatchObject({ late: false, lateBySeconds: 0, correction: null });
      expect(timeline[2]).toMatchObject({ late: false, correction: 'withdrawal' });
    });

    it('takes the late threshold from the caller', async () => {
      expect((await recordTimeline(trail, 'directive-d1', { lateAfterSeconds: 6 * 86400 }))[1].late).toBe(false);
    });

    it('names the actor from their own stream: the vice mayor\'s sign-off', async () => {
      const [signOff] = await recordTimeline(trail, 'signoff-s1', { lateAfterSeconds: 3600 });
      expect(signOff.actor).toEqual({ id: 'p-vice', name: 'Vice Mayor', role: 'leader', unit: 'city' });
    });

    it('reads the log as it stood at its position: what was appended later is not there', async () => {
      const amendment = log.find((e) => e.type === 'DirectiveAmended')!;
      const then = await recordTimeline(auditLogOver(log, amendment.position - 1), 'directive-d1', { lateAfterSeconds: 3600 });
      expect(then.map((e) => e.type)).toEqual(['DirectiveIssued']);
    });
  });

  describe('a record as of an instant', () => {
    it('folds what was recorded by then: before the amendment was entered, the old title', async () => {
      const before = await recordAsOf(trail, 'directive-d1', at('2018-09-22'), 'recorded');
      expect(before).toMatchObject({ exists: true, state: { title: 'Land tasks', status: 'issued', version: 1 } });
      expect(before.excluded.map((e) => [e.type, e.occurredBeforeAt])).toEqual([['DirectiveAmended', true], ['DirectiveWithdrawn', false]]);
    });

    it('folds what had occurred by then: the amendment of 09-20 counts on 09-22, though entered on 09-25', async () => {
      expect((await recordAsOf(trail, 'directive-d1', at('2018-09-22'), 'occurred')).state).toMatchObject({ title: 'Four land tasks', version: 2 });
    });

    it('after the amendment was entered, the new title; after the withdrawal, withdrawn', async () => {
      expect((await recordAsOf(trail, 'directive-d1', at('2018-09-26'), 'recorded')).state).toMatchObject({ title: 'Four land tasks', status: 'issued' });
      expect((await recordAsOf(trail, 'directive-d1', at('2018-12-02'), 'recorded')).state).toMatchObject({ status: 'withdrawn', version: 3 });
    });

    it('says the record did not exist yet before its first event', async () => {
      expect(await recordAsOf(trail, 'directive-d1', at('2018-09-01'), 'recorded')).toMatchObject({ exists: false, state: null, included: [] });
    });

    it('gives what GET served at that version: the same hash the sign-off recorded', async () => {
      const then = await recordAsOf(trail, 'directive-d1', at('2018-09-07'), 'recorded');
      expect(recordHashOf(then.state!)).toBe((await signOffsOfRecord(models, trail, 'directive-d1'))[0].recordHash);
    });

    it('folds a sign-off too, and refuses kinds it has no fold for', async () => {
      expect((await recordAsOf(trail, 'signoff-s1', at('2018-12-31'), 'recorded')).state).toMatchObject({ status: 'recorded', decision: 'approve', version: 1 });
      await expect(recordAsOf(trail, 'user-p-vice', at('2018-12-31'), 'recorded')).rejects.toThrow(RangeError);
    });
  });

  describe('an actor\'s activity', () => {
    it('pages by position: each page starts after the cursor, and the last page has no cursor', async () => {
      const first = await actorActivity(trail, 'p-mayor', { after: 0, limit: 2, lateAfterSeconds: 3600 });
      expect(first.items.map((e) => e.type)).toEqual(['DirectiveIssued', 'DirectiveAmended']);
      expect(first.nextCursor).toBe(first.items[1].position);
      const second = await actorActivity(trail, 'p-mayor', { after: first.nextCursor!, limit: 2, lateAfterSeconds: 3600 });
      expect(second.items.map((e) => e.type)).toEqual(['DirectiveWithdrawn']);
      expect(second.nextCursor).toBeNull();
    });

    it('gives role and unit at the time and marks late entries and corrections', async () => {
      const { items } = await actorActivity(trail, 'p-mayor', { after: 0, limit: 10, lateAfterSeconds: 3600 });
      expect(items[1]).toMatchObject({ streamId: 'directive-d1', actor: { id: 'p-mayor', role: 'leader', unit: 'city' }, late: true, correction: 'amendment' });
    });

    it('leaves out what the caller may not read, and still moves the cursor past it', async () => {
      const page = await actorActivity(trail, 'p-vice', { after: 0, limit: 1, lateAfterSeconds: 3600, include: (e) => e.streamId.startsWith('signoff-') });
      expect(page.items.map((e) => e.type)).toEqual(['SignOffRecorded']);
      expect(page.nextCursor).toBeNull();
      const userOnly = await actorEvents(trail, 'p-vice', { after: 0, limit: 1, include: async (e) => e.streamId.startsWith('user-') });
      expect(userOnly.items.map((e) => e.type)).toEqual(['UserKeyRegistered']);
      expect(userOnly.nextCursor).toBe(userOnly.items[0].position);
    });

    it('is empty for an actor who did nothing', async () => {
      expect(await actorActivity(trail, 'p-nobody', { after: 0, limit: 10, lateAfterSeconds: 3600 })).toEqual({ items: [], nextCursor: null });
    });
  });
});

describe('actorEvents: paging an actor\'s events through the log\'s reads', () => {
  const actors = ['a', 'b', 'c'];
  const eventOf = (position: number, actorId: string, stream: number): RecordedEvent => ({
    id: `e-${position}`,
    streamId: `letter-l${stream}`,
    streamVersion: 1,
    position,
    type: 'ResponsibilityLetterSigned',
    schemaVersion: 1,
    data: {},
    metadata: { actorId, actorRole: 'leader', actorUnit: 'city', commandId: `c-${position}`, correlationId: `c-${position}`, causationId: null, occurredAt: '2018-09-01T00:00:00.000Z', recordedAt: '2018-09-01T00:00:00.000Z' },
  });

  it('pages through every event the filter accepts, once each and in order, whatever the page size, filter and bound', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ actor: fc.constantFrom(...actors), stream: fc.integer({ min: 0, max: 4 }) }), { maxLength: 1200 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 4 }),
        fc.nat(),
        async (shapes, limit, hiddenStream, cut) => {
          const events = shapes.map((shape, i) => eventOf(i + 1, shape.actor, shape.stream));
          const upTo = events.length === 0 ? 0 : (cut % events.length) + 1;
          const log = auditLogOver(events, upTo);
          const include = (e: RecordedEvent) => e.streamId !== `letter-l${hiddenStream}`;
          const expected = events.filter((e) => e.metadata.actorId === 'a' && e.position <= upTo && include(e)).map((e) => e.position);
          const seen: number[] = [];
          for (let after = 0, pages = 0; ; pages++) {
            const page = await actorEvents(log, 'a', { after, limit, include });
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items.map((e) => e.position));
            if (page.nextCursor === null) break;
            expect(page.items.length).toBe(limit);
            expect(page.nextCursor).toBeGreaterThan(after);
            after = page.nextCursor;
            expect(pages).toBeLessThan(events.length + 1);
          }
          expect(seen).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
