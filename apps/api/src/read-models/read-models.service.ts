import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { OrgUnits } from '@ledger/domain';
import { PollingSubscription, type LedgerStore, type Subscription } from '@ledger/event-store';
import { emptyReadModels, foldReadModels, orgUnitsOf, type LedgerReadModels } from '@ledger/projections';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { API_CONFIG, type ApiConfig } from '../shared/api-config';

/**
 * Runs the projections in this process from a subscription to the log, and serves their current models.
 *
 * The models live in memory, so the subscription is not durable: each process folds the log from position 0 when
 * it starts (before it answers requests), then follows it — its own appends at once (commands wait for them:
 * read-your-writes), other processes' appends within the poll interval.
 */
@Injectable()
export class ReadModelsService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('ReadModels');
  private models: LedgerReadModels = emptyReadModels();
  private orgUnitsCache: { source: LedgerReadModels['organisation']; units: OrgUnits } | undefined;
  private subscription: Subscription | undefined;

  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const store = this.store;
    this.subscription = await PollingSubscription.start(
      {
        readAll: (options) => store.readAll(options),
        // In-memory models: always start from the beginning, and keep no checkpoint in the store.
        loadCheckpoint: async () => 0,
        saveCheckpoint: async () => undefined,
        // Local appends are signalled by `waitFor` (every command calls it); others are found by polling.
        onAppended: () => () => undefined,
      },
      {
        name: 'api-read-models',
        batchSize: 1000,
        pollIntervalMs: this.config.readModelPollMs,
        handler: (events) => {
          this.models = foldReadModels(this.models, events);
        },
        onError: (error) => this.log.error(`reading the log failed: ${error instanceof Error ? error.message : String(error)}`),
      },
    );
    const head = await this.store.headPosition();
    await this.subscription.waitFor(head, 120_000);
    this.log.log(`read models at position ${head}`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  /** The models as they stand (an immutable snapshot: later events never change it). */
  current(): LedgerReadModels {
    return this.models;
  }

  /** Resolves once the models reflect every event up to `position`. */
  async waitFor(position: number): Promise<void> {
    if (this.models.position >= position) return;
    if (!this.subscription) throw new Error('read models are not running');
    await this.subscription.waitFor(position, 30_000);
  }

  /** The organisation as the authorization rules read it (cached per model version). */
  orgUnits(): OrgUnits {
    const source = this.models.organisation;
    if (this.orgUnitsCache?.source !== source) this.orgUnitsCache = { source, units: orgUnitsOf(source) };
    return this.orgUnitsCache.units;
  }
}
