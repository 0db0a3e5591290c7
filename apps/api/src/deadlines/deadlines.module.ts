import { Module, type DynamicModule } from '@nestjs/common';
import { ReferCaseHandler, ReferOverdueTasksHandler } from '../cases/refer-case.command';
import { MarkDeadlinePassedHandler } from '../tasks/mark-deadline-passed.command';
import { ReferralManager } from './referral-manager.service';
import { DEADLINE_WATCHER_RUNS, DeadlineWatcher, type DeadlineWatcherRuns } from './deadline-watcher.service';
import { DEADLINE_TICKER, intervalTicker } from './ticker';

/**
 * The deadline watcher and the MarkDeadlinePassed handler it sends to. The API loads it with `embedded` (the
 * watcher runs when LEDGER_EMBEDDED_PROJECTOR says so, by default on SQLite); the projector with `always`.
 */
@Module({})
export class DeadlinesModule {
  static register(runs: DeadlineWatcherRuns): DynamicModule {
    return {
      module: DeadlinesModule,
      providers: [
        MarkDeadlinePassedHandler,
        DeadlineWatcher,
        // The referral process manager and the ReferCase handler it sends to (the cases API sends to it too).
        ReferCaseHandler,
        ReferOverdueTasksHandler,
        ReferralManager,
        { provide: DEADLINE_TICKER, useValue: intervalTicker },
        { provide: DEADLINE_WATCHER_RUNS, useValue: runs },
      ],
      exports: [DeadlineWatcher, ReferralManager, DEADLINE_TICKER],
    };
  }
}
