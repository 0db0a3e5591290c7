import { Global, Module } from '@nestjs/common';
import { LedgerMetrics } from './ledger-metrics';
import { OPERATIONS_CONFIG, operationsConfigFromEnv } from './operations.config';

/**
 * The process's metrics registry and the operations settings. Global, and imported by `LedgerStoreModule`, which
 * wraps the store in `InstrumentedLedgerStore` with it; the rest of operations is `OperationsModule`.
 */
@Global()
@Module({
  providers: [LedgerMetrics, { provide: OPERATIONS_CONFIG, useFactory: () => operationsConfigFromEnv() }],
  exports: [LedgerMetrics, OPERATIONS_CONFIG],
})
export class MetricsModule {}
