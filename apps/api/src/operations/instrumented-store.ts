import { performance } from 'node:perf_hooks';
import {
  EventStoreError,
  type AppendRequest,
  type AppendResult,
  type InclusionProof,
  type LedgerStore,
  type ReadAllOptions,
  type ReadByActorOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type Subscription,
  type SubscriptionOptions,
  type TreeHead,
  type VerifyReport,
} from '@ledger/event-store';
import type { LedgerMetrics } from './ledger-metrics';

/**
 * The configured store with metrics around `append`, and an orderly `close`: once closing, new appends are refused
 * (`STORE.CLOSING`), appends already handed to the adapter are awaited, and only then is the adapter closed — so a
 * SIGTERM never cuts an acknowledged append short. Everything else is passed through unchanged; the adapters know
 * nothing of this.
 */
export class InstrumentedLedgerStore implements LedgerStore {
  private readonly inFlight = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly inner: LedgerStore,
    private readonly metrics: LedgerMetrics,
  ) {}

  get kind(): LedgerStore['kind'] {
    return this.inner.kind;
  }

  /** Appends handed to the adapter and not yet settled. */
  get appendsInFlight(): number {
    return this.inFlight.size;
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    if (this.closing) throw new EventStoreError('STORE.CLOSING', 'the ledger is shutting down: the append was not made; retry against another instance');
    const started = performance.now();
    const pending = this.inner.append(request);
    this.inFlight.add(pending);
    try {
      const result = await pending;
      this.metrics.appendSettled(result.duplicate ? 'duplicate' : 'ok', (performance.now() - started) / 1000, result.duplicate ? 0 : result.eventIds.length);
      return result;
    } catch (error) {
      this.metrics.appendSettled('error', (performance.now() - started) / 1000, 0);
      throw error;
    } finally {
      this.inFlight.delete(pending);
    }
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  readByActor(actorId: string, options?: ReadByActorOptions): Promise<RecordedEvent[]> {
    return this.inner.readByActor(actorId, options);
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  subscribe(options: SubscriptionOptions): Promise<Subscription> {
    return this.inner.subscribe(options);
  }

  readCheckpoint(name: string): Promise<number> {
    return this.inner.readCheckpoint(name);
  }

  /** The adapter's own (the SQL adapters have one); without it, nothing is ever handed over and readers read. */
  onCommitted(listener: (events: readonly RecordedEvent[]) => void): () => void {
    return this.inner.onCommitted?.(listener) ?? (() => undefined);
  }

  async appendsSettled(): Promise<void> {
    await this.inner.appendsSettled?.();
  }

  treeHead(size?: number): Promise<TreeHead> {
    return this.inner.treeHead(size);
  }

  inclusionProof(position: number, treeSize?: number): Promise<InclusionProof> {
    return this.inner.inclusionProof(position, treeSize);
  }

  consistencyProof(size1: number, size2: number): Promise<string[]> {
    return this.inner.consistencyProof(size1, size2);
  }

  verify(options?: { onProgress?: (checked: number, total: number) => void }): Promise<VerifyReport> {
    return this.inner.verify(options);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // An append the adapter has started is finished (committed or refused), never abandoned.
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      await this.inner.close();
    })();
    return this.closing;
  }
}
