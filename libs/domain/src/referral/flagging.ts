import type { FlaggingConfig } from '../appraisal/rule-set';
import { daysBetween, type IsoDate } from '../shared/dates';
import type { TaskState } from '../task/decider';
import { timeliness } from '../task/timeliness';
import type { ObjectiveEvaluated } from '../objective/events';

/**
 * Whether an evaluated objective refers its unit to the discipline commission: when it was missed and the rule set
 * refers missed objectives. The outcome already carries what speaks against a referral: an approved revision
 * changed the target the objective was judged against, and a confirmed objective cause turned a miss into an
 * excuse; a miss of the revised target is still a miss.
 */
export function shouldFlag(evaluation: Pick<ObjectiveEvaluated['data'], 'outcome'>, config: FlaggingConfig): boolean {
  return config.missedObjectives && evaluation.outcome === 'missed';
}

export type OverdueTask = { taskId: string; deadline: IsoDate; daysOverdue: number };

/**
 * The tasks that refer their lead unit, by rule-set configuration: not done and overdue on `asOf` by more than
 * `minDaysOverdue` days (counted from the deadline in force), with no confirmed objective cause (`excused`: the
 * tasks of objectives whose cause the commission confirmed), when there are at least `minCount` of them; else none.
 * Empty when the rule set does not refer overdue tasks.
 */
export function overdueTasksToFlag(tasks: readonly TaskState[], asOf: IsoDate, config: FlaggingConfig, excused: ReadonlySet<string> = new Set()): OverdueTask[] {
  const threshold = config.overdueTasks;
  if (threshold === null) return [];
  const overdue: OverdueTask[] = [];
  for (const task of tasks) {
    if (task.status === 'none' || task.deadline === null || timeliness(task, asOf) !== 'not_done_overdue') continue;
    if (excused.has(task.taskId)) continue;
    const daysOverdue = daysBetween(task.deadline, asOf);
    if (daysOverdue > threshold.minDaysOverdue) overdue.push({ taskId: task.taskId, deadline: task.deadline, daysOverdue });
  }
  return overdue.length >= threshold.minCount ? overdue : [];
}

/** The tasks an objective cause excuses: those of objectives with a confirmed cause claim. */
export function tasksExcusedByObjectiveCauses(objectives: readonly { taskIds: readonly string[]; causeClaims: readonly { decision: string }[] }[]): Set<string> {
  return new Set(objectives.filter((objective) => objective.causeClaims.some((claim) => claim.decision === 'confirmed')).flatMap((objective) => objective.taskIds));
}
