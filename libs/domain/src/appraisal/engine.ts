import { isCountedTimeliness } from '../task/timeliness';
import type { AppraisalFacts, ObjectiveFact, TaskFact } from './facts';
import {
  type Condition,
  gradeRank,
  isAtOrAbove,
  type Metric,
  METRICS,
  type RuleSet,
  worseOf,
} from './rule-set';

/**
 * The grading engine: pure functions from a rule set (data) and facts (data) to a result that says how it got
 * there. `scoreUnit` grades one unit; `moderate` applies the quota over a peer group and records every move;
 * `headGradeFor` says what the head's grade is given the unit's.
 */

export type AppraisalMetrics = { [M in Metric]: number | null };

export type ConditionCheck = Condition & { actual: number | null; holds: boolean };

export type ItemScore = {
  kind: 'task' | 'objective';
  id: string;
  weight: number;
  /** Left out of the shares (an excused objective: neither credit nor blame). */
  excluded: boolean;
  allocatedPoints: number;
  percent: number;
  failures: number;
  deduction: number;
  points: number;
};

export type ScoreBreakdown = {
  general: { points: number; maxPoints: number } | null;
  results: { points: number; maxPoints: number; items: ItemScore[] } | null;
  metrics: AppraisalMetrics;
  /** The grade the bands gave, before gates and vetoes. */
  bandGrade: string;
  gatesFailed: { grade: string; failed: ConditionCheck[] }[];
  vetoesApplied: { code: string; maxGrade: string }[];
  /** Disqualifier codes in the facts that this rule set does not know. */
  ignoredDisqualifiers: string[];
};

export type UnitScore = {
  unitId: string;
  year: number;
  ruleSetId: string;
  /** Points rule sets only; rounded to two decimals before the bands read it. */
  score: number | null;
  proposedGrade: string;
  breakdown: ScoreBreakdown;
  /** Every event the facts were read from, in order of first mention. */
  evidenceEventIds: string[];
  /** The council must look at this result: the codes say why (a band the source leaves open, missing facts). */
  reviewReasons: string[];
};

const EPSILON = 1e-9;

export function scoreUnit(ruleSet: RuleSet, facts: AppraisalFacts): UnitScore {
  const reviewReasons: string[] = [];
  let general: ScoreBreakdown['general'] = null;
  let results: ScoreBreakdown['results'] = null;
  let score: number | null = null;
  if (ruleSet.scoring.method === 'points') {
    const scoring = ruleSet.scoring;
    if (facts.generalCriteriaPoints === null) reviewReasons.push('general_criteria_missing');
    const generalPoints = clamp(facts.generalCriteriaPoints ?? 0, 0, scoring.general.maxPoints);
    general = { points: round2(generalPoints), maxPoints: scoring.general.maxPoints };
    const items = resultItems(scoring, facts);
    if (items.every((item) => item.excluded)) reviewReasons.push('no_results');
    // Summed unrounded (three thirds of 70 make 70); each item is shown rounded to the hundredth.
    const resultPoints = round2(items.reduce((sum, item) => sum + item.exactPoints, 0));
    results = { points: resultPoints, maxPoints: scoring.results.maxPoints, items: items.map(({ exactPoints: _, ...item }) => item) };
    score = round2(general.points + resultPoints);
  }
  const metrics = metricsOf(facts, score);

  const bandIndex = ruleSet.bands.findIndex((band) => band.when.every((condition) => check(condition, metrics).holds));
  const band = ruleSet.bands[bandIndex] ?? ruleSet.bands[ruleSet.bands.length - 1];
  if (band.review !== undefined) reviewReasons.push(band.review.code);
  let grade = band.grade;

  // Gates: a grade whose extra conditions fail falls to the next grade down, whose gates are checked in turn.
  const gatesFailed: ScoreBreakdown['gatesFailed'] = [];
  for (;;) {
    const failed = ruleSet.gates
      .filter((gate) => gate.grade === grade)
      .flatMap((gate) => gate.when.map((condition) => check(condition, metrics)))
      .filter((result) => !result.holds);
    if (failed.length === 0) break;
    gatesFailed.push({ grade, failed });
    const next = ruleSet.scales.unit[gradeRank(ruleSet, grade) + 1];
    if (next === undefined) break;
    grade = next.id;
  }

  const vetoesApplied: ScoreBreakdown['vetoesApplied'] = [];
  const ignoredDisqualifiers: string[] = [];
  for (const disqualifier of facts.disqualifiers) {
    const veto = ruleSet.vetoes.find((entry) => entry.code === disqualifier.code);
    if (veto === undefined) {
      if (!ignoredDisqualifiers.includes(disqualifier.code)) ignoredDisqualifiers.push(disqualifier.code);
      continue;
    }
    if (!vetoesApplied.some((applied) => applied.code === veto.code)) vetoesApplied.push({ code: veto.code, maxGrade: veto.maxGrade });
    grade = worseOf(ruleSet.scales.unit, grade, veto.maxGrade);
  }

  return {
    unitId: facts.unitId,
    year: facts.year,
    ruleSetId: ruleSet.id,
    score,
    proposedGrade: grade,
    breakdown: { general, results, metrics, bandGrade: band.grade, gatesFailed, vetoesApplied, ignoredDisqualifiers },
    evidenceEventIds: evidenceOf(facts),
    reviewReasons,
  };
}

