import type { ActorRef } from '../shared/actor';
import type { IsoDate, IsoInstant } from '../shared/dates';
import type { DomainEvent } from '../shared/decider';
import type { Direction, FiguresOutcome, ObjectiveOutcome } from './figures';

/**
 * An objective (chỉ tiêu / 目标任务) for one unit and year, committed to in a responsibility letter (or set by a
 * plan or directive): defined → actuals reported per period → (revision proposed → approved or rejected)
 * → (deadline extension requested → granted or denied) → (objective cause claimed → confirmed or rejected)
 * → evaluated at the deadline in force and at year close.
 *
 * Every event carries `objectiveId`, `at` (the command's `now`) and `by` (who recorded it).
 */
type Recorded = { objectiveId: string; at: IsoInstant; by: ActorRef };

export const CAUSE_KINDS = ['objective_cause', 'error_tolerance'] as const;
/**
 * - objective_cause (nguyên nhân khách quan / 客观原因): a flood, an epidemic, a change of law; once confirmed by
 *   the discipline commission it excuses a miss;
 * - error_tolerance (容错): the unit claims the failure came from trying something new in good faith (三个区分开来);
 *   it never excuses the figures, it is a mitigation the commission weighs in the accountability case.
 */
export type CauseKind = (typeof CAUSE_KINDS)[number];

export const EVALUATION_BASES = ['deadline', 'year_close'] as const;
/** At the deadline in force (the original, or the granted extension), or at year close (final). */
export type EvaluationBasis = (typeof EVALUATION_BASES)[number];

export type ObjectiveDefined = DomainEvent<
  'ObjectiveDefined',
  Recorded & {
    unitId: string;
    year: number;
    metric: string;
    unitOfMeasure: string;
    direction: Direction;
    target: number;
    /** The figure for the same period last year (the comparison base), when there is one. */
    baseline: number | null;
    weight: number;
    deadline: IsoDate;
    /** A fraction (0.05): how far short of target still counts as met. */
    tolerance: number;
    /** The responsibility letter that commits the unit to it (`letter-<id>`), and/or the plan or directive. */
    letterId: string | null;
    directiveId: string | null;
    /** The tasks whose work the objective measures (their chronology goes into a referral). */
    taskIds: string[];
  }
>;

/**
 * A figure as it stood at the end of a period (`asOf`), from a named source (statistics office, land registry).
 * A later report for the same period corrects an earlier one; both stay in the log.
 */
export type ActualReported = DomainEvent<
  'ActualReported',
  Recorded & {
    period: string;
    asOf: IsoDate;
    value: number;
    samePeriodLastYear: number | null;
    source: string;
    evidence: string[];
    /** The value this report corrects (the last one reported for the same period), or null. */
    correctsValue: number | null;
  }
>;

export type RevisionProposed = DomainEvent<
  'RevisionProposed',
  Recorded & { revisionId: string; currentTarget: number; proposedTarget: number; reason: string }
>;
/** The only event that changes the target; it names the approving sign-off (`signoff-<signOffId>`). */
export type RevisionApproved = DomainEvent<
  'RevisionApproved',
  Recorded & { revisionId: string; previousTarget: number; newTarget: number; signOffId: string }
>;
export type RevisionRejected = DomainEvent<'RevisionRejected', Recorded & { revisionId: string; reason: string }>;

export type ObjectiveExtensionRequested = DomainEvent<
  'ObjectiveExtensionRequested',
  Recorded & { requestId: string; currentDeadline: IsoDate; requestedDeadline: IsoDate; reason: string }
>;
/** The only event that moves the deadline. */
export type ObjectiveExtensionGranted = DomainEvent<
  'ObjectiveExtensionGranted',
  Recorded & { requestId: string; previousDeadline: IsoDate; newDeadline: IsoDate; comment: string | null }
>;
export type ObjectiveExtensionDenied = DomainEvent<
  'ObjectiveExtensionDenied',
  Recorded & { requestId: string; reason: string }
>;

export type ObjectiveCauseClaimed = DomainEvent<
  'ObjectiveCauseClaimed',
  Recorded & { claimId: string; kind: CauseKind; cause: string; description: string; evidence: string[] }
>;
export type ObjectiveCauseConfirmed = DomainEvent<
  'ObjectiveCauseConfirmed',
  Recorded & { claimId: string; comment: string | null }
>;
export type ObjectiveCauseRejected = DomainEvent<'ObjectiveCauseRejected', Recorded & { claimId: string; reason: string }>;

/**
 * The evaluation, with every figure it was made from, so that it reads on its own and can be recomputed
 * (`classifyOutcome`). `cutOff` is the date the actual must stand at: the deadline in force, or year close when that
 * comes first. A year-close evaluation is final: nothing more is recorded on the objective.
 */
export type ObjectiveEvaluated = DomainEvent<
  'ObjectiveEvaluated',
  Recorded & {
    unitId: string;
    year: number;
    basis: EvaluationBasis;
    evaluatedOn: IsoDate;
    cutOff: IsoDate;
    deadline: IsoDate;
    originalDeadline: IsoDate;
    metric: string;
    unitOfMeasure: string;
    direction: Direction;
    target: number;
    originalTarget: number;
    tolerance: number;
    weight: number;
    baseline: number | null;
    /** The value in force at the cut-off (null: nothing reported by then), its date and source. */
    actual: number | null;
    actualAsOf: IsoDate | null;
    actualSource: string | null;
    ratioToPlan: number | null;
    ratioToSamePeriodLastYear: number | null;
    attainment: number | null;
    shortfall: number;
    figuresOutcome: FiguresOutcome;
    outcome: ObjectiveOutcome;
    approvedRevisionIds: string[];
    grantedExtensionIds: string[];
    /** Confirmed objective causes (kind `objective_cause`): what excuses a miss. */
    confirmedCauseClaimIds: string[];
  }
>;

export type ObjectiveEvent =
  | ObjectiveDefined
  | ActualReported
  | RevisionProposed
  | RevisionApproved
  | RevisionRejected
  | ObjectiveExtensionRequested
  | ObjectiveExtensionGranted
  | ObjectiveExtensionDenied
  | ObjectiveCauseClaimed
  | ObjectiveCauseConfirmed
  | ObjectiveCauseRejected
  | ObjectiveEvaluated;

export type ObjectiveEventType = ObjectiveEvent['type'];
