import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Where the read models stand against the store (for the lag gauges and readiness). */
export interface ProjectionLagSource {
  readonly name: string;
  lag(): Promise<{ head: number; position: number; lag: number }>;
}

export interface VerifyOutcome {
  readonly ok: boolean;
  readonly durationSeconds: number;
  readonly eventsChecked: number;
  readonly finishedAt: Date;
}

const RATE_WINDOW_SECONDS = 60;

/**
 * The process's Prometheus metrics, on a registry of its own (not prom-client's global one), so two applications
 * in one process — the end-to-end tests run several — never register a metric twice.
 */
@Injectable()
export class LedgerMetrics {
  readonly registry = new Registry();

  private readonly appends = new Counter({
    name: 'ledger_appends_total',
    help: 'Appends to the event store by result: ok (written), duplicate (a retried command id: nothing written), error (refused or failed).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  private readonly eventsAppended = new Counter({
    name: 'ledger_events_appended_total',
    help: 'Events written by this process.',
    registers: [this.registry],
  });

  private readonly appendDuration = new Histogram({
    name: 'ledger_append_duration_seconds',
    help: 'Latency of one append to the event store, from the call to its acknowledgement (commit), by result.',
    labelNames: ['result'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: 'ledger_http_request_duration_seconds',
    help: 'HTTP request duration by method, route (the route pattern, not the path) and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly verifyOk = new Gauge({
    name: 'ledger_verify_last_ok',
    help: 'Result of the last verification of the log in this process: 1 verified, 0 failed (absent until one ran).',
    registers: [this.registry],
  });

  private readonly verifyDuration = new Gauge({
    name: 'ledger_verify_last_duration_seconds',
    help: 'How long the last verification of the log took.',
    registers: [this.registry],
  });

  private readonly verifyEvents = new Gauge({
    name: 'ledger_verify_last_events_checked',
    help: 'Events the last verification recomputed.',
    registers: [this.registry],
  });

  private readonly verifyTimestamp = new Gauge({
    name: 'ledger_verify_last_timestamp_seconds',
    help: 'When the last verification finished (Unix time).',
    registers: [this.registry],
  });

  private readonly verifyRuns = new Counter({
    name: 'ledger_verify_runs_total',
    help: 'Verifications of the log run in this process, by result (ok, failed, error).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  /** Appends acknowledged per epoch second: the last RATE_WINDOW_SECONDS whole seconds and the current one. */
  private readonly perSecond = new Float64Array(RATE_WINDOW_SECONDS + 1);
  private readonly secondOf = new Float64Array(RATE_WINDOW_SECONDS + 1);
  private readonly startedAt = Date.now();
  private readonly lagSources: ProjectionLagSource[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ledger_process_' });
    const self = this;
    new Gauge({
      name: 'ledger_appends_per_second',
      help: `Appends acknowledged per second by this process, averaged over the last ${RATE_WINDOW_SECONDS} s (use rate(ledger_appends_total) across instances).`,
      registers: [this.registry],
      collect() {
        this.set(self.appendsPerSecond());
      },
    });
    new Gauge({
      name: 'ledger_projection_lag_events',
      help: "Events the store holds that a projection has not applied yet (store head minus the projection's position).",
      labelNames: ['projection'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const source of self.lagSources) {
          const { lag } = await source.lag();
          this.set({ projection: source.name }, lag);
        }
      },
    });
    new Gauge({
      name: 'ledger_store_head_position',
      help: 'Position of the last event committed to the store (the tree size).',
      registers: [this.registry],
      async collect() {
        const source = self.lagSources[0];
        if (source) this.set((await source.lag()).head);
      },
    });
  }

  /** Registers how many times the store's writer thread was replaced (the embedded store; others have none, nor the gauge). */
  trackWriterRestarts(restarts: () => number): void {
    new Gauge({
      name: 'ledger_store_writer_restarts',
      help: "Times the embedded store's writer thread died and was replaced since this process started (appends waiting on it failed with STORE.WRITER_FAILED; retrying them with the same Idempotency-Key is safe).",
      registers: [this.registry],
      collect() {
        this.set(restarts());
      },
    });
  }

  /** Registers a projection whose lag the metrics report (the read models of this process). */
  trackProjection(source: ProjectionLagSource): void {
    this.lagSources.push(source);
  }

  appendSettled(result: 'ok' | 'duplicate' | 'error', seconds: number, events: number): void {
    this.appends.inc({ result });
    this.appendDuration.observe({ result }, seconds);
    if (result === 'ok') {
      this.eventsAppended.inc(events);
      this.countThisSecond();
    }
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  verified(outcome: VerifyOutcome): void {
    this.verifyOk.set(outcome.ok ? 1 : 0);
    this.verifyDuration.set(outcome.durationSeconds);
    this.verifyEvents.set(outcome.eventsChecked);
    this.verifyTimestamp.set(outcome.finishedAt.getTime() / 1000);
    this.verifyRuns.inc({ result: outcome.ok ? 'ok' : 'failed' });
  }

  verifyErrored(): void {
    this.verifyRuns.inc({ result: 'error' });
  }

  /** The exposition text and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private countThisSecond(): void {
    const second = Math.floor(Date.now() / 1000);
    const slot = second % this.secondOf.length;
    if (this.secondOf[slot] !== second) {
      this.secondOf[slot] = second;
      this.perSecond[slot] = 0;
    }
    this.perSecond[slot]++;
  }

  /** The mean over the last whole seconds of the window (or of the uptime, while it is shorter). */
  appendsPerSecond(now = Date.now()): number {
    const current = Math.floor(now / 1000);
    let total = 0;
    for (let i = 0; i < this.secondOf.length; i++) {
      const second = this.secondOf[i];
      if (second < current && second >= current - RATE_WINDOW_SECONDS) total += this.perSecond[i];
    }
    const window = Math.min(RATE_WINDOW_SECONDS, Math.max(1, Math.floor((now - this.startedAt) / 1000)));
    return total / window;
  }
}
