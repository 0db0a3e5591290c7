import fc from 'fast-check';
import { TIMELINESS_EVENT_TYPES, type TaskEvent } from '@ledger/domain';
import type { JsonObject, RecordedEvent } from '@ledger/event-store';
import { project } from '../projection';
import { evolveTaskView, TasksProjection, timelineOf, type TaskView } from './tasks.projection';

/**
 * What a task view keeps of its stream instead of a timeline (event ids, the timeliness events, the first
 * occurred-at, the last author, the returns for redo), against the stream itself, over random logs folded in random
 * batches; and the timeline read from the stream (`timelineOf`) against the view it goes with. (That timeliness
 * on a past day from the timeliness events is the stream's is the domain's property: timeliness.property.spec.ts,
 * over streams the decider made — these random streams are not all ones it would.)
 */

const DAYS = ['2018-09-01', '2018-09-10', '2018-10-01', '2018-10-15', '2018-10-31', '2018-11-20'];
const ACTORS = [
  { id: 'p-1', role: 'leader', unit: 'u1' },
  { id: 'p-2', role: 'inspector', unit: 'insp' },
  { id: 'p-3', role: 'unit_staff', unit: 'u2' },
];
const TYPES = ['TaskAssigned', 'TaskAcknowledged', 'ProgressReported', 'ReminderIssued', 'CompletionReported', 'CompletionVerified', 'TaskReturnedForRedo', 'ExtensionGranted', 'DeadlinePassed', 'TaskCancelled', 'TaskClosed', 'TaskTransferred'] as const;

type Step = { type: string; day: string; deadline: string; actor: number };
const stepArb: fc.Arbitrary<Step> = fc.record({ type: fc.constantFrom(...TYPES), day: fc.constantFrom(...DAYS), deadline: fc.constantFrom(...DAYS), actor: fc.nat(ACTORS.length - 1) });
/** A task's events: maybe one before its registration (which a view does not fold), then its registration and steps. */
const taskArb = fc.record({ early: fc.option(stepArb, { nil: undefined }), registered: fc.constantFrom(...DAYS), steps: fc.array(stepArb, { maxLength: 10 }) });
type TaskPlan = typeof taskArb extends fc.Arbitrary<infer T> ? T : never;

function dataOf(type: string, day: string, deadline: string, taskId: string): JsonObject {
  const base = { taskId, at: `${day}T09:00:00+08:00`, by: ACTORS[0] };
  const responsible = { unitId: 'u2', personId: 'p-h', name: 'Head', postTitle: 'Head' };
  switch (type) {
    case 'TaskRegistered':
      return { ...base, directiveId: 'd1', directiveIssuedOn: '2018-09-01', title: 'T' };
    case 'TaskAssigned':
      return { ...base, leadUnitId: 'u1', coUnitIds: [], responsible, work: 'w', expectedResult: 'r', deadline };
    case 'ProgressReported':
      return { ...base, percent: 10, narrative: 'n', evidence: [] };
    case 'ExtensionGranted':
      return { ...base, requestId: 'r1', previousDeadline: DAYS[0], newDeadline: deadline, comment: null };
    case 'DeadlinePassed':
      return { ...base, deadline };
    case 'TaskTransferred':
      return { ...base, fromUnitId: 'u1', toUnitId: 'u2', responsible, reason: 'r' };
    case 'TaskCancelled':
      return { ...base, reason: 'r', signOffId: 's' };
    case 'ReminderIssued':
      return { ...base, message: 'm', channel: 'phone' };
    default:
      return base;
  }
}

