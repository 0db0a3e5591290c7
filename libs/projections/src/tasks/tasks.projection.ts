import { Map as IMap } from 'immutable';
import type { JsonObject, RecordedEvent } from '@ledger/event-store';
import {
  isTaskEvent,
  taskDecider,
  TASK_EVENT_TYPES,
  type IsoDate,
  type Role,
  type TaskEvent,
  type TaskRecord,
  type TaskState,
  type Timeliness,
} from '@ledger/domain';
import { actorOf, domainEventOf, type EventTrace, type Projection } from '../projection';
import { EMPTY_TASK_INDEX, lastDayOf, TaskIndexDraft, viewTimelinessOn, type TaskIndex } from './task-index';

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
  const entry = timelineEntryOf(event);
  return {
    taskId: after.taskId,
    version: event.streamVersion,
    record: after,
    timeline: appended(view?.timeline ?? [], entry),
    lastDay: lastDayOf(view?.lastDay ?? '', (event.data as { at?: unknown }).at),
  };
}

const TASK_TYPES: ReadonlySet<string> = new Set(TASK_EVENT_TYPES);

export const TasksProjection: Projection<TasksModel> = {
  name: 'tasks',
  eventTypes: TASK_TYPES,
  initialState: () => ({ tasks: IMap(), ...EMPTY_TASK_INDEX }),
  evolve: (model, event) => evolveTasks(model, [event]),
  evolveAll: (model, events) => evolveTasks(model, events),
};

/** A view built in the current batch: nobody outside it has seen it yet, so the batch may still change it. */
type DraftView = { -readonly [K in keyof TaskView]: TaskView[K] } & { timeline: TimelineEntry[] };

/**
 * `evolveTaskView` and the index's `reindexTask` for each event in turn, on transient copies: the tasks Map and the
 * index's Maps are copied once per batch, and a task's view (and its timeline array) once per batch however many of
 * the batch's events are the task's — the views the batch made are changed in place until it returns.
 */
function evolveTasks(model: TasksModel, events: readonly RecordedEvent[]): TasksModel {
  let tasks: IMap<string, TaskView> | undefined;
  const index = new TaskIndexDraft(model);
  // The views this batch made, by task id. With one event (evolve), no view of the batch is seen twice.
  const drafts = events.length > 1 ? new Map<string, DraftView>() : undefined;
  // The views whose timeline grew by a push, to be made exact in length at the end (see `appended`).
  let grown: Set<DraftView> | undefined;
  for (const event of events) {
    // isTaskEvent, by a Set rather than the list.
    if (!TASK_TYPES.has(event.type)) continue;
    const { taskId } = event.data as { taskId: string };
    const draft = drafts?.get(taskId);
    const before = draft ?? (tasks ?? model.tasks).get(taskId);
    const record = before ? before.record : taskDecider.initialState();
    const after = taskDecider.evolve(record, domainEventOf<TaskEvent>(event));
    if (after.status === 'none') continue;
    const entry: TimelineEntry = timelineEntryOf(event);
    const lastDay = lastDayOf(before?.lastDay ?? '', (event.data as { at?: unknown }).at);
    let view: TaskView;
    if (draft !== undefined) {
      draft.taskId = after.taskId;
      draft.version = event.streamVersion;
      draft.record = after;
      draft.timeline.push(entry);
      (grown ??= new Set()).add(draft);
      draft.lastDay = lastDay;
      view = draft;
    } else {
      const timeline = before === undefined ? [entry] : appended(before.timeline, entry);
      const made: DraftView = { taskId: after.taskId, version: event.streamVersion, record: after, timeline, lastDay };
      drafts?.set(taskId, made);
      (tasks ??= model.tasks.asMutable()).set(taskId, made);
      view = made;
    }
    index.reindex(before === undefined ? undefined : (record as TaskRecord), view);
  }
  if (tasks === undefined) return model;
  if (grown !== undefined) for (const draft of grown) draft.timeline = draft.timeline.slice();
  const { partitions, deadlines, byDirective, lastDay } = index.done();
  return { tasks: tasks.asImmutable(), partitions, deadlines, byDirective, lastDay };
}

/**
 * `timeline` and then `entry`, in an array of exactly that length. A spread (`[...timeline, entry]`) or a `push`
 * leaves the array room to grow (17 slots for a timeline of 3 or 4: 224 bytes instead of 80), and a timeline is
 * kept, by every task view, until the task's next event replaces it: under a stream of progress reports and
 * reminders that room was most of what a task view gained per event. A batch still pushes on the timelines it made
 * (one copy per task per batch) and copies those it pushed on to their exact length once, at its end.
 */
function appended(timeline: readonly TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  // (`concat` and `slice` allocate exactly what they copy.)
  return timeline.concat([entry]);
}

/** What the timeline keeps of an event: its trace and its data (`traceOf`'s fields, built as one object). */
function timelineEntryOf(event: RecordedEvent): TimelineEntry {
  const { metadata, data } = event;
  const at = (data as { at?: unknown }).at;
  return {
    eventId: event.id,
    position: event.position,
    streamVersion: event.streamVersion,
    type: event.type,
    actor: actorOf(metadata.actorId, metadata.actorRole as Role, metadata.actorUnit),
    occurredAt: typeof at === 'string' ? at : metadata.occurredAt,
    recordedAt: metadata.recordedAt,
    data,
  };
}

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
