import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { EventStoreError, NotFoundError } from '../errors';
import {
  consistencyProof,
  inclusionProof,
  rootAt,
  toHex,
  type MerkleNodeReader,
  type StoredNode,
} from '../integrity';
import type {
  AppendRequest,
  AppendResult,
  Clock,
  InclusionProof,
  LedgerStore,
  ReadAllOptions,
  ReadByActorOptions,
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
  SubscriptionOptions,
  TreeHead,
  VerifyReport,
} from '../port';
import { systemClock } from '../port';
import { actorQuery } from '../read-by-actor';
import { decodeRecord, isInstant, prepareAppend, type AppendPolicy, type CommittedAppend } from '../record';
import { CommitListeners, PollingSubscription } from '../subscription';
import { threadScript } from '../thread-script';
import { MerkleChecker, VERIFY_CHUNK, verifyRows, type CheckedChunk } from '../verify';
import { InProcessWriter } from './in-process-writer';
import { sqliteMerkleReader } from './merkle-reader';
import { READ_BY_ACTOR_SQL, SQLITE_SCHEMA } from './schema';
import { SqliteLogWriter } from './sqlite-log-writer';
import { RestartingWriterThread } from './writer-thread';
import type { WriterExit } from './writer-protocol';

export interface SqliteEventStoreOptions {
  /** A file path, or ':memory:' for a private in-memory log. */
  readonly path: string;
  readonly policy: AppendPolicy;
  readonly clock?: Clock;
  /** 'FULL' (default) makes every commit durable in WAL mode; 'NORMAL' survives a process crash but not a power cut. */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** How many stream versions to keep in memory; older entries are re-read from the index. */
  readonly streamCacheSize?: number;
  /**
   * Appends waiting together share one transaction and one sync (default true); false: every append commits on its
   * own.
   */
  readonly groupCommit?: boolean;
  /**
   * Where appends are written. 'thread' (the default for a file): a worker thread owning the write connection does
   * the hashing, inserts and the commit's fsync, taking everything that arrived during its last commit as the next
   * group, so the caller's event loop only validates and waits. 'in-process': on the caller's thread, over the
   * store's one connection, appends arriving in one turn of the event loop forming a group; the only choice for
   * ':memory:', whose database lives in that connection.
   */
  readonly writer?: 'thread' | 'in-process';
  /**
   * Milliseconds on a monotonic clock, for the waits before a writer thread that died is replaced (default
   * `performance.now`; tests pass their own).
   */
  readonly elapsedMs?: () => number;
  /** Failure injection (tests): the first writer thread ends itself there (see `WriterExit`); its replacements do not. */
  readonly writerExitWhenWriting?: WriterExit;
}

interface Row {
  position: number;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  command_id: string;
  record: string;
  leaf_hash: Uint8Array;
}

const MAX_PAGE = 10_000;

/** Below this many events, starting worker threads costs more than it saves. */
const PARALLEL_VERIFY_MIN = 50_000;

interface WorkerChunk {
  from: number;
  leaves: Uint8Array;
  positions: Float64Array;
  problems: CheckedChunk['problems'];
  subtree?: { root: Uint8Array; nodes: Array<{ level: number; index: number; hash: Uint8Array }> };
}

/**
 * Verify on worker threads: each worker checks a chunk's rows (parse-free column check, SHA-256 of each record) and
 * hashes the chunk's aligned Merkle subtree; this thread only compares stored nodes and folds the chunks' roots in
 * order. Each event costs about two SHA-256 calls whose fixed overhead dominates, so spreading them is what gets
 * `verify` past one core's rate.
 */
