import type { CommandEnvelope } from '../shared/actor';
import type { IsoDate } from '../shared/dates';
import type { DirectiveKind, Meeting } from './events';

type Shape<Type extends string, Fields> = Readonly<{ type: Type; directiveId: string } & Fields> & CommandEnvelope;

/**
 * Issued by the acting leader (the actor is the issuer). Before this command the application reserves the document
 * number by appending `DocumentNumberReserved` to `documentNumberStreamId(issuerUnitId, year of issuedOn, number)`
 * with expected version 'no-stream'; a second directive with the same number fails there.
 */
export type IssueDirective = Shape<
  'IssueDirective',
  {
    issuerUnitId: string;
    issuer: Readonly<{ name: string; postTitle: string }>;
    documentNumber: string;
    kind: DirectiveKind;
    issuedOn: IsoDate;
    meeting: Readonly<Meeting> | null;
    title: string;
    body: string;
    taskIds: readonly string[];
  }
>;

/** Fields to change; absent fields stay. Tasks can be added, not removed (a task is cancelled on its own stream). */
export type DirectiveChangesInput = Readonly<{
  title?: string;
  body?: string;
  meeting?: Readonly<Meeting> | null;
  addTaskIds?: readonly string[];
}>;

export type AmendDirective = Shape<'AmendDirective', { changes: DirectiveChangesInput; reason: string }>;
export type WithdrawDirective = Shape<'WithdrawDirective', { reason: string }>;

export type DirectiveCommand = IssueDirective | AmendDirective | WithdrawDirective;
export type DirectiveCommandType = DirectiveCommand['type'];
