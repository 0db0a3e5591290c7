import { Module } from '@nestjs/common';
import { DeadlinesModule } from '../../api/src/deadlines/deadlines.module';
import { LedgerStoreModule } from '../../api/src/infrastructure/ledger-store.module';
import { LedgerCoreModule } from '../../api/src/shared/ledger-core.module';

/**
 * The projector: no HTTP. It folds the read models from the log and runs the process managers — today the
 * deadline watcher — sending their commands through the API's own command loop (same handlers, same checks).
 */
@Module({
  imports: [LedgerStoreModule, LedgerCoreModule, DeadlinesModule.register('always')],
})
export class ProjectorModule {}
