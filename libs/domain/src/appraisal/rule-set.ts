import { createHash } from 'node:crypto';
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
  /** `<jurisdiction>[-<name>]-<year>[.<n>]`: `cn-2019`, `cn-hengyang-2018`, a correction `cn-2019.1`. */
  id: string;
  jurisdiction: Jurisdiction;
  /** The rule set this one corrects (published under a new id; the old one stays as it was). */
  supersedes?: string | null;
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

/** A rule-set id: `<jurisdiction>[-<name>…]-<year>[.<n>]`, at most 100 characters. */
export const RULE_SET_ID_PATTERN = /^[a-z]{2}(?:-[a-z0-9]+)*-\d{4}(?:\.\d+)?$/;
export const MAX_RULE_SET_ID_LENGTH = 100;

export function isRuleSetId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_RULE_SET_ID_LENGTH && RULE_SET_ID_PATTERN.test(value);
}

/** One thing wrong with a rule set: the JSON path at fault (`bands[2].when[0].metric`) and a readable sentence. */
export type RuleSetIssue = { path: string; message: string };

/**
 * What is wrong with a rule set, as readable sentences (empty when it is usable): every grade named exists, the
 * last band always matches, shares and points are in range, the head map covers the unit scale.
 */
export function ruleSetProblems(ruleSet: RuleSet): string[] {
  return semanticIssues(ruleSet).map((issue) => issue.message);
}

/**
 * Everything wrong with a rule set received as JSON (a request body, a file), each with its JSON path: first its
 * shape (types, required fields, labels in every language, no unknown fields), then, when the shape holds, what
 * `ruleSetProblems` checks. Empty when the value is a usable `RuleSet`.
 */
export function ruleSetIssues(value: unknown): RuleSetIssue[] {
  const issues = shapeIssues(value);
  return issues.length > 0 ? issues : semanticIssues(value as RuleSet);
}

