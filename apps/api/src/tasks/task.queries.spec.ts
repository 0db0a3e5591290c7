import fc from 'fast-check';
import { canRead, READ_SCOPE, STREAM_KINDS, TIMELINESS_VALUES, type Actor, type Role, type TaskStatus } from '@ledger/domain';
import { SqliteEventStore, type JsonObject, type LedgerStore, type RecordedEvent } from '@ledger/event-store';
import { emptyReadModels, everyDatedTaskLedBy, foldReadModels, orgUnitsOf, scanTasks, subtreeOf, timelineEntryOf, type LedgerReadModels, type TaskView } from '@ledger/projections';
import type { QueryContext } from '../read-models/queries';
import { ReadScope } from '../read-models/read-scope';
import type { LedgerTime } from '../shared/ledger-time';
import { LeadCoverage } from './lead-coverage';
import { decodeCursor, TaskQueries, type TaskListQueryDto } from './task.queries';

/**
 * GET /v1/tasks against its definition: every task scanned, the list's filters applied to each, and the READ_SCOPE
 * rule as it reads (`canRead` of the task's lead unit, co-units, previous lead units or directive issuer; anywhere:
 * every task) — for callers of every role in every kind of place, over random task sets.
 */

// city ─┬─ insp (office)              the municipal inspection office: its jurisdiction is the city
//       ├─ d1 (district) ─┬─ w11, w12 (wards)
//       │                 └─ d1insp (office): jurisdiction d1
//       ├─ d2 (district) ── w21 (ward)
//       └─ gone (ward, superseded)    a dissolved unit: reads nothing, is still read by others
const UNITS: ReadonlyArray<readonly [string, string | null, string]> = [
  ['city', null, 'city'],
  ['insp', 'city', 'office'],
  ['d1', 'city', 'district'],
  ['w11', 'd1', 'ward'],
  ['w12', 'd1', 'ward'],
  ['d1insp', 'd1', 'office'],
  ['d2', 'city', 'district'],
  ['w21', 'd2', 'ward'],
  ['gone', 'city', 'ward'],
];
/** Task units, with one no unit of the organisation knows. */
const TASK_UNITS = ['d1', 'w11', 'w12', 'd2', 'w21', 'gone', 'elsewhere'];
/** Directives and their issuing units (`root`: the administrator's unit, no unit of the organisation). */
const ISSUERS: Record<string, string> = { dc: 'city', dd1: 'd1', dw21: 'w21', dr: 'root' };
const DAYS = ['2018-09-01', '2018-09-10', '2018-10-01', '2018-10-15', '2018-10-31', '2018-11-20'];
const EVENT_DAYS = DAYS.slice(0, 4);
const STATUSES: readonly TaskStatus[] = ['registered', 'assigned', 'acknowledged', 'in_progress', 'completion_reported', 'verified', 'cancelled'];
const ROLES = Object.keys(READ_SCOPE) as Role[];
const ACTOR_UNITS = ['city', 'insp', 'd1', 'w11', 'd1insp', 'd2', 'gone', 'nowhere'];
const by = { id: 'p-1', role: 'leader', unit: 'city' };

type Step = { type: string; day: string; lead?: string; co?: string[]; deadline?: string };
type TaskPlan = { directive: string; steps: Step[] };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('TaskAssigned'), lead: fc.constantFrom(...TASK_UNITS), co: fc.subarray(TASK_UNITS, { maxLength: 2 }), deadline: fc.constantFrom(...DAYS), day: fc.constantFrom(...EVENT_DAYS) }) },
  fc.record({ type: fc.constantFrom('TaskAcknowledged', 'ProgressReported', 'CompletionReported', 'CompletionVerified', 'TaskCancelled'), day: fc.constantFrom(...EVENT_DAYS) }),
  fc.record({ type: fc.constant('ExtensionGranted'), deadline: fc.constantFrom(...DAYS), day: fc.constantFrom(...EVENT_DAYS) }),
  fc.record({ type: fc.constant('TaskTransferred'), lead: fc.constantFrom(...TASK_UNITS), day: fc.constantFrom(...EVENT_DAYS) }),
);
const taskArb: fc.Arbitrary<TaskPlan> = fc.record({ directive: fc.constantFrom(...Object.keys(ISSUERS)), steps: fc.array(stepArb, { maxLength: 4 }) });

