import { Map as IMap } from 'immutable';
import type { JsonObject, RecordedEvent } from '@ledger/event-store';
import {
  isTaskEvent,
  taskDecider,
  TASK_EVENT_TYPES,
  type IsoDate,
  type TaskEvent,
  type TaskRecord,
  type TaskState,
  type Timeliness,
} from '@ledger/domain';
import { domainEventOf, traceOf, type EventTrace, type Projection } from '../projection';
import { EMPTY_TASK_INDEX, lastDayOf, reindexTask, viewTimelinessOn, type TaskIndex } from './task-index';

export * from './task-index';
export * from './sorted-keys';

/** One line of a task's timeline: the event, who did it in which role and unit, and when (occurred / recorded). */
export type TimelineEntry = EventTrace & { readonly data: JsonObject };

export type TaskView = {
  readonly taskId: string;
  readonly version: number;
  /** The domain's own task record (status, assignment, deadline in force, extension requests, ...). */
  readonly record: TaskRecord;
  /** Every event of `task-<id>`, in order: the task's full timeline. */
  readonly timeline: readonly TimelineEntry[];
  /** The latest day (`at`) among those events: on any day from it on, the task's timeliness is its record's. */
  readonly lastDay: string;
};

/** Every task by id, and the indexes the task list walks (task-index.ts). */
export type TasksModel = { readonly tasks: IMap<string, TaskView> } & TaskIndex;

/** The task stream's view from its own events only. */
export function evolveTaskView(view: TaskView | undefined, event: RecordedEvent): TaskView | undefined {
  if (!isTaskEvent(event)) return view;
  const before: TaskState = view ? view.record : taskDecider.initialState();
  const after = taskDecider.evolve(before, domainEventOf<TaskEvent>(event));
  if (after.status === 'none') return view;
  const entry: TimelineEntry = { ...traceOf(event), data: event.data };
  return {
    taskId: after.taskId,
    version: event.streamVersion,
    record: after,
    timeline: [...(view?.timeline ?? []), entry],
    lastDay: lastDayOf(view?.lastDay ?? '', (event.data as { at?: unknown }).at),
  };
}

export const TasksProjection: Projection<TasksModel> = {
  name: 'tasks',
  eventTypes: new Set(TASK_EVENT_TYPES),
  initialState: () => ({ tasks: IMap(), ...EMPTY_TASK_INDEX }),
  evolve: (model, event) => {
    const { taskId } = event.data as { taskId: string };
    const before = model.tasks.get(taskId);
    const view = evolveTaskView(before, event);
    if (view === undefined || view === before) return model;
    const { partitions, deadlines, byDirective, lastDay } = reindexTask(model, before, view);
    return { tasks: model.tasks.set(taskId, view), partitions, deadlines, byDirective, lastDay };
  },
};

/**
 * The task's timeliness on `asOf`, judged from the events that had happened by the end of that day (their
 * occurred-at): a verification or an extension entered later for a later day does not count.
 */
export function taskTimelinessOn(view: TaskView, asOf: IsoDate): Timeliness {
  return viewTimelinessOn(view, asOf);
}

/** The task's lead unit (null before assignment). */
export function leadUnitOf(view: TaskView): string | null {
  return view.record.assignment?.leadUnitId ?? null;
}
