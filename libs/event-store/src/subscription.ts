import type { EventStore, RecordedEvent, Subscription, SubscriptionOptions } from './port';
import { recordedEventsOf, type CommittedAppend } from './record';

/** What a catch-up subscription needs from an adapter. */
export interface SubscriptionSource {
  readAll(options: { fromPosition: number; limit: number }): Promise<RecordedEvent[]>;
  loadCheckpoint(name: string): Promise<number>;
  saveCheckpoint(name: string, position: number): Promise<void>;
  /**
   * Registers a callback run when the log may have grown (another process's append announced, a lost push); returns
   * the unregister function. `head`, when the source knows it: the log's head the signal announces. A subscription
   * that has folded or been handed everything up to it then has nothing to read (its own appends announced back).
   */
  onAppended(listener: (head?: number) => void): () => void;
  /**
   * Optional: registers a callback handed the events this process has just committed (`EventStore.onCommitted`);
   * the subscription folds them without reading them when they are the next positions it needs.
   */
  onCommitted?(listener: (events: readonly RecordedEvent[]) => void): () => void;
  /**
   * Optional, with `appendsSettled`: the log's head. A read then first folds this process's own appends that the head
   * counts (`appendsSettled` hands them over) and reads only what is left up to the head: another process's appends.
   * Without them, a read from the checkpoint also decodes own appends committed a moment ago whose events are still
   * on their way to `onCommitted` — under steady commands, most of what every poll reads.
   */
  headPosition?(): Promise<number>;
  /** See `LedgerStore.appendsSettled`: resolves once every append sent so far has been handed to `onCommitted`. */
  appendsSettled?(): Promise<void>;
}

/**
 * The source of a subscription whose checkpoint lives in memory, for models kept in memory: they start from the
 * beginning in every process (or from `from`, a position every one of them already reflects) and must not resume
 * from a stored checkpoint. This process's appends are handed over as
 * committed (`onCommitted`) and folded without reading them back (a command's `waitFor` then finds them folded or
 * about to be); what was not handed over (other processes' appends, a gap before a handed event) is read, up to the
 * head, once every append sent before that head was read has been handed over (`appendsSettled`): by `waitFor`
 * beyond what was handed over, and by polling.
 */
export function inMemoryCheckpointSource(store: Pick<EventStore, 'readAll' | 'headPosition' | 'onCommitted' | 'appendsSettled'>, from = 0): SubscriptionSource {
  return {
    readAll: (options) => store.readAll(options),
    loadCheckpoint: async () => from,
    saveCheckpoint: async () => undefined,
    onAppended: () => () => undefined,
    onCommitted: store.onCommitted ? (listener) => store.onCommitted!(listener) : undefined,
    headPosition: () => store.headPosition(),
    appendsSettled: store.appendsSettled ? () => store.appendsSettled!() : undefined,
  };
}

/**
 * How long an announced head beyond what was handed over waits for this process's own append to be handed over before
 * it is read (see `PollingSubscription.signal`): another process's appends are seen this much later, well within
 * the poll interval.
 */
export const SIGNAL_GRACE_MS = 20;

/** At most this many pushed events wait for a gap before them to be read; beyond, they are dropped and read later. */
export const MAX_PUSHED_EVENTS = 10_000;

/** How long a read waits at most for this process's own appends to be handed over before it reads them instead. */
const SETTLE_WAIT_MS = 1_000;

/**
 * Catch-up, then live: reads pages from the checkpoint until the head, then waits for a local append signal or a
 * poll tick (other processes' appends). Positions are gap-free and become visible in commit order, so reading
 * `position > checkpoint` never skips an event. The checkpoint is stored after each batch the handler completes:
 * a crash between the two replays that batch (at-least-once at the handler; handlers that share the store's
 * transaction, like the projections, make it exactly-once).
 *
 * Events the source pushes (`onCommitted`: this process's own appends, already committed) are folded without a read
 * when they start at `checkpoint + 1`. Any other pushed event waits, sorted by position, until what lies before it
 * has been read: a gap (another process appended in between, or events from before the subscription started) is
 * always read from the store, and a pushed event at or below the checkpoint is dropped, so nothing is skipped or
 * folded twice. A committed event at p means every position below p is committed and readable, so a read from
 * `checkpoint + 1` always closes the gap. The poll runs on its own clock, however often pushes wake the loop.
 */