function taskData(step: Step, taskId: string): JsonObject {
  const base = { taskId, at: `${step.day}T09:00:00+08:00`, by };
  const responsible = { unitId: step.lead ?? 'd1', personId: 'p-h', name: 'Head', postTitle: 'Head' };
  switch (step.type) {
    case 'TaskAssigned':
      return { ...base, leadUnitId: step.lead!, coUnitIds: step.co!.filter((u) => u !== step.lead), responsible, work: 'w', expectedResult: 'r', deadline: step.deadline! };
    case 'ProgressReported':
      return { ...base, percent: 10 };
    case 'ExtensionGranted':
      return { ...base, requestId: 'r1', newDeadline: step.deadline! };
    case 'TaskTransferred':
      return { ...base, fromUnitId: 'x', toUnitId: step.lead!, responsible, reason: 'r' };
    case 'TaskCancelled':
      return { ...base, reason: 'r', signOffId: 's' };
    default:
      return base;
  }
}

/** The organisation, the directives and the tasks as a log the read models fold (unchecked, as the projections do). */
function logOf(plans: readonly TaskPlan[]): RecordedEvent[] {
  const events: Array<{ streamId: string; type: string; data: JsonObject }> = [];
  const at = '2018-09-01T08:00:00+08:00';
  for (const [unitId, parentId, kind] of UNITS) events.push({ streamId: `unit-${unitId}`, type: 'UnitRegistered', data: { unitId, at, by, names: { en: unitId, vi: null, zh: null }, kind, parentId } });
  events.push({ streamId: 'unit-gone', type: 'UnitSuperseded', data: { unitId: 'gone', at, by, successorId: 'd2', on: '2018-09-01', reason: 'r' } });
  const taskIds = (directiveId: string) => plans.flatMap((plan, i) => (plan.directive === directiveId ? [`t${i}`] : []));
  for (const [directiveId, unitId] of Object.entries(ISSUERS)) {
    events.push({
      streamId: `directive-${directiveId}`,
      type: 'DirectiveIssued',
      data: { directiveId, at, by, issuer: { personId: 'p-i', name: 'Issuer', postTitle: 'Head', unitId }, documentNumber: `N-${directiveId}`, kind: 'directive', issuedOn: '2018-09-01', meeting: null, title: 'T', body: 'B', taskIds: taskIds(directiveId) },
    });
  }
  plans.forEach((plan, i) => {
    const taskId = `t${i}`;
    events.push({ streamId: `task-${taskId}`, type: 'TaskRegistered', data: { taskId, directiveId: plan.directive, directiveIssuedOn: '2018-09-01', title: 'T', at, by } });
    // Up to a cancellation: nothing follows one in a stream the decider made (see TIMELINESS_EVENT_TYPES).
    const cancelled = plan.steps.findIndex((step) => step.type === 'TaskCancelled');
    for (const step of cancelled < 0 ? plan.steps : plan.steps.slice(0, cancelled + 1)) events.push({ streamId: `task-${taskId}`, type: step.type, data: taskData(step, taskId) });
  });
  const versions = new Map<string, number>();
  return events.map((event, i) => {
    const streamVersion = (versions.get(event.streamId) ?? 0) + 1;
    versions.set(event.streamId, streamVersion);
    return {
      id: `e-${i + 1}`,
      streamId: event.streamId,
      streamVersion,
      position: i + 1,
      type: event.type,
      schemaVersion: 1,
      data: event.data,
      metadata: { actorId: 'p-1', actorRole: 'leader', actorUnit: 'city', commandId: `c-${i}`, correlationId: `c-${i}`, causationId: null, occurredAt: '2018-09-01T00:00:00.000Z', recordedAt: '2018-09-01T00:00:00.000Z' },
    };
  });
}

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(fc.constant(undefined), arb);
const queryArb: fc.Arbitrary<TaskListQueryDto> = fc.record(
  {
    unitId: maybe(fc.constantFrom(...TASK_UNITS, 'city')),
    unitRole: maybe(fc.constantFrom('lead', 'co', 'any') as fc.Arbitrary<'lead' | 'co' | 'any'>),
    subtree: maybe(fc.boolean()),
    status: maybe(fc.constantFrom(...STATUSES)),
    timeliness: maybe(fc.constantFrom(...TIMELINESS_VALUES)),
    asOf: fc.constantFrom(...DAYS, '2019-01-01'),
    deadlineFrom: maybe(fc.constantFrom(...DAYS)),
    deadlineTo: maybe(fc.constantFrom(...DAYS)),
    directiveId: maybe(fc.constantFrom(...Object.keys(ISSUERS))),
    page: maybe(fc.integer({ min: 1, max: 3 })),
    pageSize: maybe(fc.integer({ min: 1, max: 6 })),
  },
  { requiredKeys: ['asOf'] },
) as fc.Arbitrary<TaskListQueryDto>;

