import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { ModelDocument } from '../codec';
import type { FlushRequest, Lease, ProjectionCheckpoint, ProjectionSnapshot, ReadModelStore, TableSet } from '../port';

export interface SqliteReadModelStoreOptions {
  /** The file (`readmodels.sqlite` beside the ledger), or `:memory:`. */
  readonly path: string;
  /** How long a lease lasts without a flush or a renewal; default 15 s. */
  readonly leaseMs?: number;
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** Milliseconds since the epoch (tests move it). */
  readonly now?: () => number;
}

const TABLES = { live: { checkpoint: 'projection_checkpoint', document: 'projection_document' }, shadow: { checkpoint: 'projection_checkpoint_shadow', document: 'projection_document_shadow' } };

function ddl(t: { checkpoint: string; document: string }): string {
  return `
    CREATE TABLE IF NOT EXISTS ${t.checkpoint} (
      projection TEXT PRIMARY KEY,
      position INTEGER NOT NULL,
      event_id TEXT,
      definition TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      owner TEXT,
      lease_expires_at INTEGER
    ) STRICT;
    ${documentTable(t.document)};`;
}

/**
 * Documents in a rowid table with a unique key, not a WITHOUT ROWID one: a WITHOUT ROWID table keeps rows in an index
 * B-tree, where at most ~1 KB of a row stays in its page (4 KB pages) and the rest goes to overflow pages, so every
 * task view (~2 KB) and every unit's notices (~40 KB) was written through an overflow chain; a rowid table keeps up
 * to ~4 KB in the page. Measured on the 50,000-task store's own documents: upserts of 240 task views and of 111
 * notices documents 2.5 times faster. Files made with the former layout are converted when opened (`migrate`).
 */
function documentTable(name: string, ifNotExists = true): string {
  return `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${name} (
      projection TEXT NOT NULL,
      collection TEXT NOT NULL,
      doc_key TEXT NOT NULL,
      doc TEXT NOT NULL,
      position INTEGER NOT NULL,
      UNIQUE (projection, collection, doc_key)
    ) STRICT`;
}

/** Documents, or bytes of documents, written between two turns of the event loop in a large flush (see YIELD_EVERY_BYTES). */
const SLICE = 128;
const SLICE_BYTES = 1 << 18;

/**
 * Page cache of the connection (KiB, SQLite's negative cache_size): the documents a flush rewrites are the same
 * few hot ones (a task's view, its index partitions, a unit's notices) again and again, and with the default 2 MB
 * every upsert of a large document read its B-tree pages from the file again. Measured on a 50,000-task store
 * (290 MB): a flush of 111 notices documents of 42 KB and one of 240 task views, 2.2 times faster with both settings.
 */
const CACHE_KIB = 64 * 1024;
/**
 * WAL pages before an automatic checkpoint (default 1000, 4 MB): the same hot pages rewritten flush after flush are
 * copied into the database once per checkpoint, so fewer, larger checkpoints copy much less. 32 MB of WAL at most
 * between them; the store is disposable and its durability is NORMAL anyway.
 */
const WAL_AUTOCHECKPOINT_PAGES = 8192;

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
 */
export class SqliteReadModelStore implements ReadModelStore {
  readonly kind = 'sqlite' as const;
  readonly description: string;
  private readonly db: DatabaseSync;
  private readonly leaseMs: number;
  private readonly now: () => number;
  private readonly stmts = new Map<string, StatementSync>();

  constructor(private readonly options: SqliteReadModelStoreOptions) {
    this.description = options.path === ':memory:' ? 'SQLite in memory' : `SQLite file ${options.path}`;
    this.leaseMs = options.leaseMs ?? 15_000;
    this.now = options.now ?? Date.now;
    this.db = new DatabaseSync(options.path);
    this.db.exec(
      `PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous ?? 'FULL'}; PRAGMA busy_timeout = 10000; PRAGMA cache_size = -${CACHE_KIB}; PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES};`,
    );
    this.db.exec(ddl(TABLES.live) + ddl(TABLES.shadow));
    for (const t of [TABLES.live, TABLES.shadow]) this.migrate(t.document);
  }

