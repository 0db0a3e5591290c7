import fc from 'fast-check';
import { TIMELINESS_VALUES, type TaskStatus } from '@ledger/domain';
import type { JsonObject, RecordedEvent } from '@ledger/event-store';
import { project } from '../projection';
import { countRange, EMPTY_KEYS, hasKey, insertKey, KeyCursor, removeKey, type SortedKeys } from './sorted-keys';
import { everyDatedTaskLedBy, queryTasks, readableIn, scanTasks, taskSortKey, type TaskListSpec, type TaskReadScope } from './task-index';
import { TasksProjection, type TasksModel, type TaskView } from './tasks.projection';

const UNITS = ['u1', 'u2', 'u3', 'u4', 'u5'];
const DAYS = ['2018-09-01', '2018-09-10', '2018-10-01', '2018-10-15', '2018-10-31', '2018-11-20', '2018-12-31'];
/** Days events happen on: mostly before the last days a list is asked about, so both timeliness paths are taken. */
const EVENT_DAYS = DAYS.slice(0, 5);
const STATUSES: readonly TaskStatus[] = ['registered', 'assigned', 'acknowledged', 'in_progress', 'completion_reported', 'returned', 'verified', 'closed', 'cancelled'];
const by = { id: 'p-1', role: 'leader', unit: 'u1' };

/** One step of a task's life, applied as a recorded event (the projection folds what the log holds, unchecked). */
const stepArb = fc.oneof(
  fc.record({ type: fc.constant('TaskAssigned'), lead: fc.constantFrom(...UNITS), co: fc.subarray(UNITS, { maxLength: 2 }), deadline: fc.constantFrom(...DAYS), day: fc.constantFrom(...EVENT_DAYS) }),
  fc.record({ type: fc.constantFrom('TaskAcknowledged', 'ProgressReported', 'CompletionReported', 'CompletionVerified', 'TaskReturnedForRedo', 'TaskCancelled', 'TaskClosed', 'ReminderIssued'), day: fc.constantFrom(...EVENT_DAYS) }),
  fc.record({ type: fc.constant('ExtensionGranted'), deadline: fc.constantFrom(...DAYS), day: fc.constantFrom(...EVENT_DAYS) }),
  fc.record({ type: fc.constant('TaskTransferred'), lead: fc.constantFrom(...UNITS), day: fc.constantFrom(...EVENT_DAYS) }),
);

/** A step as generated (the fields its type uses). */
type Step = { type: string; day: string; lead?: string; co?: string[]; deadline?: string };
const DAY0 = DAYS[0];
type TaskPlan = { directive: string; registered: string; steps: Step[] };

const taskArb: fc.Arbitrary<TaskPlan> = fc.record({ directive: fc.constantFrom('d1', 'd2', 'd3'), registered: fc.constantFrom(...EVENT_DAYS), steps: fc.array(stepArb, { maxLength: 6 }) });

function dataOf(step: Step, taskId: string): JsonObject {
  const at = `${step.day}T09:00:00+08:00`;
  const base = { taskId, at, by };
  const responsible = { unitId: step.lead ?? 'u1', personId: 'p-h', name: 'Head', postTitle: 'Head' };
  switch (step.type) {
    case 'TaskAssigned':
      return { ...base, leadUnitId: step.lead ?? 'u1', coUnitIds: (step.co ?? []).filter((u) => u !== step.lead), responsible, work: 'w', expectedResult: 'r', deadline: step.deadline ?? DAY0 };
    case 'ProgressReported':
      return { ...base, percent: 10 };
    case 'ExtensionGranted':
      return { ...base, requestId: 'r1', newDeadline: step.deadline ?? DAY0 };
    case 'TaskTransferred':
      return { ...base, fromUnitId: 'x', toUnitId: step.lead ?? 'u1', responsible, reason: 'r' };
    case 'TaskCancelled':
      return { ...base, reason: 'r', signOffId: 's' };
    case 'ReminderIssued':
      return { ...base, message: 'm', channel: 'phone' };
    default:
      return base;
  }
}

