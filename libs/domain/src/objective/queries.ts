import { daysBetween, type IsoDate } from '../shared/dates';
import { actualAt, type ObjectiveRecord } from './decider';
import { pace, type Pace, ratioToPlan, ratioToSamePeriodLastYear, shareOfYearElapsed } from './figures';

/** What the objective dashboard shows for one objective on a day: target, actual, both ratios, and pace. */
export type ObjectiveProgress = {
  objectiveId: string;
  unitId: string;
  asOf: IsoDate;
  target: number;
  deadline: IsoDate;
  /** Days from `asOf` to the deadline in force (negative once it has passed). */
  daysToDeadline: number;
  actual: number | null;
  actualAsOf: IsoDate | null;
  ratioToPlan: number | null;
  /** Against the same period last year as reported with the figure (never against the plan). */
  ratioToSamePeriodLastYear: number | null;
  shareOfYearElapsed: number;
  /** Only for higher-is-better metrics that accumulate over the year; null otherwise or with nothing reported. */
  pace: Pace | null;
};

export function objectiveProgress(objective: ObjectiveRecord, asOf: IsoDate): ObjectiveProgress {
  const actual = actualAt(objective, asOf);
  const ratio = actual === null ? null : ratioToPlan(actual.value, objective.target);
  const share = shareOfYearElapsed(asOf);
  return {
    objectiveId: objective.objectiveId,
    unitId: objective.unitId,
    asOf,
    target: objective.target,
    deadline: objective.deadline,
    daysToDeadline: daysBetween(asOf, objective.deadline),
    actual: actual?.value ?? null,
    actualAsOf: actual?.asOf ?? null,
    ratioToPlan: ratio,
    ratioToSamePeriodLastYear: actual === null ? null : ratioToSamePeriodLastYear(actual.value, actual.samePeriodLastYear),
    shareOfYearElapsed: share,
    pace: ratio === null || objective.direction !== 'higher_is_better' ? null : pace(ratio, share, objective.tolerance),
  };
}
