import type { Map as IMap } from 'immutable';
import {
  APPRAISAL_EVENT_TYPES,
  appraisalDecider,
  CASE_EVENT_TYPES,
  caseDecider,
  INSPECTION_EVENT_TYPES,
  inspectionDecider,
  INTERVIEW_EVENT_TYPES,
  interviewDecider,
  LETTER_EVENT_TYPES,
  OBJECTIVE_EVENT_TYPES,
  objectiveDecider,
  responsibilityLetterDecider,
  RULE_SET_EVENT_TYPES,
  ruleSetDecider,
  type PublishedRuleSet,
  type AppraisalRecord,
  type CaseRecord,
  type InspectionRecord,
  type InterviewState,
  type ObjectiveRecord,
  type ResponsibilityLetterRecord,
} from '@ledger/domain';
import type { Projection } from '../projection';
import { recordViewsProjection, type RecordView } from './record-view';

/**
 * The records of issue 4, one view per stream, each folded by its own decider: responsibility letters, objectives,
 * inspections, interviews, appraisal cycles and accountability cases. The read models built on them (objective
 * dashboard, appraisal per unit-year, discipline register) are pure functions of these views.
 */
export type InterviewRecord = Exclude<InterviewState, { status: 'none' }>;

const id = (field: string) => (data: Record<string, unknown>) => String(data[field]);

export const LettersProjection: Projection<IMap<string, RecordView<ResponsibilityLetterRecord>>> = recordViewsProjection({
  name: 'letters',
  eventTypes: LETTER_EVENT_TYPES,
  decider: responsibilityLetterDecider,
  idOf: id('letterId'),
});

export const ObjectivesProjection: Projection<IMap<string, RecordView<ObjectiveRecord>>> = recordViewsProjection({
  name: 'objectives',
  eventTypes: OBJECTIVE_EVENT_TYPES,
  decider: objectiveDecider,
  idOf: id('objectiveId'),
});

export const InspectionsProjection: Projection<IMap<string, RecordView<InspectionRecord>>> = recordViewsProjection({
  name: 'inspections',
  eventTypes: INSPECTION_EVENT_TYPES,
  decider: inspectionDecider,
  idOf: id('inspectionId'),
});

export const InterviewsProjection: Projection<IMap<string, RecordView<InterviewRecord>>> = recordViewsProjection({
  name: 'interviews',
  eventTypes: INTERVIEW_EVENT_TYPES,
  decider: interviewDecider,
  idOf: id('interviewId'),
});

export const AppraisalCyclesProjection: Projection<IMap<string, RecordView<AppraisalRecord>>> = recordViewsProjection({
  name: 'appraisal-cycles',
  eventTypes: APPRAISAL_EVENT_TYPES,
  decider: appraisalDecider,
  idOf: id('cycleId'),
});

export const CasesProjection: Projection<IMap<string, RecordView<CaseRecord>>> = recordViewsProjection({
  name: 'cases',
  eventTypes: CASE_EVENT_TYPES,
  decider: caseDecider,
  idOf: id('caseId'),
});

/**
 * Grading rule sets published in the ledger (`ruleset-<id>`), one view per rule set: what the rule-set list and
 * lookups serve (the built-in rule sets have no stream). Withdrawals are kept as the view's status.
 */
export const RuleSetsProjection: Projection<IMap<string, RecordView<PublishedRuleSet>>> = recordViewsProjection({
  name: 'rule-sets',
  eventTypes: RULE_SET_EVENT_TYPES,
  decider: ruleSetDecider,
  idOf: id('ruleSetId'),
});
