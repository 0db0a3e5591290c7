import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { verifyCheckpoints, type CheckpointReport, type LedgerStore, type VerifyReport } from '@ledger/event-store';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { LedgerMetrics } from './ledger-metrics';
import { OPERATIONS_CONFIG, type OperationsConfig } from './operations.config';

/** What `ledger verify` reports, run in this process. */
export interface LogVerification {
  readonly ok: boolean;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly log: VerifyReport;
  readonly checkpoints: CheckpointReport;
}

/**
 * `ledger verify` in-process: every leaf and stored Merkle node, then every signed checkpoint. Runs on demand
 * (`POST /v1/log/verify`) and, with LEDGER_VERIFY_EVERY_SECONDS, on a timer; each run sets the
 * `ledger_verify_last_*` gauges. One run at a time: a request during a run gets that run's result.
 */
@Injectable()
export class LogVerifier implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Verify');
  private running: Promise<LogVerification> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    @Inject(OPERATIONS_CONFIG) private readonly config: OperationsConfig,
    private readonly metrics: LedgerMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.verifyEverySeconds;
    if (seconds === 0) return;
    this.timer = setInterval(() => {
      this.verify().catch(() => undefined);
    }, seconds * 1000);
    this.timer.unref();
    this.log.log(`verifying the log every ${seconds} s`);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  verify(): Promise<LogVerification> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<LogVerification> {
    const startedAt = new Date();
    const started = performance.now();
    try {
      const log = await this.store.verify();
      const checkpoints = await verifyCheckpoints(this.store);
      const durationSeconds = (performance.now() - started) / 1000;
      const ok = log.ok && checkpoints.ok;
      this.metrics.verified({ ok, durationSeconds, eventsChecked: log.eventsChecked, finishedAt: new Date() });
      const summary = `${log.eventsChecked} events, ${checkpoints.checkpoints} checkpoint(s), tree size ${log.treeHead.size}, ${durationSeconds.toFixed(2)} s`;
      if (ok) this.log.log(`log verified: ${summary}`);
      else this.log.error(`log verification FAILED: ${summary}; first problem: ${JSON.stringify(log.problems[0] ?? checkpoints.problems[0])}`);
      return { ok, startedAt: startedAt.toISOString(), durationSeconds, log, checkpoints };
    } catch (error) {
      this.metrics.verifyErrored();
      this.log.error(`log verification could not run: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }
}
