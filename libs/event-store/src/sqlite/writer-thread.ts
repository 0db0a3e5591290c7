import { Worker } from 'node:worker_threads';
import { EventStoreError } from '../errors';
import type { AppendResult } from '../port';
import { threadScript } from '../thread-script';
import type { CommittedAppend, PreparedAppend } from '../record';
import { fromWireError, toWire, type FromWriter, type ToWriter, type WriterWorkerData } from './writer-protocol';

interface Waiting {
  readonly prepared: PreparedAppend;
  /** Set when the append is sent: the time the thread records it at. */
  recordedAt: string;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The store's side of the writer thread. Appends go over as soon as the synchronous run that made them ends; each
 * caller gets its own result or error back. The thread holds the process open only while something is waiting on
 * it, like the in-process writer, which holds no handle at all.
 */
export class WriterThread {
  private readonly waiting = new Map<number, Waiting>();
  private queue: Array<{ id: number; prepared: PreparedAppend }> = [];
  private flushScheduled = false;
  private nextId = 1;
  private failure: EventStoreError | undefined;
  private closing = false;
  private referenced = true;
  private readonly exited: Promise<void>;
  /** The highest append id sent to the thread (later ones are still queued for the next message). */
  private sentUpTo = 0;
  /** `settled()` callers: each waits until no append with an id up to its `upTo` is still waiting for its answer. */
  private settleWaiters: Array<{ readonly upTo: number; readonly resolve: () => void }> = [];

  private constructor(
    private readonly worker: Worker,
    private readonly now: () => string,
    private readonly onAppended: (committed: readonly CommittedAppend[]) => void,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  /**
   * Starts the thread and waits until it has opened the log (its errors, such as an unwritable file, reject here).
   * `onAppended` is called after each commit with what it wrote (duplicates excluded), in commit order.
   */
  static async start(data: WriterWorkerData, now: () => string, onAppended: (committed: readonly CommittedAppend[]) => void): Promise<WriterThread> {
    const { script, execArgv } = threadScript(__filename, 'writer-worker');
    const worker = new Worker(script, { workerData: data, execArgv });
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number) => reject(new EventStoreError('STORE.WRITER_FAILED', `the writer thread exited (code ${code}) before opening the log`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (msg: FromWriter) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if (msg.type === 'ready') resolve();
        else reject(msg.type === 'failed' ? fromWireError(msg.error) : new Error(`unexpected first message from the writer thread: ${msg.type}`));
      });
    });
    const thread = new WriterThread(worker, now, onAppended);
    worker.on('message', (msg: FromWriter) => thread.receive(msg));
    worker.on('error', (e) => thread.fail(`the writer thread failed: ${e.message}`));
    worker.on('exit', (code) => {
      if (!thread.closing || thread.waiting.size > 0) thread.fail(`the writer thread exited (code ${code})`);
    });
    thread.updateRef();
    return thread;
  }

  append(prepared: PreparedAppend): Promise<AppendResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<AppendResult>((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { prepared, recordedAt: '', resolve, reject });
      this.queue.push({ id, prepared });
      // Sent at the end of the synchronous run (Promise.all over several appends travels as one message), not of the
      // event-loop turn: the rest of a busy turn (other requests) need not delay the commit, since the thread groups
      // whatever arrives during its commit anyway. Under the bench:api mix both cost this thread the same per command
      // (~0.16 ms, send and answer); their latencies were not told apart on the shared machine (load 7-10).
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        queueMicrotask(() => this.flush());
      }
      this.updateRef();
    });
  }

  /**
   * Resolves once every append already sent to the thread has its answer and its events have been handed to
   * `onAppended` (appends still queued for the next message are not waited for).
   */
  settled(): Promise<void> {
    const upTo = this.sentUpTo;
    if (this.failure !== undefined || this.oldestWaiting() > upTo) return Promise.resolve();
    return new Promise<void>((resolve) => this.settleWaiters.push({ upTo, resolve }));
  }

  /** The smallest id still waiting for its answer (ids are given, and Map keys kept, in increasing order). */
  private oldestWaiting(): number {
    const first = this.waiting.keys().next();
    return first.done ? Number.POSITIVE_INFINITY : first.value;
  }

  private releaseSettled(): void {
    if (this.settleWaiters.length === 0) return;
    const oldest = this.failure !== undefined ? Number.POSITIVE_INFINITY : this.oldestWaiting();
    const still: Array<{ readonly upTo: number; readonly resolve: () => void }> = [];
    for (const w of this.settleWaiters) {
      if (oldest > w.upTo) w.resolve();
      else still.push(w);
    }
    this.settleWaiters = still;
  }

  /** Sends what is queued, waits for every answer, and joins the thread. */
  async close(): Promise<void> {
    if (this.closing) return this.exited;
    this.closing = true;
    this.flush();
    if (!this.failure) this.send({ type: 'close' });
    // A failed thread may still be running (a message it could not take): stop it rather than wait.
    if (this.failure) await this.worker.terminate();
    this.updateRef();
    await this.exited;
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0 || this.failure) return;
    // One recording time per message: the thread keeps the order, so recordedAt never goes back along the log.
    const recordedAt = this.now();
    const appends = this.queue.map((q) => {
      const w = this.waiting.get(q.id);
      if (w) w.recordedAt = recordedAt;
      return toWire(q.id, q.prepared, recordedAt);
    });
    this.sentUpTo = this.queue[this.queue.length - 1].id;
    this.queue = [];
    this.send({ type: 'append', appends });
  }

  private send(msg: ToWriter): void {
    try {
      this.worker.postMessage(msg);
    } catch (e) {
      this.fail(`could not send to the writer thread: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private receive(msg: FromWriter): void {
    if (msg.type !== 'appended') return;
    // The outcomes of one message are one group, in commit order; messages come in the order the thread committed.
    const committed: CommittedAppend[] = [];
    for (const outcome of msg.outcomes) {
      const w = this.waiting.get(outcome.id);
      if (!w) continue;
      this.waiting.delete(outcome.id);
      if ('result' in outcome) {
        if (!outcome.result.duplicate) committed.push({ prepared: w.prepared, result: outcome.result, recordedAt: w.recordedAt });
        w.resolve(outcome.result);
      } else {
        w.reject(fromWireError(outcome.error));
      }
    }
    // Before the callers resume (their promises settle after this turn): a command's own events are handed over
    // before it waits for them.
    if (committed.length > 0) this.onAppended(committed);
    this.releaseSettled();
    this.updateRef();
  }

  /** Everything waiting, and every later append, fails with STORE.WRITER_FAILED: the log itself is untouched. */
  private fail(reason: string): void {
    this.failure ??= new EventStoreError('STORE.WRITER_FAILED', reason);
    this.queue = [];
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
    this.releaseSettled();
    this.updateRef();
  }

  private updateRef(): void {
    const busy = this.waiting.size > 0 || (this.closing && !this.failure);
    if (busy === this.referenced) return;
    this.referenced = busy;
    if (busy) this.worker.ref();
    else this.worker.unref();
  }
}