function semanticIssues(ruleSet: RuleSet): RuleSetIssue[] {
  const problems: RuleSetIssue[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const unitGrades = new Set(ruleSet.scales.unit.map((grade) => grade.id));
  const cadreGrades = new Set(ruleSet.scales.cadre.map((grade) => grade.id));
  const needUnitGrade = (grade: string, path: string, where: string) => {
    if (!unitGrades.has(grade)) add(path, `${where} names grade "${grade}", not on the unit scale`);
  };
  if (!isRuleSetId(ruleSet.id)) add('id', `id "${ruleSet.id}" is not <jurisdiction>-<year>[.<n>] (or <jurisdiction>-<name>-<year>[.<n>])`);
  if (!ruleSet.id.startsWith(`${ruleSet.jurisdiction}-`)) add('id', 'id does not start with the jurisdiction');
  const supersedes = ruleSet.supersedes ?? null;
  if (supersedes !== null && !isRuleSetId(supersedes)) add('supersedes', `supersedes "${supersedes}" is not a rule-set id`);
  if (supersedes !== null && supersedes === ruleSet.id) add('supersedes', 'a rule set cannot supersede itself');
  if (ruleSet.scales.unit.length < 2 || unitGrades.size !== ruleSet.scales.unit.length) add('scales.unit', 'unit scale needs 2+ distinct grades');
  if (ruleSet.scales.cadre.length < 2 || cadreGrades.size !== ruleSet.scales.cadre.length) add('scales.cadre', 'cadre scale needs 2+ distinct grades');
  if (ruleSet.effective.to !== null && ruleSet.effective.to < ruleSet.effective.from) add('effective.to', 'effective.to is before effective.from');
  ruleSet.bands.forEach((band, index) => needUnitGrade(band.grade, `bands[${index}].grade`, `bands[${index}]`));
  const last = ruleSet.bands.at(-1);
  if (last === undefined || last.when.length > 0) add(`bands[${Math.max(ruleSet.bands.length - 1, 0)}]`, 'the last band must have no conditions (it catches every result)');
  ruleSet.gates.forEach((gate, index) => needUnitGrade(gate.grade, `gates[${index}].grade`, `gates[${index}]`));
  ruleSet.vetoes.forEach((veto, index) => needUnitGrade(veto.maxGrade, `vetoes[${index}].maxGrade`, `vetoes[${index}]`));
  if (new Set(ruleSet.vetoes.map((veto) => veto.code)).size !== ruleSet.vetoes.length) add('vetoes', 'veto codes repeat');
  const conditions = [
    ...ruleSet.bands.flatMap((band, b) => band.when.map((condition, c) => ({ condition, path: `bands[${b}].when[${c}]` }))),
    ...ruleSet.gates.flatMap((gate, g) => gate.when.map((condition, c) => ({ condition, path: `gates[${g}].when[${c}]` }))),
  ];
  for (const { condition, path } of conditions) {
    if (!(METRICS as readonly string[]).includes(condition.metric)) add(`${path}.metric`, `unknown metric "${condition.metric}"`);
    if (!(COMPARISONS as readonly string[]).includes(condition.op)) add(`${path}.op`, `unknown comparison "${condition.op}"`);
    if (condition.metric === 'score' && ruleSet.scoring.method !== 'points') add(`${path}.metric`, 'a share rule set has no score');
  }
  if (ruleSet.quota !== null) {
    const quota = ruleSet.quota;
    needUnitGrade(quota.grade, 'quota.grade', 'quota.grade');
    needUnitGrade(quota.poolGrade, 'quota.poolGrade', 'quota.poolGrade');
    needUnitGrade(quota.demoteTo, 'quota.demoteTo', 'quota.demoteTo');
    if (!(quota.maxShare >= 0 && quota.maxShare <= 1)) add('quota.maxShare', 'quota.maxShare must be a fraction 0–1');
    if (gradeRank(ruleSet, quota.demoteTo) <= gradeRank(ruleSet, quota.grade)) add('quota.demoteTo', 'quota.demoteTo must be below quota.grade');
    if (gradeRank(ruleSet, quota.poolGrade) < gradeRank(ruleSet, quota.grade)) add('quota.poolGrade', 'quota.poolGrade must not be above quota.grade');
    quota.rankBy.forEach((metric, index) => {
      if (!(METRICS as readonly string[]).includes(metric)) add(`quota.rankBy[${index}]`, `unknown metric "${metric}"`);
    });
  }
  for (const grade of unitGrades) {
    const mapped = Object.hasOwn(ruleSet.headGrade.map, grade) ? ruleSet.headGrade.map[grade] : undefined;
    if (mapped === undefined || !cadreGrades.has(mapped)) add(`headGrade.map.${grade}`, `headGrade.map does not map "${grade}" to a cadre grade`);
  }
  if (ruleSet.scoring.method === 'points') {
    const { general, results } = ruleSet.scoring;
    if (general.maxPoints < 0 || results.maxPoints < 0) add('scoring', 'points must not be negative');
    const { quantity, quality, progress } = results.components;
    if (quantity < 0 || quality < 0 || progress < 0 || quantity + quality + progress <= 0) add('scoring.results.components', 'component weights must be ≥ 0, not all 0');
    if (!(results.deductionPerFailure >= 0 && results.deductionPerFailure <= 1)) add('scoring.results.deductionPerFailure', 'deductionPerFailure must be a fraction 0–1');
  }
  const overdue = ruleSet.flagging.overdueTasks;
  if (overdue !== null && (overdue.minDaysOverdue < 0 || overdue.minCount < 1)) add('flagging.overdueTasks', 'flagging.overdueTasks out of range');
  return problems;
}

// ── Shape of a rule set received as JSON ────────────────────────────────────────────────────────────────────────

type Check = (value: unknown, path: string, out: RuleSetIssue[]) => void;

const join = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const text: Check = (value, path, out) => {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 2000) out.push({ path, message: 'must be non-empty text (at most 2,000 characters)' });
};
const finite: Check = (value, path, out) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) out.push({ path, message: 'must be a number' });
};
const boolean: Check = (value, path, out) => {
  if (typeof value !== 'boolean') out.push({ path, message: 'must be true or false' });
};
const date: Check = (value, path, out) => {
  // A calendar date that exists: 2018-02-30 does not (Date would roll it over to March).
  const valid = typeof value === 'string' && DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
  if (!valid) out.push({ path, message: 'must be a date YYYY-MM-DD' });
};
const oneOf = (allowed: readonly string[]): Check => (value, path, out) => {
  if (typeof value !== 'string' || !allowed.includes(value)) out.push({ path, message: `must be one of ${allowed.join(', ')}` });
};
const nullable = (check: Check): Check => (value, path, out) => {
  if (value !== null) check(value, path, out);
};
const list = (item: Check, max = 200): Check => (value, path, out) => {
  if (!Array.isArray(value)) return void out.push({ path, message: 'must be a list' });
  if (value.length > max) return void out.push({ path, message: `must have at most ${max} entries` });
  value.forEach((entry, index) => item(entry, join(path, index), out));
};
const object = (fields: Record<string, Check>, optional: readonly string[] = []): Check => (value, path, out) => {
  if (!isObject(value)) return void out.push({ path: path === '' ? '$' : path, message: 'must be an object' });
  for (const [key, check] of Object.entries(fields)) {
    if (!Object.hasOwn(value, key) || value[key] === undefined) {
      if (!optional.includes(key)) out.push({ path: join(path, key), message: 'is required' });
      continue;
    }
    check(value[key], join(path, key), out);
  }
  for (const key of Object.keys(value)) if (!Object.hasOwn(fields, key)) out.push({ path: join(path, key), message: 'is not a field of a rule set' });
};
const dictionary = (item: Check): Check => (value, path, out) => {
  if (!isObject(value)) return void out.push({ path, message: 'must be an object' });
  for (const [key, entry] of Object.entries(value)) item(entry, join(path, key), out);
};
const labels: Check = object({ en: text, vi: text, zh: text });
const grade: Check = object({ id: text, labels });
const condition: Check = object({ metric: oneOf(METRICS), op: oneOf(COMPARISONS), value: finite, ifUndefined: oneOf(['pass', 'fail']) }, ['ifUndefined']);
const scoring: Check = (value, path, out) => {
  if (isObject(value) && value.method === 'shares') return object({ method: oneOf(['shares']) })(value, path, out);
  object({
    method: oneOf(['points', 'shares']),
    general: object({ maxPoints: finite }),
    results: object({ maxPoints: finite, components: object({ quantity: finite, quality: finite, progress: finite }), deductionPerFailure: finite }),
  })(value, path, out);
};
const RULE_SET_SHAPE: Check = object(
  {
    id: text,
    jurisdiction: oneOf(JURISDICTIONS),
    supersedes: nullable(text),
    name: labels,
    sources: list(text),
    effective: object({ from: date, to: nullable(date) }),
    scales: object({ unit: list(grade, 20), cadre: list(grade, 20) }),
    scoring,
    bands: list(object({ grade: text, when: list(condition, 20), review: object({ code: text, note: labels }) }, ['review']), 20),
    gates: list(object({ grade: text, when: list(condition, 20), description: labels }), 20),
    vetoes: list(object({ code: text, labels, maxGrade: text }), 50),
    quota: nullable(
      object({ grade: text, maxShare: finite, poolGrade: text, rounding: oneOf(['floor']), demoteTo: text, rankBy: list(oneOf(METRICS), 11) }),
    ),
    headGrade: object({ mode: oneOf(['follows_unit', 'capped_by_unit', 'independent']), map: dictionary(text) }),
    flagging: object({ missedObjectives: boolean, overdueTasks: nullable(object({ minDaysOverdue: finite, minCount: finite })) }),
  },
  ['supersedes'],
);

function shapeIssues(value: unknown): RuleSetIssue[] {
  const out: RuleSetIssue[] = [];
  RULE_SET_SHAPE(value, '', out);
  return out;
}

/**
 * The canonical form of a rule set (keys sorted by UTF-16 code units at every level, no white space: the RFC 8785
 * form for the plain data a rule set is) and its SHA-256: what a cycle records, so a grade can be checked against
 * the exact rules it was computed by.
 */
export function canonicalRuleSet(ruleSet: RuleSet): string {
  const canonical = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
    if (isObject(value)) {
      const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
    }
    return JSON.stringify(value);
  };
  return canonical(ruleSet);
}

export function ruleSetHash(ruleSet: RuleSet): string {
  return createHash('sha256').update(canonicalRuleSet(ruleSet), 'utf8').digest('hex');
}
