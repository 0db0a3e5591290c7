import { type ActorRef, actorRef } from '../shared/actor';
import { dateOf, hasPassed, isAfter, isBefore, type IsoDate } from '../shared/dates';
import type { Decider } from '../shared/decider';
import { domainError } from '../shared/domain-error';
import type { Role } from '../shared/roles';
import {
  checkEnvelope,
  isNonBlank,
  optionalText,
  requireDate,
  requireHashList,
  requireId,
  requireIdList,
  requireOneOf,
  requirePersonId,
  requireReason,
  requireText,
} from '../shared/validate';
import type {
  AcknowledgeTask,
  AssignTask,
  CancelTask,
  CloseTask,
  DenyExtension,
  GrantExtension,
  IssueReminder,
  MarkDeadlinePassed,
  RegisterTask,
  ReportCompletion,
  ReportProgress,
  RequestExtension,
  ReturnTaskForRedo,
  TaskCommand,
  TransferTask,
  VerifyCompletion,
} from './commands';
import { REMINDER_CHANNELS, type ResponsiblePerson, type TaskEvent } from './events';

export type TaskStatus =
  | 'registered'
  | 'assigned'
  | 'acknowledged'
  | 'in_progress'
  | 'completion_reported'
  | 'returned'
  | 'verified'
  | 'closed'
  | 'cancelled';

export type Assignment = {
  leadUnitId: string;
  coUnitIds: string[];
  responsible: ResponsiblePerson;
  work: string;
  expectedResult: string;
  assignedOn: IsoDate;
  /** The deadline set at assignment; `TaskRecord.deadline` is the one in force. */
  originalDeadline: IsoDate;
};

export type ExtensionRequest = {
  requestId: string;
  requestedBy: string;
  requestedOn: IsoDate;
  requestedDeadline: IsoDate;
  decision: 'pending' | 'granted' | 'denied';
};

export type TaskRecord = {
  status: TaskStatus;
  taskId: string;
  directiveId: string;
  directiveIssuedOn: IsoDate;
  title: string;
  assignment: Assignment | null;
  /** The deadline in force: set at assignment, moved only by a granted extension. */
  deadline: IsoDate | null;
  acknowledgedOn: IsoDate | null;
  /** The last reported percentage (100 after a completion report). */
  percent: number | null;
  /** True after a return for redo, until the next progress report: the one time progress may go down. */
  mayDecrease: boolean;
  /** The latest completion report: the one verified, when the task is done. */
  completion: { reportedBy: string; reportedOn: IsoDate } | null;
  verification: { verifiedBy: string; verifiedOn: IsoDate } | null;
  extensionRequests: ExtensionRequest[];
  /** Deadlines whose passing the watcher recorded. */
  deadlinesMarked: IsoDate[];
  reminders: { on: IsoDate; by: string }[];
  /** Lead units before the current one, oldest first (transfers keep the original unit in the record). */
  previousLeads: { leadUnitId: string; responsible: ResponsiblePerson; until: IsoDate }[];
  cancellation: { on: IsoDate; reason: string; signOffId: string } | null;
  closedOn: IsoDate | null;
};

/** A task that has been assigned: it has a lead unit and a deadline. */
export type AssignedTask = TaskRecord & { assignment: Assignment; deadline: IsoDate };

export type TaskState = { status: 'none' } | TaskRecord;

type Recorded = { taskId: string; at: string; by: ActorRef };

const VERIFIER_ROLES: readonly Role[] = ['inspector', 'leader'];
const EXTENSION_DECIDER_ROLES: readonly Role[] = ['leader'];
const CANCELLER_ROLES: readonly Role[] = ['leader'];

/** The roles the task decider itself insists on, whatever the authorization table says (it must agree). */
export const TASK_DECIDER_ROLES = {
  VerifyCompletion: VERIFIER_ROLES,
  ReturnTaskForRedo: VERIFIER_ROLES,
  CloseTask: VERIFIER_ROLES,
  GrantExtension: EXTENSION_DECIDER_ROLES,
  DenyExtension: EXTENSION_DECIDER_ROLES,
  CancelTask: CANCELLER_ROLES,
} as const;

