import { Worker } from 'node:worker_threads';
import { threadScript } from '@ledger/event-store';
import { ReadStoreError } from '../port';
import { fromWireError, type FromReadModelWriter, type ReadModelWriterData, type ToReadModelWriter, type WriterSettings } from './read-model-writer-protocol';
import type { WriteRequest } from './read-model-writes';

interface Waiting {
  readonly resolve: (result: boolean | null) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The store's side of its writer thread: each write is posted as it is asked for (the thread applies them in that
 * order) and its promise settles with the thread's answer, after the commit. A thread that dies fails every write
 * waiting on it and every later one with a ReadStoreError; the file is whole (each write is one transaction, and an
 * unfinished one is never committed). The thread holds the process open only while a write waits on it.
 */
export class ReadModelWriterThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private failure: ReadStoreError | undefined;
  private closing = false;
  private referenced = true;
  private readonly exited: Promise<void>;
  private readySettled!: { resolve: (settings: WriterSettings) => void; reject: (error: unknown) => void };
  /** The thread's connection settings once it opened it; rejects if it never did. */
  readonly ready: Promise<WriterSettings>;

  constructor(
    data: ReadModelWriterData,
    /** The store's description, for the errors. */
    private readonly description: string,
  ) {
    const { script, execArgv } = threadScript(__filename, 'read-model-writer-worker');
    this.worker = new Worker(script, { workerData: data, execArgv, name: 'read-model-writer' });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.ready = new Promise((resolve, reject) => (this.readySettled = { resolve, reject }));
    // Nobody need wait for it: writes posted meanwhile wait in the thread's port.
    this.ready.catch(() => undefined);
    this.worker.on('message', (msg: FromReadModelWriter) => this.receive(msg));
    this.worker.on('error', (e) => this.fail(`the writer thread failed: ${e.message}`));
    this.worker.on('exit', (code) => {
      if (!this.closing || this.waiting.size > 0) this.fail(`the writer thread exited (code ${code})`);
    });
    this.updateRef();
  }

  /** Why writes fail, once the thread died (undefined while it runs). */
  get failed(): ReadStoreError | undefined {
    return this.failure;
  }

  write(request: WriteRequest): Promise<boolean | null> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new ReadStoreError(`read-model store (${this.description}): closed`));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { resolve, reject });
      this.send({ type: 'write', id, request });
      this.updateRef();
    });
  }

  /** Lets the thread finish what was posted, closes its connection and joins it; a failed thread is terminated. */
  async close(): Promise<void> {
    if (this.closing) return this.exited;
    this.closing = true;
    if (this.failure) await this.worker.terminate();
    else this.send({ type: 'close' });
    this.updateRef();
    await this.exited;
  }

  /** Failure injection (tests): ends the thread as the runtime would, whatever it is doing. */
  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  private send(msg: ToReadModelWriter): void {
    try {
      this.worker.postMessage(msg);
    } catch (e) {
      this.fail(`could not send to the writer thread: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private receive(msg: FromReadModelWriter): void {
    switch (msg.type) {
      case 'ready':
        this.readySettled.resolve(msg.settings);
        return;
      case 'failed':
        this.fail(`the writer thread could not open the file: ${msg.error.message}`);
        return;
      case 'done':
      case 'error': {
        const w = this.waiting.get(msg.id);
        if (!w) return;
        this.waiting.delete(msg.id);
        if (msg.type === 'done') w.resolve(msg.result);
        else w.reject(fromWireError(msg.error));
        this.updateRef();
        return;
      }
      default:
        return;
    }
  }

  private fail(reason: string): void {
    this.failure ??= new ReadStoreError(`read-model store (${this.description}): ${reason}; its writes fail until it is opened again`);
    this.readySettled.reject(this.failure);
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
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