/**
 * The steps up to a cancellation: nothing follows one in a stream the decider made, and the timeliness a view
 * judges on a past day from its timeliness events only (TIMELINESS_EVENT_TYPES) is that of such streams.
 */
function untilCancelled(steps: readonly Step[]): Step[] {
  const cancelled = steps.findIndex((step) => step.type === 'TaskCancelled');
  return cancelled < 0 ? [...steps] : steps.slice(0, cancelled + 1);
}

/** A log of `tasks`' events, interleaved in a random but per-task ordered way. */
function logOf(tasks: readonly TaskPlan[], order: readonly number[]): RecordedEvent[] {
  const queues = tasks.map((task, i) => {
    const taskId = `t${String(i).padStart(2, '0')}`;
    const registered = { type: 'TaskRegistered', data: { taskId, directiveId: task.directive, directiveIssuedOn: '2018-09-01', title: 'T', at: `${task.registered}T09:00:00+08:00`, by } };
    return [registered, ...untilCancelled(task.steps).map((step) => ({ type: step.type, data: dataOf(step, taskId) }))];
  });
  const log: RecordedEvent[] = [];
  const versions = new Map<number, number>();
  let k = 0;
  while (queues.some((q) => q.length > 0)) {
    const i = order.length === 0 ? k % queues.length : order[k % order.length] % queues.length;
    k++;
    const next = queues[i].shift() ?? queues.find((q) => q.length > 0)!.shift()!;
    const taskId = (next.data as { taskId: string }).taskId;
    const index = Number(taskId.slice(1));
    const version = (versions.get(index) ?? 0) + 1;
    versions.set(index, version);
    const position = log.length + 1;
    log.push({
      id: `e-${position}`,
      streamId: `task-${taskId}`,
      streamVersion: version,
      position,
      type: next.type,
      schemaVersion: 1,
      data: next.data as JsonObject,
      metadata: { actorId: 'p-1', actorRole: 'leader', actorUnit: 'u1', commandId: `c-${position}`, correlationId: `c-${position}`, causationId: null, occurredAt: '2018-09-01T01:00:00.000Z', recordedAt: '2018-09-01T01:00:00.000Z' },
    });
  }
  return log;
}

/** Absent half of the time. */
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(fc.constant(undefined), arb);

const specArb = fc.record({
  units: fc.oneof(fc.constant(null), fc.subarray(UNITS, { minLength: 1 })),
  unitRole: fc.constantFrom('lead', 'co', 'any') as fc.Arbitrary<'lead' | 'co' | 'any'>,
  status: maybe(fc.constantFrom(...STATUSES)),
  timeliness: maybe(fc.constantFrom(...TIMELINESS_VALUES)),
  asOf: fc.constantFrom(...DAYS, '2018-08-01', '2019-01-01'),
  deadlineFrom: maybe(fc.constantFrom(...DAYS)),
  deadlineTo: maybe(fc.constantFrom(...DAYS)),
  directiveIds: maybe(fc.subarray(['d1', 'd2', 'd3', 'd9'])),
  /** A read scope by hash of the task id (or none). */
  acceptMod: maybe(fc.integer({ min: 2, max: 4 })),
  offset: fc.integer({ min: 0, max: 6 }),
  limit: fc.integer({ min: 1, max: 8 }),
  cursorAt: maybe(fc.integer({ min: 0, max: 30 })),
  /** The caller's readable units (every unit, some, or none), or every task readable. */
  readable: maybe(fc.oneof(fc.constant(UNITS), fc.subarray(UNITS))),
});

type SpecPlan = typeof specArb extends fc.Arbitrary<infer T> ? T : never;

