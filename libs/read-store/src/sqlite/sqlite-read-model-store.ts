import { isMainThread } from 'node:worker_threads';
import { DatabaseSync } from 'node:sqlite';
import { RestartBackoff } from '@ledger/event-store';
import type { ModelDocument } from '../codec';
import { ReadStoreError, type FlushRequest, type Lease, type ProjectionCheckpoint, type ProjectionSnapshot, type ReadModelStore, type TableSet } from '../port';
import { ddl, documentTable, ReadModelWrites, TABLES, writerPragmas, type WriteRequest, type WriteTimes } from './read-model-writes';
import { ReadModelWriterThread } from './read-model-writer-thread';

export interface SqliteReadModelStoreOptions {
  /** The file (`readmodels.sqlite` beside the ledger), or `:memory:`. */
  readonly path: string;
  /** How long a lease lasts without a flush or a renewal; default 15 s. */
  readonly leaseMs?: number;
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** Milliseconds since the epoch (tests move it). */
  readonly now?: () => number;
  /**
   * Where the writes run. `thread` (a file's default on the main thread): on a worker thread with a connection of its
   * own, started at the first write, so a flush costs the event loop the posting of its documents, not their
   * upserts. `in-process` (`:memory:`'s only choice, and the default on a worker thread, such as the projection
   * thread, which is off the event loop already): on this connection, a large flush in slices.
   */
  readonly writer?: 'thread' | 'in-process';
  /** Failure injection for tests: the writer thread exits, as in a crash, after writing this many documents of a flush. */
  readonly writerExitAfterDocuments?: number;
}

type CheckpointRow = { projection: string; position: number; event_id: string | null; definition: string; updated_at: string; owner: string | null; lease_expires_at: number | null };

const toCheckpoint = (row: CheckpointRow): ProjectionCheckpoint => ({
  projection: row.projection,
  position: Number(row.position),
  eventId: row.event_id,
  definition: row.definition,
  updatedAt: row.updated_at,
  owner: row.owner,
});

/**
 * The read-model store on SQLite (node:sqlite), in a file of its own beside the ledger's: the log's file keeps its
 * append-only triggers and its single writer, and a read-model rebuild never takes the log's write lock.
 *
 * Leases are rows: owner and expiry on the checkpoint, taken inside BEGIN IMMEDIATE (SQLite's one write lock), so
 * two processes cannot both see the lease free. A flush extends the lease; an idle owner renews it.
 *
 * For a file, the writes (leases, flushes, resets, promotions) run by default on a writer thread with a connection of
 * its own (read-model-writer-thread.ts): the API's embedded projection worker flushes on the event loop that answers
 * requests, and there the upserts cost ~4-6 % of it under load. Reads (`load`, `checkpoints`, `documentPages`) stay
 * on this connection, which in WAL mode sees every transaction the thread has committed, and only those; so does
 * `writeShadow`, whose documents come lazily (`ledger rebuild`) and would otherwise all be cloned at once. Writes are
 * applied one at a time in call order, whichever connection runs them, and each resolves after its commit.
 */
