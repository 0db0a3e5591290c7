import type { DirectiveEvent, DirectiveEventType } from './directive/events';
import type { DocumentNumberEvent, DocumentNumberEventType } from './document-number/events';
import type { UserEvent, UserEventType } from './identity/events';
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
export const AUDIT_EVENT_TYPES = ['AuditDataViewed'] as const;

export const EVENT_TYPES_BY_STREAM_KIND: { readonly [K in StreamKind]: readonly string[] } = {
  unit: UNIT_EVENT_TYPES,
  directive: DIRECTIVE_EVENT_TYPES,
  task: TASK_EVENT_TYPES,
  docno: DOCUMENT_NUMBER_EVENT_TYPES,
  signoff: SIGN_OFF_EVENT_TYPES,
  user: USER_EVENT_TYPES,
  checkpoint: CHECKPOINT_EVENT_TYPES,
  audit: AUDIT_EVENT_TYPES,
};

/** Every event this library defines. */
export type LedgerEvent = UnitEvent | DirectiveEvent | DocumentNumberEvent | TaskEvent | SignOffEvent | UserEvent;
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
