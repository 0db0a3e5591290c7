/** Builders of appraisal facts for the specs (not exported by the library). */
import type { AppraisalFacts, ObjectiveFact, TaskFact } from './facts';

let counter = 0;

/** A task done on time at 100% on every component, unless told otherwise. */
export function task(overrides: Partial<TaskFact> = {}): TaskFact {
  counter += 1;
  return {
    taskId: `t-${counter}`,
    weight: 1,
    timeliness: 'done_on_time',
    quantityPercent: 100,
    qualityPercent: 100,
    progressPercent: 100,
    delays: 0,
    qualityFailures: 0,
    objectiveCauseConfirmed: false,
    exceeded: false,
    evidenceEventIds: [`task-t-${counter}#1`],
    ...overrides,
  };
}

/** A late task: done after its deadline, one delay. */
export const lateTask = (overrides: Partial<TaskFact> = {}): TaskFact => task({ timeliness: 'done_late', delays: 1, ...overrides });

export function objective(outcome: ObjectiveFact['outcome'], attainment: number | null, overrides: Partial<ObjectiveFact> = {}): ObjectiveFact {
  counter += 1;
  return { objectiveId: `o-${counter}`, weight: 1, outcome, attainment, evidenceEventIds: [`objective-o-${counter}#9`], ...overrides };
}

export function facts(overrides: Partial<AppraisalFacts> = {}): AppraisalFacts {
  return {
    unitId: 'zh',
    year: 2026,
    generalCriteriaPoints: 30,
    tasks: [],
    objectives: [],
    findings: [],
    disqualifiers: [],
    ...overrides,
  };
}
