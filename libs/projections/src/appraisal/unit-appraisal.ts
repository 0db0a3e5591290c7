import {
  headGradeFor,
  objectiveProgress,
  ruleSetById,
  type AppraisalFacts,
  type IsoDate,
  type ObjectiveEvaluated,
  type ObjectiveOutcome,
  type ObjectiveProgress,
  type Timeliness,
} from '@ledger/domain';
import type { LedgerReadModels } from '../read-models';
import { taskTimelinessOn, type TaskView } from '../tasks/tasks.projection';
import type { StreamEntry } from '../accountability-records/record-view';

/**
 * Read models derived, purely, from the folded record views: the objectives dashboard, the appraisal of a unit
 * (and of a cadre) for a year with the `AppraisalFacts` the grading engine reads, and what the evidence is.
 * Nothing here reads the log or a clock: `asOf` comes from the caller.
 */

const yearClose = (year: number): IsoDate => `${year}-12-31`;
const yearOf = (date: string): number => Number(date.slice(0, 4));
const ids = (events: readonly StreamEntry[]): string[] => events.map((entry) => entry.eventId);

export type ObjectiveDashboardRow = ObjectiveProgress & {
  year: number;
  metric: string;
  unitOfMeasure: string;
  direction: string;
  baseline: number | null;
  tolerance: number;
  originalTarget: number;
  originalDeadline: IsoDate;
  /** The outcome of the latest evaluation (null: not evaluated yet). */
  outcome: ObjectiveOutcome | null;
  evaluations: { basis: string; evaluatedOn: IsoDate; outcome: ObjectiveOutcome; eventId: string }[];
  letterId: string | null;
  directiveId: string | null;
};

/** Target, actual, ratio to plan, ratio to the same period last year, pace and outcome of every objective, per unit. */
export function objectiveDashboard(models: LedgerReadModels, asOf: IsoDate, filter: { unitIds?: ReadonlySet<string> | null; year?: number | null } = {}): ObjectiveDashboardRow[] {
  return [...models.objectives.values()]
    .filter(({ record }) => (filter.unitIds == null || filter.unitIds.has(record.unitId)) && (filter.year == null || record.year === filter.year))
    .map(({ record, events }) => {
      const evaluations = events
        .filter((entry) => entry.type === 'ObjectiveEvaluated')
        .map((entry) => {
          const data = entry.data as unknown as ObjectiveEvaluated['data'];
          return { basis: data.basis, evaluatedOn: data.evaluatedOn, outcome: data.outcome, eventId: entry.eventId };
        });
      return {
        ...objectiveProgress(record, asOf),
        year: record.year,
        metric: record.metric,
        unitOfMeasure: record.unitOfMeasure,
        direction: record.direction,
        baseline: record.baseline,
        tolerance: record.tolerance,
        originalTarget: record.originalTarget,
        originalDeadline: record.originalDeadline,
        outcome: evaluations.at(-1)?.outcome ?? null,
        evaluations,
        letterId: record.letterId,
        directiveId: record.directiveId,
      };
    })
    .sort((a, b) => compare(a.unitId, b.unitId) || compare(a.objectiveId, b.objectiveId));
}

/** The tasks a unit led whose deadline in force (else its assignment) falls in the year. */
export function tasksLedIn(models: LedgerReadModels, unitId: string, year: number): TaskView[] {
  return [...models.tasks.tasks.values()]
    .filter((view) => view.record.assignment?.leadUnitId === unitId && view.record.status !== 'cancelled')
    .filter((view) => yearOf(view.record.deadline ?? view.record.assignment!.assignedOn) === year)
    .sort((a, b) => compare(a.taskId, b.taskId));
}

/**
 * The grading engine's input for a unit and a year, filled as `appraisal/facts.ts` says: tasks with their
 * timeliness at year close, objectives from their final evaluation, the year's inspection findings about the
 * unit, and disqualifiers (a case decided against the unit in the year). Every fact names its events.
 */