function resultItems(
  scoring: Extract<RuleSet['scoring'], { method: 'points' }>,
  facts: AppraisalFacts,
): (ItemScore & { exactPoints: number })[] {
  const { components, deductionPerFailure, maxPoints } = scoring.results;
  const componentTotal = components.quantity + components.quality + components.progress;
  const tasks = facts.tasks.filter((task) => isCountedTimeliness(task.timeliness));
  const drafts = [
    ...tasks.map((task) => ({
      kind: 'task' as const,
      id: task.taskId,
      weight: task.weight,
      excluded: false,
      percent:
        (components.quantity * cap(task.quantityPercent) +
          components.quality * cap(task.qualityPercent) +
          components.progress * cap(task.progressPercent)) /
        componentTotal,
      failures: task.objectiveCauseConfirmed ? 0 : task.delays + task.qualityFailures,
    })),
    ...facts.objectives.map((objective) => ({
      kind: 'objective' as const,
      id: objective.objectiveId,
      weight: objective.weight,
      excluded: objective.outcome === 'excused',
      percent: cap((objective.attainment ?? 0) * 100),
      failures: objective.outcome === 'missed' ? 1 : 0,
    })),
  ];
  const totalWeight = drafts.filter((item) => !item.excluded).reduce((sum, item) => sum + item.weight, 0);
  return drafts.map((item) => {
    const allocatedPoints = item.excluded || totalWeight === 0 ? 0 : (maxPoints * item.weight) / totalWeight;
    const earned = (allocatedPoints * item.percent) / 100;
    const deduction = Math.min(earned, item.failures * deductionPerFailure * allocatedPoints);
    return {
      ...item,
      allocatedPoints: round2(allocatedPoints),
      percent: round2(item.percent),
      deduction: round2(deduction),
      points: round2(earned - deduction),
      exactPoints: earned - deduction,
    };
  });
}

