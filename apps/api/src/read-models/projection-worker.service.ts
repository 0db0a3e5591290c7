import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { EventStoreError, type LedgerStore } from '@ledger/event-store';
import { DURABLE_READ_MODELS } from '@ledger/projections';
import { ProjectionWorker, type AnyProjection, type ReadModelStore, type SharedModels } from '@ledger/read-store';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { API_CONFIG, type ApiConfig } from '../shared/api-config';
import { READ_MODEL_STORE } from './read-model-store.token';
import { ReadModelsService } from './read-models.service';

export { READ_MODEL_STORE };
export const PROJECTION_WORKER_MODE = Symbol('PROJECTION_WORKER_MODE');
export const PROJECTION_WORKER_SETTINGS = Symbol('PROJECTION_WORKER_SETTINGS');

/** 'always' in apps/projector; 'embedded' in the API, which runs it when LEDGER_EMBEDDED_PROJECTOR is on. */
export type ProjectionWorkerMode = 'always' | 'embedded';

export interface ProjectionWorkerSettings {
  /** LEDGER_PROJECTION_FLUSH_EVENTS: flush a projection after this many log positions (default 1000). */
  readonly flushEveryEvents: number;
  /** LEDGER_PROJECTION_FLUSH_MS: or after this long with something folded (default 1000). */
  readonly flushIntervalMs: number;
  /** LEDGER_PROJECTION_LEASE_MS: how long a SQLite lease lasts without renewal (default 15000). */
  readonly leaseMs: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new EventStoreError('CONFIG.INVALID', `${name} must be a positive integer, got '${raw}'`);
  return n;
}

export function projectionWorkerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ProjectionWorkerSettings {
  return {
    flushEveryEvents: positive(env, 'LEDGER_PROJECTION_FLUSH_EVENTS', 1000),
    flushIntervalMs: positive(env, 'LEDGER_PROJECTION_FLUSH_MS', 1000),
    leaseMs: positive(env, 'LEDGER_PROJECTION_LEASE_MS', 15_000),
  };
}

/** The durable projections, in the order the worker takes them. */
export const DURABLE_PROJECTIONS: readonly AnyProjection[] = Object.values(DURABLE_READ_MODELS);

/**
 * Runs the durable projections in this process (`ProjectionWorker`): apps/projector always, the API in embedded
 * mode. Any number of processes may run it against one read-model store; each projection is folded by one of them
 * at a time, the others standing by for its lease.
 */
@Injectable()
export class ProjectionWorkerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Projections');
  private worker: ProjectionWorker | undefined;

  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    @Inject(READ_MODEL_STORE) private readonly readStore: ReadModelStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(PROJECTION_WORKER_MODE) readonly mode: ProjectionWorkerMode,
    @Inject(PROJECTION_WORKER_SETTINGS) private readonly settings: ProjectionWorkerSettings,
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * The read models this process folds anyway (the API's, and the projector's for its process managers), when it
   * has them: the worker then writes those instead of folding every event a second time.
   */
  private sharedModels(): SharedModels | undefined {
    try {
      return this.moduleRef.get(ReadModelsService, { strict: false }).sharedModels();
    } catch {
      return undefined; // a process without in-memory read models (a bare worker): fold here
    }
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  /** This instance's name on the leases, when it runs. */
  get owner(): string | undefined {
    return this.worker?.owner;
  }

  onApplicationBootstrap(): void {
    if (this.mode === 'embedded' && !this.config.embeddedProjector) return;
    this.start();
  }

  /** Starts the worker (if it is not running). */
  start(): void {
    if (this.worker) return;
    const shared = this.sharedModels();
    this.worker = new ProjectionWorker({
      store: this.readStore,
      log: this.store,
      shared,
      projections: DURABLE_PROJECTIONS,
      flushEveryEvents: this.settings.flushEveryEvents,
      flushIntervalMs: this.settings.flushIntervalMs,
      pollIntervalMs: this.config.readModelPollMs,
      logger: { log: (m) => this.log.log(m), warn: (m) => this.log.warn(m) },
    }).start();
    this.log.log(`projection worker ${this.worker.owner} on ${this.readStore.description}${shared ? " (writing this process's read models)" : ''}`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Flushes, gives the leases back and stops (an operator's `ledger rebuild --replace` then gets them at once). */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.stop();
  }

  status() {
    return this.worker?.status() ?? [];
  }
}