  /**
   * Converts a document table of the former WITHOUT ROWID layout (see `documentTable`), rows and all, in one write
   * transaction: once per file (seconds for a 300 MB store), whichever process opens it first.
   */
  private migrate(table: string): void {
    const former = () => /WITHOUT\s+ROWID/i.test((this.db.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(table) as { sql?: string } | undefined)?.sql ?? '');
    if (!former()) return;
    this.transaction(true, () => {
      if (!former()) return; // another process converted it meanwhile
      this.db.exec(`${documentTable(`${table}_rowid`, false)};
        INSERT INTO ${table}_rowid (projection, collection, doc_key, doc, position) SELECT projection, collection, doc_key, doc, position FROM ${table} ORDER BY projection, collection, doc_key;
        DROP TABLE ${table};
        ALTER TABLE ${table}_rowid RENAME TO ${table};`);
    });
  }

  private stmt(sql: string): StatementSync {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  private transaction<T>(immediate: boolean, fn: () => T): T {
    this.db.exec(immediate ? 'BEGIN IMMEDIATE' : 'BEGIN');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  private stamp(): string {
    return new Date(this.now()).toISOString();
  }

  async acquire(projection: string, owner: string): Promise<Lease | null> {
    return this.transaction(true, () => {
      const row = this.stmt(`SELECT * FROM ${TABLES.live.checkpoint} WHERE projection = ?`).get(projection) as CheckpointRow | undefined;
      const now = this.now();
      if (row === undefined) {
        this.stmt(`INSERT INTO ${TABLES.live.checkpoint} (projection, position, event_id, definition, updated_at, owner, lease_expires_at) VALUES (?, 0, NULL, '', ?, ?, ?)`).run(projection, this.stamp(), owner, now + this.leaseMs);
        return { projection, owner };
      }
      if (row.owner !== null && row.owner !== owner && Number(row.lease_expires_at ?? 0) > now) return null;
      this.stmt(`UPDATE ${TABLES.live.checkpoint} SET owner = ?, lease_expires_at = ? WHERE projection = ?`).run(owner, now + this.leaseMs, projection);
      return { projection, owner };
    });
  }

  async renew(lease: Lease): Promise<boolean> {
    const result = this.stmt(`UPDATE ${TABLES.live.checkpoint} SET lease_expires_at = ? WHERE projection = ? AND owner = ?`).run(this.now() + this.leaseMs, lease.projection, lease.owner);
    return Number(result.changes) === 1;
  }

  async release(lease: Lease): Promise<void> {
    this.stmt(`UPDATE ${TABLES.live.checkpoint} SET owner = NULL, lease_expires_at = NULL WHERE projection = ? AND owner = ?`).run(lease.projection, lease.owner);
  }

  async flush(lease: Lease, request: FlushRequest): Promise<boolean> {
    // node:sqlite is synchronous: a large flush (a worker catching up, or a few large documents) is written in slices
    // of SLICE documents or SLICE_BYTES, each inside the one transaction, with the event loop's turn in between. Only
    // this process's worker writes on this connection. The write lock (BEGIN IMMEDIATE) is taken first, so checking
    // the fence then and moving the checkpoint last is as good as a compare-and-set: nobody can write in between, and
    // a reader of this connection's checkpoints meanwhile (health) sees the old position, not one still being written.
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const fence = this.stmt(`SELECT 1 AS ok FROM ${TABLES.live.checkpoint} WHERE projection = ? AND position = ? AND owner = ?`).get(lease.projection, request.expectedPosition, lease.owner);
      if (fence === undefined) {
        this.db.exec('ROLLBACK');
        return false;
      }
      const upsert = this.stmt(
        `INSERT INTO ${TABLES.live.document} (projection, collection, doc_key, doc, position) VALUES (?, ?, ?, ?, ?) ON CONFLICT (projection, collection, doc_key) DO UPDATE SET doc = excluded.doc, position = excluded.position`,
      );
      const remove = this.stmt(`DELETE FROM ${TABLES.live.document} WHERE projection = ? AND collection = ? AND doc_key = ?`);
      let documents = 0;
      let bytes = 0;
      for (const change of request.changes) {
        if (change.doc === null) remove.run(lease.projection, change.collection, change.key);
        else upsert.run(lease.projection, change.collection, change.key, change.doc, request.position);
        bytes += change.doc?.length ?? 0;
        if (++documents >= SLICE || bytes >= SLICE_BYTES) {
          documents = 0;
          bytes = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      const cas = this.stmt(
        `UPDATE ${TABLES.live.checkpoint} SET position = ?, event_id = ?, definition = ?, updated_at = ?, lease_expires_at = ? WHERE projection = ? AND position = ? AND owner = ?`,
      ).run(request.position, request.eventId, request.definition, this.stamp(), this.now() + this.leaseMs, lease.projection, request.expectedPosition, lease.owner);
      if (Number(cas.changes) !== 1) throw new Error(`read-model store: the checkpoint of ${lease.projection} moved while this connection held the write lock`);
      this.db.exec('COMMIT');
      return true;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  async reset(lease: Lease, definition: string): Promise<boolean> {
    return this.transaction(true, () => {
      const cas = this.stmt(`UPDATE ${TABLES.live.checkpoint} SET position = 0, event_id = NULL, definition = ?, updated_at = ? WHERE projection = ? AND owner = ?`).run(definition, this.stamp(), lease.projection, lease.owner);
      if (Number(cas.changes) !== 1) return false;
      this.stmt(`DELETE FROM ${TABLES.live.document} WHERE projection = ?`).run(lease.projection);
      return true;
    });
  }

  async load(projection: string, tables: TableSet = 'live'): Promise<ProjectionSnapshot> {
    const t = TABLES[tables];
    return this.transaction(false, () => {
      const row = this.stmt(`SELECT * FROM ${t.checkpoint} WHERE projection = ?`).get(projection) as CheckpointRow | undefined;
      const documents = (this.stmt(`SELECT collection, doc_key AS key, doc FROM ${t.document} WHERE projection = ? ORDER BY collection, doc_key`).all(projection) as unknown as ModelDocument[]).map((d) => ({ collection: d.collection, key: d.key, doc: d.doc }));
      return { checkpoint: row ? toCheckpoint(row) : null, documents };
    });
  }

  async checkpoints(tables: TableSet = 'live'): Promise<ProjectionCheckpoint[]> {
    return (this.stmt(`SELECT * FROM ${TABLES[tables].checkpoint} ORDER BY projection`).all() as unknown as CheckpointRow[]).map(toCheckpoint);
  }

  async *documentPages(projection: string, tables: TableSet, pageSize = 1000): AsyncGenerator<ModelDocument[]> {
    const t = TABLES[tables];
    const columns = `SELECT collection, doc_key AS key, doc FROM ${t.document} WHERE projection = ?`;
    const first = this.stmt(`${columns} ORDER BY collection, doc_key LIMIT ?`);
    const after = this.stmt(`${columns} AND (collection, doc_key) > (?, ?) ORDER BY collection, doc_key LIMIT ?`);
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

  async writeShadow(projection: string, checkpoint: { position: number; eventId: string | null; definition: string }, documents: Iterable<ModelDocument>): Promise<void> {
    const t = TABLES.shadow;
    this.transaction(true, () => {
      this.stmt(`DELETE FROM ${t.document} WHERE projection = ?`).run(projection);
      const insert = this.stmt(`INSERT INTO ${t.document} (projection, collection, doc_key, doc, position) VALUES (?, ?, ?, ?, ?)`);
      for (const d of documents) insert.run(projection, d.collection, d.key, d.doc, checkpoint.position);
      this.stmt(
        `INSERT INTO ${t.checkpoint} (projection, position, event_id, definition, updated_at, owner, lease_expires_at) VALUES (?, ?, ?, ?, ?, NULL, NULL)
         ON CONFLICT (projection) DO UPDATE SET position = excluded.position, event_id = excluded.event_id, definition = excluded.definition, updated_at = excluded.updated_at`,
      ).run(projection, checkpoint.position, checkpoint.eventId, checkpoint.definition, this.stamp());
    });
  }

  async promoteShadow(lease: Lease): Promise<boolean> {
    const { live, shadow } = TABLES;
    return this.transaction(true, () => {
      const source = this.stmt(`SELECT * FROM ${shadow.checkpoint} WHERE projection = ?`).get(lease.projection) as CheckpointRow | undefined;
      if (source === undefined) return false;
      const cas = this.stmt(`UPDATE ${live.checkpoint} SET position = ?, event_id = ?, definition = ?, updated_at = ? WHERE projection = ? AND owner = ?`).run(
        source.position,
        source.event_id,
        source.definition,
        this.stamp(),
        lease.projection,
        lease.owner,
      );
      if (Number(cas.changes) !== 1) return false;
      this.stmt(`DELETE FROM ${live.document} WHERE projection = ?`).run(lease.projection);
      this.stmt(`INSERT INTO ${live.document} SELECT * FROM ${shadow.document} WHERE projection = ?`).run(lease.projection);
      return true;
    });
  }

  /** The database itself, for tests that tamper with a row. */
  rawDatabase(): DatabaseSync {
    return this.db;
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}
