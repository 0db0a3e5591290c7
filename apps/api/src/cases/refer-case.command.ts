import { createHash } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  buildOverdueTasksReferral,
  buildReferral,
  caseDecider,
  caseStreamId,
  directiveStreamId,
  domainError,
  ruleSetById,
  type DirectiveEvent,
  type AppraisalEvent,
  type CaseEvent,
  type InspectionEvent,
  type IsoDate,
  type InterviewEvent,
  type LoggedEvent,
  type ObjectiveEvent,
  type Referral,
  type ReferCase,
  type ResponsibilityLetterEvent,
  type RuleSet,
  type TaskEvent,
  type UnitState,
} from '@ledger/domain';
import type { LedgerStore } from '@ledger/event-store';
import { cycleCovering, loggedEventsOf, timelineOf, type LedgerReadModels } from '@ledger/projections';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { CommandRunner, requireRole, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { onRecord } from '../shared/record-commands';

/** The rule set that flags a unit when no appraisal cycle of the year covers it (LEDGER_FLAGGING_RULE_SET). */
export const DEFAULT_FLAGGING_RULE_SET = 'cn-2019';

/** The case a missed objective opens: one per objective, whoever refers it (two referrers meet on one stream). */
export function caseIdForObjective(objectiveId: string): string {
  const readable = `ref-${objectiveId}`;
  return readable.length <= 64 ? readable : `ref-${createHash('sha256').update(objectiveId).digest('hex').slice(0, 40)}`;
}

/**
 * The case tasks overdue in a year open for their lead unit: one per unit and year (the ground is in the id), so
 * the sweep running again, or in two processes, meets the same stream.
 */
export function caseIdForOverdueTasks(unitId: string, year: number): string {
  const readable = `ref-tasks-${unitId}-${year}`;
  return readable.length <= 64 ? readable : `ref-tasks-${createHash('sha256').update(`${unitId}/${year}`).digest('hex').slice(0, 40)}-${year}`;
}

/** The ledger's earlier record the referral's prior grades and decisions are read from (see `priorRecordOf`). */
function priorOf(models: LedgerReadModels) {
  return {
    appraisalCycles: [...models.appraisalCycles.values()].map((view) => loggedEventsOf<AppraisalEvent>(view)),
    cases: [...models.cases.values()].map((view) => loggedEventsOf<CaseEvent>(view)),
    units: [...models.organisation.units.values()].map((view) => view.record as UnitState),
  };
}

/**
 * A task's stream read from the log (a task view keeps no event's data), as far as the read models the referral is
 * built from reflect it: every event its view folded, with ids and positions, and none for a task they do not know.
 */
async function taskEventsOf(store: LedgerStore, models: LedgerReadModels, taskId: string): Promise<LoggedEvent<TaskEvent>[]> {
  if (!models.tasks.tasks.has(taskId)) return [];
  return timelineOf(await store.readStream(`task-${taskId}`), models.position).map((entry) => ({ type: entry.type, data: entry.data, id: entry.eventId, streamId: `task-${taskId}`, position: entry.position }) as unknown as LoggedEvent<TaskEvent>);
}

/** The rule set governing the unit's year: its appraisal cycle's, else the configured default. */
export function flaggingRuleSetFor(models: LedgerReadModels, unitId: string, year: number): RuleSet {
  const cycle = cycleCovering(models, unitId, year);
  const id = cycle?.record.ruleSetId ?? process.env.LEDGER_FLAGGING_RULE_SET ?? DEFAULT_FLAGGING_RULE_SET;
  // A cycle keeps the rule set it recorded (a published one is in no code registry); older records name a built-in.
  const ruleSet = cycle?.record.ruleSet ?? ruleSetById(id);
  if (ruleSet === null) throw new Error(`unknown flagging rule set ${id}`);
  return ruleSet;
}

/** ReferCase for a missed objective: the referral is built by the ledger (`buildReferral`), never sent by the client. */
export class ReferCaseCommand extends Command<CommandAccepted> {
  constructor(
    readonly objectiveId: string,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ReferCaseCommand)
export class ReferCaseHandler implements ICommandHandler<ReferCaseCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
  ) {}

  async execute({ objectiveId, ctx }: ReferCaseCommand): Promise<CommandAccepted> {
    // The role first: building the referral would tell a caller who may not refer whether the objective flags.
    requireRole('ReferCase', ctx.actor);
    const referral = await this.referralFor(objectiveId);
    const caseId = caseIdForObjective(objectiveId);
    return this.runner.run(
      ctx,
      onRecord({
        decider: caseDecider,
        streamId: caseStreamId(caseId),
        id: caseId,
        creates: true,
        commandType: 'ReferCase',
        targetUnit: () => referral.subject.unitId,
        notFound: () => domainError('CASE.NOT_FOUND', { case: caseId }),
        build: (_state, envelope): ReferCase => ({ type: 'ReferCase', ...envelope, caseId, referral }),
      }),
    );
  }

  /** Everything around the failure, from the read models (each view holds its stream's events) and the directive's stream. */
  private async referralFor(objectiveId: string): Promise<Referral> {
    const models = await this.runner.modelsAtHead();
    const objective = models.objectives.get(objectiveId);
    if (objective === undefined) throw domainError('OBJECTIVE.NOT_FOUND', { objective: objectiveId });
    const { unitId, year, letterId, directiveId, taskIds } = objective.record;
    const unit = models.organisation.units.get(unitId);
    if (unit === undefined) throw domainError('UNIT.NOT_FOUND', { unit: unitId });
    const directive =
      directiveId === null
        ? null
        : (await this.store.readStream(directiveStreamId(directiveId))).map((event) => ({ type: event.type, data: event.data, id: event.id, streamId: event.streamId, position: event.position }) as unknown as LoggedEvent<DirectiveEvent>);
    return buildReferral({
      ruleSet: flaggingRuleSetFor(models, unitId, year),
      objective: loggedEventsOf<ObjectiveEvent>(objective),
      unit: unit.record,
      letter: letterId === null ? null : loggedEventsOf<ResponsibilityLetterEvent>(models.letters.get(letterId)),
      directive,
      tasks: await Promise.all(taskIds.map((taskId) => taskEventsOf(this.store, models, taskId))),
      inspections: [...models.inspections.values()].map((view) => loggedEventsOf<InspectionEvent>(view)),
      interviews: [...models.interviews.values()].flatMap((view) => loggedEventsOf<InterviewEvent>(view)),
      prior: priorOf(models),
    });
  }
}