/** The tasks' streams interleaved round-robin into one log. */
function logOf(plans: readonly TaskPlan[]): RecordedEvent[] {
  const queues = plans.map((plan, i) => {
    const taskId = `t${i}`;
    const registered: Step = { type: 'TaskRegistered', day: plan.registered, deadline: DAYS[0], actor: 1 };
    return [...(plan.early ? [plan.early] : []), registered, ...plan.steps].map((step) => ({ taskId, step }));
  });
  const log: RecordedEvent[] = [];
  const versions = new Map<string, number>();
  for (let round = 0; queues.some((q) => round < q.length); round++) {
    for (const queue of queues) {
      if (round >= queue.length) continue;
      const { taskId, step } = queue[round];
      const streamVersion = (versions.get(taskId) ?? 0) + 1;
      versions.set(taskId, streamVersion);
      const position = log.length + 1;
      const actor = ACTORS[step.actor];
      log.push({
        id: `e-${position}`,
        streamId: `task-${taskId}`,
        streamVersion,
        position,
        type: step.type,
        schemaVersion: 1,
        data: dataOf(step.type, step.day, step.deadline, taskId),
        metadata: { actorId: actor.id, actorRole: actor.role, actorUnit: actor.unit, commandId: `c-${position}`, correlationId: `c-${position}`, causationId: null, occurredAt: '2018-09-01T01:00:00.000Z', recordedAt: '2018-12-01T01:00:00.000Z' },
      });
    }
  }
  return log;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/** The view's own fields, by value (the Immutable Map aside). */
const plain = (view: TaskView | undefined) => (view === undefined ? undefined : JSON.parse(JSON.stringify(view)));

describe('task views', () => {
  it('keep the ids of the events folded, the timeliness events, the first occurred-at, the last author and the returns for redo, whatever the batches', () => {
    fc.assert(
      fc.property(fc.array(taskArb, { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }), (plans, batches) => {
        const log = deepFreeze(logOf(plans));
        let model = TasksProjection.initialState();
        const earlier: Array<[typeof model, string]> = [];
        for (let at = 0, b = 0; at < log.length; b++) {
          const size = batches[b % batches.length];
          model = project(TasksProjection, model, log.slice(at, at + size));
          at += size;
          // A batch never changes what an earlier batch made.
          earlier.push([model, JSON.stringify([...model.tasks.entries()])]);
        }
        for (const [version, text] of earlier) expect(JSON.stringify([...version.tasks.entries()])).toBe(text);
        plans.forEach((_, i) => {
          const stream = log.filter((event) => event.streamId === `task-t${i}`);
          const folded = stream.slice(stream.findIndex((event) => event.type === 'TaskRegistered'));
          const view = model.tasks.get(`t${i}`)!;
          // One event at a time (evolveTaskView) and in batches: the same view.
          expect(plain(view)).toEqual(plain(stream.reduce(evolveTaskView, undefined)));
          expect(view.eventIds).toEqual(folded.map((event) => event.id));
          expect(view.timelinessEvents).toEqual(folded.filter((event) => TIMELINESS_EVENT_TYPES.has(event.type as TaskEvent['type'])).map(({ type, data }) => ({ type, data })));
          expect(view.registeredAt).toBe(folded[0].data.at);
          expect(view.lastActorId).toBe(folded[folded.length - 1].metadata.actorId);
          expect(view.returnsForRedo).toBe(folded.filter((event) => event.type === 'TaskReturnedForRedo').length);
          // The timeline read from the stream has an entry for each event the view folded, and none after `upTo`.
          expect(timelineOf(stream).map((entry) => entry.eventId)).toEqual(view.eventIds);
          const upTo = folded[folded.length >> 1].position;
          expect(timelineOf(stream, upTo).map((entry) => entry.eventId)).toEqual(folded.filter((event) => event.position <= upTo).map((event) => event.id));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('give each timeline entry the event\'s trace and data, its `at` as occurred-at', () => {
    const [registered] = logOf([{ early: undefined, registered: '2018-09-10', steps: [] }]);
    expect(timelineOf([registered])).toEqual([
      {
        eventId: 'e-1',
        position: 1,
        streamVersion: 1,
        type: 'TaskRegistered',
        actor: { id: 'p-2', role: 'inspector', unit: 'insp' },
        occurredAt: '2018-09-10T09:00:00+08:00',
        recordedAt: '2018-12-01T01:00:00.000Z',
        data: registered.data,
      },
    ]);
  });
});
