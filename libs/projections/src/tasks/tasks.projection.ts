import { Map as IMap } from 'immutable';
import type { JsonObject, RecordedEvent } from '@ledger/event-store';
import {
  isTaskEvent,
  taskDecider,
  TASK_EVENT_TYPES,
  TIMELINESS_EVENT_TYPES,
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

/**
 * A task as the API holds it in memory: its record, and of its history only what is read without the log — not a
 * timeline (each event's trace and data, ~400 bytes a task kept per event it gained): the timeline is read from the
 * log when it is served (`timelineOf`). Per event, the view keeps the event's id only.
 */
export type TaskView = {
  readonly taskId: string;
  readonly version: number;
  /** The domain's own task record (status, assignment, deadline in force, extension requests, ...). */
  readonly record: TaskRecord;
  /** The id of every event of `task-<id>` the view folded, in order: an appraisal's evidence. */
  readonly eventIds: readonly string[];
  /** When the first event happened (its occurred-at, as a timeline entry has it): the task's date in an export. */
  readonly registeredAt: string;
  /** Who recorded the last event (its metadata's actor): the author a sign-off of the task's state names. */
  readonly lastActorId: string;
  /** How many times the completion was returned for redo (an appraisal's quality failures). */
  readonly returnsForRedo: number;
  /**
   * The task's events of the types timeliness depends on (`TIMELINESS_EVENT_TYPES`), in order, as `evolve` reads
   * them: timeliness on a day before `lastDay` is folded from these.
   */
  readonly timelinessEvents: readonly TaskEvent[];
  /** The latest day (`at`) among the task's events: on any day from it on, the task's timeliness is its record's. */
  readonly lastDay: string;
};

/** Every task by id, and the indexes the task list walks (task-index.ts). */
export type TasksModel = { readonly tasks: IMap<string, TaskView> } & TaskIndex;

/** The task stream's view from its own events only. */
export function evolveTaskView(view: TaskView | undefined, event: RecordedEvent): TaskView | undefined {
  if (!isTaskEvent(event)) return view;
  const before: TaskState = view ? view.record : taskDecider.initialState();
  const domainEvent = domainEventOf<TaskEvent>(event);
  const after = taskDecider.evolve(before, domainEvent);
  if (after.status === 'none') return view;
  return {
    taskId: after.taskId,
    version: event.streamVersion,
    record: after,
    eventIds: appended(view?.eventIds ?? [], event.id),
    registeredAt: view?.registeredAt ?? occurredAtOf(event),
    lastActorId: actorIdOf(event),
    returnsForRedo: (view?.returnsForRedo ?? 0) + (event.type === 'TaskReturnedForRedo' ? 1 : 0),
    timelinessEvents: TIMELINESS_EVENT_TYPES.has(domainEvent.type) ? appended(view?.timelinessEvents ?? [], domainEvent) : (view?.timelinessEvents ?? []),
    lastDay: lastDayOf(view?.lastDay ?? '', (event.data as { at?: unknown }).at),
  };
}

const TASK_TYPES: ReadonlySet<string> = new Set(TASK_EVENT_TYPES);

export const TasksProjection: Projection<TasksModel> = {
  name: 'tasks',
  // 2: a view keeps event ids and the timeliness events instead of a timeline. The definition hash (read-store's
  // `definitionOf`) sees the empty model only, where no view is, so it does not notice a view's shape change itself.
  version: '2',
  eventTypes: TASK_TYPES,
  initialState: () => ({ tasks: IMap(), ...EMPTY_TASK_INDEX }),
  evolve: (model, event) => evolveTasks(model, [event]),
  evolveAll: (model, events) => evolveTasks(model, events),
};

/** A view built in the current batch: nobody outside it has seen it yet, so the batch may still change it. */
type DraftView = { -readonly [K in keyof TaskView]: TaskView[K] } & { eventIds: string[] };

/**
 * `evolveTaskView` and the index's `reindexTask` for each event in turn, on transient copies: the tasks Map and the
 * index's Maps are copied once per batch, and a task's view (and its event ids) once per batch however many of the
 * batch's events are the task's — the views the batch made are changed in place until it returns.
 */
function evolveTasks(model: TasksModel, events: readonly RecordedEvent[]): TasksModel {
  let tasks: IMap<string, TaskView> | undefined;
  const index = new TaskIndexDraft(model);
  // The views this batch made, by task id. With one event (evolve), no view of the batch is seen twice.
  const drafts = events.length > 1 ? new Map<string, DraftView>() : undefined;
  // The views whose event ids grew by a push, to be made exact in length at the end (see `appended`).
  let grown: Set<DraftView> | undefined;
  for (const event of events) {
    // isTaskEvent, by a Set rather than the list.
    if (!TASK_TYPES.has(event.type)) continue;
    const { taskId } = event.data as { taskId: string };
    const draft = drafts?.get(taskId);
    const before = draft ?? (tasks ?? model.tasks).get(taskId);
    const record = before ? before.record : taskDecider.initialState();
    const domainEvent = domainEventOf<TaskEvent>(event);
    const after = taskDecider.evolve(record, domainEvent);
    if (after.status === 'none') continue;
    const timeliness = TIMELINESS_EVENT_TYPES.has(domainEvent.type);
    const lastDay = lastDayOf(before?.lastDay ?? '', (event.data as { at?: unknown }).at);
    const lastActorId = actorIdOf(event);
    const returned = event.type === 'TaskReturnedForRedo' ? 1 : 0;
    let view: TaskView;
    if (draft !== undefined) {
      draft.taskId = after.taskId;
      draft.version = event.streamVersion;
      draft.record = after;
      draft.eventIds.push(event.id);
      // Rare (a few per task): a new array each time, so one the draft still shares with the view before it stays as it was.
      if (timeliness) draft.timelinessEvents = appended(draft.timelinessEvents, domainEvent);
      (grown ??= new Set()).add(draft);
      draft.lastActorId = lastActorId;
      draft.returnsForRedo += returned;
      draft.lastDay = lastDay;
      view = draft;
    } else {
      const made: DraftView = {
        taskId: after.taskId,
        version: event.streamVersion,
        record: after,
        eventIds: before === undefined ? [event.id] : appended(before.eventIds, event.id),
        registeredAt: before?.registeredAt ?? occurredAtOf(event),
        lastActorId,
        returnsForRedo: (before?.returnsForRedo ?? 0) + returned,
        // An untouched array is shared with the view it replaces, as the one-by-one fold shares it.
        timelinessEvents: timeliness ? appended(before?.timelinessEvents ?? [], domainEvent) : (before?.timelinessEvents ?? []),
        lastDay,
      };
      drafts?.set(taskId, made);
      (tasks ??= model.tasks.asMutable()).set(taskId, made);
      view = made;
    }
    index.reindex(before === undefined ? undefined : (record as TaskRecord), view);
  }
  if (tasks === undefined) return model;
  if (grown !== undefined) for (const draft of grown) draft.eventIds = draft.eventIds.slice();
  const { partitions, deadlines, byDirective, lastDay } = index.done();
  return { tasks: tasks.asImmutable(), partitions, deadlines, byDirective, lastDay };
}

/**
 * `items` and then `item`, in an array of exactly that length. A spread (`[...items, item]`) or a `push` leaves the
 * array room to grow (17 slots for 3 or 4 items: 224 bytes instead of 80), and the array is kept, by every task
 * view, until the task's next event replaces it: under a stream of progress reports and reminders that room was
 * most of what a task view gained per event. A batch still pushes on the arrays it made (one copy per task per
 * batch) and copies those it pushed on to their exact length once, at its end.
 */
function appended<T>(items: readonly T[], item: T): T[] {
  // (`concat` and `slice` allocate exactly what they copy.)
  return items.concat([item]);
}

/** When the event happened: its `at` (with the jurisdiction's offset), else its metadata's occurred-at. */
function occurredAtOf(event: RecordedEvent): string {
  const at = (event.data as { at?: unknown }).at;
  return typeof at === 'string' ? at : event.metadata.occurredAt;
}

/** The event's actor id, as the interned actor has it (one string per actor, not one per event). */
function actorIdOf(event: RecordedEvent): string {
  const { metadata } = event;
  return actorOf(metadata.actorId, metadata.actorRole as Role, metadata.actorUnit).id;
}

/** What the timeline shows of an event: its trace and its data (`traceOf`'s fields, built as one object). */
export function timelineEntryOf(event: RecordedEvent): TimelineEntry {
  const { metadata, data } = event;
  return {
    eventId: event.id,
    position: event.position,
    streamVersion: event.streamVersion,
    type: event.type,
    actor: actorOf(metadata.actorId, metadata.actorRole as Role, metadata.actorUnit),
    occurredAt: occurredAtOf(event),
    recordedAt: metadata.recordedAt,
    data,
  };
}

/**
 * The task's timeline from its stream as read from the log (`readStream('task-<id>')`), as far as a view folded up
 * to log position `upTo` has it: an entry for each event that view folded (a task event that leaves the task
 * registered: the same test as `evolveTaskView`'s), in order.
 */
export function timelineOf(stream: readonly RecordedEvent[], upTo = Infinity): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  let state: TaskState = taskDecider.initialState();
  for (const event of stream) {
    if (event.position > upTo) break;
    if (!isTaskEvent(event)) continue;
    state = taskDecider.evolve(state, domainEventOf<TaskEvent>(event));
    if (state.status !== 'none') entries.push(timelineEntryOf(event));
  }
  return entries;
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
