import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { LedgerStore } from '@ledger/event-store';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { ReadModelsService } from '../read-models/read-models.service';
import { LedgerMetrics, type ProjectionLagSource } from './ledger-metrics';

/**
 * How far this process's read models are behind the log: store head − read-model position. Readiness and the
 * `ledger_projection_lag_events` gauge read it.
 */
@Injectable()
export class ProjectionLag implements ProjectionLagSource, OnModuleInit {
  readonly name = 'read-models';

  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    private readonly readModels: ReadModelsService,
    private readonly metrics: LedgerMetrics,
  ) {}

  onModuleInit(): void {
    this.metrics.trackProjection(this);
  }

  async lag(): Promise<{ head: number; position: number; lag: number }> {
    const head = await this.store.headPosition();
    const position = this.readModels.current().position;
    return { head, position, lag: Math.max(0, head - position) };
  }
}