export class SqliteReadModelStore implements ReadModelStore {
  readonly kind = 'sqlite' as const;
  readonly description: string;
  /** Where the writes run (see `SqliteReadModelStoreOptions.writer`). */
  readonly writer: 'thread' | 'in-process';
  private readonly db: DatabaseSync;
  /** Statements on this connection: the reads, `writeShadow`, and every write in process. */
  private readonly local: ReadModelWrites;
  private readonly leaseMs: number;
  private readonly now: () => number;
  /** Started at the first write (a store only read from, such as a health probe's, never starts one). */
  private thread: ReadModelWriterThread | undefined;
  /** When a thread that died may be replaced (set when the first thread starts; see `writerThread`). */
  private backoff: RestartBackoff | undefined;
  /** The last write asked for: the next one starts when it has settled. */
  private writes: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: SqliteReadModelStoreOptions) {
    const memory = options.path === ':memory:';
    if (memory && options.writer === 'thread') throw new ReadStoreError("read-model store: an in-memory store lives in one connection; writer 'thread' needs a file");
    this.description = memory ? 'SQLite in memory' : `SQLite file ${options.path}`;
    this.writer = memory ? 'in-process' : (options.writer ?? (isMainThread ? 'thread' : 'in-process'));
    this.leaseMs = options.leaseMs ?? 15_000;
    this.now = options.now ?? Date.now;
    this.db = new DatabaseSync(options.path);
    // With a writer thread this connection only reads (a load at start-up, checkpoints): SQLite's default 2 MB page
    // cache, not a second 64 MiB one.
    this.db.exec(`PRAGMA journal_mode = WAL; ${writerPragmas(options.synchronous ?? 'FULL')}${this.writer === 'thread' ? ' PRAGMA cache_size = -2000;' : ''}`);
    this.db.exec(ddl(TABLES.live) + ddl(TABLES.shadow));
    this.local = new ReadModelWrites(this.db);
    for (const t of [TABLES.live, TABLES.shadow]) this.migrate(t.document);
  }

  /**
   * Converts a document table of the former WITHOUT ROWID layout (see `documentTable`), rows and all, in one write
   * transaction: once per file (seconds for a 300 MB store), whichever process opens it first.
   */
  private migrate(table: string): void {
    const former = () => /WITHOUT\s+ROWID/i.test((this.db.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(table) as { sql?: string } | undefined)?.sql ?? '');
    if (!former()) return;
    this.local.transaction(true, () => {
      if (!former()) return; // another process converted it meanwhile
      this.db.exec(`${documentTable(`${table}_rowid`, false)};
        INSERT INTO ${table}_rowid (projection, collection, doc_key, doc, position) SELECT projection, collection, doc_key, doc, position FROM ${table} ORDER BY projection, collection, doc_key;
        DROP TABLE ${table};
        ALTER TABLE ${table}_rowid RENAME TO ${table};`);
    });
  }

  private times(): WriteTimes {
    const now = this.now();
    return { now, stamp: new Date(now).toISOString(), leaseExpiresAt: now + this.leaseMs };
  }

  /** Runs `fn` once every write asked for before has settled (applied, refused or failed). */
  private serial<T>(fn: () => T | Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new ReadStoreError(`read-model store (${this.description}): closed`));
    const run = this.writes.then(fn);
    this.writes = run.catch(() => undefined);
    return run;
  }

  /** One write, on the thread or here; its times are read when its turn comes, as an in-process write always did. */
  private write(make: (times: WriteTimes) => WriteRequest): Promise<boolean | null> {
    return this.serial(() => {
      const request = make(this.times());
      if (this.writer === 'in-process') return this.local.apply(request, () => new Promise<void>((resolve) => setImmediate(resolve)));
      return this.writerThread().write(request);
    });
  }

  /**
   * The writer thread, started at the first write and replaced when it died: the writes that waited on a dead thread
   * failed with it (nothing of an unfinished transaction is committed, and a caller's next fenced write finds the
   * store as the last commit left it), later ones go to a new thread. A thread that dies again soon after it started
   * (a file it cannot open, a fault that comes back) is replaced only after a wait, doubling from 1 s to 30 s; the
   * writes asked for meanwhile fail with the dead thread's error.
   */
  private writerThread(): ReadModelWriterThread {
    const dead = this.thread?.failed;
    if (this.thread !== undefined && dead === undefined) return this.thread;
    const now = this.now();
    if (this.thread !== undefined && this.backoff !== undefined) {
      // Found dead only now: it counts as having lived until now.
      if (this.backoff.waitLeft(now) > 0) return this.thread;
      this.backoff.restarted(now);
      void this.thread.close();
      this.restarts++;
    }
    this.thread = new ReadModelWriterThread({ path: this.options.path, synchronous: this.options.synchronous ?? 'FULL', exitAfterDocuments: this.restarts === 0 ? this.options.writerExitAfterDocuments : undefined }, this.description);
    this.backoff ??= new RestartBackoff(now);
    return this.thread;
  }

  /** How many times a dead writer thread was replaced. */
  restarts = 0;

  async acquire(projection: string, owner: string): Promise<Lease | null> {
    return (await this.write((times) => ({ op: 'acquire', projection, owner, times }))) ? { projection, owner } : null;
  }

  async renew(lease: Lease): Promise<boolean> {
    return (await this.write((times) => ({ op: 'renew', lease: wireLease(lease), times }))) === true;
  }

  async release(lease: Lease): Promise<void> {
    await this.write(() => ({ op: 'release', lease: wireLease(lease) }));
  }

  /**
   * Fenced (see ReadModelWrites.flush): in process, written in slices with the event loop's turn in between; on the
   * thread, the main thread only copies the documents' text into the message (a structured clone: ~0.25 ms per MB,
   * a fifth to a third of what their upserts cost it in process) and waits for the commit.
   */
  async flush(lease: Lease, request: FlushRequest): Promise<boolean> {
    const { expectedPosition, position, eventId, definition, changes } = request;
    return (await this.write((times) => ({ op: 'flush', lease: wireLease(lease), request: { expectedPosition, position, eventId, definition, changes }, times }))) === true;
  }

  async reset(lease: Lease, definition: string): Promise<boolean> {
    return (await this.write((times) => ({ op: 'reset', lease: wireLease(lease), definition, times }))) === true;
  }

  async load(projection: string, tables: TableSet = 'live'): Promise<ProjectionSnapshot> {
    const t = TABLES[tables];
    return this.local.transaction(false, () => {
      const row = this.local.stmt(`SELECT * FROM ${t.checkpoint} WHERE projection = ?`).get(projection) as CheckpointRow | undefined;
      const documents = (this.local.stmt(`SELECT collection, doc_key AS key, doc FROM ${t.document} WHERE projection = ? ORDER BY collection, doc_key`).all(projection) as unknown as ModelDocument[]).map((d) => ({ collection: d.collection, key: d.key, doc: d.doc }));
      return { checkpoint: row ? toCheckpoint(row) : null, documents };
    });
  }

  async checkpoints(tables: TableSet = 'live'): Promise<ProjectionCheckpoint[]> {
    return (this.local.stmt(`SELECT * FROM ${TABLES[tables].checkpoint} ORDER BY projection`).all() as unknown as CheckpointRow[]).map(toCheckpoint);
  }

  async *documentPages(projection: string, tables: TableSet, pageSize = 1000): AsyncGenerator<ModelDocument[]> {
    const t = TABLES[tables];
    const columns = `SELECT collection, doc_key AS key, doc FROM ${t.document} WHERE projection = ?`;
    const first = this.local.stmt(`${columns} ORDER BY collection, doc_key LIMIT ?`);
    const after = this.local.stmt(`${columns} AND (collection, doc_key) > (?, ?) ORDER BY collection, doc_key LIMIT ?`);
    let last: ModelDocument | undefined;
    for (;;) {
      const rows = (last === undefined ? first.all(projection, pageSize) : after.all(projection, last.collection, last.key, pageSize)) as unknown as ModelDocument[];
      if (rows.length === 0) return;
      const page = rows.map((d) => ({ collection: d.collection, key: d.key, doc: d.doc }));
      yield page;
      if (rows.length < pageSize) return;
      last = page[page.length - 1];
    }
  }

  /** On this connection whatever the writer (its documents are taken as they come), in its turn among the writes. */
  async writeShadow(projection: string, checkpoint: { position: number; eventId: string | null; definition: string }, documents: Iterable<ModelDocument>): Promise<void> {
    const t = TABLES.shadow;
    await this.serial(() =>
      this.local.transaction(true, () => {
        this.local.stmt(`DELETE FROM ${t.document} WHERE projection = ?`).run(projection);
        const insert = this.local.stmt(`INSERT INTO ${t.document} (projection, collection, doc_key, doc, position) VALUES (?, ?, ?, ?, ?)`);
        for (const d of documents) insert.run(projection, d.collection, d.key, d.doc, checkpoint.position);
        this.local
          .stmt(
            `INSERT INTO ${t.checkpoint} (projection, position, event_id, definition, updated_at, owner, lease_expires_at) VALUES (?, ?, ?, ?, ?, NULL, NULL)
         ON CONFLICT (projection) DO UPDATE SET position = excluded.position, event_id = excluded.event_id, definition = excluded.definition, updated_at = excluded.updated_at`,
          )
          .run(projection, checkpoint.position, checkpoint.eventId, checkpoint.definition, this.times().stamp);
      }),
    );
  }

  async promoteShadow(lease: Lease): Promise<boolean> {
    return (await this.write((times) => ({ op: 'promoteShadow', lease: wireLease(lease), times }))) === true;
  }

  /** The database itself (this thread's connection), for tests that tamper with a row. */
  rawDatabase(): DatabaseSync {
    return this.db;
  }

  /** Refuses new writes, lets those asked for finish, joins the writer thread and closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    await this.writes;
    await this.thread?.close();
    if (this.db.isOpen) this.db.close();
  }
}

/** The lease as it crosses to the thread: only its two fields (a caller's object may carry more, or not clone). */
const wireLease = (lease: Lease) => ({ projection: lease.projection, owner: lease.owner });
