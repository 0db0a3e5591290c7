import type { RecordedEvent, Subscription, SubscriptionOptions } from './port';

/** What a catch-up subscription needs from an adapter. */
export interface SubscriptionSource {
  readAll(options: { fromPosition: number; limit: number }): Promise<RecordedEvent[]>;
  loadCheckpoint(name: string): Promise<number>;
  saveCheckpoint(name: string, position: number): Promise<void>;
  /** Registers a callback run after this process commits an append; returns the unregister function. */
  onAppended(listener: () => void): () => void;
}

/**
 * Catch-up, then live: reads pages from the checkpoint until the head, then waits for a local append signal or a
 * poll tick (other processes' appends). Positions are gap-free and become visible in commit order, so reading
 * `position > checkpoint` never skips an event. The checkpoint is stored after each batch the handler completes:
 * a crash between the two replays that batch (at-least-once at the handler; handlers that share the store's
 * transaction, like the projections, make it exactly-once).
 */
export class PollingSubscription implements Subscription {
  private checkpoint = 0;
  private stopped = false;
  private wake: (() => void) | undefined;
  private pending = false;
  private readonly waiters: Array<{ position: number; resolve: () => void }> = [];
  private loop: Promise<void> = Promise.resolve();
  private unregister: () => void = () => undefined;

  private constructor(
    private readonly source: SubscriptionSource,
    private readonly options: SubscriptionOptions,
  ) {}

  get name(): string {
    return this.options.name;
  }

  static async start(source: SubscriptionSource, options: SubscriptionOptions): Promise<PollingSubscription> {
    const sub = new PollingSubscription(source, options);
    sub.checkpoint = await source.loadCheckpoint(options.name);
    sub.unregister = source.onAppended(() => sub.signal());
    sub.loop = sub.run();
    return sub;
  }

  position(): number {
    return this.checkpoint;
  }

  waitFor(position: number, timeoutMs = 10_000): Promise<void> {
    if (this.checkpoint >= position) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`subscription ${this.name} did not reach ${position} within ${timeoutMs} ms (at ${this.checkpoint})`)),
        timeoutMs,
      );
      this.waiters.push({
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      this.signal();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unregister();
    this.signal();
    await this.loop;
  }

  private signal(): void {
    this.pending = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    const pollMs = this.options.pollIntervalMs ?? 200;
    while (!this.stopped) {
      this.pending = false;
      let events: RecordedEvent[];
      try {
        events = await this.source.readAll({ fromPosition: this.checkpoint + 1, limit: batchSize });
        if (events.length > 0) {
          await this.options.handler(events);
          const last = events[events.length - 1].position;
          await this.source.saveCheckpoint(this.name, last);
          this.checkpoint = last;
          this.release();
          continue;
        }
      } catch (error) {
        this.options.onError?.(error);
        await this.sleep(pollMs);
        continue;
      }
      if (!this.pending) await this.sleep(pollMs);
    }
  }

  private release(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].position <= this.checkpoint) {
        this.waiters[i].resolve();
        this.waiters.splice(i, 1);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
