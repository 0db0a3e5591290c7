import { domainError } from '../shared/domain-error';
import { isJsonValue } from '../shared/json';
import { isId, isNonBlank } from '../shared/validate';
import { FINDING_SEVERITIES, FINDING_VERDICTS, type FindingSeverity, type FindingVerdict } from '../inspection/events';
import { OBJECTIVE_OUTCOMES, type ObjectiveOutcome } from '../objective/figures';
import { TIMELINESS_VALUES, type Timeliness } from '../task/timeliness';

/**
 * What the engine grades a unit from: one unit, one year, built by the appraisal projection from the log. Plain
 * JSON, recorded whole in `AppraisalScored`, so anyone can recompute a grade offline from the event alone
 * (`scoreUnit(ruleSetById(ruleSetId), facts)`). Every fact names the events it was read from.
 *
 * How the projection fills each field:
 * - `tasks`: every task the unit led in the year. `timeliness` is `timelinessOn(events, yearClose)`;
 *   `progressPercent` is the last reported percentage (100 once verified); `quantityPercent` the share of the
 *   expected result delivered (100 once verified, else the progress); `qualityPercent` 100 unless the verifier
 *   said otherwise; `delays` the number of deadlines that passed unverified (`DeadlinePassed`); `qualityFailures` the
 *   number of returns for redo; `objectiveCauseConfirmed` whether the commission confirmed an objective cause for
 *   the task's objective; `exceeded` whether the verifier recorded the result as beyond what was expected.
 * - `objectives`: every objective of the unit for the year, from its final `ObjectiveEvaluated` (outcome and
 *   attainment copied from it).
 * - `findings`: inspection findings about the unit (or its tasks) recorded in the year.
 * - `disqualifiers`: disqualifying facts by code (`disciplined_in_year`, `corruption_in_unit`, a 一票否决 item):
 *   the rule set's `vetoes` say which codes count and what they cap; codes it does not know are ignored and shown.
 * - `generalCriteriaPoints`: the general criteria (vn-2026: out of 30) as assessed by the council, or null.
 */
export type TaskFact = {
  taskId: string;
  weight: number;
  timeliness: Timeliness;
  quantityPercent: number;
  qualityPercent: number;
  progressPercent: number;
  delays: number;
  qualityFailures: number;
  objectiveCauseConfirmed: boolean;
  exceeded: boolean;
  evidenceEventIds: string[];
};

export type ObjectiveFact = {
  objectiveId: string;
  weight: number;
  outcome: ObjectiveOutcome;
  /** From the evaluation: the share of the plan achieved in the metric's direction (1 = the plan). */
  attainment: number | null;
  evidenceEventIds: string[];
};

export type FindingFact = {
  findingId: string;
  verdict: FindingVerdict;
  severity: FindingSeverity | null;
  evidenceEventIds: string[];
};

export type DisqualifierFact = { code: string; description: string; evidenceEventIds: string[] };

export type AppraisalFacts = {
  unitId: string;
  year: number;
  generalCriteriaPoints: number | null;
  tasks: TaskFact[];
  objectives: ObjectiveFact[];
  findings: FindingFact[];
  disqualifiers: DisqualifierFact[];
};

/**
 * Throws `APPRAISAL.FACTS_INVALID` naming the first field that is not as `AppraisalFacts` says: the facts of a
 * command are checked before they are scored and recorded.
 */
export function checkFacts(facts: unknown, field = 'facts'): AppraisalFacts {
  const fail = (path: string): never => {
    throw domainError('APPRAISAL.FACTS_INVALID', { field: `${field}${path}` });
  };
  if (!isJsonValue(facts) || typeof facts !== 'object' || facts === null || Array.isArray(facts)) return fail('');
  const value = facts as Partial<AppraisalFacts>;
  if (!isId(value.unitId)) fail('.unitId');
  if (!Number.isInteger(value.year)) fail('.year');
  if (value.generalCriteriaPoints !== null && !isFiniteNumber(value.generalCriteriaPoints)) fail('.generalCriteriaPoints');
  const list = <T>(items: T[] | undefined, name: string, check: (item: T) => boolean): void => {
    if (!Array.isArray(items)) fail(`.${name}`);
    (items as T[]).forEach((item, index) => {
      if (typeof item !== 'object' || item === null || !check(item)) fail(`.${name}[${index}]`);
    });
  };
  list(value.tasks, 'tasks', (task) =>
    isId(task.taskId) &&
    isPositive(task.weight) &&
    (TIMELINESS_VALUES as readonly string[]).includes(task.timeliness) &&
    isPercent(task.quantityPercent) &&
    isPercent(task.qualityPercent) &&
    isPercent(task.progressPercent) &&
    isCount(task.delays) &&
    isCount(task.qualityFailures) &&
    typeof task.objectiveCauseConfirmed === 'boolean' &&
    typeof task.exceeded === 'boolean' &&
    isEventIds(task.evidenceEventIds),
  );
  list(value.objectives, 'objectives', (objective) =>
    isId(objective.objectiveId) &&
    isPositive(objective.weight) &&
    (OBJECTIVE_OUTCOMES as readonly string[]).includes(objective.outcome) &&
    (objective.attainment === null || isFiniteNumber(objective.attainment)) &&
    isEventIds(objective.evidenceEventIds),
  );
  list(value.findings, 'findings', (finding) =>
    isId(finding.findingId) &&
    (FINDING_VERDICTS as readonly string[]).includes(finding.verdict) &&
    (finding.severity === null || (FINDING_SEVERITIES as readonly string[]).includes(finding.severity)) &&
    isEventIds(finding.evidenceEventIds),
  );
  list(value.disqualifiers, 'disqualifiers', (disqualifier) =>
    /^[a-z][a-z0-9_]{0,63}$/.test(String(disqualifier.code)) && isNonBlank(disqualifier.description) && isEventIds(disqualifier.evidenceEventIds),
  );
  return value as AppraisalFacts;
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isPositive = (value: unknown): boolean => isFiniteNumber(value) && value > 0;
/** Quantity may exceed 100 (more than expected was delivered); the engine caps what it counts at 100. */
const isPercent = (value: unknown): boolean => isFiniteNumber(value) && value >= 0 && value <= 1000;
const isCount = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0;
const isEventIds = (value: unknown): boolean =>
  Array.isArray(value) && value.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 200);
