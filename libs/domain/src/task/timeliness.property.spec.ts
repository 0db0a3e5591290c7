import fc from 'fast-check';
import type { Actor } from '../shared/actor';
import { addDays, dateOf, type IsoDate } from '../shared/dates';
import { fold } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { jsonProblem } from '../shared/json';
import { headOf, hengyang, inspector, mayor, runTask, staffOf, t4Assignment, watcher } from '../testing/hengyang.fixtures';
import type { TaskCommand } from './commands';
import { type TaskState, taskDecider } from './decider';
import type { TaskEvent, TaskEventType } from './events';
import { timeliness, TIMELINESS_EVENT_TYPES, timelinessOn, TIMELINESS_VALUES } from './timeliness';

/**
 * Random T4 histories for Zhuhui, driven through the real decider: each step picks a command (some of them
 * refused: wrong role, self-approval, late extension, ...), and only accepted events enter the history. The
 * invariants are then checked over the whole history and over a range of dates.
 */
const ACTIONS = [
  'acknowledge',
  'progress',
  'complete',
  'verify',
  'return',
  'remind',
  'request',
  'grant',
  'deny',
  'mark',
  'close',
  'cancel',
] as const;
type Action = (typeof ACTIONS)[number];

const step = fc.record({
  advance: fc.integer({ min: 0, max: 12 }),
  action: fc.oneof(
    ...ACTIONS.map((action) => ({ arbitrary: fc.constant<Action>(action), weight: action === 'cancel' ? 1 : 6 })),
  ),
  percent: fc.integer({ min: 0, max: 100 }),
  days: fc.integer({ min: -20, max: 90 }),
  pick: fc.integer({ min: 0, max: 2 }),
});
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

const head = headOf('zh');
const staff = staffOf('zh');
const HASH = 'c'.repeat(64);

function commandFor(s: Step, index: number, state: TaskState, day: IsoDate): TaskCommand {
  const at = { taskId: 't4-zh', now: hengyang(day) };
  const deadline = state.status !== 'none' && state.deadline !== null ? state.deadline : '2018-10-31';
  const pending = state.status !== 'none' ? state.extensionRequests.find((r) => r.decision === 'pending') : undefined;
  const checker: Actor = [inspector, mayor, staff][s.pick];
  switch (s.action) {
    case 'acknowledge':
      return { ...at, type: 'AcknowledgeTask', actor: head };
    case 'progress':
      return { ...at, type: 'ReportProgress', actor: staff, percent: s.percent, narrative: 'progress', evidence: [HASH] };
    case 'complete':
      // Sometimes reported by the inspector, so that a self-verification gets attempted (and refused).
      return { ...at, type: 'ReportCompletion', actor: s.pick === 0 ? inspector : staff, narrative: 'done', evidence: [] };
    case 'verify':
      return { ...at, type: 'VerifyCompletion', actor: checker };
    case 'return':
      return { ...at, type: 'ReturnTaskForRedo', actor: checker, reason: 'redo' };
    case 'remind':
      return { ...at, type: 'IssueReminder', actor: inspector, message: 'hurry', channel: 'phone' };
    case 'request':
      return {
        ...at,
        type: 'RequestExtension',
        actor: s.pick === 0 ? mayor : head,
        requestId: `r-${index}`,
        newDeadline: addDays(deadline, s.days),
        reason: 'more time',
      };
    case 'grant':
      return {
        ...at,
        type: 'GrantExtension',
        actor: s.pick === 2 ? head : mayor,
        requestId: pending?.requestId ?? 'r-none',
        newDeadline: addDays(deadline, s.days),
      };
    case 'deny':
      return { ...at, type: 'DenyExtension', actor: mayor, requestId: pending?.requestId ?? 'r-none', reason: 'no' };
    case 'mark':
      return { ...at, type: 'MarkDeadlinePassed', actor: watcher };
    case 'close':
      return { ...at, type: 'CloseTask', actor: inspector };
    case 'cancel':
      return { ...at, type: 'CancelTask', actor: mayor, reason: 'superseded', signOffId: `so-${index}` };
  }
}