function toSpec(raw: SpecPlan, model: TasksModel): TaskListSpec {
  const keys = [...model.tasks.values()].map((v) => taskSortKey(v.record)).sort();
  return {
    units: raw.units === null ? null : new Set(raw.units),
    unitRole: raw.unitRole,
    status: raw.status,
    timeliness: raw.timeliness,
    asOf: raw.asOf,
    deadlineFrom: raw.deadlineFrom,
    deadlineTo: raw.deadlineTo,
    directiveIds: raw.directiveIds === undefined ? undefined : new Set(raw.directiveIds),
    accept: raw.acceptMod === undefined ? undefined : ((mod: number) => (view: TaskView) => Number(view.taskId.slice(1)) % mod !== 0)(raw.acceptMod),
    after: raw.cursorAt === undefined || keys.length === 0 ? undefined : keys[raw.cursorAt % keys.length],
    readable: raw.readable === undefined ? undefined : readScopeOf(new Set(raw.readable)),
    offset: raw.offset,
    limit: raw.limit,
  };
}

/** Directives' issuing units (d3's issuer is no unit of the organisation). */
const ISSUER: Record<string, string> = { d1: 'u1', d2: 'u4', d3: 'x' };

/** A read scope as the API's ReadScope makes one: otherwise, a unit the task was transferred from or its issuer. */
function readScopeOf(units: ReadonlySet<string>): TaskReadScope {
  return { units, otherwise: (view) => view.record.previousLeads.some((lead) => units.has(lead.leadUnitId)) || units.has(ISSUER[view.record.directiveId]) };
}

/** The READ_SCOPE rule in full, per task: a readable lead unit, co-unit, previous lead or issuer. */
function byTheRule(units: ReadonlySet<string>) {
  return (view: TaskView) =>
    [...(view.record.assignment ? [view.record.assignment.leadUnitId, ...view.record.assignment.coUnitIds] : []), ...view.record.previousLeads.map((lead) => lead.leadUnitId), ISSUER[view.record.directiveId]].some((unitId) => units.has(unitId));
}

/** The same list by the definition: every task scanned, the read scope's rule applied to each as one more check. */
function reference(spec: TaskListSpec): TaskListSpec {
  if (spec.readable === undefined) return spec;
  const rule = byTheRule(spec.readable.units);
  const accept = spec.accept;
  return { ...spec, readable: undefined, accept: (view) => rule(view) && (accept === undefined || accept(view)) };
}

const summary = (answer: ReturnType<typeof scanTasks>) => ({ ids: answer.views.map((v) => v.taskId), total: answer.total, next: answer.next });