export function appraisalFactsOf(models: LedgerReadModels, unitId: string, year: number): AppraisalFacts {
  const close = yearClose(year);
  const objectives = [...models.objectives.values()].filter(({ record }) => record.unitId === unitId && record.year === year);
  const excusedTasks = new Set(
    objectives.filter(({ record }) => record.causeClaims.some((claim) => claim.decision === 'confirmed')).flatMap(({ record }) => record.taskIds),
  );
  const tasks = tasksLedIn(models, unitId, year).map((view) => {
    const verified = view.record.status === 'verified' || view.record.status === 'closed';
    const progress = verified ? 100 : (view.record.percent ?? 0);
    return {
      taskId: view.taskId,
      weight: 1,
      timeliness: taskTimelinessOn(view, close),
      quantityPercent: progress,
      qualityPercent: 100,
      progressPercent: progress,
      // One deadline marked per DeadlinePassed the task recorded.
      delays: view.record.deadlinesMarked.length,
      qualityFailures: view.returnsForRedo,
      objectiveCauseConfirmed: excusedTasks.has(view.taskId),
      exceeded: false,
      evidenceEventIds: [...view.eventIds],
    };
  });
  const objectiveFacts = objectives.flatMap(({ record, events }) => {
    const final = events.filter((entry) => entry.type === 'ObjectiveEvaluated').at(-1);
    if (final === undefined) return [];
    const data = final.data as unknown as ObjectiveEvaluated['data'];
    return [{ objectiveId: record.objectiveId, weight: record.weight, outcome: data.outcome, attainment: data.attainment, evidenceEventIds: ids(events) }];
  });
  const findings = [...models.inspections.values()].flatMap((view) =>
    view.record.findings
      .filter((finding) => finding.subject.unitId === unitId && yearOf(finding.recordedOn) === year)
      .map((finding) => ({
        findingId: finding.findingId,
        verdict: finding.verdict,
        severity: finding.severity,
        evidenceEventIds: view.events.filter((entry) => entry.type === 'FindingRecorded' && (entry.data as { findingId?: string }).findingId === finding.findingId).map((entry) => entry.eventId),
      })),
  );
  const disqualifiers = [...models.cases.values()]
    .filter(({ record }) => record.subjectUnitId === unitId)
    .flatMap((view) => view.events.filter((entry) => entry.type === 'CaseDecided' && yearOf(entry.occurredAt) === year))
    .map((entry) => ({ code: 'disciplined_in_year', description: `Accountability decided (${entry.eventId})`, evidenceEventIds: [entry.eventId] }));
  return { unitId, year, generalCriteriaPoints: null, tasks, objectives: objectiveFacts, findings, disqualifiers };
}

export type UnitAppraisalView = {
  unitId: string;
  year: number;
  tasks: { total: number; byTimeliness: Record<Timeliness, number>; rates: Record<Timeliness, number | null> };
  objectives: { total: number; byOutcome: Record<ObjectiveOutcome | 'not_evaluated', number> };
  findings: { praise: number; criticism: number; neutral: number; items: AppraisalFacts['findings'] };
  cycleId: string | null;
  ruleSetId: string | null;
  score: number | null;
  proposedGrade: string | null;
  finalGrade: string | null;
  status: string | null;
  /** The event ids the figures rest on (tasks, objectives, findings, the cycle's events). */
  evidenceEventIds: string[];
  facts: AppraisalFacts;
};

const TIMELINESS: readonly Timeliness[] = ['done_on_time', 'done_late', 'not_done_within_deadline', 'not_done_overdue', 'cancelled', 'not_assigned'] as Timeliness[];