export const taskDecider: Decider<TaskState, TaskCommand, TaskEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
};

function decide(command: TaskCommand, state: TaskState): TaskEvent[] {
  checkEnvelope(command);
  const recorded: Recorded = {
    taskId: requireId(command.taskId, 'taskId'),
    at: command.now,
    by: actorRef(command.actor),
  };
  switch (command.type) {
    case 'RegisterTask':
      return register(command, state, recorded);
    case 'AssignTask':
      return assign(command, state, recorded);
    case 'AcknowledgeTask':
      return acknowledge(command, state, recorded);
    case 'ReportProgress':
      return reportProgress(command, state, recorded);
    case 'ReportCompletion':
      return reportCompletion(command, state, recorded);
    case 'VerifyCompletion':
      return verify(command, state, recorded);
    case 'ReturnTaskForRedo':
      return returnForRedo(command, state, recorded);
    case 'IssueReminder':
      return remind(command, state, recorded);
    case 'RequestExtension':
      return requestExtension(command, state, recorded);
    case 'GrantExtension':
      return grantExtension(command, state, recorded);
    case 'DenyExtension':
      return denyExtension(command, state, recorded);
    case 'MarkDeadlinePassed':
      return markDeadlinePassed(command, state, recorded);
    case 'CancelTask':
      return cancel(command, state, recorded);
    case 'CloseTask':
      return close(command, state, recorded);
    case 'TransferTask':
      return transfer(command, state, recorded);
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown task command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

// ── Where in the life cycle a command may run ──────────────────────────────────────────────────────────────────

/** Registered and neither cancelled nor closed. */
function live(state: TaskState, taskId: string): TaskRecord {
  if (state.status === 'none') throw domainError('TASK.NOT_FOUND', { task: taskId });
  if (state.status === 'cancelled') throw domainError('TASK.CANCELLED', { task: state.taskId });
  if (state.status === 'closed') throw domainError('TASK.CLOSED', { task: state.taskId });
  return state;
}

/** Assigned and not yet verified: the task is running, even if a completion report awaits verification. */
function open(state: TaskState, taskId: string): AssignedTask {
  const task = live(state, taskId);
  if (task.status === 'verified') throw domainError('TASK.ALREADY_VERIFIED', { task: task.taskId });
  if (task.status === 'registered' || task.assignment === null || task.deadline === null) {
    throw domainError('TASK.NOT_ASSIGNED', { task: task.taskId });
  }
  return task as AssignedTask;
}

/** Open, and the lead unit is still working on it (no completion report awaits verification). */
function working(state: TaskState, taskId: string): AssignedTask {
  const task = open(state, taskId);
  if (task.status === 'completion_reported') throw domainError('TASK.AWAITING_VERIFICATION', { task: task.taskId });
  return task;
}

/** Working and acknowledged: the lead unit may report. */
function reporting(state: TaskState, taskId: string): AssignedTask {
  const task = working(state, taskId);
  if (task.status === 'assigned') throw domainError('TASK.NOT_ACKNOWLEDGED', { task: task.taskId });
  return task;
}

// ── 立项 and 交办 ───────────────────────────────────────────────────────────────────────────────────────────────

function register(command: RegisterTask, state: TaskState, recorded: Recorded): TaskEvent[] {
  if (state.status !== 'none') throw domainError('TASK.ALREADY_REGISTERED', { task: command.taskId });
  const directiveId = requireId(command.directive?.id, 'directive.id');
  const directiveIssuedOn = requireDate(command.directive?.issuedOn, 'directive.issuedOn');
  if (command.directive.status === 'withdrawn') {
    throw domainError('TASK.DIRECTIVE_WITHDRAWN', { field: 'directive', directive: directiveId });
  }
  const title = requireText(command.title, 'title');
  return [{ type: 'TaskRegistered', data: { ...recorded, directiveId, directiveIssuedOn, title } }];
}

/** Checks the 5 clear (5 rõ) in their customary order: person, work, time, responsibility, result. */
function assign(command: AssignTask, state: TaskState, recorded: Recorded): TaskEvent[] {
  const task = live(state, command.taskId);
  if (task.status !== 'registered') throw domainError('TASK.ALREADY_ASSIGNED', { task: task.taskId });
  const leadUnitId = requireId(command.leadUnitId, 'leadUnitId');
  const coUnitIds = requireIdList(command.coUnitIds, 'coUnitIds');
  // Clear person: the lead unit's head in post.
  const responsible = responsibleHead(command.leadUnitHead, leadUnitId);
  // Clear work.
  if (!isNonBlank(command.work)) throw domainError('TASK.WORK_MISSING', { field: 'work' });
  // Clear time: not before the directive that created the task, and not already past.
  const deadline = requireDate(command.deadline, 'deadline');
  if (isBefore(deadline, task.directiveIssuedOn)) {
    throw domainError('TASK.DEADLINE_BEFORE_ISSUE', { field: 'deadline', deadline, issuedOn: task.directiveIssuedOn });
  }
  const today = dateOf(command.now);
  if (isBefore(deadline, today)) {
    throw domainError('TASK.DEADLINE_BEFORE_ASSIGNMENT', { field: 'deadline', deadline, today });
  }
  // Clear responsibility: one lead unit, co-units besides it.
  if (coUnitIds.includes(leadUnitId)) {
    throw domainError('TASK.LEAD_AMONG_CO_UNITS', { field: 'coUnitIds', unit: leadUnitId });
  }
  // Clear result.
  if (!isNonBlank(command.expectedResult)) {
    throw domainError('TASK.EXPECTED_RESULT_MISSING', { field: 'expectedResult' });
  }
  return [
    {
      type: 'TaskAssigned',
      data: {
        ...recorded,
        leadUnitId,
        coUnitIds,
        responsible,
        work: command.work,
        deadline,
        expectedResult: command.expectedResult,
      },
    },
  ];
}

function responsibleHead(head: Readonly<ResponsiblePerson> | null | undefined, leadUnitId: string): ResponsiblePerson {
  if (head === null || head === undefined) {
    throw domainError('TASK.RESPONSIBLE_PERSON_MISSING', { field: 'leadUnitHead', unit: leadUnitId });
  }
  if (head.unitId !== leadUnitId) {
    throw domainError('TASK.RESPONSIBLE_NOT_LEAD_HEAD', { field: 'leadUnitHead.unitId', unit: leadUnitId });
  }
  return {
    unitId: leadUnitId,
    personId: requirePersonId(head.personId, 'leadUnitHead.personId'),
    name: requireText(head.name, 'leadUnitHead.name'),
    postTitle: requireText(head.postTitle, 'leadUnitHead.postTitle'),
  };
}

function acknowledge(command: AcknowledgeTask, state: TaskState, recorded: Recorded): TaskEvent[] {
  const task = working(state, command.taskId);
  if (task.status !== 'assigned') throw domainError('TASK.ALREADY_ACKNOWLEDGED', { task: task.taskId });
  return [{ type: 'TaskAcknowledged', data: recorded }];
}

// ── 反馈: progress and completion ──────────────────────────────────────────────────────────────────────────────

function reportProgress(command: ReportProgress, state: TaskState, recorded: Recorded): TaskEvent[] {
  const task = reporting(state, command.taskId);
  const percent = command.percent;
  if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw domainError('TASK.PERCENT_INVALID', { field: 'percent', value: String(percent) });
  }
  if (!task.mayDecrease && task.percent !== null && percent < task.percent) {
    throw domainError('TASK.PROGRESS_DECREASED', { field: 'percent', percent, previous: task.percent });
  }
  const narrative = requireText(command.narrative, 'narrative');
  const evidence = requireHashList(command.evidence, 'evidence');
  return [{ type: 'ProgressReported', data: { ...recorded, percent, narrative, evidence } }];
}

function reportCompletion(command: ReportCompletion, state: TaskState, recorded: Recorded): TaskEvent[] {
  reporting(state, command.taskId);
  const narrative = requireText(command.narrative, 'narrative');
  const evidence = requireHashList(command.evidence, 'evidence');
  return [{ type: 'CompletionReported', data: { ...recorded, narrative, evidence } }];
}

/** Verification and return are a check on someone else's report (segregation of duties). */
function checkCompletionUnderReview(command: VerifyCompletion | ReturnTaskForRedo, state: TaskState): void {
  const task = open(state, command.taskId);
  if (task.status !== 'completion_reported' || task.completion === null) {
    throw domainError('TASK.NO_COMPLETION_REPORTED', { task: task.taskId });
  }
  if (!VERIFIER_ROLES.includes(command.actor.role)) throw domainError('TASK.VERIFIER_ROLE', {});
  if (command.actor.id === task.completion.reportedBy) throw domainError('TASK.SELF_VERIFICATION', {});
}

function verify(command: VerifyCompletion, state: TaskState, recorded: Recorded): TaskEvent[] {
  checkCompletionUnderReview(command, state);
  return [{ type: 'CompletionVerified', data: { ...recorded, comment: optionalText(command.comment) } }];
}

function returnForRedo(command: ReturnTaskForRedo, state: TaskState, recorded: Recorded): TaskEvent[] {
  checkCompletionUnderReview(command, state);
  const reason = requireReason(command.reason);
  return [{ type: 'TaskReturnedForRedo', data: { ...recorded, reason } }];
}

// ── 催办: reminders ─────────────────────────────────────────────────────────────────────────────────────────────

function remind(command: IssueReminder, state: TaskState, recorded: Recorded): TaskEvent[] {
  working(state, command.taskId);
  const message = requireText(command.message, 'message');
  const channel = requireOneOf(command.channel, REMINDER_CHANNELS, 'channel');
  return [{ type: 'ReminderIssued', data: { ...recorded, message, channel } }];
}

// ── Extensions ──────────────────────────────────────────────────────────────────────────────────────────────────

function requestExtension(command: RequestExtension, state: TaskState, recorded: Recorded): TaskEvent[] {
  const task = working(state, command.taskId);
  const requestId = requireId(command.requestId, 'requestId');
  if (task.extensionRequests.some((request) => request.requestId === requestId)) {
    throw domainError('COMMON.DUPLICATE_VALUE', { field: 'requestId', value: requestId });
  }
  const pending = pendingRequest(task);
  if (pending) throw domainError('TASK.EXTENSION_PENDING', { request: pending.requestId });
  const newDeadline = requireDate(command.newDeadline, 'newDeadline');
  const reason = requireReason(command.reason);
  // A request is in time up to and including the deadline day; after it, the deadline has been missed.
  const today = dateOf(command.now);
  if (hasPassed(task.deadline, today)) {
    throw domainError('TASK.EXTENSION_AFTER_DEADLINE', { today, deadline: task.deadline });
  }
  if (!isAfter(newDeadline, task.deadline)) {
    throw domainError('TASK.EXTENSION_NOT_LATER', { field: 'newDeadline', newDeadline, deadline: task.deadline });
  }
  return [
    {
      type: 'ExtensionRequested',
      data: { ...recorded, requestId, currentDeadline: task.deadline, requestedDeadline: newDeadline, reason },
    },
  ];
}

/** The pending request named by the command, decided by a leader who did not make it. */
function requestToDecide(command: GrantExtension | DenyExtension, task: AssignedTask): ExtensionRequest {
  const pending = pendingRequest(task);
  if (!pending || pending.requestId !== command.requestId) {
    throw domainError('TASK.NO_PENDING_EXTENSION', { field: 'requestId', request: String(command.requestId) });
  }
  if (!EXTENSION_DECIDER_ROLES.includes(command.actor.role)) throw domainError('TASK.EXTENSION_DECIDER_ROLE', {});
  if (command.actor.id === pending.requestedBy) throw domainError('TASK.SELF_EXTENSION_DECISION', {});
  return pending;
}

/**
 * A request made in time may be decided after the deadline: the unit asked while it could, and the decision's date
 * is the leader's. The new deadline must still be after the one in force.
 */
function grantExtension(command: GrantExtension, state: TaskState, recorded: Recorded): TaskEvent[] {
  const task = open(state, command.taskId);
  const request = requestToDecide(command, task);
  const newDeadline = requireDate(command.newDeadline, 'newDeadline');
  if (!isAfter(newDeadline, task.deadline)) {
    throw domainError('TASK.EXTENSION_NOT_LATER', { field: 'newDeadline', newDeadline, deadline: task.deadline });
  }
  return [
    {
      type: 'ExtensionGranted',
      data: {
        ...recorded,
        requestId: request.requestId,
        previousDeadline: task.deadline,
        newDeadline,
        comment: optionalText(command.comment),
      },
    },
  ];
}

function denyExtension(command: DenyExtension, state: TaskState, recorded: Recorded): TaskEvent[] {
  const task = open(state, command.taskId);
  const request = requestToDecide(command, task);
  const reason = requireReason(command.reason);
  return [{ type: 'ExtensionDenied', data: { ...recorded, requestId: request.requestId, reason } }];
}

function pendingRequest(task: TaskRecord): ExtensionRequest | undefined {
  return task.extensionRequests.find((request) => request.decision === 'pending');
}

// ── Deadline watcher, cancellation, closing, transfer ──────────────────────────────────────────────────────────

/**
 * Recorded once per deadline: after a granted extension the new deadline can pass (and be recorded) again.
 * A task whose completion report awaits verification is still not done, so its deadline can pass too.
 */
function markDeadlinePassed(command: MarkDeadlinePassed, state: TaskState, recorded: Recorded): TaskEvent[] {
  const task = open(state, command.taskId);
  if (task.deadlinesMarked.includes(task.deadline)) {
    throw domainError('TASK.DEADLINE_ALREADY_MARKED', { deadline: task.deadline });
  }
  const today = dateOf(command.now);
  if (!hasPassed(task.deadline, today)) {
    throw domainError('TASK.DEADLINE_NOT_PASSED', { deadline: task.deadline, today });
  }
  return [{ type: 'DeadlinePassed', data: { ...recorded, deadline: task.deadline } }];
}

function cancel(command: CancelTask, state: TaskState, recorded: Recorded): TaskEvent[] {
  const task = live(state, command.taskId);
  if (task.status === 'verified') throw domainError('TASK.ALREADY_VERIFIED', { task: task.taskId });
  if (!CANCELLER_ROLES.includes(command.actor.role)) throw domainError('TASK.CANCEL_REQUIRES_LEADER', {});
  const reason = requireReason(command.reason);
  const signOffId = requireId(command.signOffId, 'signOffId');
  return [{ type: 'TaskCancelled', data: { ...recorded, reason, signOffId } }];
}

function close(command: CloseTask, state: TaskState, recorded: Recorded): TaskEvent[] {
  const task = live(state, command.taskId);
  if (task.status !== 'verified') throw domainError('TASK.NOT_VERIFIED', { task: task.taskId });
  if (!VERIFIER_ROLES.includes(command.actor.role)) throw domainError('TASK.VERIFIER_ROLE', {});
  return [{ type: 'TaskClosed', data: { ...recorded, comment: optionalText(command.comment) } }];
}

function transfer(command: TransferTask, state: TaskState, recorded: Recorded): TaskEvent[] {
  const task = open(state, command.taskId);
  const toUnitId = requireId(command.toUnitId, 'toUnitId');
  const fromUnitId = task.assignment.leadUnitId;
  if (toUnitId === fromUnitId) throw domainError('TASK.TRANSFER_TO_SAME_UNIT', { field: 'toUnitId', unit: toUnitId });
  if (task.assignment.coUnitIds.includes(toUnitId)) {
    throw domainError('TASK.LEAD_AMONG_CO_UNITS', { field: 'toUnitId', unit: toUnitId });
  }
  const responsible = responsibleHead(command.leadUnitHead, toUnitId);
  const reason = requireReason(command.reason);
  return [{ type: 'TaskTransferred', data: { ...recorded, fromUnitId, toUnitId, responsible, reason } }];
}

// ── Evolve ──────────────────────────────────────────────────────────────────────────────────────────────────────

function evolve(state: TaskState, event: TaskEvent): TaskState {
  if (event.type === 'TaskRegistered') {
    const { taskId, directiveId, directiveIssuedOn, title } = event.data;
    return {
      status: 'registered',
      taskId,
      directiveId,
      directiveIssuedOn,
      title,
      assignment: null,
      deadline: null,
      acknowledgedOn: null,
      percent: null,
      mayDecrease: false,
      completion: null,
      verification: null,
      extensionRequests: [],
      deadlinesMarked: [],
      reminders: [],
      previousLeads: [],
      cancellation: null,
      closedOn: null,
    };
  }
  if (state.status === 'none') return state;
  const on = dateOf(event.data.at);
  switch (event.type) {
    case 'TaskAssigned': {
      const { leadUnitId, coUnitIds, responsible, work, deadline, expectedResult } = event.data;
      return {
        ...state,
        status: 'assigned',
        assignment: {
          leadUnitId,
          coUnitIds,
          responsible,
          work,
          expectedResult,
          assignedOn: on,
          originalDeadline: deadline,
        },
        deadline,
      };
    }
    case 'TaskAcknowledged':
      return { ...state, status: 'acknowledged', acknowledgedOn: on };
    case 'ProgressReported':
      return { ...state, status: 'in_progress', percent: event.data.percent, mayDecrease: false };
    case 'CompletionReported':
      return {
        ...state,
        status: 'completion_reported',
        percent: 100,
        mayDecrease: false,
        completion: { reportedBy: event.data.by.id, reportedOn: on },
      };
    case 'CompletionVerified':
      return { ...state, status: 'verified', verification: { verifiedBy: event.data.by.id, verifiedOn: on } };
    case 'TaskReturnedForRedo':
      return { ...state, status: 'returned', mayDecrease: true };
    case 'ReminderIssued':
      return { ...state, reminders: [...state.reminders, { on, by: event.data.by.id }] };
    case 'ExtensionRequested': {
      const { requestId, requestedDeadline, by } = event.data;
      const request: ExtensionRequest = {
        requestId,
        requestedBy: by.id,
        requestedOn: on,
        requestedDeadline,
        decision: 'pending',
      };
      return { ...state, extensionRequests: [...state.extensionRequests, request] };
    }
    case 'ExtensionGranted':
      return {
        ...state,
        deadline: event.data.newDeadline,
        extensionRequests: decideRequest(state.extensionRequests, event.data.requestId, 'granted'),
      };
    case 'ExtensionDenied':
      return { ...state, extensionRequests: decideRequest(state.extensionRequests, event.data.requestId, 'denied') };
    case 'DeadlinePassed':
      return { ...state, deadlinesMarked: [...state.deadlinesMarked, event.data.deadline] };
    case 'TaskCancelled': {
      const { reason, signOffId } = event.data;
      return { ...state, status: 'cancelled', cancellation: { on, reason, signOffId } };
    }
    case 'TaskClosed':
      return { ...state, status: 'closed', closedOn: on };
    case 'TaskTransferred': {
      if (state.assignment === null) return state;
      const { toUnitId, responsible } = event.data;
      const { leadUnitId, responsible: previousResponsible } = state.assignment;
      const previous = { leadUnitId, responsible: previousResponsible, until: on };
      return {
        ...state,
        assignment: { ...state.assignment, leadUnitId: toUnitId, responsible },
        previousLeads: [...state.previousLeads, previous],
      };
    }
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}

function decideRequest(
  requests: ExtensionRequest[],
  requestId: string,
  decision: 'granted' | 'denied',
): ExtensionRequest[] {
  return requests.map((request) => (request.requestId === requestId ? { ...request, decision } : request));
}