type Outcome = { events: TaskEvent[]; lastDay: IsoDate; refusals: string[] };

/** Plays the steps; checks step invariants on the way. Anything thrown that is not a DomainError fails the run. */
function play(steps: readonly Step[]): Outcome {
  const events = runTask(t4Assignment('zh'));
  const refusals: string[] = [];
  let day = '2018-09-06';
  steps.forEach((s, index) => {
    day = addDays(day, s.advance);
    const before = fold(taskDecider, events);
    let produced: TaskEvent[];
    try {
      produced = taskDecider.decide(commandFor(s, index, before, day), before);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refusals.push(error.code);
      return;
    }
    for (const event of produced) {
      expect(jsonProblem(event)).toBeNull();
      const deadlineBefore = deadlineOf(fold(taskDecider, events));
      if (event.type === 'ExtensionRequested') {
        // A request is only ever recorded on or before the deadline in force.
        expect(dateOf(event.data.at) <= deadlineBefore!).toBe(true);
      }
      events.push(event);
      const deadlineAfter = deadlineOf(fold(taskDecider, events));
      if (event.type === 'ExtensionGranted') expect(deadlineAfter! > deadlineBefore!).toBe(true);
      else expect(deadlineAfter).toBe(deadlineBefore);
    }
  });
  return { events, lastDay: day, refusals };
}

function deadlineOf(state: TaskState): IsoDate | null {
  return state.status === 'none' ? null : state.deadline;
}

const histories = fc.array(step, { minLength: 0, maxLength: 40, size: 'max' });
const RUNS = { numRuns: 300 };

