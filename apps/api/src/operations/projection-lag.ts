import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import type { LedgerStore } from '@ledger/event-store';
import type { ProjectionThreadStatus, ReadModelStore } from '@ledger/read-store';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { DURABLE_PROJECTIONS, ProjectionWorkerService, READ_MODEL_STORE } from '../read-models/projection-worker.service';
import { ReadModelsService } from '../read-models/read-models.service';
import { LedgerMetrics, type ProjectionLagSource } from './ledger-metrics';

/** A durable projection as the read-model store has it: checkpoint, lag behind the head, and who owns it. */
export interface DurableProjectionLag {
  readonly projection: string;
  readonly position: number;
  readonly lag: number;
  readonly owner: string | null;
  readonly updatedAt: string | null;
  /**
   * When its owner is this process's projection thread and that thread died since it was started: how it is now
   * (running again, or restarting), why it last died and how many times, so /health/ready shows a thread that keeps
   * dying beside the lag it causes.
   */
  readonly thread?: ProjectionThreadStatus;
}

const CACHE_MS = 250;

/**
 * How far behind the log the read models are. `read-models`: this process's in-memory models (store head − their
 * position): what the API serves, so what its readiness hangs on. Per durable projection: head − its checkpoint in
 * the read-model store, whichever instance owns it. Readiness and the `ledger_projection_lag_events{projection}`
 * gauge read both.
 */
@Injectable()
export class ProjectionLag implements ProjectionLagSource, OnModuleInit {
  readonly name = 'read-models';
  private cached: { at: number; value: Promise<{ head: number; projections: DurableProjectionLag[] }> } | undefined;

  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    private readonly readModels: ReadModelsService,
    private readonly metrics: LedgerMetrics,
    @Optional() @Inject(READ_MODEL_STORE) private readonly readStore?: ReadModelStore,
    @Optional() private readonly worker?: ProjectionWorkerService,
  ) {}

  onModuleInit(): void {
    this.metrics.trackProjection(this);
    if (!this.readStore) return;
    for (const { name } of DURABLE_PROJECTIONS) {
      this.metrics.trackProjection({
        name,
        lag: async () => {
          const { head, projections } = await this.durable();
          const found = projections.find((p) => p.projection === name)!;
          return { head, position: found.position, lag: found.lag };
        },
      });
    }
  }

  async lag(): Promise<{ head: number; position: number; lag: number }> {
    const head = await this.store.headPosition();
    const position = this.readModels.current().position;
    return { head, position, lag: Math.max(0, head - position) };
  }

  /** Whether this process's readiness depends on the durable projections (the projector: that is its job). */
  get durableGateReadiness(): boolean {
    return this.worker?.mode === 'always';
  }

  get hasDurable(): boolean {
    return this.readStore !== undefined;
  }

  /** Every durable projection's checkpoint and lag (cached for a quarter second: scrapes and probes come together). */
  durable(): Promise<{ head: number; projections: DurableProjectionLag[] }> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < CACHE_MS) return this.cached.value;
    const value = (async () => {
      if (!this.readStore) return { head: await this.store.headPosition(), projections: [] };
      const [head, checkpoints] = await Promise.all([this.store.headPosition(), this.readStore.checkpoints()]);
      const byName = new Map(checkpoints.map((c) => [c.projection, c]));
      const thread = this.worker?.threadStatus();
      const threadOwner = thread && (thread.state !== 'running' || thread.restarts > 0) ? this.worker?.owner : undefined;
      const projections = DURABLE_PROJECTIONS.map(({ name }): DurableProjectionLag => {
        const checkpoint = byName.get(name);
        const position = checkpoint?.position ?? 0;
        const owner = checkpoint?.owner ?? null;
        return { projection: name, position, lag: Math.max(0, head - position), owner, updatedAt: checkpoint?.updatedAt ?? null, ...(threadOwner !== undefined && owner === threadOwner ? { thread } : {}) };
      });
      return { head, projections };
    })();
    this.cached = { at: now, value };
    value.catch(() => (this.cached = undefined));
    return value;
  }
}
