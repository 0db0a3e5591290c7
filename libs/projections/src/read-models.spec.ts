import fc from 'fast-check';
import { List } from 'immutable';
import {
  directiveDecider,
  fold,
  signOffDecider,
  taskDecider,
  unitDecider,
  type Actor,
  type Decider,
} from '@ledger/domain';
import type { JsonObject, RecordedEvent } from '@ledger/event-store';
import { emptyReadModels, foldReadModels, readModelsToJson, type ReadModelPositions } from './read-models';
import { taskTimelinessOn, timelineOf } from './tasks/tasks.projection';

const admin: Actor = { id: 'admin', role: 'administrator', unit: 'city' };
const mayor: Actor = { id: 'p-mayor', role: 'leader', unit: 'city' };
const inspector: Actor = { id: 'p-inspector', role: 'inspector', unit: 'city' };
const staff: Actor = { id: 'p-zh-staff', role: 'unit_staff', unit: 'zh' };
const at = (date: string, time = '09:00:00') => `${date}T${time}+08:00`;

/** A log built through the real deciders, as the application would append it. */
function buildLog(): RecordedEvent[] {
  const log: RecordedEvent[] = [];
  const run = <S, C, E extends { type: string; data: object }>(decider: Decider<S, C, E>, streamId: string, actor: Actor, command: (now: string) => object, now: string, recordedAt = now) => {
    const own = log.filter((e) => e.streamId === streamId);
    const state = fold(decider, own.map((e) => ({ type: e.type, data: e.data }) as unknown as E));
    for (const event of decider.decide(command(now) as C, state)) {
      const position = log.length + 1;
      log.push({
        id: `e-${position}`,
        streamId,
        streamVersion: log.filter((e) => e.streamId === streamId).length + 1,
        position,
        type: event.type,
        schemaVersion: 1,
        data: event.data as unknown as JsonObject,
        metadata: { actorId: actor.id, actorRole: actor.role, actorUnit: actor.unit, commandId: `c-${position}`, correlationId: `c-${position}`, causationId: null, occurredAt: new Date(now).toISOString(), recordedAt: new Date(recordedAt).toISOString() },
      });
    }
  };
  const env = (actor: Actor) => (now: string) => ({ now, actor });
  run(unitDecider, 'unit-city', admin, (now) => ({ type: 'RegisterUnit', ...env(admin)(now), unitId: 'city', names: { en: 'Hengyang' }, kind: 'city', parentId: null, parentChain: [] }), at('2018-01-01'));
  for (const id of ['zh', 'zh2']) {
    run(unitDecider, `unit-${id}`, admin, (now) => ({ type: 'RegisterUnit', ...env(admin)(now), unitId: id, names: { en: id }, kind: 'district', parentId: 'city', parentChain: ['city'] }), at('2018-01-01'));
  }
  run(unitDecider, 'unit-zh', admin, (now) => ({ type: 'AppointHead', ...env(admin)(now), unitId: 'zh', personId: 'p-zh-head', name: 'District Head C', postTitle: 'District Head', from: '2018-01-01' }), at('2018-01-01'));
  run(directiveDecider, 'directive-d1', mayor, (now) => ({ type: 'IssueDirective', ...env(mayor)(now), directiveId: 'd1', issuerUnitId: 'city', issuer: { name: 'Mayor', postTitle: 'Mayor' }, documentNumber: 'DEMO-1', kind: 'directive', issuedOn: '2018-09-06', meeting: null, title: 'T', body: 'B', taskIds: ['t4-zh'] }), at('2018-09-06'));
  run(taskDecider, 'task-t4-zh', inspector, (now) => ({ type: 'RegisterTask', ...env(inspector)(now), taskId: 't4-zh', directive: { id: 'd1', issuedOn: '2018-09-06', status: 'issued' }, title: 'T4' }), at('2018-09-06'));
  run(taskDecider, 'task-t4-zh', inspector, (now) => ({ type: 'AssignTask', ...env(inspector)(now), taskId: 't4-zh', leadUnitId: 'zh', coUnitIds: ['zh2'], leadUnitHead: { unitId: 'zh', personId: 'p-zh-head', name: 'District Head C', postTitle: 'District Head' }, work: 'w', deadline: '2018-10-31', expectedResult: 'r' }), at('2018-09-06'));
  run(taskDecider, 'task-t4-zh', staff, (now) => ({ type: 'AcknowledgeTask', ...env(staff)(now), taskId: 't4-zh' }), at('2018-09-07'));
  // Entered on 10-12 for a reminder given by phone on 10-10: a late entry.
  run(taskDecider, 'task-t4-zh', inspector, (now) => ({ type: 'IssueReminder', ...env(inspector)(now), taskId: 't4-zh', message: 'Hurry', channel: 'phone' }), at('2018-10-10'), at('2018-10-12'));
  run(signOffDecider, 'signoff-s1', mayor, (now) => ({ type: 'RecordSignOff', ...env(mayor)(now), signOffId: 's1', record: { type: 'stream-version', streamId: 'task-t4-zh', version: 4 }, recordHash: 'a'.repeat(64), recordAuthorId: 'p-inspector', decision: 'approve' }), at('2018-10-12'));
  run(unitDecider, 'unit-zh2', admin, (now) => ({ type: 'MergeUnit', ...env(admin)(now), unitId: 'zh2', successorId: 'zh', mergedWith: [], on: '2018-12-01', reason: 'Merged' }), at('2018-12-01'));
  run(directiveDecider, 'directive-d1', mayor, (now) => ({ type: 'WithdrawDirective', ...env(mayor)(now), directiveId: 'd1', reason: 'Superseded' }), at('2018-12-02'));
  return log;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

describe('read models', () => {
  const log = buildLog();

  it('give the same model whether the log is folded at once, twice, or in any pages', () => {
    const once = readModelsToJson(foldReadModels(emptyReadModels(), log));
    expect(readModelsToJson(foldReadModels(emptyReadModels(), log))).toBe(once);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: log.length - 1 }), { maxLength: 6 }), (cuts) => {
        const bounds = [0, ...[...cuts].sort((a, b) => a - b), log.length];
        let models = emptyReadModels();
        for (let i = 1; i < bounds.length; i++) models = foldReadModels(models, log.slice(bounds[i - 1], bounds[i]));
        expect(readModelsToJson(models)).toBe(once);
      }),
      { numRuns: 100 },
    );
  });

  it('fold models hydrated at different positions (`since`) to the same models as a fold from 0, each event once', () => {
    const once = readModelsToJson(foldReadModels(emptyReadModels(), log));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: log.length }), fc.integer({ min: 0, max: log.length }), fc.integer({ min: 1, max: log.length }), (a, b, page) => {
        // organisation and tasks come "from the store" at positions a and b; every other model is folded from 0.
        const atA = foldReadModels(emptyReadModels(), log.slice(0, a));
        const atB = foldReadModels(emptyReadModels(), log.slice(0, b));
        let models = { ...emptyReadModels(), organisation: atA.organisation, tasks: atB.tasks };
        let since: ReadModelPositions | undefined = { organisation: a, tasks: b };
        // The whole log is delivered again from position 1, in pages: what a model already has is skipped.
        for (let from = 0; from < log.length; from += page) models = foldReadModels(models, log.slice(from, from + page), since);
        since = undefined;
        expect(readModelsToJson(models)).toBe(once);
      }),
      { numRuns: 100 },
    );
  });

  it('never change the events or the model they are given', () => {
    const frozen = deepFreeze(structuredClone(log));
    const half = foldReadModels(emptyReadModels(), frozen.slice(0, 6));
    const snapshot = readModelsToJson(half);
    expect(() => foldReadModels(half, frozen.slice(6))).not.toThrow();
    expect(readModelsToJson(half)).toBe(snapshot);
  });

  it('keep the organisation: heads, and successor links both ways', () => {
    const { organisation } = foldReadModels(emptyReadModels(), log);
    expect(organisation.units.get('zh')!.record.heads[0]).toMatchObject({ name: 'District Head C', to: null });
    expect(organisation.units.get('zh2')!.record).toMatchObject({ status: 'dissolved', dissolution: { successorIds: ['zh'] } });
    expect(organisation.predecessors.get('zh', List()).toArray()).toEqual([{ unitId: 'zh2', how: 'merged', on: '2018-12-01' }]);
  });

  it('keep each task\'s event ids and timeliness events, and give its timeline from its stream with actor, role, unit and both clocks, and its timeliness on a day', () => {
    const { tasks } = foldReadModels(emptyReadModels(), log);
    const view = tasks.tasks.get('t4-zh')!;
    const stream = log.filter((e) => e.streamId === 'task-t4-zh');
    expect(view.version).toBe(4);
    expect(view.eventIds).toEqual(stream.map((e) => e.id));
    expect(view.timelinessEvents.map((e) => e.type)).toEqual(['TaskRegistered', 'TaskAssigned']);
    expect([view.registeredAt, view.lastActorId, view.returnsForRedo]).toEqual([at('2018-09-06'), 'p-inspector', 0]);
    const timeline = timelineOf(stream);
    expect(timeline.map((e) => e.type)).toEqual(['TaskRegistered', 'TaskAssigned', 'TaskAcknowledged', 'ReminderIssued']);
    expect(timeline[3]).toMatchObject({ actor: { id: 'p-inspector', role: 'inspector', unit: 'city' }, occurredAt: at('2018-10-10'), recordedAt: '2018-10-12T01:00:00.000Z' });
    expect(timelineOf(stream, stream[2].position).map((e) => e.type)).toEqual(['TaskRegistered', 'TaskAssigned', 'TaskAcknowledged']);
    expect(taskTimelinessOn(view, '2018-10-31')).toBe('not_done_within_deadline');
    expect(taskTimelinessOn(view, '2018-11-01')).toBe('not_done_overdue');
    expect(taskTimelinessOn(view, '2018-09-01')).toBe('not_assigned');
  });

  it('address notices to the lead unit (and assignments to co-units too), directive withdrawals to the units of its tasks', () => {
    const { notices } = foldReadModels(emptyReadModels(), log);
    expect(notices.byUnit.get('zh')!.toArray().map((n) => n.kind)).toEqual(['assignment', 'reminder', 'directive_withdrawn']);
    expect(notices.byUnit.get('zh2')!.toArray().map((n) => [n.kind, n.addressedAs])).toEqual([['assignment', 'co']]);
    const reminder = notices.byUnit.get('zh')!.get(1)!;
    expect(reminder).toMatchObject({ taskId: 't4-zh', directiveId: 'd1', details: { taskId: 't4-zh', message: 'Hurry', channel: 'phone' } });
  });

  it('answer who signed off what', () => {
    const { signOffs } = foldReadModels(emptyReadModels(), log);
    expect(signOffs.byStream.get('task-t4-zh')!.toArray()).toEqual(['s1']);
    expect(signOffs.signOffs.get('s1')).toMatchObject({ decision: 'approve', by: { id: 'p-mayor', role: 'leader' }, record: { version: 4 } });
  });
});