describe('timeliness properties over random task histories', () => {
  it('only a granted extension moves the deadline, always later; no request is recorded after the deadline', () => {
    fc.assert(fc.property(histories, (steps) => void play(steps)), RUNS);
  });

  it('progress never goes down except right after a return for redo', () => {
    fc.assert(
      fc.property(histories, (steps) => {
        let previous = -1;
        let returned = false;
        for (const event of play(steps).events) {
          if (event.type === 'TaskReturnedForRedo') returned = true;
          if (event.type === 'CompletionReported') previous = 100;
          if (event.type === 'ProgressReported') {
            if (!returned) expect(event.data.percent).toBeGreaterThanOrEqual(previous);
            previous = event.data.percent;
            returned = false;
          }
        }
      }),
      RUNS,
    );
  });

  it('classifies every state into exactly one value, with cancelled and not-yet-done consistent with the state', () => {
    fc.assert(
      fc.property(histories, fc.integer({ min: -30, max: 500 }), (steps, offset) => {
        const { events } = play(steps);
        const state = fold(taskDecider, events);
        const asOf = addDays('2018-09-06', offset);
        const value = timeliness(state, asOf);
        expect(TIMELINESS_VALUES).toContain(value);
        if (state.status === 'none') return;
        expect(value === 'cancelled').toBe(state.status === 'cancelled');
        expect(value.startsWith('done_')).toBe(state.verification !== null && state.status !== 'cancelled');
      }),
      RUNS,
    );
  });

  it('a done task is on time exactly when the verified report is dated on or before the deadline, whatever the date asked', () => {
    fc.assert(
      fc.property(histories, fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }), (steps, a, b) => {
        const state = fold(taskDecider, play(steps).events);
        if (state.status === 'none' || state.verification === null || state.completion === null) return;
        const first = timeliness(state, addDays('2018-09-06', a));
        expect(timeliness(state, addDays('2018-09-06', b))).toBe(first);
        expect(first).toBe(state.completion.reportedOn <= state.deadline! ? 'done_on_time' : 'done_late');
      }),
      RUNS,
    );
  });

  it('a task not done is within its deadline up to and including the deadline day, and overdue ever after', () => {
    fc.assert(
      fc.property(histories, fc.integer({ min: -30, max: 500 }), fc.integer({ min: 0, max: 100 }), (steps, offset, later) => {
        const state = fold(taskDecider, play(steps).events);
        if (state.status === 'none' || state.status === 'cancelled' || state.verification !== null) return;
        const asOf = addDays('2018-09-06', offset);
        const value = timeliness(state, asOf);
        expect(value).toBe(asOf <= state.deadline! ? 'not_done_within_deadline' : 'not_done_overdue');
        if (value === 'not_done_overdue') expect(timeliness(state, addDays(asOf, later))).toBe('not_done_overdue');
      }),
      RUNS,
    );
  });

  it('asking on a date after the last event gives the same answer from the events as from the state', () => {
    fc.assert(
      fc.property(histories, fc.integer({ min: 0, max: 60 }), (steps, after) => {
        const { events, lastDay } = play(steps);
        const asOf = addDays(lastDay, after);
        expect(timelinessOn(events, asOf)).toBe(timeliness(fold(taskDecider, events), asOf));
      }),
      RUNS,
    );
  });

  it('on any past date, a task counts as done only if its verification had happened by then', () => {
    fc.assert(
      fc.property(histories, fc.integer({ min: 0, max: 500 }), (steps, offset) => {
        const { events } = play(steps);
        const asOf = addDays('2018-09-06', offset);
        const verifiedBy = events.some((event) => event.type === 'CompletionVerified' && dateOf(event.data.at) <= asOf);
        const cancelledBy = events.some((event) => event.type === 'TaskCancelled' && dateOf(event.data.at) <= asOf);
        expect(timelinessOn(events, asOf).startsWith('done_')).toBe(verifiedBy && !cancelledBy);
      }),
      RUNS,
    );
  });

  it('the random histories reach the interesting states (guards the generator itself)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(histories, (steps) => {
        const { events, refusals } = play(steps);
        events.forEach((event) => seen.add(event.type));
        refusals.forEach((code) => seen.add(code));
      }),
      { numRuns: 300, seed: 42 },
    );
    for (const expected of [
      'CompletionVerified',
      'TaskReturnedForRedo',
      'ExtensionGranted',
      'ExtensionDenied',
      'DeadlinePassed',
      'TaskCancelled',
      'TaskClosed',
      'TASK.EXTENSION_AFTER_DEADLINE',
      'TASK.SELF_VERIFICATION',
      'TASK.PROGRESS_DECREASED',
    ]) {
      expect(seen).toContain(expected);
    }
  });
});

/**
 * Streams with late entries: each step is decided on the stream so far, but dated `late` days before the day the
 * history has reached (an entry made afterwards for an earlier day, as an administrator's backdated command is), so
 * an event's `at` may be earlier than that of events before it. The task itself is registered and assigned on days
 * of their own, the assignment possibly dated before the registration. Transfers are among the steps.
 */
const lateStep = fc.record({
  step,
  transfer: fc.boolean(),
  late: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 60 }) }),
});
const lateHistories = fc.record({
  registeredOn: fc.integer({ min: 0, max: 20 }),
  assignedOn: fc.integer({ min: -10, max: 20 }),
  deadline: fc.integer({ min: 20, max: 90 }),
  steps: fc.array(lateStep, { minLength: 0, maxLength: 40, size: 'max' }),
});
type LateHistory = typeof lateHistories extends fc.Arbitrary<infer T> ? T : never;

