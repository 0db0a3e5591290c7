import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ancestorsOf, DomainError, overdueTasksToFlag, shouldFlag, tasksExcusedByObjectiveCauses, type ObjectiveEvaluated, type RuleSet, type TaskRecord } from '@ledger/domain';
import { caseForObjective, type LedgerReadModels } from '@ledger/projections';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { caseIdForOverdueTasks, flaggingRuleSetFor, ReferCaseCommand, ReferOverdueTasksCommand } from '../cases/refer-case.command';
import { ReadModelsService } from '../read-models/read-models.service';
import { API_CONFIG, type ApiConfig } from '../shared/api-config';
import type { CommandContext } from '../shared/command-context';
import { LedgerTime } from '../shared/ledger-time';
import { DEADLINE_WATCHER_RUNS, type DeadlineWatcherRuns } from './deadline-watcher.service';
import { PeriodicSweep } from './periodic-sweep';
import { DEADLINE_TICKER, type Ticker } from './ticker';

export const REFERRAL_MANAGER_ACTOR_ID = 'system:referral-manager';

export interface ReferralSweep {
  readonly today: string;
  /** Objectives referred (missed). */
  readonly referred: readonly string[];
  /** Units referred for overdue tasks, as `<unitId>/<year>`. */
  readonly referredOverdue: readonly string[];
  readonly failed: readonly { objectiveId?: string; unitYear?: string; code: string }[];
}

/**
 * The referral process manager: on each tick (beside the deadline watcher), sends ReferCase through the command bus
 * as the system account for
 * - each objective whose latest evaluation flags it under its year's rule set (`shouldFlag`: missed, after approved
 *   revisions and confirmed causes) and that no case names yet. Command id `<actor>:refer.<objective>.<event>`,
 *   case id from the objective;
 * - each unit whose tasks with deadlines in one year are overdue today beyond the threshold of that year's rule set
 *   (`overdueTasksToFlag`, only where the rule set refers overdue tasks; a confirmed objective cause excuses a
 *   task) and that has no such case yet. Command id
 *   `<actor>:refer.tasks.<unit>.<year>`, case id `ref-tasks-<unit>-<year>`: one referral per unit, year and ground.
 * Either way, two managers in two processes (or a sweep run again) never refer twice: the second finds the command
 * id recorded, or the case stream created.
 */
@Injectable()
export class ReferralManager extends PeriodicSweep<ReferralSweep> {
  private readonly log = new Logger('ReferralManager');

  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModelsService,
    private readonly time: LedgerTime,
    @Inject(API_CONFIG) config: ApiConfig,
    @Inject(DEADLINE_TICKER) ticker: Ticker,
    @Inject(DEADLINE_WATCHER_RUNS) runs: DeadlineWatcherRuns,
  ) {
    super({ config, ticker, runs });
  }

  protected async sweep(): Promise<ReferralSweep> {
    const today = this.time.today();
    const models = this.readModels.current();
    const referred: string[] = [];
    const referredOverdue: string[] = [];
    const failed: { objectiveId?: string; unitYear?: string; code: string }[] = [];
    const ruleSets = new Map<string, RuleSet>();
    const ruleSetFor = (unitId: string, year: number): RuleSet => {
      const key = `${unitId}/${year}`;
      let ruleSet = ruleSets.get(key);
      if (ruleSet === undefined) ruleSets.set(key, (ruleSet = flaggingRuleSetFor(models, unitId, year)));
      return ruleSet;
    };

    for (const view of models.objectives.values()) {
      const evaluation = view.events.filter((entry) => entry.type === 'ObjectiveEvaluated').at(-1);
      if (evaluation === undefined) continue;
      const { unitId, year } = view.record;
      if (!shouldFlag(evaluation.data as unknown as ObjectiveEvaluated['data'], ruleSetFor(unitId, year).flagging)) continue;
      if (caseForObjective(models, view.id) !== null) continue;
      const ctx = this.context(unitId, `refer.${view.id}.${evaluation.eventId}`);
      const code = await this.send(new ReferCaseCommand(view.id, ctx), `objective ${view.id}`);
      if (code === null) referred.push(view.id);
      else failed.push({ objectiveId: view.id, code });
    }

    const excused = tasksExcusedByObjectiveCauses([...models.objectives.values()].map((view) => view.record));
    for (const [key, { unitId, year, tasks }] of overdueByUnitYear(models, today)) {
      if (models.cases.has(caseIdForOverdueTasks(unitId, year))) continue;
      const flagging = ruleSetFor(unitId, year).flagging;
      if (overdueTasksToFlag(tasks, today, flagging, excused).length === 0) continue;
      const ctx = this.context(unitId, `refer.tasks.${unitId}.${year}`);
      const code = await this.send(new ReferOverdueTasksCommand(unitId, year, today, ctx), `overdue tasks of ${key}`);
      if (code === null) referredOverdue.push(key);
      else failed.push({ unitYear: key, code });
    }

    if (referred.length > 0) this.log.log(`referred ${referred.length} missed objective(s) to the discipline commission`);
    if (referredOverdue.length > 0) this.log.log(`referred ${referredOverdue.length} unit(s) for overdue tasks to the discipline commission`);
    return { today, referred, referredOverdue, failed };
  }

  /** The system account, in the unit's root (the scope the administrator role needs), with a derived command id. */
  private context(unitId: string, key: string): CommandContext {
    const units = this.readModels.orgUnits();
    const actor: AuthenticatedActor = {
      id: REFERRAL_MANAGER_ACTOR_ID,
      role: 'administrator',
      unit: ancestorsOf(unitId, units).at(-1) ?? unitId,
      credentialId: 'system',
      name: 'Referral process manager',
    };
    return { actor, idempotencyKey: key.slice(0, 100), ifMatch: null, occurredAt: null, correlationId: 'referral-manager' };
  }

  /** Sends; null when accepted, else the refusal's code. */
  private async send(command: ReferCaseCommand | ReferOverdueTasksCommand, what: string): Promise<string | null> {
    try {
      await this.commands.execute(command);
      return null;
    } catch (error) {
      // Another process referred it first (the case stream exists), or the record moved on.
      const code = error instanceof DomainError ? error.code : ((error as { code?: string }).code ?? 'INTERNAL');
      if (!(error instanceof DomainError)) this.log.warn(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      return code;
    }
  }
}

/** Open tasks whose deadline in force has passed, by lead unit and year of the deadline. */
function overdueByUnitYear(models: LedgerReadModels, today: string): Map<string, { unitId: string; year: number; tasks: TaskRecord[] }> {
  const groups = new Map<string, { unitId: string; year: number; tasks: TaskRecord[] }>();
  for (const { record } of models.tasks.tasks.values()) {
    const lead = record.assignment?.leadUnitId;
    if (lead === undefined || record.deadline === null || record.deadline >= today) continue;
    const year = Number(record.deadline.slice(0, 4));
    const key = `${lead}/${year}`;
    const group = groups.get(key) ?? { unitId: lead, year, tasks: [] };
    group.tasks.push(record);
    groups.set(key, group);
  }
  return groups;
}
