import type { AppendResult } from '../port';
import type { CommittedAppend, PreparedAppend } from '../record';
import { MAX_GROUP, type SqliteLogWriter } from './sqlite-log-writer';

interface Queued {
  readonly prepared: PreparedAppend;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Appends written on the caller's own thread, over the store's one connection: what an in-memory log needs (its
 * database lives in that connection) and what `writer: 'in-process'` asks for. Group commit here is bounded by the
 * event loop: appends arriving in one turn share one transaction and one sync.
 */
export class InProcessWriter {
  private readonly queue: Queued[] = [];
  private drainScheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly writer: SqliteLogWriter,
    private readonly now: () => string,
    /** After each commit, with what it wrote (duplicates excluded), in commit order; not called when nothing was. */
    private readonly onAppended: (committed: readonly CommittedAppend[]) => void,
    private readonly groupCommit: boolean,
  ) {}

  async append(prepared: PreparedAppend): Promise<AppendResult> {
    if (!this.groupCommit) {
      const recordedAt = this.now();
      const [outcome] = await this.writer.write([{ prepared, recordedAt }]);
      if (!outcome.ok) throw outcome.error;
      if (!outcome.result.duplicate) this.onAppended([{ prepared, result: outcome.result, recordedAt }]);
      return outcome.result;
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ prepared, resolve, reject });
      this.schedule();
    });
  }

  rootIfCurrent(size: number): Buffer | undefined {
    return this.writer.rootIfCurrent(size);
  }

  /**
   * Resolves once the groups under way (written, not yet answered) are answered and their events handed to
   * `onAppended`; appends still queued for the next group are not waited for.
   */
  async settled(): Promise<void> {
    if (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Writes what is queued and waits for the groups under way. */
  async close(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0) {
      if (this.queue.length > 0) this.drain();
      await Promise.all(this.inFlight);
    }
  }

  private schedule(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    const batch = this.queue.splice(0, MAX_GROUP);
    if (this.queue.length > 0) this.schedule();
    if (batch.length === 0) return;
    const recordedAt = this.now();
    const done = this.writer.write(batch.map(({ prepared }) => ({ prepared, recordedAt }))).then((outcomes) => {
      const committed: CommittedAppend[] = [];
      batch.forEach((q, i) => {
        const outcome = outcomes[i];
        if (outcome.ok) {
          if (!outcome.result.duplicate) committed.push({ prepared: q.prepared, result: outcome.result, recordedAt });
          q.resolve(outcome.result);
        } else q.reject(outcome.error);
      });
      if (committed.length > 0) this.onAppended(committed);
    });
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }
}
