import { List, Map as IMap } from 'immutable';
import type { JsonObject, RecordedEvent } from '@ledger/event-store';
import { TASK_EVENT_TYPES } from '@ledger/domain';
import { traceOf, type EventTrace, type Projection } from '../projection';

/**
 * "What was this unit told, and when": every notice addressed to a unit — assignments, reminders (催办 / đôn đốc),
 * returns for redo, extension decisions, verification results, deadline notices, cancellations, closures,
 * transfers, and amendments or withdrawals of the directive behind its tasks; inspection notices (通报) to their
 * addressees, and interviews (约谈) of a unit, which the unit attended on `heldOn` — with both clocks, so an entry
 * recorded after the fact shows as such.
 */
export type NoticeKind =
  | 'assignment'
  | 'reminder'
  | 'returned_for_redo'
  | 'extension_granted'
  | 'extension_denied'
  | 'completion_verified'
  | 'deadline_passed'
  | 'task_cancelled'
  | 'task_closed'
  | 'task_transferred'
  | 'directive_amended'
  | 'directive_withdrawn'
  | 'inspection_notice'
  | 'interview';

export type Notice = EventTrace & {
  readonly kind: NoticeKind;
  /** Why the unit received it: as the task's lead unit, as a co-unit, or as the unit a task was transferred from/to. */
  readonly addressedAs: 'lead' | 'co' | 'transferred_from' | 'transferred_to' | 'addressee' | 'interviewed';
  readonly taskId: string | null;
  readonly directiveId: string | null;
  /** The event's own fields (message, reason, deadlines, comment, channel), without `at` and `by`. */
  readonly details: JsonObject;
};

type TaskAddressees = { readonly directiveId: string | null; readonly leadUnitId: string | null; readonly coUnitIds: readonly string[] };

export type NoticesModel = {
  readonly byUnit: IMap<string, List<Notice>>;
  /** Who a task's notices go to now (lead and co-units), by task id. */
  readonly addressees: IMap<string, TaskAddressees>;
  /** Tasks under each directive, for directive amendments and withdrawals. */
  readonly tasksOfDirective: IMap<string, List<string>>;
};

const TASK_NOTICE: Partial<Record<string, NoticeKind>> = {
  ReminderIssued: 'reminder',
  TaskReturnedForRedo: 'returned_for_redo',
  ExtensionGranted: 'extension_granted',
  ExtensionDenied: 'extension_denied',
  CompletionVerified: 'completion_verified',
  DeadlinePassed: 'deadline_passed',
  TaskCancelled: 'task_cancelled',
  TaskClosed: 'task_closed',
};

function detailsOf(data: JsonObject): JsonObject {
  const { at: _at, by: _by, ...rest } = data;
  return rest;
}

/**
 * The model under change within one batch of events: its Maps, and each List a batch's event adds to, copied once
 * per batch (transient copies, changed in place) instead of once per event; `done` makes them immutable again and
 * gives back the model itself when no event changed it.
 */
class NoticesDraft {
  private byUnit: IMap<string, List<Notice>> | undefined;
  private addressees: IMap<string, TaskAddressees> | undefined;
  private tasksOfDirective: IMap<string, List<string>> | undefined;
  private readonly notices = new globalThis.Map<string, List<Notice>>();
  private readonly taskLists = new globalThis.Map<string, List<string>>();

  constructor(private readonly model: NoticesModel) {}

  addresseesOf(taskId: string): TaskAddressees | undefined {
    return (this.addressees ?? this.model.addressees).get(taskId);
  }

  setAddressees(taskId: string, addressees: TaskAddressees): void {
    (this.addressees ??= this.model.addressees.asMutable()).set(taskId, addressees);
  }

  tasksOf(directiveId: string): List<string> {
    return this.taskLists.get(directiveId) ?? this.model.tasksOfDirective.get(directiveId, EMPTY_IDS);
  }

  addTask(directiveId: string, taskId: string): void {
    const all = (this.tasksOfDirective ??= this.model.tasksOfDirective.asMutable());
    pushOwned(all, this.taskLists, directiveId, taskId, EMPTY_IDS);
  }

  add(unitId: string, notice: Notice): void {
    const all = (this.byUnit ??= this.model.byUnit.asMutable());
    pushOwned(all, this.notices, unitId, notice, EMPTY_NOTICES);
  }

  done(): NoticesModel {
    if (this.byUnit === undefined && this.addressees === undefined && this.tasksOfDirective === undefined) return this.model;
    for (const list of this.notices.values()) list.asImmutable();
    for (const list of this.taskLists.values()) list.asImmutable();
    return {
      byUnit: this.byUnit?.asImmutable() ?? this.model.byUnit,
      addressees: this.addressees?.asImmutable() ?? this.model.addressees,
      tasksOfDirective: this.tasksOfDirective?.asImmutable() ?? this.model.tasksOfDirective,
    };
  }
}

const EMPTY_IDS = List<string>();
const EMPTY_NOTICES = List<Notice>();

/** Pushes `item` on the List at `key` of the mutable `map`, making that List mutable (once) first. */
function pushOwned<T>(map: IMap<string, List<T>>, owned: globalThis.Map<string, List<T>>, key: string, item: T, empty: List<T>): void {
  let list = owned.get(key);
  if (list === undefined) {
    list = map.get(key, empty).asMutable();
    owned.set(key, list);
    map.set(key, list);
  }
  list.push(item);
}

