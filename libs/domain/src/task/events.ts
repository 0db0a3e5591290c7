import type { ActorRef } from '../shared/actor';
import type { IsoDate, IsoInstant } from '../shared/dates';
import type { DomainEvent } from '../shared/decider';

/**
 * The task life cycle, after the 督查督办 practice (立项 → 交办 → 催办 → 反馈 → 办结 → 通报):
 * registered → assigned → acknowledged → progress reported → completion reported → verified → closed,
 * or completion returned for redo → progress reported → ...; with side events at any open step: reminders,
 * extension requests and decisions, deadline passed, cancellation, transfer to a successor unit.
 *
 * Every event carries `taskId`, `at` (the command's `now`: when it happened) and `by` (who did it). Dates that the
 * rules read (report date, request date) are the calendar day of `at` (see `shared/dates.ts`).
 */
type Recorded = { taskId: string; at: IsoInstant; by: ActorRef };

/** The "clear person" of the 5 clear: the lead unit's head when the task was assigned (or transferred). */
export type ResponsiblePerson = { unitId: string; personId: string; name: string; postTitle: string };

export const REMINDER_CHANNELS = [
  'official_document',
  'meeting',
  'phone',
  'text_message',
  'in_person',
  'system',
] as const;
export type ReminderChannel = (typeof REMINDER_CHANNELS)[number];

/** 立项: the task exists, under the directive that created it. */
export type TaskRegistered = DomainEvent<
  'TaskRegistered',
  Recorded & { directiveId: string; directiveIssuedOn: IsoDate; title: string }
>;

/** 交办, with the 5 clear (5 rõ): person, work, time, responsibility (lead + co-units), result. */
export type TaskAssigned = DomainEvent<
  'TaskAssigned',
  Recorded & {
    leadUnitId: string;
    coUnitIds: string[];
    responsible: ResponsiblePerson;
    work: string;
    deadline: IsoDate;
    expectedResult: string;
  }
>;

/** The lead unit confirms it received the task (签收 / tiếp nhận). */
export type TaskAcknowledged = DomainEvent<'TaskAcknowledged', Recorded>;

/** 反馈: progress, with SHA-256 hashes of the evidence files (the files live outside the log). */
export type ProgressReported = DomainEvent<
  'ProgressReported',
  Recorded & { percent: number; narrative: string; evidence: string[] }
>;
export type CompletionReported = DomainEvent<
  'CompletionReported',
  Recorded & { narrative: string; evidence: string[] }
>;
export type CompletionVerified = DomainEvent<'CompletionVerified', Recorded & { comment: string | null }>;
export type TaskReturnedForRedo = DomainEvent<'TaskReturnedForRedo', Recorded & { reason: string }>;

/** 催办 / đôn đốc. */
export type ReminderIssued = DomainEvent<'ReminderIssued', Recorded & { message: string; channel: ReminderChannel }>;

export type ExtensionRequested = DomainEvent<
  'ExtensionRequested',
  Recorded & { requestId: string; currentDeadline: IsoDate; requestedDeadline: IsoDate; reason: string }
>;
/** The only event that moves the deadline. */
export type ExtensionGranted = DomainEvent<
  'ExtensionGranted',
  Recorded & { requestId: string; previousDeadline: IsoDate; newDeadline: IsoDate; comment: string | null }
>;
export type ExtensionDenied = DomainEvent<'ExtensionDenied', Recorded & { requestId: string; reason: string }>;

/** Appended by the deadline watcher once per deadline that passed with the task not verified. */
export type DeadlinePassed = DomainEvent<'DeadlinePassed', Recorded & { deadline: IsoDate }>;

/** Cancelled by a leader, pointing at the leader's sign-off (`signoff-<signOffId>`) that approved it. */
export type TaskCancelled = DomainEvent<'TaskCancelled', Recorded & { reason: string; signOffId: string }>;
/** 办结销号: closed after verification; nothing more is recorded on the task. */
export type TaskClosed = DomainEvent<'TaskClosed', Recorded & { comment: string | null }>;

/** The lead unit was dissolved or reorganised: the task moves to another unit; the history keeps the first one. */
export type TaskTransferred = DomainEvent<
  'TaskTransferred',
  Recorded & { fromUnitId: string; toUnitId: string; responsible: ResponsiblePerson; reason: string }
>;

export type TaskEvent =
  | TaskRegistered
  | TaskAssigned
  | TaskAcknowledged
  | ProgressReported
  | CompletionReported
  | CompletionVerified
  | TaskReturnedForRedo
  | ReminderIssued
  | ExtensionRequested
  | ExtensionGranted
  | ExtensionDenied
  | DeadlinePassed
  | TaskCancelled
  | TaskClosed
  | TaskTransferred;

export type TaskEventType = TaskEvent['type'];
