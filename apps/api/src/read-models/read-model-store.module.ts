import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { StoreConfig } from '@ledger/event-store';
import { openReadModelStore, readStoreConfigFrom, type ReadModelStore } from '@ledger/read-store';
import { STORE_CONFIG } from '../infrastructure/ledger-store.module';
import {
  PROJECTION_WORKER_MODE,
  PROJECTION_WORKER_SETTINGS,
  projectionWorkerSettingsFromEnv,
  ProjectionWorkerService,
  READ_MODEL_STORE,
  type ProjectionWorkerMode,
  type ProjectionWorkerSettings,
} from './projection-worker.service';

/**
 * The read-model store (libs/read-store) of this process, and the projection worker that writes it. The API
 * hydrates its in-memory models from the store at start-up; the projector (and the API in embedded mode) keeps it
 * up to date. Closed after the worker stopped and flushed.
 */
@Global()
@Module({})
export class ReadModelStoreModule implements OnApplicationShutdown {
  constructor(@Inject(READ_MODEL_STORE) private readonly store: ReadModelStore) {}

  static register(mode: ProjectionWorkerMode): DynamicModule {
    return {
      module: ReadModelStoreModule,
      providers: [
        { provide: PROJECTION_WORKER_MODE, useValue: mode },
        { provide: PROJECTION_WORKER_SETTINGS, useFactory: projectionWorkerSettingsFromEnv },
        {
          provide: READ_MODEL_STORE,
          inject: [STORE_CONFIG, PROJECTION_WORKER_SETTINGS],
          useFactory: (config: StoreConfig, settings: ProjectionWorkerSettings) => openReadModelStore(readStoreConfigFrom(config), { leaseMs: settings.leaseMs }),
        },
        ProjectionWorkerService,
      ],
      exports: [READ_MODEL_STORE, ProjectionWorkerService],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
