import { availableParallelism } from 'node:os';
import { Pool } from 'pg';
import { EventStoreError, InvalidAppendError, NotFoundError } from '../errors';
import { consistencyProof, inclusionProof, rootAt, toHex, type StoredNode } from '../integrity';
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
import { decodeRecord, DEFAULT_LIMITS, isInstant, prepareAppend, type AppendPolicy, type StoredRow } from '../record';
import { CommitListeners, PollingSubscription } from '../subscription';
import { verifyRows } from '../verify';
import { AppendWriter, type AppendStrategy } from './append-writer';
import { pgMerkleReader } from './merkle-reader';
import { NotificationListener } from './notification-listener';
import { verifyInWorkers } from './parallel-verify';
import { ledgerTypes } from './pg-types';
import { assertSchemaName, migrate, rollbackQuietly } from './schema';
import { ledgerSql, type LedgerSql } from './statements';

export interface PostgresEventStoreOptions {
  readonly connectionString: string;
  /** The PostgreSQL schema that holds the ledger's tables; default `ledger`. */
  readonly schema?: string;
  readonly policy: AppendPolicy;
  readonly clock?: Clock;
  /** Connections in the pool (one writes at a time; the rest serve reads); default 10. */
  readonly poolSize?: number;
  /** Create or complete the schema on open (default true). Pass false when connecting as the application role. */
  readonly migrate?: boolean;
  /** How many stream versions the writer keeps in memory; older ones are re-read from the index. */
  readonly streamCacheSize?: number;
  /** How batches start (see `AppendStrategy`); default 'optimistic'. */
  readonly appendStrategy?: AppendStrategy;
}

const MAX_PAGE = 10_000;
const VERIFY_PAGE = 5_000;
/** Below this many events, starting worker threads costs more than it saves. */
const PARALLEL_VERIFY_MIN = 50_000;

type RowArray = [number, string, string, number, string, string, string, Buffer];

/**
 * The PostgreSQL adapter.
 *
 * Why global positions are gap-free and in commit order, and why a reader never skips an event committed late.
 * Appends are written by transactions that hold the ledger's transaction-scoped advisory lock
 * (`pg_advisory_xact_lock`, keyed by the schema name) from before their first row until they end. A writer numbers
 * its rows h + 1, h + 2, ... on top of a position h that it knows to be committed — its own last commit, or a row
 * it read — and the primary key on position refuses h + 1 if anyone else has written it. Positions are not drawn
 * from a sequence, so a transaction that rolls back leaves no gap: the next one writes the same numbers. Hence the
 * transaction that writes p + 1 started writing only after p was committed and visible, and any snapshot that
 * contains p + 1 also contains p. A reader that has handled everything up to p and asks for `position > p` can
 * never later find a new event at or below p. (PostgreSQL also makes a commit visible before it releases the
 * transaction's locks, so a writer that takes the lock and then reads the head always sees its predecessor.)
 *
 * The hot path is `AppendWriter`'s group commit: one statement per batch, checked by the primary key, with the last
 * position, the Merkle frontier and recent stream versions kept in memory.
 */
export class PostgresEventStore implements LedgerStore {
  readonly kind = 'postgres' as const;
  readonly schema: string;
  private readonly pool: Pool;
  private readonly clock: Clock;
  private readonly sql: LedgerSql;
  private readonly reader;
  private readonly writer: AppendWriter;
  private readonly listeners = new Set<(head?: number) => void>();
  private readonly committedListeners = new CommitListeners();
  private readonly subscriptions = new Set<Subscription>();
  private notifications: NotificationListener | undefined;
  private closing = false;
  private closed = false;
  private closePromise: Promise<void> | undefined;