/** The appraisal of a unit for a year: counts and rates, the score and grades of the cycle that covers it. */
export function unitAppraisal(models: LedgerReadModels, unitId: string, year: number): UnitAppraisalView {
  const facts = appraisalFactsOf(models, unitId, year);
  const byTimeliness = Object.fromEntries(TIMELINESS.map((t) => [t, facts.tasks.filter((task) => task.timeliness === t).length])) as Record<Timeliness, number>;
  const total = facts.tasks.length;
  const rates = Object.fromEntries(TIMELINESS.map((t) => [t, total === 0 ? null : byTimeliness[t] / total])) as Record<Timeliness, number | null>;
  const unitObjectives = [...models.objectives.values()].filter(({ record }) => record.unitId === unitId && record.year === year);
  const byOutcome = { exceeded: 0, met: 0, missed: 0, excused: 0, not_evaluated: unitObjectives.length - facts.objectives.length };
  for (const objective of facts.objectives) byOutcome[objective.outcome] += 1;
  const cycle = cycleCovering(models, unitId, year);
  const result = cycle?.record.results.find((score) => score.unitId === unitId) ?? null;
  const grade = cycle?.record.grades.find((item) => item.unitId === unitId)?.grade ?? null;
  return {
    unitId,
    year,
    tasks: { total, byTimeliness, rates },
    objectives: { total: unitObjectives.length, byOutcome },
    findings: {
      praise: facts.findings.filter((f) => f.verdict === 'praise').length,
      criticism: facts.findings.filter((f) => f.verdict === 'criticism').length,
      neutral: facts.findings.filter((f) => f.verdict === 'neutral').length,
      items: facts.findings,
    },
    cycleId: cycle?.record.cycleId ?? null,
    ruleSetId: cycle?.record.ruleSetId ?? null,
    score: result?.score ?? null,
    proposedGrade: result?.proposedGrade ?? null,
    finalGrade: cycle !== null && ['published', 'appealed', 'final'].includes(cycle.record.status) ? grade : null,
    status: cycle?.record.status ?? null,
    evidenceEventIds: [
      ...new Set([
        ...facts.tasks.flatMap((t) => t.evidenceEventIds),
        ...facts.objectives.flatMap((o) => o.evidenceEventIds),
        ...facts.findings.flatMap((f) => f.evidenceEventIds),
        ...(cycle ? ids(cycle.events) : []),
      ]),
    ],
    facts,
  };
}

/** The appraisal cycle of the year that lists the unit (the latest opened, if several). */
export function cycleCovering(models: LedgerReadModels, unitId: string, year: number) {
  return [...models.appraisalCycles.values()].filter(({ record }) => record.year === year && record.unitIds.includes(unitId)).at(-1) ?? null;
}

/** A cadre's appraisal for a year: for each unit they headed in the year, the unit's appraisal and the head grade. */
export function cadreAppraisal(models: LedgerReadModels, personId: string, year: number) {
  const from = `${year}-01-01`;
  const to = yearClose(year);
  const posts = [...models.organisation.units.values()].flatMap((unit) =>
    unit.record.heads.filter((tenure) => tenure.personId === personId && tenure.from <= to && (tenure.to === null || tenure.to >= from)).map((tenure) => ({ unit, tenure })),
  );
  return {
    personId,
    year,
    posts: posts.map(({ unit, tenure }) => {
      const appraisal = unitAppraisal(models, unit.unitId, year);
      // The rule set the cycle recorded (published ones are known to no code registry); older records name a built-in one.
      const recorded = cycleCovering(models, unit.unitId, year)?.record.ruleSet ?? null;
      const ruleSet = recorded ?? (appraisal.ruleSetId === null ? null : ruleSetById(appraisal.ruleSetId));
      const unitGrade = appraisal.finalGrade ?? appraisal.proposedGrade;
      return {
        unitId: unit.unitId,
        tenure,
        unitGrade,
        headGrade: ruleSet === null || unitGrade === null ? null : headGradeFor(ruleSet, unitGrade),
        ruleSetId: appraisal.ruleSetId,
        evidenceEventIds: appraisal.evidenceEventIds,
      };
    }),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
