import { Worker } from 'node:worker_threads';
import { threadScript, type StoreConfig } from '@ledger/event-store';
import type { ReadStoreConfig } from './config';
import type { ProjectionStatus } from './projection-worker';

/**
 * What the projection thread is given (structured-cloned): where the log and the read-model store are — it opens
 * its own connections to both — and where to load the projections from (this lib does not know them).
 */
export interface ProjectionThreadData {
  /** The log to follow: the process's own store configuration (a file or a server; never ':memory:'). */
  readonly log: StoreConfig;
  /** The log's stream kinds (the store's append policy wants them; the thread never appends). */
  readonly streamKinds: readonly string[];
  readonly readStore: ReadStoreConfig;
  /** LEDGER_PROJECTION_LEASE_MS (SQLite leases). */
  readonly leaseMs?: number;
  /**
   * The module (a path the thread can `require`) and its export that holds the projections: an array of them, or a
   * record whose values they are.
   */
  readonly projections: { readonly module: string; readonly exportName: string };
  /** The name on the leases. The same for every thread this process starts, so a restarted one takes them at once. */
  readonly owner: string;
  readonly flushEveryEvents?: number;
  readonly flushIntervalMs?: number;
  readonly pollIntervalMs?: number;
  readonly acquireIntervalMs?: number;
  /** How often the thread looks whether its projections' status changed, and posts it if so (default 100 ms). */
  readonly statusIntervalMs?: number;
}

export type ToProjectionThread =
  /** Flush, give the leases back, close the connections, answer `stopped`. */
  | { readonly type: 'stop' }
  /** Throw `message` as an uncaught error in the thread: what a bug would do (crash drills and tests). */
  | { readonly type: 'crash'; readonly message: string };

export type FromProjectionThread =
  | { readonly type: 'ready' }
  | { readonly type: 'log'; readonly level: 'log' | 'warn'; readonly message: string }
  | { readonly type: 'status'; readonly projections: ProjectionStatus[] }
  | { readonly type: 'stopped' };

export interface ProjectionThreadLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, stack?: string): void;
}

export type ProjectionThreadState = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

export interface ProjectionThreadStatus {
  /** `running`: the thread opened its connections and runs the worker; `restarting`: it died, another is due. */
  readonly state: ProjectionThreadState;
  /** The current thread's id (null between threads). */
  readonly threadId: number | null;
  /** How many times a dead thread was replaced. */
  readonly restarts: number;
  /** Why the last thread died (null if none did). */
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
}

export interface ProjectionThreadOptions {
  readonly data: ProjectionThreadData;
  readonly logger: ProjectionThreadLogger;
  /** The wait before replacing a dead thread: doubling from `min` to `max` while threads keep dying (1 s, 30 s). */
  readonly restartDelayMs?: { readonly min: number; readonly max: number };
  /** A thread that ran this long before dying counts as healthy: the next wait starts from `min` again (60 s). */
  readonly healthyAfterMs?: number;
  /** How long `stop()` waits for the thread to flush and give the leases back before terminating it (30 s). */
  readonly stopTimeoutMs?: number;
}

/**
 * A `ProjectionWorker` on a worker thread of this process, so the event loop that answers requests never encodes or
 * writes a document. The thread opens its own connections to the log (a SQLite reader beside the writer — WAL lets
 * it — or a PostgreSQL pool) and to the read-model store, and folds its own models from its checkpoints, as
 * apps/projector does. This side starts it, relays its log lines and status, replaces it when it dies (with a
 * growing wait), and stops it: flush, leases given back, connections closed.
 */