function evolveAll(model: NoticesModel, events: readonly RecordedEvent[]): NoticesModel {
  const draft = new NoticesDraft(model);
  for (const event of events) evolveInto(draft, event);
  return draft.done();
}

/** A notice of `event`: its trace, then what kind, to whom as what, and the event's own fields. */
function noticeOf(trace: EventTrace, details: JsonObject, kind: NoticeKind, addressedAs: Notice['addressedAs'], taskId: string | null, directiveId: string | null): Notice {
  return {
    eventId: trace.eventId,
    position: trace.position,
    streamVersion: trace.streamVersion,
    type: trace.type,
    actor: trace.actor,
    occurredAt: trace.occurredAt,
    recordedAt: trace.recordedAt,
    kind,
    addressedAs,
    taskId,
    directiveId,
    details,
  };
}

function evolveInto(draft: NoticesDraft, event: RecordedEvent): void {
  const data = event.data;
  const kind = TASK_NOTICE[event.type];
  if (kind === undefined && !NOTICE_EVENT_TYPES.has(event.type)) return;
  const trace = traceOf(event);
  const notice = (kind: NoticeKind, addressedAs: Notice['addressedAs'], taskId: string | null, directiveId: string | null): Notice =>
    noticeOf(trace, detailsOf(data), kind, addressedAs, taskId, directiveId);
  switch (event.type) {
    case 'TaskRegistered': {
      const { taskId, directiveId } = data as { taskId: string; directiveId: string };
      draft.setAddressees(taskId, { directiveId, leadUnitId: null, coUnitIds: [] });
      draft.addTask(directiveId, taskId);
      return;
    }
    case 'TaskAssigned': {
      const { taskId, leadUnitId, coUnitIds } = data as { taskId: string; leadUnitId: string; coUnitIds: string[] };
      const directiveId = draft.addresseesOf(taskId)?.directiveId ?? null;
      draft.setAddressees(taskId, { directiveId, leadUnitId, coUnitIds });
      draft.add(leadUnitId, notice('assignment', 'lead', taskId, directiveId));
      for (const co of coUnitIds) draft.add(co, notice('assignment', 'co', taskId, directiveId));
      return;
    }
    case 'TaskTransferred': {
      const { taskId, fromUnitId, toUnitId } = data as { taskId: string; fromUnitId: string; toUnitId: string };
      const known = draft.addresseesOf(taskId);
      const directiveId = known?.directiveId ?? null;
      if (known) draft.setAddressees(taskId, { ...known, leadUnitId: toUnitId });
      draft.add(fromUnitId, notice('task_transferred', 'transferred_from', taskId, directiveId));
      draft.add(toUnitId, notice('task_transferred', 'transferred_to', taskId, directiveId));
      return;
    }
    case 'NoticePublished': {
      // Every addressee was told, praised, criticised or neither; the details say which.
      for (const unitId of new Set((data as { addressees: string[] }).addressees)) draft.add(unitId, notice('inspection_notice', 'addressee', null, null));
      return;
    }
    case 'InterviewHeld': {
      // The unit was told at the interview, on the day it was held, whenever the minutes were recorded.
      const { subjectUnitId, heldOn } = data as { subjectUnitId: string; heldOn: string; at: string };
      const offset = /([+-]\d{2}:\d{2}|Z)$/.exec(String(data.at))?.[1] ?? 'Z';
      const held = `${heldOn}T00:00:00${offset === 'Z' ? 'Z' : offset}`;
      draft.add(subjectUnitId, { ...notice('interview', 'interviewed', null, null), occurredAt: held < trace.occurredAt ? held : trace.occurredAt });
      return;
    }
    case 'DirectiveAmended':
    case 'DirectiveWithdrawn': {
      const { directiveId } = data as { directiveId: string };
      const kind: NoticeKind = event.type === 'DirectiveAmended' ? 'directive_amended' : 'directive_withdrawn';
      const told = new Set<string>();
      for (const taskId of draft.tasksOf(directiveId)) {
        const lead = draft.addresseesOf(taskId)?.leadUnitId;
        if (lead && !told.has(lead)) {
          told.add(lead);
          draft.add(lead, notice(kind, 'lead', null, directiveId));
        }
      }
      return;
    }
    default: {
      if (kind === undefined) return;
      const { taskId } = data as { taskId: string };
      const known = draft.addresseesOf(taskId);
      if (!known?.leadUnitId) return;
      draft.add(known.leadUnitId, notice(kind, 'lead', taskId, known.directiveId));
    }
  }
}

/** The event types that make a notice or change who is told, besides the task notices of TASK_NOTICE. */
const NOTICE_EVENT_TYPES: ReadonlySet<string> = new Set(['TaskRegistered', 'TaskAssigned', 'TaskTransferred', 'NoticePublished', 'InterviewHeld', 'DirectiveAmended', 'DirectiveWithdrawn']);

export const NoticesProjection: Projection<NoticesModel> = {
  name: 'notices',
  eventTypes: new Set<string>([...TASK_EVENT_TYPES, 'DirectiveAmended', 'DirectiveWithdrawn', 'NoticePublished', 'InterviewHeld']),
  initialState: () => ({ byUnit: IMap(), addressees: IMap(), tasksOfDirective: IMap() }),
  evolve: (model, event) => evolveAll(model, [event]),
  evolveAll,
};