/** The metrics the bands and gates read (definitions in `facts.ts` and `rule-set.ts`). */
export function metricsOf(facts: AppraisalFacts, score: number | null = null): AppraisalMetrics {
  const tasks = facts.tasks.filter((task) => isCountedTimeliness(task.timeliness));
  const onTime = (task: TaskFact) =>
    task.objectiveCauseConfirmed || task.timeliness === 'done_on_time' || task.timeliness === 'not_done_within_deadline';
  const taskMet = (task: TaskFact) => task.objectiveCauseConfirmed || task.timeliness !== 'not_done_overdue';
  const ofQuality = (task: TaskFact) => task.objectiveCauseConfirmed || task.qualityFailures === 0;
  const objectiveMet = (objective: ObjectiveFact) => objective.outcome !== 'missed';
  const items = tasks.length + facts.objectives.length;
  const count = <T>(list: readonly T[], predicate: (item: T) => boolean) => list.filter(predicate).length;
  const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);
  const criticisms = facts.findings.filter((finding) => finding.verdict === 'criticism');
  const metrics: AppraisalMetrics = {
    score,
    itemsMetShare: share(count(tasks, taskMet) + count(facts.objectives, objectiveMet), items),
    itemsExceededShare: share(
      count(tasks, (task) => task.exceeded) + count(facts.objectives, (objective) => objective.outcome === 'exceeded'),
      items,
    ),
    objectivesMetShare: share(count(facts.objectives, objectiveMet), facts.objectives.length),
    objectivesExceededShare: share(count(facts.objectives, (objective) => objective.outcome === 'exceeded'), facts.objectives.length),
    objectivesMissed: count(facts.objectives, (objective) => objective.outcome === 'missed'),
    tasksOnTimeShare: share(count(tasks, onTime), tasks.length),
    tasksOnTimeAndQualityShare: share(count(tasks, (task) => onTime(task) && ofQuality(task)), tasks.length),
    tasksOverdue: count(tasks, (task) => !taskMet(task)),
    criticismFindings: criticisms.length,
    seriousCriticismFindings: count(criticisms, (finding) => finding.severity === 'high'),
  };
  return metrics;
}

export function check(condition: Condition, metrics: AppraisalMetrics): ConditionCheck {
  const actual = metrics[condition.metric];
  let holds: boolean;
  if (actual === null) {
    holds = condition.ifUndefined === 'pass';
  } else {
    const tolerance = EPSILON * Math.max(1, Math.abs(condition.value));
    switch (condition.op) {
      case '>=':
        holds = actual >= condition.value - tolerance;
        break;
      case '>':
        holds = actual > condition.value + tolerance;
        break;
      case '<=':
        holds = actual <= condition.value + tolerance;
        break;
      case '<':
        holds = actual < condition.value - tolerance;
        break;
    }
  }
  return { ...condition, actual, holds };
}

function evidenceOf(facts: AppraisalFacts): string[] {
  const ids = [
    ...facts.tasks.flatMap((task) => task.evidenceEventIds),
    ...facts.objectives.flatMap((objective) => objective.evidenceEventIds),
    ...facts.findings.flatMap((finding) => finding.evidenceEventIds),
    ...facts.disqualifiers.flatMap((disqualifier) => disqualifier.evidenceEventIds),
  ];
  return [...new Set(ids)];
}

// ── Moderation ─────────────────────────────────────────────────────────────────────────────────────────────────

/** What moderation reads of each scored result. */
export type ModerationInput = {
  unitId: string;
  proposedGrade: string;
  score: number | null;
  metrics: Partial<AppraisalMetrics>;
};

/**
 * A change between the proposed and the final grade, with why: `quota` (moved by the quota: its rank, the limit,
 * the pool, and whether it tied with the last unit kept), `council` (the appraisal council's decision, with its
 * note), `appeal` (an upheld appeal).
 */
export type GradeMove =
  | { unitId: string; from: string; to: string; reason: 'quota'; rank: number; limit: number; poolSize: number; tie: boolean }
  | { unitId: string; from: string; to: string; reason: 'council'; note: string }
  | { unitId: string; from: string; to: string; reason: 'appeal'; appealId: string; note: string };

export type UnitGrade = { unitId: string; grade: string };

export type QuotaOutcome = { grade: string; maxShare: number; poolSize: number; limit: number };

export type ModerationResult = { grades: UnitGrade[]; moves: GradeMove[]; quota: QuotaOutcome | null };

/** The quota's limit for a set of grades: floor(maxShare × number at or above the pool grade). Null: no quota. */
export function quotaFor(ruleSet: RuleSet, grades: readonly string[]): QuotaOutcome | null {
  const quota = ruleSet.quota;
  if (quota === null) return null;
  const poolSize = grades.filter((grade) => isAtOrAbove(ruleSet, grade, quota.poolGrade)).length;
  const limit = Math.floor(quota.maxShare * poolSize + EPSILON);
  return { grade: quota.grade, maxShare: quota.maxShare, poolSize, limit };
}