export class ProjectionThread {
  private worker: Worker | undefined;
  private state: ProjectionThreadState = 'stopped';
  private projections: ProjectionStatus[] = [];
  private restarts = 0;
  /** Deaths in a row (a thread that stayed up `healthyAfterMs` resets it): the exponent of the next wait. */
  private failures = 0;
  private lastError: string | null = null;
  private lastErrorAt: string | null = null;
  private restartTimer: NodeJS.Timeout | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: ProjectionThreadOptions) {}

  /** The name on the leases (every thread's). */
  get owner(): string {
    return this.options.data.owner;
  }

  /** Started and not stopped (whether a thread is up right now or another is due). */
  get running(): boolean {
    return this.state !== 'stopped' && this.state !== 'stopping';
  }

  /** Starts the thread (if not started). */
  start(): this {
    if (this.state === 'stopped') {
      this.failures = 0;
      this.spawn();
    }
    return this;
  }

  /** The projections as the thread last posted them; none owned while no thread runs. */
  status(): ProjectionStatus[] {
    if (this.state === 'running') return this.projections;
    return this.projections.map((p) => ({ ...p, owned: false, position: null, flushedPosition: null }));
  }

  threadStatus(): ProjectionThreadStatus {
    return { state: this.state, threadId: this.worker?.threadId ?? null, restarts: this.restarts, lastError: this.lastError, lastErrorAt: this.lastErrorAt };
  }

  /** Makes the thread throw `message` as an uncaught error (crash drills, tests): it dies and is replaced. */
  crash(message = 'crash requested'): void {
    this.send({ type: 'crash', message });
  }

  /** Flushes, gives the leases back and ends the thread (terminating it if it does not finish in `stopTimeoutMs`). */
  async stop(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const worker = this.worker;
    if (!worker || this.state === 'stopped') {
      this.state = 'stopped';
      return;
    }
    if (this.state !== 'stopping') {
      this.state = 'stopping';
      this.send({ type: 'stop' });
    }
    const timeoutMs = this.options.stopTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
    const done = await Promise.race([this.exited.then(() => false), timedOut]);
    clearTimeout(timer);
    if (done) {
      this.options.logger.warn(`projection thread: not stopped after ${timeoutMs} ms; terminating it (its leases expire or its sessions end with it)`);
      await worker.terminate();
      await this.exited;
    }
  }

  private send(msg: ToProjectionThread): void {
    try {
      this.worker?.postMessage(msg);
    } catch {
      // The thread is gone: its exit handler does the rest.
    }
  }

  private spawn(): void {
    this.restartTimer = undefined;
    this.state = 'starting';
    const { script, execArgv } = threadScript(__filename, 'projection-thread-worker');
    const worker = new Worker(script, { workerData: this.options.data, execArgv, name: 'projections' });
    this.worker = worker;
    const startedAt = Date.now();
    let readyAt: number | undefined;
    let error: Error | undefined;
    let stopped = false;
    this.exited = new Promise((resolve) => {
      worker.on('message', (msg: FromProjectionThread) => {
        switch (msg.type) {
          case 'ready':
            readyAt = Date.now();
            if (this.state === 'starting') this.state = 'running';
            this.options.logger.log(`projection thread ${worker.threadId} running (owner ${this.owner}, started in ${readyAt - startedAt} ms)`);
            return;
          case 'log':
            if (msg.level === 'warn') this.options.logger.warn(msg.message);
            else this.options.logger.log(msg.message);
            return;
          case 'status':
            this.projections = msg.projections;
            return;
          case 'stopped':
            // Flushed, leases given back, connections closed: nothing of the thread is needed any more.
            stopped = true;
            void worker.terminate();
            return;
        }
      });
      worker.on('error', (e) => (error = e));
      worker.on('exit', (code) => {
        this.worker = undefined;
        if (this.state === 'stopping' || this.state === 'stopped') {
          this.state = 'stopped';
          if (!stopped && code !== 0) this.options.logger.warn(`projection thread ended without its stop answer (code ${code})${error ? `: ${error.message}` : ''}`);
        } else {
          this.died(code, error, readyAt);
        }
        resolve();
      });
    });
  }

  private died(code: number, error: Error | undefined, readyAt: number | undefined): void {
    const healthyAfter = this.options.healthyAfterMs ?? 60_000;
    if (readyAt !== undefined && Date.now() - readyAt >= healthyAfter) this.failures = 0;
    const { min, max } = this.options.restartDelayMs ?? { min: 1000, max: 30_000 };
    const delay = Math.min(max, min * 2 ** this.failures);
    this.failures++;
    this.restarts++;
    this.lastError = error ? error.message : `exited with code ${code}`;
    this.lastErrorAt = new Date().toISOString();
    this.state = 'restarting';
    this.options.logger.error(
      `projection thread died ${readyAt === undefined ? 'before it was running' : 'while running'} (exit code ${code}): ${this.lastError}; starting another in ${delay} ms (restart ${this.restarts})`,
      error?.stack,
    );
    this.restartTimer = setTimeout(() => this.spawn(), delay);
  }
}