async function verifyInWorkers(
  path: string,
  total: number,
  nodes: readonly StoredNode[],
  threads: number,
  onProgress?: (checked: number, total: number) => void,
): Promise<VerifyReport> {
  const { script, execArgv } = threadScript(__filename, 'verify-worker');
  const workers = Array.from({ length: threads }, () => new Worker(script, { workerData: { path }, execArgv, name: 'verify' }));
  const checker = new MerkleChecker(nodes);
  const ready = new Map<number, CheckedChunk>();
  let nextToSend = 0;
  let nextToFold = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const send = (w: Worker) => {
        if (nextToSend >= total) return;
        const from = nextToSend;
        nextToSend = Math.min(total, from + VERIFY_CHUNK);
        w.postMessage({ from, to: nextToSend });
      };
      for (const w of workers) {
        w.on('error', reject);
        w.on('message', (msg: WorkerChunk) => {
          const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
          ready.set(msg.from, {
            firstPosition: msg.from + 1,
            leaves: asBuffer(msg.leaves),
            positions: msg.positions,
            problems: msg.problems,
            subtree: msg.subtree && { root: asBuffer(msg.subtree.root), nodes: msg.subtree.nodes.map((n) => ({ ...n, hash: asBuffer(n.hash) })) },
          });
          send(w);
          // Fold finished chunks strictly in position order.
          while (ready.has(nextToFold)) {
            const chunk = ready.get(nextToFold)!;
            ready.delete(nextToFold);
            checker.feedChunk(chunk);
            nextToFold = Math.min(total, nextToFold + VERIFY_CHUNK);
            onProgress?.(checker.eventsChecked, total);
          }
          if (nextToFold >= total) resolve();
        });
        // Two chunks in flight per worker keep it busy while this thread folds.
        send(w);
        send(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return checker.finish();
}

function toStoredRow(r: Row) {
  return {
    position: r.position,
    eventId: r.event_id,
    streamId: r.stream_id,
    streamVersion: r.stream_version,
    type: r.type,
    commandId: r.command_id,
    record: r.record,
    leafHash: Buffer.from(r.leaf_hash.buffer, r.leaf_hash.byteOffset, r.leaf_hash.byteLength),
  };
}

/**
 * The embedded store on Node's built-in `node:sqlite`.
 *
 * Writes go through a SqliteLogWriter (hash chain, Merkle nodes, idempotency, optimistic concurrency, group commit;
 * why positions are gap-free and in commit order is told there). For a file it runs on a writer thread with its own
 * connection, so node:sqlite's synchronous inserts and the commit's fsync never stall this thread's queries; reads
 * stay here on the store's connection, which in WAL mode sees every commit the writer has acknowledged.
 */
export class SqliteEventStore implements LedgerStore {
  readonly kind = 'sqlite' as const;
  private readonly db: DatabaseSync;
  private readonly clock: Clock;
  private readonly listeners = new Set<() => void>();
  private readonly committedListeners = new CommitListeners();
  private writer!: RestartingWriterThread | InProcessWriter;
  private closed = false;
  private readonly subscriptions = new Set<Subscription>();
  private readonly s: Record<'maxPosition' | 'readStream' | 'readAll' | 'readByActor' | 'loadCheckpoint' | 'saveCheckpoint' | 'byPosition', StatementSync>;

  private constructor(private readonly options: SqliteEventStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new DatabaseSync(options.path);
    this.clock = options.clock ?? systemClock;
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous ?? 'FULL'}; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;`);
    this.db.exec(SQLITE_SCHEMA);
    const p = (sql: string) => this.db.prepare(sql);
    this.s = {
      maxPosition: p('SELECT coalesce(max(position), 0) AS p FROM ledger_events'),
      readStream: p('SELECT record FROM ledger_events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?'),
      readAll: p('SELECT record FROM ledger_events WHERE position >= ? ORDER BY position LIMIT ?'),
      readByActor: p(READ_BY_ACTOR_SQL),
      loadCheckpoint: p('SELECT position FROM ledger_subscriptions WHERE name = ?'),
      saveCheckpoint: p(
        'INSERT INTO ledger_subscriptions (name, position, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
      ),
      byPosition: p('SELECT * FROM ledger_events WHERE position = ?'),
    };
    this.reader = sqliteMerkleReader(this.db);
  }

  static async open(options: SqliteEventStoreOptions): Promise<SqliteEventStore> {
    const memory = options.path === ':memory:';
    if (memory && options.writer === 'thread') {
      throw new EventStoreError('STORE.INVALID_OPTION', "an in-memory log lives in one connection: writer 'thread' needs a file", { option: 'writer' });
    }
    const store = new SqliteEventStore(options);
    const now = () => store.clock.now().toISOString();
    const appended = (committed: readonly CommittedAppend[]) => {
      // The subscriptions are handed the events themselves; a bare signal (read them) only if that failed.
      if (store.committedListeners.publish(committed)) return;
      for (const l of store.listeners) l();
    };
    try {
      store.writer =
        memory || options.writer === 'in-process'
          ? new InProcessWriter(
              await SqliteLogWriter.open(store.db, { streamCacheSize: options.streamCacheSize, groupCommit: options.groupCommit }),
              now,
              appended,
              options.groupCommit !== false,
            )
          : await RestartingWriterThread.start(
              {
                path: options.path,
                synchronous: options.synchronous ?? 'FULL',
                streamCacheSize: options.streamCacheSize,
                groupCommit: options.groupCommit,
                exitWhenWriting: options.writerExitWhenWriting,
              },
              now,
              appended,
              options.elapsedMs ?? (() => performance.now()),
            );
    } catch (e) {
      store.db.close();
      throw e;
    }
    return store;
  }

  /** How many times a writer thread that died was replaced (always 0 for the in-process writer): for operations. */
  get writerRestarts(): number {
    return this.writer instanceof RestartingWriterThread ? this.writer.restarts : 0;
  }

  /** The reader the Merkle functions use: leaves by index (position − 1), stored subtree roots by (level, index). */
  private readonly reader: MerkleNodeReader;

  async append(request: AppendRequest): Promise<AppendResult> {
    this.assertOpen();
    // Validation and canonical encoding happen here, so a refused request never reaches the writer.
    return this.writer.append(prepareAppend(request, this.options.policy));
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const rows = this.s.readStream.all(streamId, options.fromVersion ?? 1, options.limit ?? -1) as unknown as Array<{ record: string }>;
    const events = rows.map((r) => decodeRecord(r.record));
    const until = options.recordedUntil;
    if (until !== undefined && !isInstant(until)) {
      throw new EventStoreError('STORE.INVALID_QUERY', 'recordedUntil: must be an ISO 8601 UTC instant', { field: 'recordedUntil' });
    }
    return until === undefined ? events : events.filter((e) => Date.parse(e.metadata.recordedAt) <= Date.parse(until));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const limit = Math.min(Math.max(1, options.limit ?? 1000), MAX_PAGE);
    const rows = this.s.readAll.all(options.fromPosition ?? 1, limit) as unknown as Array<{ record: string }>;
    return rows.map((r) => decodeRecord(r.record));
  }

  async readByActor(actorId: string, options: ReadByActorOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const q = actorQuery(actorId, options, MAX_PAGE);
    const rows = this.s.readByActor.all(q.actorId, q.from, q.to, q.limit) as unknown as Array<{ record: string }>;
    return rows.map((r) => decodeRecord(r.record));
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    return (this.s.maxPosition.get() as { p: number }).p;
  }

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    this.assertOpen();
    const sub = await PollingSubscription.start(
      {
        readAll: (o) => this.readAll(o),
        loadCheckpoint: (name) => this.readCheckpoint(name),
        saveCheckpoint: async (name, position) => {
          this.s.saveCheckpoint.run(name, position, this.clock.now().toISOString());
        },
        onAppended: (listener) => {
          this.listeners.add(listener);
          return () => this.listeners.delete(listener);
        },
        onCommitted: (listener) => this.onCommitted(listener),
        headPosition: () => this.headPosition(),
        appendsSettled: () => this.appendsSettled(),
      },
      options,
    );
    this.subscriptions.add(sub);
    return sub;
  }

  /** See `LedgerStore.appendsSettled`. */
  appendsSettled(): Promise<void> {
    return this.writer.settled();
  }

  /** This store's own appends, as committed: see `EventStore.onCommitted`. */
  onCommitted(listener: (events: readonly RecordedEvent[]) => void): () => void {
    return this.committedListeners.add(listener);
  }

  async readCheckpoint(name: string): Promise<number> {
    const row = this.s.loadCheckpoint.get(name) as { position: number } | undefined;
    return row?.position ?? 0;
  }

  async treeHead(size?: number): Promise<TreeHead> {
    this.assertOpen();
    const head = await this.headPosition();
    const n = size ?? head;
    if (!Number.isSafeInteger(n) || n < 0 || n > head) {
      throw new EventStoreError('STORE.BAD_TREE_SIZE', `tree size ${n} is outside 0..${head}`, { size: n, head });
    }
    const current = this.writer instanceof InProcessWriter ? this.writer.rootIfCurrent(n) : undefined;
    const root = current ?? (await rootAt(this.reader, n));
    return { size: n, rootHash: toHex(root) };
  }

  async inclusionProof(position: number, treeSize?: number): Promise<InclusionProof> {
    this.assertOpen();
    const head = await this.headPosition();
    const size = treeSize ?? head;
    if (!Number.isSafeInteger(position) || position < 1 || position > head) throw new NotFoundError(`event at position ${position}`);
    if (!Number.isSafeInteger(size) || size < position || size > head) {
      throw new EventStoreError('STORE.BAD_TREE_SIZE', `tree size ${size} must be between ${position} and ${head}`, { size });
    }
    const row = this.s.byPosition.get(position) as unknown as Row;
    const proof = await inclusionProof(this.reader, position - 1, size);
    return { position, leafIndex: position - 1, treeSize: size, leafHash: toHex(Buffer.from(row.leaf_hash)), proof: proof.map(toHex) };
  }

  async consistencyProof(size1: number, size2: number): Promise<string[]> {
    this.assertOpen();
    const head = await this.headPosition();
    if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 1 || size1 > size2 || size2 > head) {
      throw new EventStoreError('STORE.BAD_TREE_SIZE', `need 1 ≤ size1 ≤ size2 ≤ ${head}, got ${size1}, ${size2}`, { size1, size2 });
    }
    return (await consistencyProof(this.reader, size1, size2)).map(toHex);
  }

  async verify(options: { onProgress?: (checked: number, total: number) => void; threads?: number } = {}): Promise<VerifyReport> {
    this.assertOpen();
    // A separate connection in one read transaction gives a snapshot (WAL), so appends made meanwhile by this
    // process are neither blocked nor half-seen. An in-memory log has only the one connection.
    const db = this.options.path === ':memory:' ? this.db : new DatabaseSync(this.options.path, { readOnly: true });
    const own = db !== this.db;
    try {
      if (own) db.exec('BEGIN');
      const nodes = (db.prepare('SELECT level, idx, hash FROM ledger_merkle_nodes').all() as unknown as Array<{ level: number; idx: number; hash: Uint8Array }>).map(
        (n): StoredNode => ({ level: n.level, index: n.idx, hash: Buffer.from(n.hash) }),
      );
      const total = (db.prepare('SELECT coalesce(max(position), 0) AS p FROM ledger_events').get() as { p: number }).p;
      // Rows at or below `total` never change, so worker connections opened later read the same rows.
      const threads = options.threads ?? Math.min(2, availableParallelism());
      if (own && threads > 1 && total > 0 && (total >= PARALLEL_VERIFY_MIN || options.threads !== undefined)) {
        return await verifyInWorkers(this.options.path, total, nodes, threads, options.onProgress);
      }
      const stmt = db.prepare('SELECT * FROM ledger_events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?');
      return await verifyRows({
        total,
        storedNodes: nodes,
        onProgress: options.onProgress,
        pages: function* () {
          let after = 0;
          for (;;) {
            const rows = stmt.all(after, total, MAX_PAGE) as unknown as Row[];
            if (rows.length === 0) return;
            yield rows.map(toStoredRow);
            after = rows[rows.length - 1].position;
          }
        },
      });
    } finally {
      if (own) {
        if (db.isTransaction) db.exec('COMMIT');
        db.close();
      }
    }
  }

  /**
   * For tests and tools that must reach the raw database (tamper tests, benchmarks): the store's own connection. With
   * the writer thread, what is written through it is another connection's commit to the writer.
   */
  rawDatabase(): DatabaseSync {
    return this.db;
  }

  /** Stops the subscriptions, writes every append already made and waits for it, joins the writer thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const sub of this.subscriptions) await sub.stop();
    this.closed = true;
    await this.writer.close();
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreError('STORE.CLOSED', 'the store is closed');
  }
}
