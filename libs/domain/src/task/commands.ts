import type { CommandEnvelope } from '../shared/actor';
import type { IsoDate } from '../shared/dates';
import type { ReminderChannel, ResponsiblePerson } from './events';

type Shape<Type extends string, Fields> = Readonly<{ type: Type; taskId: string } & Fields> & CommandEnvelope;

/** The directive as the application read it from `directive-<id>`. */
export type DirectiveRef = Readonly<{ id: string; issuedOn: IsoDate; status: 'issued' | 'withdrawn' }>;

export type RegisterTask = Shape<'RegisterTask', { directive: DirectiveRef; title: string }>;

/**
 * `leadUnitHead` is resolved by the application from the unit read model (`headOn(unit, today)`); null when the
 * lead unit has nobody in post, which the decider refuses (no clear person).
 */
export type AssignTask = Shape<
  'AssignTask',
  {
    leadUnitId: string;
    coUnitIds: readonly string[];
    leadUnitHead: Readonly<ResponsiblePerson> | null;
    work: string;
    deadline: IsoDate;
    expectedResult: string;
  }
>;
export type AcknowledgeTask = Shape<'AcknowledgeTask', object>;
export type ReportProgress = Shape<
  'ReportProgress',
  { percent: number; narrative: string; evidence: readonly string[] }
>;
export type ReportCompletion = Shape<'ReportCompletion', { narrative: string; evidence: readonly string[] }>;
export type VerifyCompletion = Shape<'VerifyCompletion', { comment?: string | null }>;
export type ReturnTaskForRedo = Shape<'ReturnTaskForRedo', { reason: string }>;
export type IssueReminder = Shape<'IssueReminder', { message: string; channel: ReminderChannel }>;
/** `requestId` comes from the application's id generator; grant and deny name it. */
export type RequestExtension = Shape<'RequestExtension', { requestId: string; newDeadline: IsoDate; reason: string }>;
/** `newDeadline` is the granted date: usually the requested one, possibly another, always after the current one. */
export type GrantExtension = Shape<
  'GrantExtension',
  { requestId: string; newDeadline: IsoDate; comment?: string | null }
>;
export type DenyExtension = Shape<'DenyExtension', { requestId: string; reason: string }>;
export type MarkDeadlinePassed = Shape<'MarkDeadlinePassed', object>;
/** The application records the leader's approving sign-off first and passes its id. */
export type CancelTask = Shape<'CancelTask', { reason: string; signOffId: string }>;
export type CloseTask = Shape<'CloseTask', { comment?: string | null }>;
export type TransferTask = Shape<
  'TransferTask',
  { toUnitId: string; leadUnitHead: Readonly<ResponsiblePerson> | null; reason: string }
>;

export type TaskCommand =
  | RegisterTask
  | AssignTask
  | AcknowledgeTask
  | ReportProgress
  | ReportCompletion
  | VerifyCompletion
  | ReturnTaskForRedo
  | IssueReminder
  | RequestExtension
  | GrantExtension
  | DenyExtension
  | MarkDeadlinePassed
  | CancelTask
  | CloseTask
  | TransferTask;

export type TaskCommandType = TaskCommand['type'];
