import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { STREAM_KINDS } from '@ledger/domain';
import { describeStore, openStore, storeConfigFromEnv, systemClock, type LedgerStore, type StoreConfig } from '@ledger/event-store';
import { InstrumentedLedgerStore } from '../operations/instrumented-store';
import { LedgerMetrics } from '../operations/ledger-metrics';
import { MetricsModule } from '../operations/metrics.module';

export const LEDGER_STORE = Symbol('LEDGER_STORE');
export const STORE_CONFIG = Symbol('STORE_CONFIG');
export const CLOCK = Symbol('CLOCK');

/**
 * Opens the configured event store once for the process (wrapped with append metrics) and closes it last, after
 * in-flight appends finish.
 */
@Global()
@Module({
  imports: [MetricsModule],
  providers: [
    { provide: STORE_CONFIG, useFactory: (): StoreConfig => storeConfigFromEnv() },
    { provide: CLOCK, useValue: systemClock },
    {
      provide: LEDGER_STORE,
      inject: [STORE_CONFIG, CLOCK, LedgerMetrics],
      useFactory: async (config: StoreConfig, clock, metrics: LedgerMetrics): Promise<LedgerStore> => {
        const store = await openStore(config, new Set(STREAM_KINDS), clock);
        new Logger('LedgerStore').log(`event store: ${describeStore(config)}`);
        if ('writerRestarts' in store) metrics.trackWriterRestarts(() => (store as { writerRestarts: number }).writerRestarts);
        return new InstrumentedLedgerStore(store, metrics);
      },
    },
  ],
  exports: [LEDGER_STORE, STORE_CONFIG, CLOCK],
})
export class LedgerStoreModule implements OnApplicationShutdown {
  constructor(@Inject(LEDGER_STORE) private readonly store: LedgerStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
