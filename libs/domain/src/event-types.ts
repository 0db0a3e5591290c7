import type { CaseEvent, CaseEventType } from './accountability/events';
import type { AppraisalEvent, AppraisalEventType } from './appraisal/events';
import type { AuditEventType } from './audit/events';
import type { DirectiveEvent, DirectiveEventType } from './directive/events';
import type { InspectionEvent, InspectionEventType } from './inspection/events';
import type { InterviewEvent, InterviewEventType } from './inspection/interview-events';
import type { ObjectiveEvent, ObjectiveEventType } from './objective/events';
import type { ResponsibilityLetterEvent, ResponsibilityLetterEventType } from './responsibility-letter/events';
import type { DocumentNumberEvent, DocumentNumberEventType } from './document-number/events';
import type { UserEvent, UserEventType } from './identity/events';
import type { RuleSetEvent, RuleSetEventType } from './rule-set/events';
import type { StreamKind } from './shared/streams';
import type { SignOffEvent, SignOffEventType } from './signoff/events';
import type { TaskEvent, TaskEventType } from './task/events';
import type { UnitEvent, UnitEventType } from './unit/events';

/**
 * Every stored event type, by the kind of stream it is appended to: what a projection subscribes to, and what
 * an upcaster or an import must recognise. Each list is checked at compile time against its event union, so an
 * event added to an aggregate and forgotten here fails to compile (the error names the missing type).
 */
const everyMemberOf =
  <T extends string>() =>
  <const L extends readonly T[]>(
    list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> }),
  ): L =>
    list;

export const UNIT_EVENT_TYPES = everyMemberOf<UnitEventType>()([
  'UnitRegistered',
  'UnitRenamed',
  'UnitMoved',
  'HeadAppointed',
  'HeadLeft',
  'DeputyAppointed',
  'DeputyLeft',
  'CadreRegistered',
  'UnitsMerged',
  'UnitSplit',
  'UnitSuperseded',
  'ResponsibilitiesTransferred',
]);
export const DIRECTIVE_EVENT_TYPES = everyMemberOf<DirectiveEventType>()([
  'DirectiveIssued',
  'DirectiveAmended',
  'DirectiveWithdrawn',
]);
export const DOCUMENT_NUMBER_EVENT_TYPES = everyMemberOf<DocumentNumberEventType>()(['DocumentNumberReserved']);
export const TASK_EVENT_TYPES = everyMemberOf<TaskEventType>()([
  'TaskRegistered',
  'TaskAssigned',
  'TaskAcknowledged',
  'ProgressReported',
  'CompletionReported',
  'CompletionVerified',
  'TaskReturnedForRedo',
  'ReminderIssued',
  'ExtensionRequested',
  'ExtensionGranted',
  'ExtensionDenied',
  'DeadlinePassed',
  'TaskCancelled',
  'TaskClosed',
  'TaskTransferred',
]);
export const SIGN_OFF_EVENT_TYPES = everyMemberOf<SignOffEventType>()(['SignOffRecorded']);
export const USER_EVENT_TYPES = everyMemberOf<UserEventType>()([
  'UserRegistered',
  'UserRoleChanged',
  'UserDeactivated',
  'ApiTokenIssued',
  'ApiTokenRevoked',
  'UserKeyRegistered',
  'UserKeyRevoked',
]);
/**
 * Written by the ledger itself rather than by a decider: signed checkpoints and checkpoint-key rotations (their
 * data is defined by @ledger/event-store `checkpoints/`), and the record of who read audit data (apps/api `audit/`).
 */
export const CHECKPOINT_EVENT_TYPES = ['CheckpointSigned', 'CheckpointKeyRotated'] as const;
export const AUDIT_EVENT_TYPES = everyMemberOf<AuditEventType>()(['AuditDataViewed']);

