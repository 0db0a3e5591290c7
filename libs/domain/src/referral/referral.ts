import type { Labels } from '../errors/messages';
import type { Jurisdiction } from '../appraisal/rule-set';
import type { IsoDate, IsoInstant } from '../shared/dates';
import type { EvaluationBasis } from '../objective/events';
import type { Direction, ObjectiveOutcome } from '../objective/figures';
import type { Timeliness } from '../task/timeliness';

/**
 * A referral to the discipline commission (DOMAIN.md, "Flagging for the discipline commission"): who, what failed,
 * what happened and when, what speaks for them, and the proof. Plain JSON: it is recorded whole in `CaseReferred`.
 */

export const RESPONSIBILITY_TAGS = ['overall', 'main', 'important'] as const;
/** 全面领导责任 / 主要领导责任 / 重要领导责任 (trách nhiệm lãnh đạo toàn diện / chủ yếu / quan trọng). */
export type ResponsibilityTag = (typeof RESPONSIBILITY_TAGS)[number];

export const RESPONSIBILITY_LABELS: { readonly [T in ResponsibilityTag]: Labels } = {
  overall: { en: 'Overall leadership responsibility', vi: 'Trách nhiệm lãnh đạo toàn diện', zh: '全面领导责任' },
  main: { en: 'Main leadership responsibility', vi: 'Trách nhiệm lãnh đạo chủ yếu', zh: '主要领导责任' },
  important: { en: 'Important leadership responsibility', vi: 'Trách nhiệm lãnh đạo quan trọng', zh: '重要领导责任' },
};

/** A person who held a post at the time, with the basis on which they are named. */
export type ResponsiblePersonRef = {
  personId: string;
  name: string;
  postTitle: string;
  unitId: string;
  responsibility: ResponsibilityTag;
  /** head_at_deadline: the head in post on the deadline day (`headOn`); deputy_in_charge: the deputy for the work. */
  basis: 'head_at_deadline' | 'deputy_in_charge' | 'named_by_commission';
  tenure: { from: IsoDate; to: IsoDate | null };
};

export type ReferralSubject = {
  unitId: string;
  /** The day responsibility is resolved on: the deadline in force (or the evaluation day when nothing was due). */
  resolvedOn: IsoDate;
  persons: ResponsiblePersonRef[];
  /** True when nobody was head on `resolvedOn`. */
  headVacant: boolean;
};

export type ReferralSource = {
  letter: {
    letterId: string;
    documentNumber: string | null;
    title: string;
    year: number;
    upperUnitId: string;
    lowerUnitId: string;
    inForceFrom: IsoDate | null;
  } | null;
  directive: { directiveId: string; documentNumber: string; title: string; issuedOn: IsoDate } | null;
};

export type ObjectiveFailure = {
  kind: 'objective_missed';
  objectiveId: string;
  metric: string;
  unitOfMeasure: string;
  direction: Direction;
  target: number;
  originalTarget: number;
  actual: number | null;
  actualAsOf: IsoDate | null;
  ratioToPlan: number | null;
  ratioToSamePeriodLastYear: number | null;
  tolerance: number;
  shortfall: number;
  deadline: IsoDate;
  originalDeadline: IsoDate;
  evaluatedOn: IsoDate;
  evaluationBasis: EvaluationBasis;
  outcome: ObjectiveOutcome;
  source: ReferralSource;
  /** The tasks the objective measures, with their timeliness on the evaluation day. */
  tasks: { taskId: string; title: string; deadline: IsoDate | null; timeliness: Timeliness }[];
};

export type OverdueTasksFailure = {
  kind: 'tasks_overdue';
  asOf: IsoDate;
  /** The period referred: the year of the tasks' deadlines (null: every overdue task, whatever its year). */
  year: number | null;
  minDaysOverdue: number;
  minCount: number;
  tasks: {
    taskId: string;
    title: string;
    directiveId: string;
    /** The directive's document number (null when its stream was not given). */
    documentNumber: string | null;
    deadline: IsoDate;
    originalDeadline: IsoDate;
    daysOverdue: number;
  }[];
  source: ReferralSource;
};

export type ReferralFailure = ObjectiveFailure | OverdueTasksFailure;

export const CHRONOLOGY_KINDS = [
  'assignment',
  'acknowledgement',
  'progress_report',
  'completion_report',
  'reminder',
  'extension_request',
  'extension_granted',
  'extension_denied',
  'inspection_notice',
  'interview',
  'evaluation',
] as const;
export type ChronologyKind = (typeof CHRONOLOGY_KINDS)[number];

/**
 * One step of the chronology. `on` is the day it happened (an interview's `heldOn`, else the day of `at`);
 * `beforeDeadline` says whether the unit knew it while the work was still due (on or before the deadline).
 */
export type ChronologyEntry = {
  on: IsoDate;
  at: IsoInstant;
  kind: ChronologyKind;
  eventId: string;
  streamId: string;
  eventType: string;
  summary: string;
  beforeDeadline: boolean;
};

export type CauseRef = {
  claimId: string;
  kind: 'objective_cause' | 'error_tolerance';
  cause: string;
  decision: 'pending' | 'confirmed' | 'rejected';
  claimedOn: IsoDate;
  decidedOn: IsoDate | null;
  eventIds: string[];
};

export type ExtensionRef = {
  streamId: string;
  requestId: string;
  requestedOn: IsoDate;
  requestedDeadline: IsoDate;
  decision: 'pending' | 'granted' | 'denied';
  eventIds: string[];
};

/**
 * A final grade from an appraisal cycle of an earlier year (`AppraisalFinalized`, the `eventId`): the unit's own
 * (`subject: 'unit'`, on the unit scale) or a named person's as head of `unitId` (`subject: 'head'`, cadre scale).
 */
export type PriorGrade = {
  year: number;
  cycleId: string;
  ruleSetId: string;
  subject: 'unit' | 'head';
  unitId: string;
  personId: string | null;
  grade: string;
  eventId: string;
};
/** An earlier accountability decision concerning the unit or one of the persons named. */
export type PriorDecision = { caseId: string; decidedOn: IsoDate; personId: string | null; form: string; eventId: string };

export type ReferralMitigations = {
  causes: CauseRef[];
  extensions: ExtensionRef[];
  approvedRevisions: { revisionId: string; previousTarget: number; newTarget: number; signOffId: string; eventId: string }[];
  priorGrades: PriorGrade[];
  priorDecisions: PriorDecision[];
};

/**
 * The proof: every event the referral rests on (the application attaches to each an inclusion proof against the
 * latest signed checkpoint when it exports the referral), the evidence hashes those events carry, and the rule set
 * whose flagging rule referred the unit.
 */
export type ReferralIntegrity = { eventIds: string[]; evidenceHashes: string[]; ruleSetId: string };

export type Referral = {
  jurisdiction: Jurisdiction;
  /** Why the unit was flagged (`shouldFlag`). */
  reasons: ('objective_missed' | 'tasks_overdue')[];
  subject: ReferralSubject;
  failure: ReferralFailure;
  chronology: ChronologyEntry[];
  mitigations: ReferralMitigations;
  integrity: ReferralIntegrity;
};
