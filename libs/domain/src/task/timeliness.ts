import { dateOf, hasPassed, type IsoDate } from '../shared/dates';
import type { Labels } from '../errors/messages';
import { fold } from '../shared/decider';
import { taskDecider, type TaskState } from './decider';
import type { TaskEvent } from './events';

/**
 * Timeliness as the government task-tracking reports count it (four classes):
 * - done_on_time: completion verified, and the completion report that was verified is dated on or before the
 *   deadline in force (the original one, or the last granted extension);
 * - done_late: completion verified, report dated after that deadline;
 * - not_done_within_deadline: not verified, and `asOf` is on or before the deadline (the deadline day counts);
 * - not_done_overdue: not verified, and `asOf` is after the deadline.
 *
 * "Done" means completion *verified*: a report awaiting verification, or returned for redo, is not done, so a
 * task reported on the deadline day but verified after it counts as not done, overdue, until verified, then as
 * done on time (the report date decides).
 *
 * Two more values are outside the four counted classes, and reports leave them out of the totals:
 * - cancelled: the task was withdrawn by a leader with a sign-off; it is neither done nor not done;
 * - not_assigned: registered but not yet assigned: it has no deadline to be measured against.
 *
 * `timeliness` judges the state it is given; to ask about a past date, fold only the events up to that date
 * (`timelinessOn` does, by each event's `at`): a verification or an extension recorded later must not count.
 */
export const COUNTED_TIMELINESS = [
  'done_on_time',
  'done_late',
  'not_done_within_deadline',
  'not_done_overdue',
] as const;
export type CountedTimeliness = (typeof COUNTED_TIMELINESS)[number];
export type Timeliness = CountedTimeliness | 'cancelled' | 'not_assigned';
export const TIMELINESS_VALUES: readonly Timeliness[] = [...COUNTED_TIMELINESS, 'cancelled', 'not_assigned'];

export function isCountedTimeliness(value: Timeliness): value is CountedTimeliness {
  return (COUNTED_TIMELINESS as readonly string[]).includes(value);
}

export function timeliness(state: TaskState, asOf: IsoDate): Timeliness {
  if (state.status === 'cancelled') return 'cancelled';
  if (state.status === 'none' || state.deadline === null) return 'not_assigned';
  if (state.verification !== null && state.completion !== null) {
    return hasPassed(state.deadline, state.completion.reportedOn) ? 'done_late' : 'done_on_time';
  }
  return hasPassed(state.deadline, asOf) ? 'not_done_overdue' : 'not_done_within_deadline';
}

/**
 * The task events that can change what `timeliness` reads (the status only as far as `none` and `cancelled` go, the
 * deadline in force, the completion report and its verification): `timelinessOn` over a task's events gives the same
 * answer, on every day, over only those of these types (timeliness.property.spec.ts checks it on random streams with
 * late entries). Nothing else's `evolve` writes those fields or reads a field that one of these writes — a return for
 * redo leaves the completion as it was, a closing leaves the verification — and nothing follows a cancellation. So a
 * read model that judges timeliness on past days keeps these few events per task, not the progress reports and
 * reminders that make up most of a task's stream.
 */
export const TIMELINESS_EVENT_TYPES: ReadonlySet<TaskEvent['type']> = new Set<TaskEvent['type']>([
  'TaskRegistered',
  'TaskAssigned',
  'ExtensionGranted',
  'CompletionReported',
  'CompletionVerified',
  'TaskCancelled',
]);

/** Timeliness on `asOf`, from the events that had happened by the end of that day (by their `at`). */
export function timelinessOn(events: readonly TaskEvent[], asOf: IsoDate): Timeliness {
  return timeliness(
    fold(
      taskDecider,
      events.filter((event) => dateOf(event.data.at) <= asOf),
    ),
    asOf,
  );
}

/** Labels for reports, in the three working languages. */
export const TIMELINESS_LABELS: { readonly [T in Timeliness]: Labels } = {
  done_on_time: { en: 'Done on time', vi: 'Hoàn thành đúng hạn', zh: '按期办结' },
  done_late: { en: 'Done late', vi: 'Hoàn thành quá hạn', zh: '逾期办结' },
  not_done_within_deadline: { en: 'Not done, within deadline', vi: 'Chưa hoàn thành, còn trong hạn', zh: '未办结，未超期' },
  not_done_overdue: { en: 'Not done, overdue', vi: 'Chưa hoàn thành, đã quá hạn', zh: '逾期未办结' },
  cancelled: { en: 'Cancelled', vi: 'Đã hủy', zh: '已撤销' },
  not_assigned: { en: 'Not yet assigned', vi: 'Chưa giao', zh: '尚未交办' },
};