  private constructor(private readonly options: PostgresEventStoreOptions) {
    this.schema = options.schema ?? 'ledger';
    assertSchemaName(this.schema);
    this.clock = options.clock ?? systemClock;
    this.pool = new Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10, types: ledgerTypes });
    // An idle pooled connection that dies (server restart) is dropped by the pool; the next query opens a new one.
    this.pool.on('error', () => undefined);
    this.sql = ledgerSql(this.schema, options.policy.maxEventsPerAppend ?? DEFAULT_LIMITS.maxEventsPerAppend);
    this.reader = pgMerkleReader(this.pool, this.schema);
    this.writer = new AppendWriter({
      pool: this.pool,
      schema: this.schema,
      sql: this.sql,
      clock: this.clock,
      streamCacheSize: options.streamCacheSize ?? 100_000,
      strategy: options.appendStrategy ?? 'optimistic',
      // The subscriptions are handed this store's own events; a bare signal (read them) only if that failed.
      onCommitted: (committed) => {
        if (!this.committedListeners.publish(committed)) this.wakeListeners();
      },
    });
  }

  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(options);
    try {
      if (options.migrate ?? true) await migrate(store.pool, store.schema);
      await store.writer.load(store.pool);
    } catch (e) {
      await store.pool.end().catch(() => undefined);
      throw e;
    }
    return store;
  }

  /** The pool, for tools and tests that need the raw database (grants, tamper tests, benchmarks). */
  rawPool(): Pool {
    return this.pool;
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    if (this.closing) throw closedError();
    // prepareAppend refuses control characters in metadata, so no row can fail the batch it shares a transaction with.
    const prepared = prepareAppend(request, this.options.policy);
    return this.writer.append(prepared);
  }

  // ---------------------------------------------------------------------------------------------- reads

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const from = options.fromVersion ?? 1;
    const until = options.recordedUntil;
    if (until === undefined) {
      const { rows } = await this.pool.query<{ record: string }>({ name: 'ledger_read_stream', text: this.sql.readStream, values: [streamId, from, options.limit ?? null] });
      return rows.map((r) => decodeRecord(r.record));
    }
    if (!isInstant(until)) {
      throw new EventStoreError('STORE.INVALID_QUERY', 'recordedUntil: must be an ISO 8601 UTC instant', { field: 'recordedUntil' });
    }
    // recordedAt has millisecond precision (Date#toISOString), so comparing milliseconds is exact. Clocks of
    // different processes need not agree, so recordedAt is not assumed to grow with the version: every page is read.
    const untilMs = Date.parse(until);
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    const out: RecordedEvent[] = [];
    for (let version = from; out.length < limit; ) {
      const { rows } = await this.pool.query<{ record: string }>({ name: 'ledger_read_stream', text: this.sql.readStream, values: [streamId, version, MAX_PAGE] });
      for (const r of rows) {
        const e = decodeRecord(r.record);
        if (Date.parse(e.metadata.recordedAt) <= untilMs && out.length < limit) out.push(e);
        version = e.streamVersion + 1;
      }
      if (rows.length < MAX_PAGE) break;
    }
    return out;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const limit = Math.min(Math.max(1, options.limit ?? 1000), MAX_PAGE);
    const { rows } = await this.pool.query<{ record: string }>({ name: 'ledger_read_all', text: this.sql.readAll, values: [options.fromPosition ?? 1, limit] });
    return rows.map((r) => decodeRecord(r.record));
  }

  async readByActor(actorId: string, options: ReadByActorOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const q = actorQuery(actorId, options, MAX_PAGE);
    const { rows } = await this.pool.query<{ record: string }>({ name: 'ledger_read_by_actor', text: this.sql.readByActor, values: [q.actorId, q.from, q.to, q.limit] });
    return rows.map((r) => decodeRecord(r.record));
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    const { rows } = await this.pool.query<{ head: number }>(this.sql.head);
    return rows[0].head;
  }

  // ---------------------------------------------------------------------------------------------- subscriptions

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    this.assertOpen();
    // Other processes' appends arrive by NOTIFY; the subscription's poll covers a lost listener connection.
    this.notifications ??= new NotificationListener(this.options.connectionString, this.schema, (head) => this.wakeListeners(head));
    const sub = await PollingSubscription.start(
      {
        readAll: (o) => this.readAll(o),
        loadCheckpoint: (name) => this.readCheckpoint(name),
        saveCheckpoint: async (name, position) => {
          await this.pool.query({ name: 'ledger_save_checkpoint', text: this.sql.saveCheckpoint, values: [name, position, this.clock.now()] });
        },
        onAppended: (listener) => {
          this.listeners.add(listener);
          return () => this.listeners.delete(listener);
        },
        onCommitted: (listener) => this.onCommitted(listener),
      },
      options,
    );
    this.subscriptions.add(sub);
    const stop = sub.stop.bind(sub);
    sub.stop = () => {
      this.subscriptions.delete(sub);
      return stop();
    };
    return sub;
  }

  /** This store's own appends, as committed: see `EventStore.onCommitted`. */
  onCommitted(listener: (events: readonly RecordedEvent[]) => void): () => void {
    return this.committedListeners.add(listener);
  }

  async readCheckpoint(name: string): Promise<number> {
    this.assertOpen();
    const { rows } = await this.pool.query<{ position: number }>({ name: 'ledger_load_checkpoint', text: this.sql.loadCheckpoint, values: [name] });
    return rows[0]?.position ?? 0;
  }

  private wakeListeners(head?: number): void {
    for (const l of this.listeners) l(head);
  }

  // ---------------------------------------------------------------------------------------------- Merkle log

  async treeHead(size?: number): Promise<TreeHead> {
    const head = await this.headPosition();
    const n = size ?? head;
    if (!Number.isSafeInteger(n) || n < 0 || n > head) {
      throw new EventStoreError('STORE.BAD_TREE_SIZE', `tree size ${n} is outside 0..${head}`, { size: n, head });
    }
    // The writer's frontier always describes a committed prefix of the log.
    const frontier = this.writer.frontier;
    const root = n === frontier.size ? frontier.root() : await rootAt(this.reader, n);
    return { size: n, rootHash: toHex(root) };
  }

  async inclusionProof(position: number, treeSize?: number): Promise<InclusionProof> {
    const head = await this.headPosition();
    const size = treeSize ?? head;
    if (!Number.isSafeInteger(position) || position < 1 || position > head) throw new NotFoundError(`event at position ${position}`);
    if (!Number.isSafeInteger(size) || size < position || size > head) {
      throw new EventStoreError('STORE.BAD_TREE_SIZE', `tree size ${size} must be between ${position} and ${head}`, { size });
    }
    const [[leaf], proof] = await Promise.all([this.reader.leafHashes(position - 1, position), inclusionProof(this.reader, position - 1, size)]);
    return { position, leafIndex: position - 1, treeSize: size, leafHash: toHex(leaf), proof: proof.map(toHex) };
  }

  async consistencyProof(size1: number, size2: number): Promise<string[]> {
    const head = await this.headPosition();
    if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 1 || size1 > size2 || size2 > head) {
      throw new EventStoreError('STORE.BAD_TREE_SIZE', `need 1 ≤ size1 ≤ size2 ≤ ${head}, got ${size1}, ${size2}`, { size1, size2 });
    }
    return (await consistencyProof(this.reader, size1, size2)).map(toHex);
  }

  /**
   * Reads the log and its nodes from one REPEATABLE READ snapshot while appends carry on. On a single thread the
   * rows come in keyset pages, the next requested before the current one is checked, so the server reads while we
   * hash. With `threads` > 1 (the default from 4 cores up: on fewer, the database server needs the other core),
   * worker threads import the snapshot (`pg_export_snapshot`) and read and check ranges over their own
   * connections, while this thread folds their leaves into the Merkle tree in order.
   */
  async verify(options: { onProgress?: (checked: number, total: number) => void; threads?: number } = {}): Promise<VerifyReport> {
    this.assertOpen();
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const nodeRows = await client.query<[number, number, Buffer]>({ text: this.sql.allNodes, rowMode: 'array' });
      const storedNodes = nodeRows.rows.map(([level, index, hash]): StoredNode => ({ level, index, hash }));
      const total = (await client.query<{ head: number }>(this.sql.head)).rows[0].head;
      const threads = options.threads ?? (availableParallelism() >= 4 ? 2 : 1);
      let report: VerifyReport;
      if (threads > 1 && total > 0 && (total >= PARALLEL_VERIFY_MIN || options.threads !== undefined)) {
        const snapshot = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0].id;
        report = await verifyInWorkers({ connectionString: this.options.connectionString, schema: this.schema, snapshot }, total, storedNodes, threads, options.onProgress);
      } else {
        const page = (after: number): Promise<{ rows: RowArray[] }> =>
          client.query<RowArray>({ name: 'ledger_verify_page', text: this.sql.verifyPage, values: [after, VERIFY_PAGE], rowMode: 'array' });
        report = await verifyRows({
          total,
          storedNodes,
          onProgress: options.onProgress,
          pages: async function* (): AsyncGenerator<StoredRow[]> {
            let next: Promise<{ rows: RowArray[] }> | undefined = page(0);
            try {
              while (next) {
                const rows: RowArray[] = (await next).rows;
                next = rows.length === VERIFY_PAGE ? page(rows[rows.length - 1][0]) : undefined;
                if (rows.length > 0) yield rows.map(toStoredRow);
              }
            } finally {
              // Let a prefetched page finish before the transaction ends.
              await next?.catch(() => undefined);
            }
          },
        });
      }
      await client.query('COMMIT');
      return report;
    } catch (e) {
      broken = await rollbackQuietly(client, e);
      throw e;
    } finally {
      client.release(broken);
    }
  }

  // ---------------------------------------------------------------------------------------------- lifecycle

  /** Stops subscriptions, lets queued appends finish, then closes every connection. */
  close(): Promise<void> {
    this.closePromise ??= (async () => {
      this.closing = true;
      for (const sub of [...this.subscriptions]) await sub.stop();
      await this.writer.idle();
      this.closed = true;
      await this.notifications?.close();
      await this.pool.end();
    })();
    return this.closePromise;
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }
}

function closedError(): EventStoreError {
  return new EventStoreError('STORE.CLOSED', 'the store is closed');
}

function toStoredRow(r: RowArray): StoredRow {
  return { position: r[0], eventId: r[1], streamId: r[2], streamVersion: r[3], type: r[4], commandId: r[5], record: r[6], leafHash: r[7] };
}
