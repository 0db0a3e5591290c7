import type { Labels } from '../errors/messages';
import type { IsoDate } from '../shared/dates';

/**
 * A grading rule set: a named, dated, versioned piece of *data* (plain JSON), never a code path, so that a
 * jurisdiction corrects a figure by editing data and a grade always names the rule set it was computed by.
 * A correction is a new id (`vn-2026.1`): results already recorded keep pointing at what they were computed by.
 *
 * The engine (`engine.ts`) reads a rule set as follows:
 * 1. `scoring` turns the facts into a score (points rule sets) or none (share rule sets) and computes the metrics;
 * 2. `bands`, best first: the first band whose conditions all hold gives the grade by band;
 * 3. `gates`: extra conditions to hold a grade; a grade whose gate fails falls to the next grade down (and that
 *    grade's gates are checked in turn);
 * 4. `vetoes`: a disqualifier in the facts (disciplined in the year, corruption in the unit, a single-item veto
 *    一票否决) caps the grade at the veto's `maxGrade`;
 * 5. `quota`, at moderation over the peer group: at most `maxShare` of the pool may hold `grade`; the rest are moved
 *    to `demoteTo`, recorded with their rank;
 * 6. `headGrade`: how the head's grade follows the unit's.
 */

export const JURISDICTIONS = ['vn', 'cn'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

/** A grade: a stable ASCII id and its labels in every working language. */
export type GradeDefinition = { id: string; labels: Labels };

/**
 * What the conditions of bands and gates read, computed from the facts (see `facts.ts` for each definition).
 * Shares are fractions (0–1) and are undefined (null) when their denominator is zero; counts are never null.
 */
export const METRICS = [
  'score',
  'itemsMetShare',
  'itemsExceededShare',
  'objectivesMetShare',
  'objectivesExceededShare',
  'objectivesMissed',
  'tasksOnTimeShare',
  'tasksOnTimeAndQualityShare',
  'tasksOverdue',
  'criticismFindings',
  'seriousCriticismFindings',
] as const;
export type Metric = (typeof METRICS)[number];

export const COMPARISONS = ['>=', '>', '<=', '<'] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** `ifUndefined`: what a condition on an undefined metric gives (default `fail`): "100% of no tasks on time" passes. */
export type Condition = { metric: Metric; op: Comparison; value: number; ifUndefined?: 'pass' | 'fail' };

/**
 * A band; `review`, when present, marks a band where the source leaves the grade open: the result is proposed as
 * the band says and flagged for the appraisal council, whose decision is recorded as a move at moderation.
 */
export type Band = { grade: string; when: Condition[]; review?: { code: string; note: Labels } };

export type Gate = { grade: string; when: Condition[]; description: Labels };

/** A disqualifier or single-item veto (一票否决): its code in the facts caps the grade. */
export type Veto = { code: string; labels: Labels; maxGrade: string };

/**
 * At most floor(maxShare × pool) of the peer group may hold `grade`, where the pool is the number of results at or
 * above `poolGrade` (the pool counts the quota grade itself). Those beyond are moved to `demoteTo`, ranked by
 * `rankBy` (each metric descending, undefined last), then by unit id; the move records the rank and any tie.
 */
export type Quota = {
  grade: string;
  maxShare: number;
  poolGrade: string;
  rounding: 'floor';
  demoteTo: string;
  rankBy: Metric[];
};

/**
 * How the unit head's grade follows the unit's: `follows_unit` (the head gets `map[unitGrade]`), `capped_by_unit`
 * (the head's own grade, at most `map[unitGrade]`), `independent` (the head's own grade). `map` goes from the unit
 * scale to the cadre scale.
 */
export type HeadGradeRule = {
  mode: 'follows_unit' | 'capped_by_unit' | 'independent';
  map: { [unitGrade: string]: string };
};

/**
 * Points: `general.maxPoints` for the general criteria (assessed by the council, given in the facts) and
 * `results.maxPoints` shared among the result items (counted tasks and objectives) by weight. An item earns its
 * share × its percentage (tasks: the weighted mean of quantity, quality and progress; objectives: attainment), less
 * `deductionPerFailure` of its share for each failure (a delay or a quality failure of a task, a miss of an
 * objective) without a confirmed objective cause; never below zero. Excused objectives are left out of the shares.
 */
export type PointsScoring = {
  method: 'points';
  general: { maxPoints: number };
  results: {
    maxPoints: number;
    components: { quantity: number; quality: number; progress: number };
    deductionPerFailure: number;
  };
};

/** Shares: no score; the bands read the shares of items met, exceeded, on time and of quality. */
export type SharesScoring = { method: 'shares' };

/**
 * When the process manager refers a unit to the discipline commission: an objective missed (with no approved
 * revision or excuse), and, when `overdueTasks` is set, `minCount` or more tasks overdue by more than
 * `minDaysOverdue` days with no confirmed objective cause.
 */
export type FlaggingConfig = {
  missedObjectives: boolean;
  overdueTasks: { minDaysOverdue: number; minCount: number } | null;
};

export type RuleSet = {
  id: string;
  jurisdiction: Jurisdiction;
  name: Labels;
  /** The legal texts it follows, as cited by the secondary sources it was built from. */
  sources: string[];
  /** The appraisal years it governs: those overlapping [from, to] (`to` null: still in force). */
  effective: { from: IsoDate; to: IsoDate | null };
  /** Best first. */
  scales: { unit: GradeDefinition[]; cadre: GradeDefinition[] };
  scoring: PointsScoring | SharesScoring;
  bands: Band[];
  gates: Gate[];
  vetoes: Veto[];
  quota: Quota | null;
  headGrade: HeadGradeRule;
  flagging: FlaggingConfig;
};

/** The rank of a grade on the unit scale: 0 is the best; -1 when the grade is not on it. */
export function gradeRank(ruleSet: RuleSet, grade: string): number {
  return ruleSet.scales.unit.findIndex((definition) => definition.id === grade);
}

/** True when `grade` is `than` or better. */
export function isAtOrAbove(ruleSet: RuleSet, grade: string, than: string): boolean {
  const rank = gradeRank(ruleSet, grade);
  return rank >= 0 && rank <= gradeRank(ruleSet, than);
}

/** The worse of two grades on a scale (best first). */
export function worseOf(scale: readonly GradeDefinition[], a: string, b: string): string {
  const index = (grade: string) => scale.findIndex((definition) => definition.id === grade);
  return index(a) >= index(b) ? a : b;
}

/** The labels of a unit grade, or of a cadre grade. */
export function gradeLabels(ruleSet: RuleSet, grade: string, scale: 'unit' | 'cadre' = 'unit'): Labels | null {
  return ruleSet.scales[scale].find((definition) => definition.id === grade)?.labels ?? null;
}

/** True when the rule set governs appraisals of `year`. */
export function governsYear(ruleSet: RuleSet, year: number): boolean {
  const first = `${String(year).padStart(4, '0')}-01-01`;
  const last = `${String(year).padStart(4, '0')}-12-31`;
  return ruleSet.effective.from <= last && (ruleSet.effective.to === null || ruleSet.effective.to >= first);
}

/**
 * What is wrong with a rule set, as readable sentences (empty when it is usable): every grade named exists, the
 * last band always matches, shares and points are in range, the head map covers the unit scale.
 */
export function ruleSetProblems(ruleSet: RuleSet): string[] {
  const problems: string[] = [];
  const unitGrades = new Set(ruleSet.scales.unit.map((grade) => grade.id));
  const cadreGrades = new Set(ruleSet.scales.cadre.map((grade) => grade.id));
  const needUnitGrade = (grade: string, where: string) => {
    if (!unitGrades.has(grade)) problems.push(`${where} names grade "${grade}", not on the unit scale`);
  };
  if (!/^[a-z]{2}-\d{4}(\.\d+)?$/.test(ruleSet.id)) problems.push(`id "${ruleSet.id}" is not <jurisdiction>-<year>[.<n>]`);
  if (!ruleSet.id.startsWith(`${ruleSet.jurisdiction}-`)) problems.push('id does not start with the jurisdiction');
  if (ruleSet.scales.unit.length < 2 || unitGrades.size !== ruleSet.scales.unit.length) problems.push('unit scale needs 2+ distinct grades');
  if (ruleSet.scales.cadre.length < 2 || cadreGrades.size !== ruleSet.scales.cadre.length) problems.push('cadre scale needs 2+ distinct grades');
  if (ruleSet.effective.to !== null && ruleSet.effective.to < ruleSet.effective.from) problems.push('effective.to is before effective.from');
  ruleSet.bands.forEach((band, index) => needUnitGrade(band.grade, `bands[${index}]`));
  const last = ruleSet.bands.at(-1);
  if (last === undefined || last.when.length > 0) problems.push('the last band must have no conditions (it catches every result)');
  ruleSet.gates.forEach((gate, index) => needUnitGrade(gate.grade, `gates[${index}]`));
  ruleSet.vetoes.forEach((veto, index) => needUnitGrade(veto.maxGrade, `vetoes[${index}]`));
  if (new Set(ruleSet.vetoes.map((veto) => veto.code)).size !== ruleSet.vetoes.length) problems.push('veto codes repeat');
  const conditions = [...ruleSet.bands.flatMap((band) => band.when), ...ruleSet.gates.flatMap((gate) => gate.when)];
  for (const condition of conditions) {
    if (!(METRICS as readonly string[]).includes(condition.metric)) problems.push(`unknown metric "${condition.metric}"`);
    if (!(COMPARISONS as readonly string[]).includes(condition.op)) problems.push(`unknown comparison "${condition.op}"`);
    if (condition.metric === 'score' && ruleSet.scoring.method !== 'points') problems.push('a share rule set has no score');
  }
  if (ruleSet.quota !== null) {
    const quota = ruleSet.quota;
    needUnitGrade(quota.grade, 'quota.grade');
    needUnitGrade(quota.poolGrade, 'quota.poolGrade');
    needUnitGrade(quota.demoteTo, 'quota.demoteTo');
    if (!(quota.maxShare >= 0 && quota.maxShare <= 1)) problems.push('quota.maxShare must be a fraction 0–1');
    if (gradeRank(ruleSet, quota.demoteTo) <= gradeRank(ruleSet, quota.grade)) problems.push('quota.demoteTo must be below quota.grade');
    if (gradeRank(ruleSet, quota.poolGrade) < gradeRank(ruleSet, quota.grade)) problems.push('quota.poolGrade must not be above quota.grade');
  }
  for (const grade of unitGrades) {
    const mapped = ruleSet.headGrade.map[grade];
    if (mapped === undefined || !cadreGrades.has(mapped)) problems.push(`headGrade.map does not map "${grade}" to a cadre grade`);
  }
  if (ruleSet.scoring.method === 'points') {
    const { general, results } = ruleSet.scoring;
    if (general.maxPoints < 0 || results.maxPoints < 0) problems.push('points must not be negative');
    const { quantity, quality, progress } = results.components;
    if (quantity < 0 || quality < 0 || progress < 0 || quantity + quality + progress <= 0) problems.push('component weights must be ≥ 0, not all 0');
    if (!(results.deductionPerFailure >= 0 && results.deductionPerFailure <= 1)) problems.push('deductionPerFailure must be a fraction 0–1');
  }
  const overdue = ruleSet.flagging.overdueTasks;
  if (overdue !== null && (overdue.minDaysOverdue < 0 || overdue.minCount < 1)) problems.push('flagging.overdueTasks out of range');
  return problems;
}
