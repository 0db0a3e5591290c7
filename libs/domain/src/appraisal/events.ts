import type { ActorRef } from '../shared/actor';
import type { IsoInstant } from '../shared/dates';
import type { DomainEvent } from '../shared/decider';
import type { GradeMove, QuotaOutcome, UnitGrade, UnitScore } from './engine';
import type { AppraisalFacts } from './facts';
import type { RuleSet } from './rule-set';

/**
 * An appraisal cycle (đánh giá, xếp loại / 考核) for one year and one peer group, in `appraisal-<year>-<peerGroup>`:
 * opened (with the rule set that grades it) → scored (the facts and the computed results, recorded whole) →
 * moderated (the quota and the council's moves, each recorded with why) → approved (a sign-off) → published →
 * appealed (by a unit head) → appeal decided → final (with the heads' grades as the rule set derives them).
 *
 * Every event carries `cycleId` (`<year>-<peerGroup>`), `at` (the command's `now`) and `by`.
 */
type Recorded = { cycleId: string; at: IsoInstant; by: ActorRef };

/**
 * `ruleSet` is the rule set whole and `ruleSetHash` the SHA-256 of its canonical form (`ruleSetHash`): the cycle
 * keeps the exact rules it grades by, whatever later happens to the rule set (withdrawn, superseded). Both are
 * absent from cycles recorded before rule sets were data; those name a built-in rule set.
 */
export type AppraisalCycleOpened = DomainEvent<
  'AppraisalCycleOpened',
  Recorded & {
    year: number;
    peerGroup: string;
    ownerUnitId: string;
    ruleSetId: string;
    unitIds: string[];
    ruleSetHash?: string;
    ruleSet?: RuleSet;
  }
>;

/** One result per unit: the facts it was computed from and what `scoreUnit` made of them. */
export type ScoredUnit = { facts: AppraisalFacts; result: UnitScore };

export type AppraisalScored = DomainEvent<'AppraisalScored', Recorded & { ruleSetId: string; results: ScoredUnit[] }>;

export type AppraisalModerated = DomainEvent<
  'AppraisalModerated',
  Recorded & { grades: UnitGrade[]; moves: GradeMove[]; quota: QuotaOutcome | null }
>;

export type AppraisalApproved = DomainEvent<'AppraisalApproved', Recorded & { signOffId: string }>;
export type AppraisalPublished = DomainEvent<'AppraisalPublished', Recorded>;

export type AppraisalAppealed = DomainEvent<
  'AppraisalAppealed',
  Recorded & { appealId: string; unitId: string; grade: string; requestedGrade: string | null; reason: string }
>;
export type AppraisalAppealDecided = DomainEvent<
  'AppraisalAppealDecided',
  Recorded & {
    appealId: string;
    unitId: string;
    decision: 'upheld' | 'rejected';
    from: string;
    to: string;
    reason: string;
  }
>;

/** The head's grade as the rule set derives it from the unit's (`headGradeFor` with no own grade). */
export type FinalGrade = UnitGrade & { headGrade: string | null };

export type AppraisalFinalized = DomainEvent<'AppraisalFinalized', Recorded & { grades: FinalGrade[] }>;

export type AppraisalEvent =
  | AppraisalCycleOpened
  | AppraisalScored
  | AppraisalModerated
  | AppraisalApproved
  | AppraisalPublished
  | AppraisalAppealed
  | AppraisalAppealDecided
  | AppraisalFinalized;

export type AppraisalEventType = AppraisalEvent['type'];
