import { Module } from '@nestjs/common';
import { DeadlinesModule } from '../../api/src/deadlines/deadlines.module';
import { LedgerStoreModule } from '../../api/src/infrastructure/ledger-store.module';
import { OperationsModule } from '../../api/src/operations/operations.module';
import { ReadModelStoreModule } from '../../api/src/read-models/read-model-store.module';
import { LedgerCoreModule } from '../../api/src/shared/ledger-core.module';

/**
 * The projector: no API. It runs the durable projections (ProjectionWorker: leased, checkpointed, into the
 * read-model store) and the process managers, sending their commands through the API's own command loop (same
 * handlers, same checks); it also keeps the read models in memory, which the process managers read. Its
 * only HTTP is for operators: `/health`, `/health/live`, `/health/ready` and `/metrics` (LEDGER_PROJECTOR_PORT).
 */
@Module({
  imports: [LedgerStoreModule, LedgerCoreModule, ReadModelStoreModule.register('always'), DeadlinesModule.register('always'), OperationsModule.forProjector()],
})
export class ProjectorModule {}