/** READ_SCOPE as it reads, per task. */
function byTheRule(actor: Actor, models: LedgerReadModels, units: ReturnType<typeof orgUnitsOf>) {
  return (view: TaskView): boolean => {
    if (READ_SCOPE[actor.role] === 'anywhere') return true;
    const { record } = view;
    const issuer = models.directives.directives.get(record.directiveId)?.record.issuer.unitId;
    const candidates = [...(record.assignment ? [record.assignment.leadUnitId, ...record.assignment.coUnitIds] : []), ...record.previousLeads.map((lead) => lead.leadUnitId), ...(issuer ? [issuer] : [])];
    return candidates.some((unitId) => canRead(actor, unitId, units));
  };
}

/**
 * `log` appended to a real SQLite log (in memory), one append per event, and the log as the store recorded it (its
 * own event ids and clock): timelines are read from the store.
 */
async function ledgerOf(log: readonly RecordedEvent[]): Promise<{ store: LedgerStore; log: RecordedEvent[] }> {
  const store: LedgerStore = await SqliteEventStore.open({ path: ':memory:', policy: { streamKinds: new Set(STREAM_KINDS), maxEventBytes: 262_144 } });
  for (const event of log) {
    const { recordedAt: _recordedAt, ...metadata } = event.metadata;
    await store.append({ streamId: event.streamId, expectedVersion: event.streamVersion === 1 ? 'no-stream' : event.streamVersion - 1, events: [{ type: event.type, data: event.data }], metadata });
  }
  return { store, log: await store.readAll({ fromPosition: 1, limit: 10_000 }) };
}

/** Task queries over `models`; `store` for the timelines (the lists and a task's representation never read it). */
function queriesOver(models: LedgerReadModels, store?: LedgerStore): TaskQueries {
  const units = orgUnitsOf(models.organisation);
  const context = { for: (actor: Actor) => ({ models, scope: new ReadScope(actor, models, units) }) } as unknown as QueryContext;
  return new TaskQueries(context, { today: () => '2018-10-01' } as unknown as LedgerTime, store as LedgerStore);
}