/**
 * ReferCase for tasks a unit leads that are overdue beyond the threshold of the rule set governing the year of their
 * deadlines (`buildOverdueTasksReferral` on `asOf`): same contents and attribution as a missed objective's referral.
 * The case id is derived from the unit and the year (`caseIdForOverdueTasks`): one referral per unit, year and ground.
 */
export class ReferOverdueTasksCommand extends Command<CommandAccepted> {
  constructor(
    readonly unitId: string,
    readonly year: number,
    readonly asOf: IsoDate,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ReferOverdueTasksCommand)
export class ReferOverdueTasksHandler implements ICommandHandler<ReferOverdueTasksCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
  ) {}

  async execute({ unitId, year, asOf, ctx }: ReferOverdueTasksCommand): Promise<CommandAccepted> {
    requireRole('ReferCase', ctx.actor);
    const referral = await this.referralFor(unitId, year, asOf);
    const caseId = caseIdForOverdueTasks(unitId, year);
    return this.runner.run(
      ctx,
      onRecord({
        decider: caseDecider,
        streamId: caseStreamId(caseId),
        id: caseId,
        creates: true,
        commandType: 'ReferCase',
        targetUnit: () => referral.subject.unitId,
        notFound: () => domainError('CASE.NOT_FOUND', { case: caseId }),
        build: (_state, envelope): ReferCase => ({ type: 'ReferCase', ...envelope, caseId, referral }),
      }),
    );
  }

  private async referralFor(unitId: string, year: number, asOf: IsoDate): Promise<Referral> {
    const models = await this.runner.modelsAtHead();
    const unit = models.organisation.units.get(unitId);
    if (unit === undefined) throw domainError('UNIT.NOT_FOUND', { unit: unitId });
    const led = [...models.tasks.tasks.values()].filter(({ record }) => record.assignment?.leadUnitId === unitId && record.deadline?.startsWith(`${year}-`));
    const ledIds = new Set(led.map(({ taskId }) => taskId));
    const directives = await Promise.all(
      [...new Set(led.map(({ record }) => record.directiveId))].map(async (directiveId) =>
        (await this.store.readStream(directiveStreamId(directiveId))).map((event) => ({ type: event.type, data: event.data, id: event.id, streamId: event.streamId, position: event.position }) as unknown as LoggedEvent<DirectiveEvent>),
      ),
    );
    return buildOverdueTasksReferral({
      ruleSet: flaggingRuleSetFor(models, unitId, year),
      unit: unit.record,
      asOf,
      year,
      directives,
      tasks: await Promise.all(led.map(({ taskId }) => taskEventsOf(this.store, models, taskId))),
      objectives: [...models.objectives.values()].filter(({ record }) => record.taskIds.some((taskId) => ledIds.has(taskId))).map((view) => loggedEventsOf<ObjectiveEvent>(view)),
      inspections: [...models.inspections.values()].map((view) => loggedEventsOf<InspectionEvent>(view)),
      interviews: [...models.interviews.values()].flatMap((view) => loggedEventsOf<InterviewEvent>(view)),
      prior: priorOf(models),
    });
  }
}
