/**
 * The read-model store's schema and its writes over one node:sqlite connection: what the store runs on its own
 * connection (in process) and what its writer thread runs on the thread's (read-model-writer-worker.ts). Times come
 * in as arguments, never from a clock here: the store's `now` (which tests move) stays on the caller's side, so the
 * thread decides leases with the same clock as an in-process store would.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export const TABLES = {
  live: { checkpoint: 'projection_checkpoint', document: 'projection_document' },
  shadow: { checkpoint: 'projection_checkpoint_shadow', document: 'projection_document_shadow' },
} as const;

export function ddl(t: { readonly checkpoint: string; readonly document: string }): string {
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
export function documentTable(name: string, ifNotExists = true): string {
  return `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${name} (
      projection TEXT NOT NULL,
      collection TEXT NOT NULL,
      doc_key TEXT NOT NULL,
      doc TEXT NOT NULL,
      position INTEGER NOT NULL,
      UNIQUE (projection, collection, doc_key)
    ) STRICT`;
}

/**
 * Page cache of a writing connection (KiB, SQLite's negative cache_size): the documents a flush rewrites are the same
 * few hot ones (a task's view, its index partitions, a unit's notices) again and again, and with the default 2 MB
 * every upsert of a large document read its B-tree pages from the file again. Measured on a 50,000-task store
 * (290 MB): a flush of 111 notices documents of 42 KB and one of 240 task views, 2.2 times faster with both settings.
 */
export const CACHE_KIB = 64 * 1024;
/**
 * WAL pages before an automatic checkpoint (default 1000, 4 MB): the same hot pages rewritten flush after flush are
 * copied into the database once per checkpoint, so fewer, larger checkpoints copy much less. 32 MB of WAL at most
 * between them; the store is disposable and its durability is NORMAL anyway. The connection that commits runs it.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 8192;

/** The settings of a connection that writes (the store's own in process, the writer thread's otherwise). */
export function writerPragmas(synchronous: 'FULL' | 'NORMAL'): string {
  return `PRAGMA synchronous = ${synchronous}; PRAGMA busy_timeout = 10000; PRAGMA cache_size = -${CACHE_KIB}; PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES};`;
}

/** The clock readings a write needs, taken by the caller: lease expiries are compared and set in its milliseconds. */
export interface WriteTimes {
  /** Milliseconds since the epoch. */
  readonly now: number;
  /** `now` as the ISO text of `updated_at`. */
  readonly stamp: string;
  /** `now` plus the lease's length: the expiry an acquire, a renewal or a flush sets. */
  readonly leaseExpiresAt: number;
}

export interface WireLease {
  readonly projection: string;
  readonly owner: string;
}

/** A document to write (null: delete it), as a flush's changes cross to the thread. */
export interface WireChange {
  readonly collection: string;
  readonly key: string;
  readonly doc: string | null;
}

export interface WireFlush {
  readonly expectedPosition: number;
  readonly position: number;
  readonly eventId: string | null;
  readonly definition: string;
  readonly changes: readonly WireChange[];
}

/** A write as the store asks for it, in process or on the thread (which gets it structured-cloned). */
export type WriteRequest =
  | { readonly op: 'acquire'; readonly projection: string; readonly owner: string; readonly times: WriteTimes }
  | { readonly op: 'renew'; readonly lease: WireLease; readonly times: WriteTimes }
  | { readonly op: 'release'; readonly lease: WireLease }
  | { readonly op: 'flush'; readonly lease: WireLease; readonly request: WireFlush; readonly times: WriteTimes }
  | { readonly op: 'reset'; readonly lease: WireLease; readonly definition: string; readonly times: WriteTimes }
  | { readonly op: 'promoteShadow'; readonly lease: WireLease; readonly times: WriteTimes };

type CheckpointRow = { position: number; owner: string | null; lease_expires_at: number | null };

/** Documents, or bytes of documents, written between two pauses of a flush (see `flush`'s `pause`). */
const SLICE = 128;
const SLICE_BYTES = 1 << 18;

/** The writes of the store, prepared once per connection. */
export class ReadModelWrites {
  private readonly stmts = new Map<string, StatementSync>();

  constructor(readonly db: DatabaseSync) {}

