import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { ApiConfig } from '../shared/api-config';
import type { DeadlineWatcherRuns } from './deadline-watcher.service';
import type { Ticker } from './ticker';

/**
 * The life cycle the process managers share: start on the ticker where they should run (always in the projector;
 * in the API only with LEDGER_EMBEDDED_PROJECTOR), never overlap two sweeps (a tick during a sweep waits for it),
 * and on shutdown start no new sweep but let the one in progress finish its commands before the store closes.
 */
export abstract class PeriodicSweep<Result> implements OnApplicationBootstrap, OnModuleDestroy {
  private stop: (() => void) | undefined;
  private sweeping: Promise<Result> | undefined;

  protected constructor(
    private readonly schedule: { readonly config: ApiConfig; readonly ticker: Ticker; readonly runs: DeadlineWatcherRuns },
  ) {}

  protected abstract sweep(): Promise<Result>;

  /** Called once the sweep is scheduled, for a start-up log line. */
  protected started(_intervalMs: number): void {}

  onApplicationBootstrap(): void {
    const { config, ticker, runs } = this.schedule;
    if (runs === 'embedded' && !config.embeddedProjector) return;
    this.stop = ticker.start(config.deadlineCheckIntervalMs, () => this.tick());
    this.started(config.deadlineCheckIntervalMs);
  }

  async onModuleDestroy(): Promise<void> {
    this.stop?.();
    this.stop = undefined;
    await this.sweeping?.catch(() => undefined);
  }

  /** One sweep; ticks never overlap. */
  tick(): Promise<Result> {
    this.sweeping ??= this.sweep().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }
}
