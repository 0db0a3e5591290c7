import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { STREAM_KINDS } from '@ledger/domain';
import { EventStoreError, type LedgerStore, type StoreConfig } from '@ledger/event-store';
import { DURABLE_READ_MODELS } from '@ledger/projections';
import {
  defaultOwner,
  ProjectionThread,
  ProjectionWorker,
  readStoreConfigFrom,
  type AnyProjection,
  type ProjectionStatus,
  type ProjectionThreadStatus,
  type ReadModelStore,
  type SharedModels,
} from '@ledger/read-store';
import { LEDGER_STORE, STORE_CONFIG } from '../infrastructure/ledger-store.module';
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
 * Where a projection thread loads DURABLE_READ_MODELS from: libs/projections/src beside apps/ — in the sources (jest,
 * swc) and in dist alike, which keeps the tree's layout.
 */
const PROJECTIONS_MODULE = { module: join(__dirname, '../../../../libs/projections/src'), exportName: 'DURABLE_READ_MODELS' };

/**
 * Runs the durable projections (`ProjectionWorker`): apps/projector always, in process; the API in embedded mode, in
 * process by default, writing the API's own in-memory models — or, with LEDGER_EMBEDDED_PROJECTOR_THREAD, on a worker
 * thread of its own (own connections and models), so encoding and writing documents never holds up a request. Any
 * number of processes may run it against one read-model store; each projection is folded by one of them at a time,
 * the others standing by for its lease.
 */
@Injectable()
export class ProjectionWorkerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Projections');
  private worker: ProjectionWorker | undefined;
  private thread: ProjectionThread | undefined;
  /** The name on the leases of this process's threads (one for all, so a replaced thread takes them at once). */
  private readonly threadOwner = defaultOwner();

  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    @Inject(READ_MODEL_STORE) private readonly readStore: ReadModelStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(PROJECTION_WORKER_MODE) readonly mode: ProjectionWorkerMode,
    @Inject(PROJECTION_WORKER_SETTINGS) private readonly settings: ProjectionWorkerSettings,
    private readonly moduleRef: ModuleRef,
    @Inject(STORE_CONFIG) private readonly storeConfig: StoreConfig,
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
    return this.worker !== undefined || this.thread !== undefined;
  }

  /** This instance's name on the leases, when it runs. */
  get owner(): string | undefined {
    return this.worker?.owner ?? this.thread?.owner;
  }

  /**
   * Why the worker cannot run on a thread here, if it cannot: an in-memory store lives in this thread's connection.
   * Undefined where it can (a file, a server).
   */
  private threadUnavailable(): string | undefined {
    if (this.storeConfig.kind === 'sqlite' && this.storeConfig.sqlitePath === ':memory:') return 'the SQLite log is in memory (:memory:)';
    const readStore = readStoreConfigFrom(this.storeConfig);
    if (readStore.kind === 'sqlite' && readStore.path === ':memory:') return 'the read-model store is in memory (:memory:)';
    return undefined;
  }

  onApplicationBootstrap(): void {
    if (this.mode === 'embedded' && !this.config.embeddedProjector) return;
    this.start();
  }

  /** Starts the worker (if it is not running). */
  start(): void {
    if (this.worker || this.thread) return;
    if (this.mode === 'embedded' && this.config.embeddedProjectorThread) {
      const unavailable = this.threadUnavailable();
      if (unavailable === undefined) return this.startThread();
      this.log.log(`projection worker in process, not on a thread (LEDGER_EMBEDDED_PROJECTOR_THREAD): ${unavailable}, and a thread cannot share it`);
    }
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

  /** The worker on a thread of its own, with its own connections and models (see ProjectionThread). */
  private startThread(): void {
    // The models this process hydrated at start-up are kept for an in-process worker to take; a thread folds its own.
    this.sharedModels()?.takeHydrated?.();
    const readStore = readStoreConfigFrom(this.storeConfig);
    this.thread = new ProjectionThread({
      data: {
        log: this.storeConfig,
        streamKinds: [...STREAM_KINDS],
        readStore,
        leaseMs: this.settings.leaseMs,
        projections: PROJECTIONS_MODULE,
        owner: this.threadOwner,
        flushEveryEvents: this.settings.flushEveryEvents,
        flushIntervalMs: this.settings.flushIntervalMs,
        pollIntervalMs: this.config.readModelPollMs,
      },
      logger: { log: (m) => this.log.log(m), warn: (m) => this.log.warn(m), error: (m, stack) => this.log.error(m, stack) },
    }).start();
    this.log.log(`projection worker ${this.threadOwner} on ${this.readStore.description}, on a thread of its own (LEDGER_EMBEDDED_PROJECTOR_THREAD)`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Flushes, gives the leases back and stops (an operator's `ledger rebuild --replace` then gets them at once). */
  async stop(): Promise<void> {
    const worker = this.worker;
    const thread = this.thread;
    this.worker = undefined;
    this.thread = undefined;
    await worker?.stop();
    await thread?.stop();
  }

  /**
   * Each durable projection: whether this process owns it, and how far it folded and flushed. On a thread: as the
   * thread last posted it (it posts each change within 100 ms), none owned while the thread is down.
   */
  status(): ProjectionStatus[] {
    if (this.worker) return this.worker.status();
    if (!this.thread) return [];
    const posted = this.thread.status();
    return posted.length > 0 ? posted : DURABLE_PROJECTIONS.map((p) => ({ projection: p.name, owned: false, position: null, flushedPosition: null }));
  }

  /** The thread the worker runs on, if it does: running, restarting after it died (why, how often), stopped. */
  threadStatus(): ProjectionThreadStatus | undefined {
    return this.thread?.threadStatus();
  }

  /** Makes the projection thread die as a bug in it would (crash drills, tests): it is logged and replaced. */
  crashThread(message: string): void {
    this.thread?.crash(message);
  }
}
