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

function add(model: NoticesModel, unitId: string, notice: Notice): NoticesModel {
  return { ...model, byUnit: model.byUnit.update(unitId, List<Notice>(), (list) => list.push(notice)) };
}

function evolve(model: NoticesModel, event: RecordedEvent): NoticesModel {
  const data = event.data;
  const trace = traceOf(event);
  const notice = (kind: NoticeKind, addressedAs: Notice['addressedAs'], taskId: string | null, directiveId: string | null): Notice => ({
    ...trace,
    kind,
    addressedAs,
    taskId,
    directiveId,
    details: detailsOf(data),
  });
  switch (event.type) {
    case 'TaskRegistered': {
      const { taskId, directiveId } = data as { taskId: string; directiveId: string };
      return {
        ...model,
        addressees: model.addressees.set(taskId, { directiveId, leadUnitId: null, coUnitIds: [] }),
        tasksOfDirective: model.tasksOfDirective.update(directiveId, List<string>(), (ids) => ids.push(taskId)),
      };
    }
    case 'TaskAssigned': {
      const { taskId, leadUnitId, coUnitIds } = data as { taskId: string; leadUnitId: string; coUnitIds: string[] };
      const known = model.addressees.get(taskId);
      const directiveId = known?.directiveId ?? null;
      let next: NoticesModel = {
        ...model,
        addressees: model.addressees.set(taskId, { directiveId, leadUnitId, coUnitIds }),
      };
      next = add(next, leadUnitId, notice('assignment', 'lead', taskId, directiveId));
      for (const co of coUnitIds) next = add(next, co, notice('assignment', 'co', taskId, directiveId));
      return next;
    }
    case 'TaskTransferred': {
      const { taskId, fromUnitId, toUnitId } = data as { taskId: string; fromUnitId: string; toUnitId: string };
      const known = model.addressees.get(taskId);
      const directiveId = known?.directiveId ?? null;
      let next: NoticesModel = known ? { ...model, addressees: model.addressees.set(taskId, { ...known, leadUnitId: toUnitId }) } : model;
      next = add(next, fromUnitId, notice('task_transferred', 'transferred_from', taskId, directiveId));
      next = add(next, toUnitId, notice('task_transferred', 'transferred_to', taskId, directiveId));
      return next;
    }
    case 'NoticePublished': {
      // Every addressee was told, praised, criticised or neither; the details say which.
      let next = model;
      for (const unitId of new Set((data as { addressees: string[] }).addressees)) next = add(next, unitId, notice('inspection_notice', 'addressee', null, null));
      return next;
    }
    case 'InterviewHeld': {
      // The unit was told at the interview, on the day it was held, whenever the minutes were recorded.
      const { subjectUnitId, heldOn } = data as { subjectUnitId: string; heldOn: string; at: string };
      const offset = /([+-]\d{2}:\d{2}|Z)$/.exec(String(data.at))?.[1] ?? 'Z';
      const held = `${heldOn}T00:00:00${offset === 'Z' ? 'Z' : offset}`;
      return add(model, subjectUnitId, { ...notice('interview', 'interviewed', null, null), occurredAt: held < trace.occurredAt ? held : trace.occurredAt });
    }
    case 'DirectiveAmended':
    case 'DirectiveWithdrawn': {
      const { directiveId } = data as { directiveId: string };
      const kind: NoticeKind = event.type === 'DirectiveAmended' ? 'directive_amended' : 'directive_withdrawn';
      let next = model;
      const told = new Set<string>();
      for (const taskId of model.tasksOfDirective.get(directiveId, List<string>())) {
        const lead = model.addressees.get(taskId)?.leadUnitId;
        if (lead && !told.has(lead)) {
          told.add(lead);
          next = add(next, lead, notice(kind, 'lead', null, directiveId));
        }
      }
      return next;
    }
    default: {
      const kind = TASK_NOTICE[event.type];
      if (kind === undefined) return model;
      const { taskId } = data as { taskId: string };
      const known = model.addressees.get(taskId);
      if (!known?.leadUnitId) return model;
      return add(model, known.leadUnitId, notice(kind, 'lead', taskId, known.directiveId));
    }
  }
}

export const NoticesProjection: Projection<NoticesModel> = {
  name: 'notices',
  eventTypes: new Set<string>([...TASK_EVENT_TYPES, 'DirectiveAmended', 'DirectiveWithdrawn', 'NoticePublished', 'InterviewHeld']),
  initialState: () => ({ byUnit: IMap(), addressees: IMap(), tasksOfDirective: IMap() }),
  evolve,
};