  stmt(sql: string): StatementSync {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  transaction<T>(immediate: boolean, fn: () => T): T {
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

  /** Applies one write request; `pause` and `afterDocument` go to `flush`. Null for a write without an answer (release). */
  apply(request: WriteRequest, pause?: () => Promise<void>, afterDocument?: (n: number) => void): boolean | null | Promise<boolean> {
    switch (request.op) {
      case 'acquire':
        return this.acquire(request.projection, request.owner, request.times);
      case 'renew':
        return this.renew(request.lease, request.times);
      case 'release':
        this.release(request.lease);
        return null;
      case 'flush':
        return this.flush(request.lease, request.request, request.times, pause, afterDocument);
      case 'reset':
        return this.reset(request.lease, request.definition, request.times);
      case 'promoteShadow':
        return this.promoteShadow(request.lease, request.times);
    }
  }

  acquire(projection: string, owner: string, times: WriteTimes): boolean {
    return this.transaction(true, () => {
      const row = this.stmt(`SELECT position, owner, lease_expires_at FROM ${TABLES.live.checkpoint} WHERE projection = ?`).get(projection) as CheckpointRow | undefined;
      if (row === undefined) {
        this.stmt(`INSERT INTO ${TABLES.live.checkpoint} (projection, position, event_id, definition, updated_at, owner, lease_expires_at) VALUES (?, 0, NULL, '', ?, ?, ?)`).run(projection, times.stamp, owner, times.leaseExpiresAt);
        return true;
      }
      if (row.owner !== null && row.owner !== owner && Number(row.lease_expires_at ?? 0) > times.now) return false;
      this.stmt(`UPDATE ${TABLES.live.checkpoint} SET owner = ?, lease_expires_at = ? WHERE projection = ?`).run(owner, times.leaseExpiresAt, projection);
      return true;
    });
  }

  renew(lease: WireLease, times: WriteTimes): boolean {
    const result = this.stmt(`UPDATE ${TABLES.live.checkpoint} SET lease_expires_at = ? WHERE projection = ? AND owner = ?`).run(times.leaseExpiresAt, lease.projection, lease.owner);
    return Number(result.changes) === 1;
  }

  release(lease: WireLease): void {
    this.stmt(`UPDATE ${TABLES.live.checkpoint} SET owner = NULL, lease_expires_at = NULL WHERE projection = ? AND owner = ?`).run(lease.projection, lease.owner);
  }

  /**
   * The fenced flush. The write lock (BEGIN IMMEDIATE) is taken first, so checking the fence then and moving the
   * checkpoint last is as good as a compare-and-set: nobody can write in between, and a reader of this connection's
   * checkpoints meanwhile (health, in process) sees the old position, not one still being written.
   *
   * `pause`, if given, is awaited every SLICE documents or SLICE_BYTES inside the one transaction: node:sqlite is
   * synchronous, and in process a large flush (a worker catching up, or a few large documents) must give the event
   * loop turns. Only the store's own serialised writes use this connection meanwhile. The writer thread passes none.
   * `afterDocument` is failure injection for tests (a thread that dies mid-transaction).
   */
  async flush(lease: WireLease, request: WireFlush, times: WriteTimes, pause?: () => Promise<void>, afterDocument?: (n: number) => void): Promise<boolean> {
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
      let written = 0;
      for (const { collection, key, doc } of request.changes) {
        if (doc === null) remove.run(lease.projection, collection, key);
        else upsert.run(lease.projection, collection, key, doc, request.position);
        afterDocument?.(++written);
        if (pause === undefined) continue;
        bytes += doc?.length ?? 0;
        if (++documents >= SLICE || bytes >= SLICE_BYTES) {
          documents = 0;
          bytes = 0;
          await pause();
        }
      }
      const cas = this.stmt(
        `UPDATE ${TABLES.live.checkpoint} SET position = ?, event_id = ?, definition = ?, updated_at = ?, lease_expires_at = ? WHERE projection = ? AND position = ? AND owner = ?`,
      ).run(request.position, request.eventId, request.definition, times.stamp, times.leaseExpiresAt, lease.projection, request.expectedPosition, lease.owner);
      if (Number(cas.changes) !== 1) throw new Error(`read-model store: the checkpoint of ${lease.projection} moved while this connection held the write lock`);
      this.db.exec('COMMIT');
      return true;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  reset(lease: WireLease, definition: string, times: WriteTimes): boolean {
    return this.transaction(true, () => {
      const cas = this.stmt(`UPDATE ${TABLES.live.checkpoint} SET position = 0, event_id = NULL, definition = ?, updated_at = ? WHERE projection = ? AND owner = ?`).run(definition, times.stamp, lease.projection, lease.owner);
      if (Number(cas.changes) !== 1) return false;
      this.stmt(`DELETE FROM ${TABLES.live.document} WHERE projection = ?`).run(lease.projection);
      return true;
    });
  }

  promoteShadow(lease: WireLease, times: WriteTimes): boolean {
    const { live, shadow } = TABLES;
    return this.transaction(true, () => {
      const source = this.stmt(`SELECT * FROM ${shadow.checkpoint} WHERE projection = ?`).get(lease.projection) as { position: number; event_id: string | null; definition: string } | undefined;
      if (source === undefined) return false;
      const cas = this.stmt(`UPDATE ${live.checkpoint} SET position = ?, event_id = ?, definition = ?, updated_at = ? WHERE projection = ? AND owner = ?`).run(
        source.position,
        source.event_id,
        source.definition,
        times.stamp,
        lease.projection,
        lease.owner,
      );
      if (Number(cas.changes) !== 1) return false;
      this.stmt(`DELETE FROM ${live.document} WHERE projection = ?`).run(lease.projection);
      this.stmt(`INSERT INTO ${live.document} SELECT * FROM ${shadow.document} WHERE projection = ?`).run(lease.projection);
      return true;
    });
  }
}