export const LETTER_EVENT_TYPES = everyMemberOf<ResponsibilityLetterEventType>()([
  'ResponsibilityLetterDrafted',
  'ResponsibilityLetterAmended',
  'ResponsibilityLetterSigned',
  'ResponsibilityLetterWithdrawn',
]);
export const OBJECTIVE_EVENT_TYPES = everyMemberOf<ObjectiveEventType>()([
  'ObjectiveDefined',
  'ActualReported',
  'RevisionProposed',
  'RevisionApproved',
  'RevisionRejected',
  'ObjectiveExtensionRequested',
  'ObjectiveExtensionGranted',
  'ObjectiveExtensionDenied',
  'ObjectiveCauseClaimed',
  'ObjectiveCauseConfirmed',
  'ObjectiveCauseRejected',
  'ObjectiveEvaluated',
]);
export const INSPECTION_EVENT_TYPES = everyMemberOf<InspectionEventType>()([
  'InspectionScheduled',
  'FindingRecorded',
  'NoticePublished',
  'RectificationOrdered',
  'RectificationReported',
  'RectificationVerified',
  'RectificationReturned',
  'InspectionClosed',
]);
export const INTERVIEW_EVENT_TYPES = everyMemberOf<InterviewEventType>()(['InterviewHeld']);
export const APPRAISAL_EVENT_TYPES = everyMemberOf<AppraisalEventType>()([
  'AppraisalCycleOpened',
  'AppraisalScored',
  'AppraisalModerated',
  'AppraisalApproved',
  'AppraisalPublished',
  'AppraisalAppealed',
  'AppraisalAppealDecided',
  'AppraisalFinalized',
]);
export const CASE_EVENT_TYPES = everyMemberOf<CaseEventType>()([
  'CaseReferred',
  'CaseInvestigationStarted',
  'CaseStatementTaken',
  'CaseDecided',
  'CaseDecisionExecuted',
  'CaseClosed',
  'CaseDismissed',
  'CaseExempted',
  'CaseAppealed',
  'CaseAppealDecided',
]);
export const RULE_SET_EVENT_TYPES = everyMemberOf<RuleSetEventType>()(['RuleSetPublished', 'RuleSetWithdrawn']);

export const EVENT_TYPES_BY_STREAM_KIND: { readonly [K in StreamKind]: readonly string[] } = {
  unit: UNIT_EVENT_TYPES,
  directive: DIRECTIVE_EVENT_TYPES,
  task: TASK_EVENT_TYPES,
  docno: DOCUMENT_NUMBER_EVENT_TYPES,
  signoff: SIGN_OFF_EVENT_TYPES,
  user: USER_EVENT_TYPES,
  checkpoint: CHECKPOINT_EVENT_TYPES,
  audit: AUDIT_EVENT_TYPES,
  letter: LETTER_EVENT_TYPES,
  objective: OBJECTIVE_EVENT_TYPES,
  inspection: INSPECTION_EVENT_TYPES,
  interview: INTERVIEW_EVENT_TYPES,
  appraisal: APPRAISAL_EVENT_TYPES,
  case: CASE_EVENT_TYPES,
  ruleset: RULE_SET_EVENT_TYPES,
};

/** Every event this library defines. */
export type LedgerEvent =
  | UnitEvent
  | DirectiveEvent
  | DocumentNumberEvent
  | TaskEvent
  | SignOffEvent
  | UserEvent
  | ResponsibilityLetterEvent
  | ObjectiveEvent
  | InspectionEvent
  | InterviewEvent
  | AppraisalEvent
  | CaseEvent
  | RuleSetEvent;
export type LedgerEventType = LedgerEvent['type'];

type Typed = { readonly type: string };
const guard =
  <E extends LedgerEvent>(types: readonly string[]) =>
  (event: Typed): event is Typed & E =>
    types.includes(event.type);

/** Type guards for events read back from the store (whose `type` is a plain string). */
export const isUnitEvent = guard<UnitEvent>(UNIT_EVENT_TYPES);
export const isDirectiveEvent = guard<DirectiveEvent>(DIRECTIVE_EVENT_TYPES);
export const isDocumentNumberEvent = guard<DocumentNumberEvent>(DOCUMENT_NUMBER_EVENT_TYPES);
export const isTaskEvent = guard<TaskEvent>(TASK_EVENT_TYPES);
export const isSignOffEvent = guard<SignOffEvent>(SIGN_OFF_EVENT_TYPES);
export const isUserEvent = guard<UserEvent>(USER_EVENT_TYPES);
export const isResponsibilityLetterEvent = guard<ResponsibilityLetterEvent>(LETTER_EVENT_TYPES);
export const isObjectiveEvent = guard<ObjectiveEvent>(OBJECTIVE_EVENT_TYPES);
export const isInspectionEvent = guard<InspectionEvent>(INSPECTION_EVENT_TYPES);
export const isInterviewEvent = guard<InterviewEvent>(INTERVIEW_EVENT_TYPES);
export const isAppraisalEvent = guard<AppraisalEvent>(APPRAISAL_EVENT_TYPES);
export const isCaseEvent = guard<CaseEvent>(CASE_EVENT_TYPES);
export const isRuleSetEvent = guard<RuleSetEvent>(RULE_SET_EVENT_TYPES);