describe('tasks read model indexes', () => {
  it('answer every list exactly as a scan of every task does (random task sets and filters)', () => {
    fc.assert(
      fc.property(fc.array(taskArb, { maxLength: 24 }), fc.array(fc.nat(), { maxLength: 10 }), fc.array(specArb, { minLength: 1, maxLength: 12 }), (tasks, order, specs) => {
        const model = project(TasksProjection, TasksProjection.initialState(), logOf(tasks, order));
        for (const raw of specs) {
          const spec = toSpec(raw, model);
          const expected = summary(scanTasks(model.tasks, reference(spec)));
          expect(summary(queryTasks(model.tasks, model, spec))).toEqual(expected);
          // Through plain Maps equal to the model's (what the API passes): the same answer.
          expect(summary(queryTasks(new Map(model.tasks), model, spec, new Map(model.partitions)))).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  describe('when the same Sets of units are asked about again as events come in', () => {
    /** Tasks first assigned with co-units (then anything), so lists by unit have co-unit tasks to count. */
    const coTaskArb: fc.Arbitrary<TaskPlan> = fc
      .tuple(taskArb, fc.record({ type: fc.constant('TaskAssigned'), lead: fc.constantFrom(...UNITS), co: fc.subarray(UNITS, { minLength: 1, maxLength: 3 }), deadline: fc.constantFrom(...DAYS), day: fc.constantFrom(...EVENT_DAYS) }))
      .map(([task, assigned]) => ({ ...task, steps: [assigned, ...task.steps] }));
    /** Lists the index counts whole: a few sets of units with role any, no filter looked at task by task. */
    const countedArb = fc
      .record({ raw: specArb, units: fc.constantFrom(['u1', 'u2'], ['u2', 'u3', 'u4'], UNITS), asOf: fc.constantFrom(...DAYS.slice(4), '2019-01-01') })
      .map(({ raw, units, asOf }): SpecPlan => ({ ...raw, units, asOf, unitRole: 'any', directiveIds: undefined, acceptMod: undefined, readable: undefined }));

    it('answers as a scan does after every batch, and for an earlier version asked again (nothing kept per version or per set of units goes stale)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(taskArb, coTaskArb), { minLength: 4, maxLength: 24 }),
          fc.array(fc.nat(), { maxLength: 10 }),
          fc.array(fc.oneof({ arbitrary: countedArb, weight: 3 }, { arbitrary: specArb, weight: 1 }), { minLength: 1, maxLength: 8 }),
          fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }),
          (tasks, order, raws, batches) => {
            const log = logOf(tasks, order);
            // One Set per set of units, asked about at every version and with every filter (as the API keeps one
            // per subtree).
            const byName = new Map<string, Set<string>>();
            const unitSets = raws.map((raw) => {
              if (raw.units === null) return null;
              const name = [...raw.units].sort().join();
              if (!byName.has(name)) byName.set(name, new Set(raw.units));
              return byName.get(name)!;
            });
            const ask = (model: TasksModel) =>
              raws.forEach((raw, i) => {
                const spec = { ...toSpec(raw, model), units: unitSets[i] };
                expect(summary(queryTasks(model.tasks, model, spec))).toEqual(summary(scanTasks(model.tasks, reference(spec))));
              });
            const models: TasksModel[] = [];
            let model = TasksProjection.initialState();
            for (let at = 0, b = 0; at < log.length; b++) {
              const size = batches[b % batches.length];
              model = project(TasksProjection, model, log.slice(at, at + size));
              at += size;
              models.push(model);
              ask(model);
            }
            // And back: earlier versions asked about again after later ones.
            ask(models[0]);
            ask(models[models.length >> 1]);
          },
        ),
        { numRuns: 200 },
      );
    });

    it('answers each filter as a scan does, one Set of units asked with every filter right after every other', () => {
      const assigned = (lead: string, co: string[], deadline: string): Step => ({ type: 'TaskAssigned', lead, co, deadline, day: DAY0 });
      const plans: TaskPlan[] = [
        { directive: 'd1', registered: DAY0, steps: [assigned('u3', ['u2'], '2018-10-01')] },
        { directive: 'd1', registered: DAY0, steps: [assigned('u3', ['u2'], '2018-11-20'), { type: 'TaskAcknowledged', day: DAY0 }] },
        { directive: 'd1', registered: DAY0, steps: [assigned('u4', ['u1', 'u2'], '2018-12-31'), { type: 'TaskAcknowledged', day: DAY0 }, { type: 'CompletionReported', day: '2018-09-10' }] },
        { directive: 'd2', registered: DAY0, steps: [assigned('u1', ['u2'], '2018-10-15')] },
        { directive: 'd2', registered: DAY0, steps: [assigned('u5', ['u1'], '2018-10-31'), { type: 'TaskCancelled', day: '2018-09-10' }] },
      ];
      const model = project(TasksProjection, TasksProjection.initialState(), logOf(plans, []));
      const units = new Set(['u1', 'u2']);
      const specs: TaskListSpec[] = [];
      for (const deadlineFrom of [undefined, '2018-10-15'])
        for (const deadlineTo of [undefined, '2018-11-30'])
          for (const asOf of ['2018-10-31', '2018-12-01'])
            for (const timeliness of [undefined, 'not_done_within_deadline', 'not_done_overdue'] as const)
              for (const status of [undefined, 'assigned', 'acknowledged'] as const) specs.push({ units, unitRole: 'any', status, timeliness, asOf, deadlineFrom, deadlineTo, offset: 0, limit: 10 });
      const expected = specs.map((spec) => summary(scanTasks(model.tasks, spec)));
      // Every filter asked right after every other.
      for (let i = 0; i < specs.length; i++) {
        for (let j = 0; j < specs.length; j++) {
          expect(summary(queryTasks(model.tasks, model, specs[i]))).toEqual(expected[i]);
          expect(summary(queryTasks(model.tasks, model, specs[j]))).toEqual(expected[j]);
        }
      }
    });

    it('answers as a scan does when a Set of units changes between two lists (gathered anew)', () => {
      const plans: TaskPlan[] = [
        { directive: 'd1', registered: DAY0, steps: [{ type: 'TaskAssigned', lead: 'u1', co: ['u2'], deadline: '2018-10-01', day: DAY0 }] },
        { directive: 'd1', registered: DAY0, steps: [{ type: 'TaskAssigned', lead: 'u3', co: ['u2'], deadline: '2018-10-15', day: DAY0 }] },
        { directive: 'd2', registered: DAY0, steps: [{ type: 'TaskAssigned', lead: 'u2', co: ['u1', 'u3'], deadline: '2018-10-15', day: DAY0 }] },
      ];
      const model = project(TasksProjection, TasksProjection.initialState(), logOf(plans, []));
      const units = new Set(['u1', 'u2']);
      const spec = (): TaskListSpec => ({ units, unitRole: 'any', asOf: '2018-12-31', offset: 0, limit: 10 });
      expect(summary(queryTasks(model.tasks, model, spec()))).toEqual(summary(scanTasks(model.tasks, spec())));
      units.add('u3');
      expect(summary(queryTasks(model.tasks, model, spec()))).toMatchObject({ total: 3 });
      units.delete('u1');
      units.delete('u3');
      units.add('u4');
      expect(summary(queryTasks(model.tasks, model, spec()))).toEqual(summary(scanTasks(model.tasks, spec())));
      // Units that lead or co-lead only some of the tasks, then none.
      units.delete('u2');
      units.add('u1');
      expect(summary(queryTasks(model.tasks, model, spec()))).toEqual(summary(scanTasks(model.tasks, spec())));
      expect(summary(queryTasks(model.tasks, model, spec()))).toMatchObject({ total: 2 });
      units.delete('u1');
      units.add('u5');
      expect(summary(queryTasks(model.tasks, model, spec()))).toMatchObject({ ids: [], total: 0 });
    });

    it('answers as a scan does while tasks change between lists of the same Sets (status, transfers in and out, co-units, extensions, cancellations, closures, new tasks)', () => {
      /** A change between two lists: a new task (registered, then its steps), or one more event of a task there is. */
      const changeArb = fc.oneof(fc.record({ plan: fc.oneof(taskArb, coTaskArb) }), fc.record({ task: fc.nat(), step: stepArb }));
      /** Sets of units asked about again and again: the same objects, as the API keeps one per subtree. */
      const SETS = [['u1', 'u2', 'u3'], ['u2', 'u4'], ['u5'], UNITS];
      /** Lists the units' buckets answer whole (the kept union) half of the time; any filters the other half. */
      const askedArb = fc.record({ raw: specArb, set: fc.nat({ max: SETS.length - 1 }), whole: fc.boolean(), asOf: fc.constantFrom(...DAYS.slice(4), '2019-01-01') }).map(
        ({ raw, set, whole, asOf }): { raw: SpecPlan; set: number } => ({
          set,
          // Whole: no directive or per-task filter, and a read scope (when there is one) that covers every unit.
          raw: whole ? { ...raw, asOf, directiveIds: undefined, acceptMod: undefined, readable: raw.readable === undefined ? undefined : UNITS } : raw,
        }),
      );
      fc.assert(
        fc.property(
          fc.array(fc.oneof(taskArb, coTaskArb), { minLength: 1, maxLength: 12 }),
          fc.array(fc.array(changeArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 10 }),
          fc.array(askedArb, { minLength: 1, maxLength: 6 }),
          (initial, rounds, asked) => {
            const log = logOf(initial, []);
            let model = project(TasksProjection, TasksProjection.initialState(), log);
            const versions = new Map<string, number>();
            for (const event of log) versions.set(event.streamId, event.streamVersion);
            let position = log.length;
            let taskCount = initial.length;
            // Nothing is appended to a cancelled task (as the decider has it; see untilCancelled).
            const cancelled = new Set(log.filter((event) => event.type === 'TaskCancelled').map((event) => event.streamId));
            const append = (taskId: string, type: string, data: JsonObject) => {
              const streamId = `task-${taskId}`;
              if (cancelled.has(streamId)) return;
              if (type === 'TaskCancelled') cancelled.add(streamId);
              const version = (versions.get(streamId) ?? 0) + 1;
              versions.set(streamId, version);
              position++;
              const metadata = { actorId: 'p-1', actorRole: 'leader', actorUnit: 'u1', commandId: `c-${position}`, correlationId: `c-${position}`, causationId: null, occurredAt: '2018-09-01T01:00:00.000Z', recordedAt: '2018-09-01T01:00:00.000Z' };
              model = project(TasksProjection, model, [{ id: `e-${position}`, streamId, streamVersion: version, position, type, schemaVersion: 1, data, metadata }]);
            };
            const sets = SETS.map((units) => new Set(units));
            const ask = () => {
              for (const { raw, set } of asked) {
                const spec = { ...toSpec(raw, model), units: raw.units === null ? null : sets[set] };
                const expected = summary(scanTasks(model.tasks, reference(spec)));
                expect(summary(queryTasks(model.tasks, model, spec))).toEqual(expected);
                // Through plain Maps equal to the model's (what the API passes): the same answer.
                expect(summary(queryTasks(new Map(model.tasks), model, spec, new Map(model.partitions)))).toEqual(expected);
              }
            };
            ask();
            for (const changes of rounds) {
              for (const change of changes) {
                if ('plan' in change) {
                  const taskId = `t${String(taskCount++).padStart(2, '0')}`;
                  append(taskId, 'TaskRegistered', { taskId, directiveId: change.plan.directive, directiveIssuedOn: '2018-09-01', title: 'T', at: `${change.plan.registered}T09:00:00+08:00`, by });
                  for (const step of change.plan.steps) append(taskId, step.type, dataOf(step, taskId));
                } else {
                  const taskId = `t${String(change.task % taskCount).padStart(2, '0')}`;
                  append(taskId, change.step.type, dataOf(change.step, taskId));
                }
              }
              ask();
            }
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  it('know whether every dated task is led from inside a set of units (random task sets, before and after more events)', () => {
    fc.assert(
      fc.property(fc.array(taskArb, { maxLength: 24 }), fc.array(fc.nat(), { maxLength: 10 }), fc.subarray(UNITS), fc.integer({ min: 0, max: 40 }), (tasks, order, raw, cut) => {
        const units = new Set(raw);
        const log = logOf(tasks, order);
        const expected = (model: TasksModel) => [...model.tasks.values()].every((v) => v.record.deadline === null || (v.record.assignment !== null && units.has(v.record.assignment.leadUnitId)));
        const before = project(TasksProjection, TasksProjection.initialState(), log.slice(0, cut));
        expect(everyDatedTaskLedBy(before, before.tasks.size, units)).toBe(expected(before));
        const after = project(TasksProjection, before, log.slice(cut));
        expect(everyDatedTaskLedBy(after, after.tasks.size, units)).toBe(expected(after));
        expect(everyDatedTaskLedBy(after, after.tasks.size, units)).toBe(expected(after));
      }),
      { numRuns: 200 },
    );
  });

  describe('when every dated task is led by a readable unit', () => {
    const plans: TaskPlan[] = [
      { directive: 'd1', registered: DAY0, steps: [{ type: 'TaskAssigned', lead: 'u2', co: [], deadline: '2018-10-01', day: DAY0 }] },
      { directive: 'd2', registered: DAY0, steps: [{ type: 'TaskAssigned', lead: 'u3', co: ['u5'], deadline: '2018-10-15', day: DAY0 }] },
      { directive: 'd3', registered: DAY0, steps: [{ type: 'TaskAssigned', lead: 'u2', co: [], deadline: '2018-10-15', day: DAY0 }] },
      // Registered only: no deadline, no lead; readable through its directive's issuer (d1: u1) alone.
      { directive: 'd1', registered: DAY0, steps: [] },
      { directive: 'd3', registered: DAY0, steps: [] },
    ];
    const model = project(TasksProjection, TasksProjection.initialState(), logOf(plans, []));
    const units = new Set(['u1', 'u2', 'u3']);
    const looked: string[] = [];
    const scope: TaskReadScope = { units, otherwise: (view) => (looked.push(view.taskId), readScopeOf(units).otherwise(view)) };

    it('answers a dated list from the index, looking at no task one by one', () => {
      looked.length = 0;
      const spec: TaskListSpec = { units: null, unitRole: 'any', asOf: '2018-09-01', deadlineFrom: '2018-09-01', deadlineTo: '2018-12-31', readable: scope, offset: 0, limit: 2 };
      const answer = queryTasks(model.tasks, model, spec);
      expect(summary(answer)).toEqual(summary(scanTasks(model.tasks, reference(spec))));
      expect(summary(answer)).toMatchObject({ ids: ['t00', 't01'], total: 3 });
      expect(looked).toEqual([]);
    });

    it('looks at the undated tasks only, by the rest of the rule', () => {
      looked.length = 0;
      const spec: TaskListSpec = { units: null, unitRole: 'any', asOf: '2018-09-01', readable: scope, offset: 0, limit: 10 };
      const answer = queryTasks(model.tasks, model, spec);
      expect(summary(answer)).toEqual(summary(scanTasks(model.tasks, reference(spec))));
      expect(summary(answer)).toMatchObject({ ids: ['t00', 't01', 't02', 't03'], total: 4 });
      expect([...new Set(looked)].sort()).toEqual(['t03', 't04']);
      expect(model.tasks.every((view) => readableIn(view, scope) === byTheRule(units)(view))).toBe(true);
    });
  });

  it('pages through a list with cursors: every task once, in order, whatever is added between pages', () => {
    fc.assert(
      fc.property(fc.array(taskArb, { minLength: 1, maxLength: 24 }), fc.integer({ min: 1, max: 5 }), (tasks, limit) => {
        const log = logOf(tasks, []);
        const model = project(TasksProjection, TasksProjection.initialState(), log);
        const expected = scanTasks(model.tasks, { units: null, unitRole: 'any', asOf: '2018-12-31', offset: 0, limit: 1000 }).views.map((v) => v.taskId);
        const seen: string[] = [];
        let after: string | undefined;
        for (let guard = 0; guard < 100; guard++) {
          const page = queryTasks(model.tasks, model, { units: null, unitRole: 'any', asOf: '2018-12-31', after, offset: 0, limit });
          seen.push(...page.views.map((v) => v.taskId));
          if (page.next === null) break;
          after = page.next;
        }
        expect(seen).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps no empty bucket, and comes out the same whatever the batch sizes of the fold', () => {
    fc.assert(
      fc.property(fc.array(taskArb, { maxLength: 16 }), fc.array(fc.nat(), { maxLength: 10 }), fc.integer({ min: 1, max: 7 }), (tasks, order, batch) => {
        const log = logOf(tasks, order);
        const whole = project(TasksProjection, TasksProjection.initialState(), log);
        let inBatches = TasksProjection.initialState();
        for (let i = 0; i < log.length; i += batch) inBatches = project(TasksProjection, inBatches, log.slice(i, i + batch));
        expect(inBatches.partitions.toJS()).toEqual(whole.partitions.toJS());
        expect(inBatches.deadlines.toArray().flat()).toEqual(whole.deadlines.toArray().flat());
        for (const buckets of whole.partitions.values()) for (const keys of buckets.values()) expect(keys.size).toBeGreaterThan(0);
        // Every task sits once in `*`, under its current sort key.
        // Every task sits once in a `*|<deadline>` partition, and the deadlines are those partitions', in order.
        const global = whole.partitions.filter((_, name) => name.startsWith('*|'));
        const all = [...global.values()].flatMap((buckets) => [...buckets.values()]).reduce((n: number, keys: SortedKeys) => n + countRange(keys, undefined, undefined), 0);
        expect(all).toBe(whole.tasks.size);
        expect(whole.deadlines.toArray().flat()).toEqual([...global.keys()].map((name) => name.slice(2)).sort());
      }),
      { numRuns: 100 },
    );
  });
});

describe('sorted keys', () => {
  it('behave as a sorted set of strings (inserts, removes, counts and cursors over ranges)', () => {
    const key = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', '\u0000', 'é'), maxLength: 4 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), key), { maxLength: 600 }), key, key, (ops, lo, hi) => {
        let keys = EMPTY_KEYS;
        const reference = new Set<string>();
        for (const [add, k] of ops) {
          keys = add ? insertKey(keys, k) : removeKey(keys, k);
          if (add) reference.add(k);
          else reference.delete(k);
        }
        const sorted = [...reference].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(keys.toArray().flat()).toEqual(sorted);
        for (const chunk of keys) expect(chunk.length).toBeGreaterThan(0);
        const inRange = sorted.filter((k) => k >= lo && k < hi);
        expect(countRange(keys, lo, hi)).toBe(inRange.length);
        const walked: string[] = [];
        for (const cursor = new KeyCursor(keys, lo, hi); cursor.current !== undefined; cursor.advance()) walked.push(cursor.current);
        expect(walked).toEqual(inRange);
        for (const k of sorted.slice(0, 5)) expect(hasKey(keys, k)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('count and walk every version as it was, whatever versions were read before or made after', () => {
    const key = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\u0000'), maxLength: 3 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), key), { maxLength: 300 }), key, (ops, lo) => {
        let keys = EMPTY_KEYS;
        const reference = new Set<string>();
        const versions: Array<{ keys: SortedKeys; sorted: string[] }> = [];
        for (const [add, k] of ops) {
          keys = add ? insertKey(keys, k) : removeKey(keys, k);
          if (add) reference.add(k);
          else reference.delete(k);
          const sorted = [...reference].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          // Read as soon as made, so a later version could only be answered from what was kept for this one if the
          // cache were keyed wrongly.
          expect(countRange(keys, undefined, undefined)).toBe(sorted.length);
          versions.push({ keys, sorted });
        }
        for (const { keys: version, sorted } of versions) {
          expect(countRange(version, lo, undefined)).toBe(sorted.filter((k) => k >= lo).length);
          const walked: string[] = [];
          for (const cursor = new KeyCursor(version, lo, undefined); cursor.current !== undefined; cursor.advance()) walked.push(cursor.current);
          expect(walked).toEqual(sorted.filter((k) => k >= lo));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('split chunks as they grow (given 1,000 keys, then an index walk from the middle)', () => {
    let keys = EMPTY_KEYS;
    for (let i = 999; i >= 0; i--) keys = insertKey(keys, String(i).padStart(4, '0'));
    expect(keys.size).toBeGreaterThan(7);
    expect(countRange(keys, '0500', '0600')).toBe(100);
    const cursor = new KeyCursor(keys, '0998', undefined);
    expect(cursor.current).toBe('0998');
    cursor.advance();
    cursor.advance();
    expect(cursor.current).toBeUndefined();
  });
});
