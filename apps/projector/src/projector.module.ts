import { Module } from '@nestjs/common';
import { DeadlinesModule } from '../../api/src/deadlines/deadlines.module';
import { LedgerStoreModule } from '../../api/src/infrastructure/ledger-store.module';
import { OperationsModule } from '../../api/src/operations/operations.module';
import { LedgerCoreModule } from '../../api/src/shared/ledger-core.module';

/**
 * The projector: no API. It folds the read models from the log and runs the process managers — today the
 * deadline watcher — sending their commands through the API's own command loop (same handlers, same checks). Its
 * only HTTP is for operators: `/health`, `/health/live`, `/health/ready` and `/metrics` (LEDGER_PROJECTOR_PORT).
 */
@Module({
  imports: [LedgerStoreModule, LedgerCoreModule, DeadlinesModule.register('always'), OperationsModule.forProjector()],
})
export class ProjectorModule {}
