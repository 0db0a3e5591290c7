import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ancestorsOf, DomainError, shouldFlag, type ObjectiveEvaluated } from '@ledger/domain';
import { caseForObjective } from '@ledger/projections';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { flaggingRuleSetFor, ReferCaseCommand } from '../cases/refer-case.command';
import { ReadModelsService } from '../read-models/read-models.service';
import { API_CONFIG, type ApiConfig } from '../shared/api-config';
import type { CommandContext } from '../shared/command-context';
import { DEADLINE_WATCHER_RUNS, type DeadlineWatcherRuns } from './deadline-watcher.service';
import { PeriodicSweep } from './periodic-sweep';
import { DEADLINE_TICKER, type Ticker } from './ticker';

export const REFERRAL_MANAGER_ACTOR_ID = 'system:referral-manager';

export interface ReferralSweep {
  readonly referred: readonly string[];
  readonly failed: readonly { objectiveId: string; code: string }[];
}

/**
 * The referral process manager: on each tick (beside the deadline watcher), finds the objectives whose latest
 * evaluation flags them under their year's rule set (`shouldFlag`: missed, after approved revisions and confirmed
 * causes) and that no case names yet, and sends ReferCase through the command bus as the system account. The
 * command id is derived from the objective and the evaluation event (`<actor>:refer.<objective>.<event>`) and the
 * case id from the objective, so two managers in two processes never refer an objective twice.
 */
@Injectable()
export class ReferralManager extends PeriodicSweep<ReferralSweep> {
  private readonly log = new Logger('ReferralManager');

  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModelsService,
    @Inject(API_CONFIG) config: ApiConfig,
    @Inject(DEADLINE_TICKER) ticker: Ticker,
    @Inject(DEADLINE_WATCHER_RUNS) runs: DeadlineWatcherRuns,
  ) {
    super({ config, ticker, runs });
  }

  protected async sweep(): Promise<ReferralSweep> {
    const models = this.readModels.current();
    const units = this.readModels.orgUnits();
    const referred: string[] = [];
    const failed: { objectiveId: string; code: string }[] = [];
    for (const view of models.objectives.values()) {
      const evaluation = view.events.filter((entry) => entry.type === 'ObjectiveEvaluated').at(-1);
      if (evaluation === undefined) continue;
      const { unitId, year } = view.record;
      if (!shouldFlag(evaluation.data as unknown as ObjectiveEvaluated['data'], flaggingRuleSetFor(models, unitId, year).flagging)) continue;
      if (caseForObjective(models, view.id) !== null) continue;
      const actor: AuthenticatedActor = {
        id: REFERRAL_MANAGER_ACTOR_ID,
        role: 'administrator',
        unit: ancestorsOf(unitId, units).at(-1) ?? unitId,
        credentialId: 'system',
        name: 'Referral process manager',
      };
      const ctx: CommandContext = { actor, idempotencyKey: `refer.${view.id}.${evaluation.eventId}`.slice(0, 100), ifMatch: null, occurredAt: null, correlationId: 'referral-manager' };
      try {
        await this.commands.execute(new ReferCaseCommand(view.id, ctx));
        referred.push(view.id);
      } catch (error) {
        // Another process referred it first (the case stream exists), or the objective moved on.
        const code = error instanceof DomainError ? error.code : ((error as { code?: string }).code ?? 'INTERNAL');
        failed.push({ objectiveId: view.id, code });
        if (!(error instanceof DomainError)) this.log.warn(`objective ${view.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (referred.length > 0) this.log.log(`referred ${referred.length} missed objective(s) to the discipline commission`);
    return { referred, failed };
  }
}