/** True when no more results hold the quota grade than the quota allows. */
export function quotaRespected(ruleSet: RuleSet, grades: readonly string[]): boolean {
  const outcome = quotaFor(ruleSet, grades);
  return outcome === null || grades.filter((grade) => grade === outcome.grade).length <= outcome.limit;
}

/**
 * The quota over a peer group. Results holding the quota grade are ranked (`quota.rankBy`, each descending,
 * undefined last, then unit id so that the order is total and replayable); those beyond the limit are moved to
 * `quota.demoteTo`, each move recorded. Repeated until the quota holds, because a demotion below the pool grade
 * shrinks the pool and so the limit.
 */
export function moderate(ruleSet: RuleSet, results: readonly ModerationInput[]): ModerationResult {
  const grades = new Map(results.map((result) => [result.unitId, result.proposedGrade]));
  const quota = ruleSet.quota;
  const moves: GradeMove[] = [];
  if (quota === null) return { grades: results.map(({ unitId }) => ({ unitId, grade: grades.get(unitId) as string })), moves, quota: null };
  const keyOf = (result: ModerationInput): (number | null)[] =>
    quota.rankBy.map((metric) => (metric === 'score' ? result.score : (result.metrics[metric] ?? null)));
  const ranked = [...results].sort((a, b) => compareKeys(keyOf(b), keyOf(a)) || (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0));
  let outcome = quotaFor(ruleSet, [...grades.values()]) as QuotaOutcome;
  for (;;) {
    const holders = ranked.filter((result) => grades.get(result.unitId) === quota.grade);
    if (holders.length <= outcome.limit) break;
    const lastKept = outcome.limit > 0 ? holders[outcome.limit - 1] : undefined;
    holders.slice(outcome.limit).forEach((result, index) => {
      grades.set(result.unitId, quota.demoteTo);
      moves.push({
        unitId: result.unitId,
        from: result.proposedGrade,
        to: quota.demoteTo,
        reason: 'quota',
        rank: outcome.limit + index + 1,
        limit: outcome.limit,
        poolSize: outcome.poolSize,
        tie: lastKept !== undefined && compareKeys(keyOf(result), keyOf(lastKept)) === 0,
      });
    });
    outcome = quotaFor(ruleSet, [...grades.values()]) as QuotaOutcome;
  }
  return { grades: results.map(({ unitId }) => ({ unitId, grade: grades.get(unitId) as string })), moves, quota: outcome };
}

/** Lexicographic, a null below any number. */
function compareKeys(a: readonly (number | null)[], b: readonly (number | null)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    if (Math.abs(x - y) > EPSILON * Math.max(1, Math.abs(x), Math.abs(y))) return x < y ? -1 : 1;
  }
  return 0;
}

// ── The head's grade ───────────────────────────────────────────────────────────────────────────────────────────

/**
 * The head's grade on the cadre scale, from the unit's final grade and, where the rule set lets the head be graded
 * on their own, the head's own grade: `follows_unit` → the mapped grade; `capped_by_unit` → the head's own grade
 * but no better than the mapped one (the mapped one when no own grade is given); `independent` → the head's own
 * grade (null when none is given).
 */
export function headGradeFor(ruleSet: RuleSet, unitGrade: string, ownGrade: string | null = null): string | null {
  const mapped = ruleSet.headGrade.map[unitGrade] ?? null;
  switch (ruleSet.headGrade.mode) {
    case 'follows_unit':
      return mapped;
    case 'capped_by_unit':
      if (mapped === null) return ownGrade;
      return ownGrade === null ? mapped : worseOf(ruleSet.scales.cadre, ownGrade, mapped);
    case 'independent':
      return ownGrade;
  }
}

const cap = (percent: number): number => clamp(percent, 0, 100);
const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));
const round2 = (value: number): number => Math.round(value * 100) / 100 + 0;

/** Every metric name, for readers that list them (a report's columns). */
export const APPRAISAL_METRICS: readonly Metric[] = METRICS;
