import type { Labels } from '../errors/messages';
import { daysBetween, type IsoDate, yearOf } from '../shared/dates';

/**
 * The figures of an objective (chỉ tiêu / 目标任务), as pure functions over numbers.
 *
 * Two ratios are kept apart, as the reports keep them: the ratio *to plan* (actual / target: "62.19% of plan") and
 * the ratio *to the same period last year* (actual / last year's figure: "166% of the same period"). During the year
 * the ratio to plan is read against the share of the year elapsed (`pace`): 50% of plan at the end of June is on pace.
 */

export const DIRECTIONS = ['higher_is_better', 'lower_is_better'] as const;
/** Higher is better (parcels rectified, revenue); lower is better (accidents, complaints, days to process). */
export type Direction = (typeof DIRECTIONS)[number];

export const OBJECTIVE_OUTCOMES = ['exceeded', 'met', 'missed', 'excused'] as const;
export type ObjectiveOutcome = (typeof OBJECTIVE_OUTCOMES)[number];
/** The outcome the figures give, before a confirmed objective cause turns a miss into an excuse. */
export type FiguresOutcome = Exclude<ObjectiveOutcome, 'excused'>;

export const OBJECTIVE_OUTCOME_LABELS: { readonly [O in ObjectiveOutcome]: Labels } = {
  exceeded: { en: 'Exceeded', vi: 'Vượt chỉ tiêu', zh: '超额完成' },
  met: { en: 'Met', vi: 'Đạt chỉ tiêu', zh: '完成' },
  missed: { en: 'Missed', vi: 'Không đạt chỉ tiêu', zh: '未完成' },
  excused: { en: 'Excused (objective cause confirmed)', vi: 'Không đạt do nguyên nhân khách quan đã được xác nhận', zh: '未完成（客观原因已认定）' },
};

// Ratios such as 19/20 against 1 − 0.05 must compare as equal although binary floating point may differ in the
// last bit; 1e-9 is far below any tolerance a plan uses.
const EPSILON = 1e-9;
const below = (a: number, b: number): boolean => a < b - EPSILON * Math.max(1, Math.abs(b));
const above = (a: number, b: number): boolean => a > b + EPSILON * Math.max(1, Math.abs(b));

/** actual / target ("% of plan"); null when the target is 0 (a ratio to nothing says nothing). */
export function ratioToPlan(actual: number, target: number): number | null {
  return target === 0 ? null : actual / target;
}

/** actual / the figure for the same period last year; null when that figure is 0 or unknown. */
export function ratioToSamePeriodLastYear(actual: number, samePeriodLastYear: number | null): number | null {
  return samePeriodLastYear === null || samePeriodLastYear === 0 ? null : actual / samePeriodLastYear;
}

/**
 * How much of the plan was achieved, read in the metric's direction (1 = exactly the plan, above 1 = better):
 * actual / target when higher is better, target / actual when lower is better (10 accidents against a ceiling of 8
 * attain 0.8). Null when undefined: a zero target when higher is better; for lower is better, a zero actual is full
 * attainment (1) whatever the target, and a zero target with a positive actual attains 0.
 */
export function attainment(direction: Direction, actual: number, target: number): number | null {
  if (direction === 'higher_is_better') return ratioToPlan(actual, target);
  if (actual <= 0) return 1;
  return target <= 0 ? 0 : target / actual;
}

/** The share of the calendar year elapsed at the end of `date`: 2018-12-31 → 1, 2018-07-02 → 183/365. */
export function shareOfYearElapsed(date: IsoDate): number {
  const year = yearOf(date);
  const first = `${String(year).padStart(4, '0')}-01-01`;
  const daysInYear = daysBetween(first, `${String(year + 1).padStart(4, '0')}-01-01`);
  return (daysBetween(first, date) + 1) / daysInYear;
}

export const PACE_STATUSES = ['ahead', 'on_pace', 'behind'] as const;
export type PaceStatus = (typeof PACE_STATUSES)[number];

export type Pace = {
  /** ratio / share of year elapsed: 1 means exactly on pace; null when no part of the year has elapsed. */
  index: number | null;
  /** ratio − share of year elapsed, in shares of the plan (−0.1: ten points of the plan behind pace). */
  gap: number;
  /** behind when the ratio is below share × (1 − tolerance); ahead when above the share; else on pace. */
  status: PaceStatus;
};

/**
 * The ratio to plan read against the share of the year elapsed, for cumulative higher-is-better metrics: at the
 * end of October (83% of the year) 62.19% of plan is behind pace. The tolerance is the objective's own, so pace
 * and the final evaluation agree on the last day of the year.
 */
export function pace(ratio: number, shareOfYear: number, tolerance = 0): Pace {
  const index = shareOfYear <= 0 ? null : ratio / shareOfYear;
  const status: PaceStatus = below(ratio, shareOfYear * (1 - tolerance))
    ? 'behind'
    : above(ratio, shareOfYear)
      ? 'ahead'
      : 'on_pace';
  return { index, gap: ratio - shareOfYear, status };
}

export type OutcomeInput = {
  direction: Direction;
  target: number;
  /** null when nothing was reported by the cut-off: a result nobody reported is not a result. */
  actual: number | null;
  /** A fraction: 0.05 lets a higher-is-better objective reach 95% of target and still be met. */
  tolerance: number;
  /** An objective cause (flood, epidemic, ...) confirmed by the discipline commission. */
  causeConfirmed: boolean;
};

export type OutcomeFigures = {
  outcome: ObjectiveOutcome;
  figuresOutcome: FiguresOutcome;
  ratioToPlan: number | null;
  attainment: number | null;
  /** How far short of the target, in the metric's unit (0 when at or better than target; within tolerance it may be > 0). */
  shortfall: number;
};

/**
 * The outcome of an objective from its figures:
 * - higher is better: exceeded when actual > target; met when target × (1 − tolerance) ≤ actual ≤ target;
 *   missed when actual < target × (1 − tolerance);
 * - lower is better, the inverse: exceeded when actual < target; met when target ≤ actual ≤ target × (1 + tolerance);
 *   missed when actual > target × (1 + tolerance);
 * - nothing reported: missed;
 * - a miss becomes excused when an objective cause was confirmed; a confirmed cause changes nothing for an objective
 *   that was met or exceeded.
 * The target is the one in force: the original, or the last approved revision.
 */
export function classifyOutcome(input: OutcomeInput): OutcomeFigures {
  const { direction, target, actual, tolerance } = input;
  if (actual === null) {
    const outcome = input.causeConfirmed ? 'excused' : 'missed';
    return { outcome, figuresOutcome: 'missed', ratioToPlan: null, attainment: null, shortfall: Math.abs(target) };
  }
  let figuresOutcome: FiguresOutcome;
  if (direction === 'higher_is_better') {
    figuresOutcome = below(actual, target * (1 - tolerance)) ? 'missed' : above(actual, target) ? 'exceeded' : 'met';
  } else {
    figuresOutcome = above(actual, target * (1 + tolerance)) ? 'missed' : below(actual, target) ? 'exceeded' : 'met';
  }
  const shortfall = direction === 'higher_is_better' ? Math.max(0, target - actual) : Math.max(0, actual - target);
  const outcome: ObjectiveOutcome = figuresOutcome === 'missed' && input.causeConfirmed ? 'excused' : figuresOutcome;
  return {
    outcome,
    figuresOutcome,
    ratioToPlan: ratioToPlan(actual, target),
    attainment: attainment(direction, actual, target),
    shortfall,
  };
}