export class PollingSubscription implements Subscription {
  private checkpoint = 0;
  private stopped = false;
  private wake: (() => void) | undefined;
  /** A read from the store is wanted (start, a signal, a waiter beyond what was pushed, a gap, an error). */
  private readWanted = true;
  private lastReadAt = Number.NEGATIVE_INFINITY;
  /** Pushed events above the checkpoint, sorted by position, without duplicates. */
  private pushed: RecordedEvent[] = [];
  /** The highest position pushed and not dropped: waiting in `pushed`, or taken and being handled. */
  private pushedUpTo = 0;
  /**
   * The highest position a waiter asked for that is not handed over yet: a position the caller knows is committed
   * (its own append, or a head it read), so the read the waiter asks for can take it as its head instead of reading
   * the head again. Taken by that read; polls read the head themselves.
   */
  private headHint = 0;
  /**
   * The last read found nothing although pushed events wait behind a gap. Never expected (a pushed event is
   * committed, and so is everything before it), but if it happened the gap is read again on the next push or poll,
   * not in a loop.
   */
  private gapUnread = false;
  /** Counts pushes, to tell whether one arrived during a read. */
  private pushes = 0;
  /** The highest head a signal announced (see `signal`), and the timer that reads it if it is not handed over. */
  private signalledHead = 0;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;
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
    const offAppended = source.onAppended((head) => sub.signal(head));
    const offCommitted = source.onCommitted?.((events) => sub.push(events));
    sub.unregister = () => {
      offAppended();
      offCommitted?.();
    };
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
      // Already pushed (a command waiting for its own append): folded from the buffer, nothing to read.
      if (this.pushedUpTo < position) {
        this.readWanted = true;
        if (position > this.headHint) this.headHint = position;
      }
      this.wakeUp();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.unregister();
    this.pushed = [];
    this.wakeUp();
    await this.loop;
  }

  /**
   * The log may have grown, up to `head` if the source says. A head already folded or handed over (this process's
   * own append, announced back to it) asks for no read: a gap before a handed-over event is read anyway. A head
   * beyond is given `SIGNAL_GRACE_MS` for this process's own append to be handed over first (the announcement and
   * the commit's answer travel apart); only what is still missing then is read.
   */
  private signal(head?: number): void {
    if (this.stopped) return;
    if (head === undefined) {
      this.readWanted = true;
      this.wakeUp();
      return;
    }
    if (head <= this.handedUpTo()) return;
    if (head > this.signalledHead) this.signalledHead = head;
    if (this.graceTimer !== undefined) return;
    this.graceTimer = setTimeout(() => {
      this.graceTimer = undefined;
      if (this.stopped || this.signalledHead <= this.handedUpTo()) return;
      this.readWanted = true;
      this.wakeUp();
    }, SIGNAL_GRACE_MS);
    this.graceTimer.unref?.();
  }

  /** Everything up to here is folded or waits in the pushed buffer (a gap before a pushed event is read anyway). */
  private handedUpTo(): number {
    return this.pushedUpTo > this.checkpoint ? this.pushedUpTo : this.checkpoint;
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Takes events the source has committed; they are usually the next positions, in order. */
  private push(events: readonly RecordedEvent[]): void {
    if (this.stopped) return;
    this.pushes++;
    this.gapUnread = false;
    const buffer = this.pushed;
    for (const event of events) {
      const p = event.position;
      if (p <= this.checkpoint) continue;
      if (p > this.pushedUpTo) this.pushedUpTo = p;
      if (buffer.length === 0 || buffer[buffer.length - 1].position < p) {
        buffer.push(event);
        continue;
      }
      // Out of order (not expected from one writer, but cheap to keep right): insert sorted, once.
      let lo = 0;
      let hi = buffer.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (buffer[mid].position < p) lo = mid + 1;
        else hi = mid;
      }
      if (buffer[lo].position !== p) buffer.splice(lo, 0, event);
    }
    if (buffer.length > MAX_PUSHED_EVENTS) {
      // Far behind (a long catch-up): keep memory bounded and read these later like any other event.
      this.pushed = [];
      this.pushedUpTo = 0;
      this.readWanted = true;
    }
    this.wakeUp();
  }

  /** The pushed events that continue the checkpoint without a gap (at most `limit`), removed from the buffer. */
  private takePushed(limit: number): RecordedEvent[] {
    const buffer = this.pushed;
    let start = 0;
    while (start < buffer.length && buffer[start].position <= this.checkpoint) start++;
    let end = start;
    while (end < buffer.length && end - start < limit && buffer[end].position === this.checkpoint + 1 + (end - start)) end++;
    const taken = end > start ? buffer.slice(start, end) : [];
    if (end > 0) buffer.splice(0, end);
    return taken;
  }

  private async deliver(events: RecordedEvent[]): Promise<void> {
    await this.options.handler(events);
    const last = events[events.length - 1].position;
    await this.source.saveCheckpoint(this.name, last);
    this.checkpoint = last;
    this.release();
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    const pollMs = this.options.pollIntervalMs ?? 200;
    while (!this.stopped) {
      try {
        const own = this.takePushed(batchSize);
        if (own.length > 0) {
          await this.deliver(own);
          continue;
        }
        // Pushed events that do not continue the checkpoint: read the gap before them.
        if (this.pushed.length > 0 && !this.gapUnread) this.readWanted = true;
        if (this.readWanted || performance.now() - this.lastReadAt >= pollMs) {
          this.readWanted = false;
          this.lastReadAt = performance.now();
          const pushes = this.pushes;
          const head = await this.ownFoldedUpToHead(batchSize);
          let limit = head === undefined ? batchSize : Math.min(batchSize, head - this.checkpoint);
          // Handed-over events wait past a gap: read the gap only, not them again.
          if (this.pushed.length > 0) limit = Math.min(limit, this.pushed[0].position - this.checkpoint - 1);
          const events = limit > 0 && !this.stopped ? await this.source.readAll({ fromPosition: this.checkpoint + 1, limit }) : [];
          if (events.length > 0) {
            this.gapUnread = false;
            await this.deliver(events);
            this.readWanted = true;
            continue;
          }
          this.gapUnread = this.pushed.length > 0 && this.pushes === pushes;
        }
      } catch (error) {
        this.options.onError?.(error);
        this.readWanted = true;
        await this.sleep(pollMs);
        continue;
      }
      if (!this.readWanted && (this.pushed.length === 0 || this.gapUnread)) await this.sleep(Math.max(0, this.lastReadAt + pollMs - performance.now()));
    }
  }

  /**
   * Before a read, when the source can tell (`headPosition` and `appendsSettled`): reads the head (or takes the
   * position a waiter asked for, see `headHint`), then folds this
   * process's own appends it counts as they are handed over, until they are all folded or every append sent before
   * the head was read has been handed over. Whatever is still missing up to the head then is another process's, and
   * is read; nothing beyond the head is (own appends after it arrive by `onCommitted`, others by the next poll).
   * Returns that head, or undefined when the source cannot tell (then the read takes a full page from the checkpoint).
   */
  private async ownFoldedUpToHead(batchSize: number): Promise<number | undefined> {
    const { headPosition, appendsSettled } = this.source;
    if (headPosition === undefined || appendsSettled === undefined) return undefined;
    // A waiter's position is a head its caller read (or an append it knows committed): no second head read for it. A
    // position past the real head would only make the read ask for more than there is.
    const hint = this.headHint;
    this.headHint = 0;
    const head = hint > this.checkpoint ? hint : await headPosition.call(this.source);
    let settled = false;
    // Every commit the head counts was sent before it was read: once those are answered, the rest is not ours.
    const settling = head > this.checkpoint ? appendsSettled.call(this.source) : Promise.resolve();
    const onSettled = () => {
      settled = true;
      this.wakeUp();
    };
    // A failed settle means the same as a finished one here: read what is missing.
    settling.then(onSettled, onSettled);
    // Reading is always correct (a pushed event already read is dropped), so a writer that never answers only costs
    // the read this saves.
    const giveUpAt = performance.now() + SETTLE_WAIT_MS;
    for (;;) {
      const own = this.takePushed(batchSize);
      if (own.length > 0) {
        await this.deliver(own);
        continue;
      }
      if (this.checkpoint >= head || settled || this.stopped) return head;
      const left = giveUpAt - performance.now();
      if (left <= 0) return head;
      await this.sleep(left);
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

/**
 * The listeners of a store's `onCommitted`. Events are built (`recordedEventsOf`) only while someone listens; a
 * listener that throws is isolated from the writer and from the other listeners (it then misses those events and
 * reads them, like any event it was not handed).
 */
export class CommitListeners {
  private readonly listeners = new Set<(events: readonly RecordedEvent[]) => void>();

  add(listener: (events: readonly RecordedEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * `committed`: the appends of one commit (or a run of commits) in commit order, duplicates excluded. False when
   * some of them could not be handed to a listener (the store then signals its readers to read them).
   */
  publish(committed: readonly CommittedAppend[]): boolean {
    if (this.listeners.size === 0 || committed.length === 0) return true;
    const events: RecordedEvent[] = [];
    let complete = true;
    for (const c of committed) {
      const built = recordedEventsOf(c);
      // An unexpected shape: hand over what came before it; the rest is read.
      if (built === undefined) {
        complete = false;
        break;
      }
      for (const e of built) events.push(e);
    }
    if (events.length === 0) return complete;
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch {
        // Nothing is lost: what a listener did not take is still in the log.
        complete = false;
      }
    }
    return complete;
  }
}