function playWithLateEntries({ registeredOn, assignedOn, deadline, steps }: LateHistory): TaskEvent[] {
  const [register, assign] = t4Assignment('zh');
  const events: TaskEvent[] = [];
  const attempt = (command: TaskCommand) => {
    try {
      events.push(...taskDecider.decide(command, fold(taskDecider, events)));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  };
  const start = '2018-09-06';
  attempt({ ...register, now: hengyang(addDays(start, registeredOn)) });
  attempt({ ...assign, now: hengyang(addDays(start, Math.max(0, assignedOn))), deadline: addDays(start, deadline) } as TaskCommand);
  let day = addDays(start, Math.max(registeredOn, assignedOn));
  steps.forEach(({ step: s, transfer, late }, index) => {
    day = addDays(day, s.advance);
    const now = hengyang(addDays(day, -late));
    const state = fold(taskDecider, events);
    if (transfer) {
      const to = ['hn', 'sg', 'zh'][s.pick];
      attempt({ type: 'TransferTask', taskId: 't4-zh', now, actor: mayor, toUnitId: to, leadUnitHead: { unitId: to, personId: `p-${to}-head`, name: 'Head', postTitle: 'Head' }, reason: 'reorganised' });
    } else {
      attempt({ ...commandFor(s, index, state, addDays(day, -late)), now });
    }
  });
  return events;
}

/** Every day from two days before the stream's earliest `at` to two days after its latest. */
function daysAround(events: readonly TaskEvent[]): IsoDate[] {
  const dates = events.map((event) => dateOf(event.data.at)).sort();
  const days: IsoDate[] = [];
  if (dates.length === 0) return ['2018-09-06'];
  for (let day = addDays(dates[0], -2); day <= addDays(dates[dates.length - 1], 2); day = addDays(day, 1)) days.push(day);
  return days;
}

/** Whether some day around the stream judges it otherwise from only the events of `types`. */
function differsOnSomeDay(events: readonly TaskEvent[], types: ReadonlySet<string>): boolean {
  const kept = events.filter((event) => types.has(event.type));
  return daysAround(events).some((day) => timelinessOn(events, day) !== timelinessOn(kept, day));
}

describe('TIMELINESS_EVENT_TYPES: the events timeliness on a past day depends on', () => {
  it('gives the same timeliness on every day around a stream from only its events of those types (random streams with late entries)', () => {
    fc.assert(
      fc.property(lateHistories, (history) => {
        const events = playWithLateEntries(history);
        const kept = events.filter((event) => TIMELINESS_EVENT_TYPES.has(event.type));
        for (const day of daysAround(events)) expect({ day, value: timelinessOn(kept, day) }).toEqual({ day, value: timelinessOn(events, day) });
      }),
      { numRuns: 500 },
    );
  });

  it('needs every one of them: without any one, some random stream is judged otherwise on some day', () => {
    for (const type of TIMELINESS_EVENT_TYPES) {
      const without = new Set([...TIMELINESS_EVENT_TYPES].filter((t) => t !== type));
      const found = fc.check(fc.property(lateHistories, (history) => !differsOnSomeDay(playWithLateEntries(history), without)), { numRuns: 2000, seed: 7 });
      expect({ type, counterexample: found.failed }).toEqual({ type, counterexample: true });
    }
  });

  it('holds no progress report, reminder, acknowledgement, extension request or denial, return, deadline mark, closing or transfer', () => {
    const others: TaskEventType[] = ['TaskAcknowledged', 'ProgressReported', 'ReminderIssued', 'ExtensionRequested', 'ExtensionDenied', 'TaskReturnedForRedo', 'DeadlinePassed', 'TaskClosed', 'TaskTransferred'];
    expect(others.filter((type) => TIMELINESS_EVENT_TYPES.has(type))).toEqual([]);
  });

  it('the streams with late entries reach every kind of event, and events dated before earlier ones (guards the generator)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(lateHistories, (history) => {
        const events = playWithLateEntries(history);
        events.forEach((event, i) => {
          seen.add(event.type);
          if (i > 0 && dateOf(event.data.at) < dateOf(events[i - 1].data.at)) seen.add(`late ${event.type}`);
        });
      }),
      { numRuns: 500, seed: 42 },
    );
    for (const type of ['TaskTransferred', 'CompletionVerified', 'TaskReturnedForRedo', 'ExtensionGranted', 'TaskCancelled', 'TaskClosed', 'late TaskAssigned', 'late CompletionVerified', 'late ExtensionGranted', 'late CompletionReported']) {
      expect(seen).toContain(type);
    }
  });
});
