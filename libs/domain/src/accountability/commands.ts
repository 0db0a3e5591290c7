import type { Referral } from '../referral/referral';
import type { CommandEnvelope } from '../shared/actor';
import type { CaseDecisionItem, ExemptionBasis } from './events';

type Shape<Type extends string, Fields> = Readonly<{ type: Type; caseId: string } & Fields> & CommandEnvelope;

/** Sent by the process manager (or a commissioner) with the referral `buildReferral` produced. */
export type ReferCase = Shape<'ReferCase', { referral: Referral }>;
export type StartCaseInvestigation = Shape<'StartCaseInvestigation', { note?: string | null }>;
export type TakeCaseStatement = Shape<
  'TakeCaseStatement',
  { statementId: string; personId: string; statementHash: string; summary: string }
>;
/** The application records the commission's approving sign-off first and passes its id. */
export type DecideCase = Shape<'DecideCase', { decisions: readonly Readonly<CaseDecisionItem>[]; signOffId: string }>;
export type ExecuteCaseDecision = Shape<'ExecuteCaseDecision', { documentNumber?: string | null; note: string }>;
export type CloseCase = Shape<'CloseCase', { note?: string | null }>;
export type DismissCase = Shape<'DismissCase', { reason: string }>;
export type ExemptCase = Shape<'ExemptCase', { basis: ExemptionBasis; reason: string; refs: readonly string[] }>;
/** Recorded by the commission when the appeal is lodged (the appellant may have left office and hold no credential). */
export type AppealCaseDecision = Shape<'AppealCaseDecision', { appealId: string; personId: string | null; reason: string }>;
export type DecideCaseAppeal = Shape<
  'DecideCaseAppeal',
  { appealId: string; decision: 'upheld' | 'varied' | 'rejected'; form?: string | null; reason: string }
>;

export type CaseCommand =
  | ReferCase
  | StartCaseInvestigation
  | TakeCaseStatement
  | DecideCase
  | ExecuteCaseDecision
  | CloseCase
  | DismissCase
  | ExemptCase
  | AppealCaseDecision
  | DecideCaseAppeal;

export type CaseCommandType = CaseCommand['type'];
