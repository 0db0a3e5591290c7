import { Worker } from 'node:worker_threads';
import { EventStoreError } from '../errors';
import { RestartBackoff } from '../restart-backoff';
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
    private readonly onFailed: () => number | undefined,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  /**
   * Starts the thread and waits until it has opened the log (its errors, such as an unwritable file, reject here).
   * `onAppended` is called after each commit with what it wrote (duplicates excluded), in commit order; `onFailed`
   * once, when the thread has died (or could no longer be sent to), and answers in how many milliseconds a new thread
   * will take appends, if it knows (the appends that were waiting fail saying so: the API's Retry-After).
   */
  static async start(
    data: WriterWorkerData,
    now: () => string,
    onAppended: (committed: readonly CommittedAppend[]) => void,
    onFailed: () => number | undefined = () => undefined,
  ): Promise<WriterThread> {
    const { script, execArgv } = threadScript(__filename, 'writer-worker');
    const worker = new Worker(script, { workerData: data, execArgv, name: 'log-writer' });
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
    const thread = new WriterThread(worker, now, onAppended, onFailed);
    worker.on('message', (msg: FromWriter) => thread.receive(msg));
    worker.on('error', (e) => thread.fail(`the writer thread failed: ${e.message}`));
    worker.on('exit', (code) => {
      if (!thread.closing || thread.waiting.size > 0) thread.fail(`the writer thread exited (code ${code})`);
    });
    thread.updateRef();
    return thread;
  }

  /** Why appends fail, once the thread died (undefined while it runs). */
  get failed(): EventStoreError | undefined {
    return this.failure;
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

  /** Failure injection (tests): ends the thread as the runtime would, whatever it is doing. */
  terminate(): Promise<number> {
    return this.worker.terminate();
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

  /**
   * Everything waiting, and every later append to this thread, fails with STORE.WRITER_FAILED. The log holds no part
   * of an unfinished transaction, but a waiting append's commit may have happened before its answer was lost.
   */
  private fail(reason: string): void {
    if (this.failure !== undefined) return;
    const retryAfterMs = this.onFailed();
    this.failure = new EventStoreError(
      'STORE.WRITER_FAILED',
      `${reason}: an append that was waiting on it may or may not have been committed; retrying it with the same command id is safe (a committed one is answered with its first result, as a duplicate)`,
      retryAfterMs === undefined ? { reason } : { reason, retryAfterMs },
    );
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

/**
 * The writer thread of a file log, replaced when it dies. The appends that waited on a dead thread fail with it
 * (STORE.WRITER_FAILED: a commit may have happened before its answer was lost, and a retry with the same command id
 * is answered as a duplicate then), saying when a new thread will take appends (`retryAfterMs`); the next append
 * starts a new thread, which re-reads the head, the hash chain and the Merkle frontier from the file
 * (`SqliteLogWriter.open`), so positions go on gap-free. A thread that dies soon
 * after it started (a file it cannot open, a fault that comes back) is replaced only once a wait has passed since its
 * start, doubling from 1 s to 30 s while threads keep dying and back to 1 s after one that ran a while — the policy of
 * the read-model store's writer thread.
 *
 * During that wait appends fail at once, saying when a new thread will be tried, rather than queue: a caller of the
 * HTTP API gets its 503 in milliseconds and may retry (its command id makes that safe), where a queue would hold its
 * request open for up to 30 s, past most clients' timeouts, and let requests pile up behind a thread that may die
 * again. While a new thread is starting (a few hundred milliseconds, as at open) appends wait for it: that wait ends
 * when the thread has opened the log or failed to.
 */
export class RestartingWriterThread {
  /** The running thread, or the last one, dead; undefined while a new one starts or after one failed to start. */
  private thread: WriterThread | undefined;
  private starting: Promise<WriterThread> | undefined;
  /** Why the last start failed (a thread that died says why itself: `thread.failed`). */
  private startFailure: Error | undefined;
  private readonly backoff: RestartBackoff;
  private closing = false;
  private restartCount = 0;

  private constructor(
    /** Starts a thread (`first`: the one the store opens with) that calls `onFailed` when it dies. */
    private readonly startThread: (first: boolean, onFailed: () => number) => Promise<WriterThread>,
    /** Milliseconds on a monotonic clock. */
    private readonly elapsed: () => number,
  ) {
    this.backoff = new RestartBackoff(elapsed());
  }

  /** Starts the first thread; its errors (an unwritable file) reject here, as `WriterThread.start`'s do. */
  static async start(
    data: WriterWorkerData,
    now: () => string,
    onAppended: (committed: readonly CommittedAppend[]) => void,
    elapsed: () => number,
  ): Promise<RestartingWriterThread> {
    // Failure injection is for the first thread only: its replacements must live.
    const later: WriterWorkerData = { ...data, exitWhenWriting: undefined };
    const self = new RestartingWriterThread((first, onFailed) => WriterThread.start(first ? data : later, now, onAppended, onFailed), elapsed);
    self.thread = await self.startThread(true, self.died);
    return self;
  }

  /**
   * Only the current thread can die: a replaced one had died already, and a thread fails once. Answers when the next
   * append may start a new thread (at least 1 ms: a retry made at once starts it, and the API's Retry-After is then
   * its smallest, 1 s, about what a new thread takes to open the log).
   */
  private readonly died = (): number => {
    const at = this.elapsed();
    this.backoff.died(at);
    return Math.max(1, Math.ceil(this.backoff.waitLeft(at)));
  };

  /** How many times a dead writer thread was replaced (a replacement that failed to start counts). */
  get restarts(): number {
    return this.restartCount;
  }

  append(prepared: PreparedAppend): Promise<AppendResult> {
    const thread = this.thread;
    if (thread !== undefined && thread.failed === undefined) return thread.append(prepared);
    return this.replacement().then((t) => t.append(prepared));
  }

  /** See `WriterThread.settled`: the appends already sent to the current thread (a dead one's have all failed). */
  settled(): Promise<void> {
    return this.thread?.settled() ?? Promise.resolve();
  }

  /** Writes what was already asked for and joins the thread, whatever its state: running, starting or dead. */
  async close(): Promise<void> {
    this.closing = true;
    // Appends already waiting for a starting thread are handed to it before this resumes, so they are written too.
    const thread = this.starting !== undefined ? await this.starting.catch(() => undefined) : this.thread;
    await thread?.close();
  }

  /** Failure injection (tests): ends the current thread as the runtime would, whatever it is doing. */
  async kill(): Promise<void> {
    await this.thread?.terminate();
  }

  /** The thread that takes the next append: the one starting, a new one, or none yet (rejects, saying when). */
  private replacement(): Promise<WriterThread> {
    if (this.starting !== undefined) return this.starting;
    if (this.closing) return Promise.reject(new EventStoreError('STORE.CLOSED', 'the store is closed'));
    const now = this.elapsed();
    const wait = this.backoff.waitLeft(now);
    if (wait > 0) {
      const reason = (this.thread?.failed?.details.reason as string | undefined) ?? `the writer thread could not start: ${this.startFailure?.message}`;
      return Promise.reject(
        new EventStoreError(
          'STORE.WRITER_FAILED',
          `${reason}; this append was not written: a new writer thread is started for the first append made after ${(wait / 1000).toFixed(1)} s`,
          { reason, retryAfterMs: Math.ceil(wait) },
        ),
      );
    }
    this.backoff.restarted(now);
    this.restartCount++;
    const dead = this.thread;
    this.thread = undefined;
    this.starting = (async () => {
      // A thread failed by a message it could not take may still run: it is stopped before another opens the log.
      await dead?.close();
      return this.startThread(false, this.died);
    })().then(
      (thread) => {
        this.starting = undefined;
        this.startFailure = undefined;
        this.thread = thread;
        return thread;
      },
      (e: unknown) => {
        this.starting = undefined;
        this.startFailure = e instanceof Error ? e : new Error(String(e));
        const failedAt = this.elapsed();
        this.backoff.died(failedAt);
        // The appends that waited for it are told when the next thread will be tried (the API's Retry-After).
        const message = e instanceof EventStoreError && e.code === 'STORE.WRITER_FAILED' ? e.message : `the writer thread could not start: ${this.startFailure.message}`;
        throw new EventStoreError('STORE.WRITER_FAILED', message, { reason: this.startFailure.message, retryAfterMs: Math.ceil(this.backoff.waitLeft(failedAt)) });
      },
    );
    return this.starting;
  }
}
