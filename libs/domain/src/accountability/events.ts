import type { Jurisdiction } from '../appraisal/rule-set';
import type { Referral } from '../referral/referral';
import type { ActorRef } from '../shared/actor';
import type { IsoInstant } from '../shared/dates';
import type { DomainEvent } from '../shared/decider';

/**
 * An accountability case (xem xét trách nhiệm, kỷ luật / 问责) in `case-<id>`: referred (by the process manager,
 * with the referral) → investigating → statement taken → decided (a form from the jurisdiction's list, per person
 * or for the unit, with a sign-off) → executed → closed; or dismissed, or exempted (容错, or a confirmed objective
 * cause); a decision may be appealed, and the appeal decided by someone who did not decide the case.
 *
 * Every event carries `caseId`, `at` (the command's `now`) and `by`.
 */
type Recorded = { caseId: string; at: IsoInstant; by: ActorRef };

export type CaseReferred = DomainEvent<
  'CaseReferred',
  Recorded & { jurisdiction: Jurisdiction; subjectUnitId: string; referral: Referral }
>;
export type CaseInvestigationStarted = DomainEvent<'CaseInvestigationStarted', Recorded & { note: string | null }>;
/** `statementHash` is the SHA-256 of the signed statement; `summary` what it says, in a sentence or two. */
export type CaseStatementTaken = DomainEvent<
  'CaseStatementTaken',
  Recorded & { statementId: string; personId: string; statementHash: string; summary: string }
>;

/** One decision: a person named in the referral (or null: the unit itself), the form, and why. */
export type CaseDecisionItem = { personId: string | null; form: string; reason: string };

export type CaseDecided = DomainEvent<'CaseDecided', Recorded & { decisions: CaseDecisionItem[]; signOffId: string }>;
export type CaseDecisionExecuted = DomainEvent<
  'CaseDecisionExecuted',
  Recorded & { documentNumber: string | null; note: string }
>;
export type CaseClosed = DomainEvent<'CaseClosed', Recorded & { note: string | null }>;
export type CaseDismissed = DomainEvent<'CaseDismissed', Recorded & { reason: string }>;

export const EXEMPTION_BASES = ['objective_cause_confirmed', 'error_tolerance'] as const;
export type ExemptionBasis = (typeof EXEMPTION_BASES)[number];
/** `refs`: the events (or cause claims) the exemption rests on. */
export type CaseExempted = DomainEvent<'CaseExempted', Recorded & { basis: ExemptionBasis; reason: string; refs: string[] }>;

export type CaseAppealed = DomainEvent<'CaseAppealed', Recorded & { appealId: string; personId: string | null; reason: string }>;
/** upheld: the decision on that person is annulled; varied: replaced by `form`; rejected: it stands. */
export type CaseAppealDecided = DomainEvent<
  'CaseAppealDecided',
  Recorded & { appealId: string; decision: 'upheld' | 'varied' | 'rejected'; form: string | null; reason: string }
>;

export type CaseEvent =
  | CaseReferred
  | CaseInvestigationStarted
  | CaseStatementTaken
  | CaseDecided
  | CaseDecisionExecuted
  | CaseClosed
  | CaseDismissed
  | CaseExempted
  | CaseAppealed
  | CaseAppealDecided;

export type CaseEventType = CaseEvent['type'];