describe('task list (GET /v1/tasks) and the read scope', () => {
  it('answers every caller, of every role and in every kind of place, as its definition does (random task sets and filters)', () => {
    fc.assert(
      fc.property(fc.array(taskArb, { maxLength: 16 }), fc.array(queryArb, { minLength: 1, maxLength: 4 }), (plans, queries) => {
        const models = foldReadModels(emptyReadModels(), logOf(plans));
        const units = orgUnitsOf(models.organisation);
        expect(units.gone?.dissolved).toBe(true);
        const taskQueries = queriesOver(models);
        for (const role of ROLES) {
          for (const unit of ACTOR_UNITS) {
            const actor: Actor = { id: 'p-caller', role, unit };
            for (const query of queries) {
              const answer = taskQueries.list(actor, query);
              const pageSize = query.pageSize ?? 50;
              const expected = scanTasks(models.tasks.tasks, {
                units: query.unitId === undefined ? null : query.subtree ? subtreeOf(models.organisation, query.unitId) : new Set([query.unitId]),
                unitRole: query.unitRole ?? 'any',
                status: query.status,
                timeliness: query.timeliness,
                asOf: query.asOf!,
                deadlineFrom: query.deadlineFrom,
                deadlineTo: query.deadlineTo,
                directiveIds: query.directiveId === undefined ? undefined : new Set([query.directiveId]),
                accept: byTheRule(actor, models, units),
                offset: ((query.page ?? 1) - 1) * pageSize,
                limit: pageSize,
              });
              expect({ actor, query, ids: answer.items.map((item) => item.taskId), total: answer.total, next: answer.nextCursor === null ? null : decodeCursor(answer.nextCursor) }).toEqual({
                actor,
                query,
                ids: expected.views.map((view) => view.taskId),
                total: expected.total,
                next: expected.next,
              });
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps whether every dated task is led from a set of units as the log grows, and back (random logs, batches and sets)', () => {
    fc.assert(
      fc.property(fc.array(taskArb, { maxLength: 16 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }), fc.array(fc.subarray(TASK_UNITS), { minLength: 1, maxLength: 3 }), (plans, batches, sets) => {
        const log = logOf(plans);
        const coverage = new LeadCoverage();
        const unitSets = sets.map((units) => new Set(units));
        const versions: LedgerReadModels[] = [];
        let models = emptyReadModels();
        for (let from = 0, i = 0; from < log.length; from += batches[i++ % batches.length]) {
          models = foldReadModels(models, log.slice(from, from + batches[i % batches.length]));
          versions.push(models);
        }
        // Forward, then a few versions out of order (a request may hold an older snapshot).
        for (const version of [...versions, ...versions.slice().reverse().filter((_, i) => i % 2 === 0)]) {
          for (const units of unitSets) {
            const definition = [...version.tasks.tasks.values()].every((view) => view.record.deadline === null || (view.record.assignment !== null && units.has(view.record.assignment.leadUnitId)));
            expect(coverage.everyDatedTaskLed(version.tasks, units)).toBe(definition);
            expect(everyDatedTaskLedBy(version.tasks, version.tasks.tasks.size, units)).toBe(definition);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('answers one unit\'s list in every role as its definition does while the log grows and a request holds an older snapshot (the Set of one unit is kept per unit, and its list with it)', () => {
    fc.assert(
      fc.property(fc.array(taskArb, { maxLength: 16 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }), (plans, batches) => {
        const log = logOf(plans);
        const versions: LedgerReadModels[] = [];
        let models = emptyReadModels();
        for (let from = 0, i = 0; from < log.length; from += batches[i++ % batches.length]) {
          models = foldReadModels(models, log.slice(from, from + batches[i % batches.length]));
          versions.push(models);
        }
        const actor: Actor = { id: 'p-auditor', role: 'auditor', unit: 'city' };
        for (const version of [...versions, ...versions.slice().reverse().filter((_, i) => i % 2 === 0)]) {
          const taskQueries = queriesOver(version);
          for (const unitId of TASK_UNITS) {
            for (const unitRole of ['any', 'lead', 'co'] as const) {
              const answer = taskQueries.list(actor, { unitId, unitRole, asOf: '2018-10-01', pageSize: 5 } as TaskListQueryDto);
              const expected = scanTasks(version.tasks.tasks, { units: new Set([unitId]), unitRole, asOf: '2018-10-01', accept: () => true, offset: 0, limit: 5 });
              expect([unitId, unitRole, answer.items.map((item) => item.taskId), answer.total]).toEqual([unitId, unitRole, expected.views.map((view) => view.taskId), expected.total]);
            }
          }
        }
      }),
      { numRuns: 80 },
    );
  });

  it('reads a task as READ_SCOPE does, for every role (a task, its timeline)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(taskArb, { minLength: 1, maxLength: 12 }), async (plans) => {
        const ledger = await ledgerOf(logOf(plans));
        try {
          const models = foldReadModels(emptyReadModels(), ledger.log);
          const units = orgUnitsOf(models.organisation);
          const taskQueries = queriesOver(models, ledger.store);
          for (const role of ROLES) {
            for (const unit of ACTOR_UNITS) {
              const actor: Actor = { id: 'p-caller', role, unit };
              const rule = byTheRule(actor, models, units);
              for (const view of models.tasks.tasks.values()) {
                const read = await taskQueries.timeline(actor, view.taskId).then(
                  (timeline) => timeline.taskId === view.taskId,
                  (error: { code?: string }) => {
                    if (error.code !== 'AUTH.OUT_OF_SCOPE') throw error;
                    return false;
                  },
                );
                expect({ actor, taskId: view.taskId, read }).toEqual({ actor, taskId: view.taskId, read: rule(view) });
              }
            }
          }
        } finally {
          await ledger.store.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('task reads as prebuilt JSON (the HTTP bodies)', () => {
  /** Titles and work in any script, with quotes, controls and lone surrogates (which JSON.stringify escapes). */
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: fc.constantFrom('国', '😀', '"', '\\', '\n', '\u2028', '\ud800', '\udfff', 'é'), maxLength: 8 }));
  const withTexts = (log: RecordedEvent[], texts: readonly string[]): RecordedEvent[] =>
    log.map((event, i) => {
      const t = texts.length === 0 ? 'T' : texts[i % texts.length];
      if (event.type === 'TaskRegistered') return { ...event, data: { ...event.data, title: t } };
      if (event.type === 'TaskAssigned') return { ...event, data: { ...event.data, work: t, expectedResult: `${t}!` } };
      return event;
    });
  const same = (json: string, body: unknown) => json === JSON.stringify(body);
  const admin: Actor = { id: 'p-admin', role: 'administrator', unit: 'city' };

  /** One TaskQueries over read models that move on (as the API's do), as the application has it. */
  function movingQueries(models: LedgerReadModels, store: LedgerStore) {
    const state = { models };
    const context = { for: (actor: Actor) => ({ models: state.models, scope: new ReadScope(actor, state.models, orgUnitsOf(state.models.organisation)) }) } as unknown as QueryContext;
    return { state, queries: new TaskQueries(context, { today: () => '2018-10-01' } as unknown as LedgerTime, store) };
  }

  /** The timeline body as the task view kept it before it was read from the log: a trace and data per event folded. */
  const keptTimeline = (log: readonly RecordedEvent[], view: TaskView) => ({
    taskId: view.taskId,
    version: view.version,
    items: log.filter((event) => event.streamId === `task-${view.taskId}` && event.streamVersion <= view.version).map(timelineEntryOf),
  });

  it('gives exactly the text of JSON.stringify of list and get, asked twice (random tasks, texts and queries, every role)', () => {
    fc.assert(
      fc.property(fc.array(taskArb, { minLength: 1, maxLength: 10 }), fc.array(text, { maxLength: 4 }), fc.array(queryArb, { minLength: 1, maxLength: 3 }), (plans, texts, queries) => {
        const models = foldReadModels(emptyReadModels(), withTexts(logOf(plans), texts));
        const taskQueries = queriesOver(models);
        for (const role of ROLES) {
          for (const unit of ['city', 'd1', 'nowhere']) {
            const actor: Actor = { id: 'p-caller', role, unit };
            for (const query of queries) {
              for (let round = 0; round < 2; round++) expect(same(taskQueries.listJson(actor, query).json, taskQueries.list(actor, query))).toBe(true);
            }
            for (const view of models.tasks.tasks.values()) {
              let body: unknown;
              try {
                body = taskQueries.get(actor, view.taskId);
              } catch (error) {
                if ((error as { code?: string }).code !== 'AUTH.OUT_OF_SCOPE') throw error;
                expect(() => taskQueries.getJson(actor, view.taskId)).toThrow(expect.objectContaining({ code: 'AUTH.OUT_OF_SCOPE' }));
                continue;
              }
              for (let round = 0; round < 2; round++) {
                const detail = taskQueries.getJson(actor, view.taskId);
                expect([same(detail.json, body), detail.version]).toEqual([true, view.version]);
              }
            }
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('gives a timeline read from the log as exactly the text the view\'s kept timeline gave, for the callers who may read it (random tasks and texts, every role)', async () => {
    // Texts the log accepts: it refuses a lone surrogate.
    const logText = text.map((t) => t.toWellFormed());
    await fc.assert(
      fc.asyncProperty(fc.array(taskArb, { minLength: 1, maxLength: 8 }), fc.array(logText, { maxLength: 4 }), async (plans, texts) => {
        const ledger = await ledgerOf(withTexts(logOf(plans), texts));
        try {
          const models = foldReadModels(emptyReadModels(), ledger.log);
          const taskQueries = queriesOver(models, ledger.store);
          for (const role of ROLES) {
            for (const unit of ['city', 'd1', 'nowhere']) {
              const actor: Actor = { id: 'p-caller', role, unit };
              for (const view of models.tasks.tasks.values()) {
                let readable = true;
                try {
                  taskQueries.get(actor, view.taskId);
                } catch (error) {
                  if ((error as { code?: string }).code !== 'AUTH.OUT_OF_SCOPE') throw error;
                  readable = false;
                }
                if (!readable) {
                  await expect(taskQueries.timelineJson(actor, view.taskId)).rejects.toMatchObject({ code: 'AUTH.OUT_OF_SCOPE' });
                  continue;
                }
                const timeline = await taskQueries.timelineJson(actor, view.taskId);
                expect([timeline.json, timeline.version]).toEqual([JSON.stringify(keptTimeline(ledger.log, view)), view.version]);
                expect(same(timeline.json, await taskQueries.timeline(actor, view.taskId))).toBe(true);
              }
            }
          }
        } finally {
          await ledger.store.close();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('serves a changed task from its new view, never the body cached for the view it replaced, and its timeline as far as the models reflect the log', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(taskArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 9 }), async (plans, batch) => {
        // The log holds every event from the start; the models catch up one event at a time.
        const ledger = await ledgerOf(logOf(plans));
        try {
          const log = ledger.log;
          const taskEvents = log.filter((event) => event.streamId.startsWith('task-'));
          const start = log.length - Math.min(batch, taskEvents.length);
          const { state, queries } = movingQueries(foldReadModels(emptyReadModels(), log.slice(0, start)), ledger.store);
          const everyAnswer = async () => {
            const query = { asOf: '2018-10-31', pageSize: 100 } as TaskListQueryDto;
            const answers: unknown[] = [same(queries.listJson(admin, query).json, queries.list(admin, query))];
            for (const view of state.models.tasks.tasks.values()) {
              const detail = queries.getJson(admin, view.taskId);
              const timeline = await queries.timelineJson(admin, view.taskId);
              answers.push([view.taskId, same(detail.json, queries.get(admin, view.taskId)), detail.version, JSON.parse(detail.json).version]);
              answers.push([view.taskId, timeline.json === JSON.stringify(keptTimeline(log, view)), timeline.version, JSON.parse(timeline.json).items.length]);
            }
            return answers;
          };
          await everyAnswer();
          // Then the rest of the log, one event at a time: each answer is the new view's (version, timeline length).
          for (const event of log.slice(start)) {
            state.models = foldReadModels(state.models, [event]);
            const answers = await everyAnswer();
            expect(answers[0]).toBe(true);
            for (const view of state.models.tasks.tasks.values()) {
              expect(answers).toContainEqual([view.taskId, true, view.version, view.version]);
              expect(answers.filter((answer) => Array.isArray(answer) && answer[0] === view.taskId && answer[1] !== true)).toEqual([]);
            }
          }
        } finally {
          await ledger.store.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
