import { availableParallelism } from 'node:os';
import { Client, DatabaseError, escapeIdentifier, Pool, type PoolClient, type QueryResult } from 'pg';
import { planAppend, resultFromRows } from '../append-plan';
import { EventStoreError, IdempotencyConflictError, InvalidAppendError, NotFoundError, WrongExpectedVersionError } from '../errors';
import { consistencyProof, inclusionProof, MerkleFrontier, rootAt, toHex, type StoredNode } from '../integrity';
import type {
  AppendRequest,
  AppendResult,
  Clock,
  InclusionProof,
  LedgerStore,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
  SubscriptionOptions,
  TreeHead,
  VerifyReport,
} from '../port';
import { systemClock } from '../port';
import { decodeRecord, DEFAULT_LIMITS, isInstant, prepareAppend, type AppendPolicy, type PreparedAppend, type StoredRow } from '../record';
import { PollingSubscription } from '../subscription';
import { verifyRows } from '../verify';
import { pgMerkleReader } from './merkle-reader';
import { verifyInWorkers } from './parallel-verify';
import { ledgerTypes } from './pg-types';
import { advisoryLockKey, APPEND_CHANNEL, assertSchemaName, literal, migrate, rollbackQuietly } from './schema';

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
}

/** One caller waiting for its append; settled after the batch's transaction ends. */
interface PendingAppend {
  readonly prepared: PreparedAppend;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { readonly ok: true; readonly result: AppendResult } | { readonly ok: false; readonly error: unknown };

/** A command already in the log, found by its first event id. */
interface FirstAppend {
  readonly streamId: string;
  readonly result: AppendResult;
}

/**
 * How a batch's transaction is attempted.
 * - `optimistic`: plan against the hot state and send BEGIN, the lock, the INSERTs and COMMIT as one round trip. The
 *   hot state is right iff no other process appended since our last commit, i.e. iff position head + 1 is still
 *   free, and the INSERT's primary key checks exactly that (under the lock). Most batches take this path.
 * - `locked`: take the lock and read the other processes' appends first (one round trip), then write and commit.
 * - `locked-lookup`: the same, also looking up the batch's command ids (after a retried command hit the event id key).
 */
type Attempt = 'optimistic' | 'locked' | 'locked-lookup';

interface VersionRow {
  stream_id: string;
  v: number;
}

/** Catching up with at most this many rows appended by others beats reloading the frontier. */
const CATCH_UP_MAX = 10_000;

/** Group commit bounds: one transaction takes at most this many appends, and stops adding at this many events. */
const MAX_BATCH_APPENDS = 500;
const MAX_BATCH_EVENTS = 10_000;
const MAX_PAGE = 10_000;
const VERIFY_PAGE = 5_000;
/** Below this many events, starting worker threads costs more than it saves. */
const PARALLEL_VERIFY_MIN = 50_000;

const EVENT_COLUMNS = 'position, event_id, stream_id, stream_version, type, command_id, record, leaf_hash';

/**
 * The PostgreSQL adapter.
 *
 * Why global positions are gap-free and in commit order, and why a reader never skips an event committed late:
 * every append transaction first takes one transaction-scoped advisory lock per ledger (`pg_advisory_xact_lock`),
 * and only then — in a new statement, so with a snapshot taken after the lock was granted — reads the head
 * position and numbers its events head + 1, head + 2, .... The lock is released only when the transaction ends,
 * and PostgreSQL makes a commit visible before it releases the transaction's locks. So the transaction that writes
 * p + 1 cannot even read the head until the one that wrote p has committed and is visible (or has rolled back,
 * leaving p free to be written again: no sequence, hence no gaps). Commits therefore happen in position order, and
 * any snapshot that contains p + 1 also contains p. A reader that has seen everything up to p and asks for
 * `position > p` can never later find a new event at or below p. The lock key is derived from the schema name, so
 * every process writing the same ledger serialises on it, and its appends are correct whatever other processes do.
 *
 * The hot path (group commit): concurrent `append` calls queue up; one writer loop takes everything queued into one
 * transaction of three round trips — `BEGIN; lock; head; [versions]` as one simple query, one INSERT of all rows and
 * Merkle nodes as one statement, COMMIT — so concurrent appenders share a transaction and its WAL flush. The writer
 * keeps the last position, the Merkle frontier and recent stream versions in memory and trusts them only while the
 * head it reads under the lock equals its own last commit; otherwise another process wrote, and it reloads.
 */
export class PostgresEventStore implements LedgerStore {
  readonly kind = 'postgres' as const;
  readonly schema: string;
  private readonly pool: Pool;
  private readonly clock: Clock;
  private readonly policy: AppendPolicy;
  private readonly streamCacheSize: number;
  private readonly maxEventsPerAppend: number;
  private readonly sql: ReturnType<typeof statements>;
  private readonly reader;

  /** The writer's hot state: a committed prefix of the log (head, its frontier) and recent stream versions. */
  private head = 0;
  private frontier = MerkleFrontier.empty();
  private readonly streamVersions = new Map<string, number>();
  /** Another process appended recently: start batches under the lock instead of optimistically. */
  private contended = false;

  private readonly queue: PendingAppend[] = [];
  private writer: Promise<void> | undefined;

  private readonly listeners = new Set<() => void>();
  private readonly subscriptions = new Set<Subscription>();
  private notifications: NotificationListener | undefined;
  private closing = false;
  private closed = false;
  private closePromise: Promise<void> | undefined;

  private constructor(private readonly options: PostgresEventStoreOptions) {
    this.schema = options.schema ?? 'ledger';
    assertSchemaName(this.schema);
    this.clock = options.clock ?? systemClock;
    this.policy = options.policy;
    this.streamCacheSize = options.streamCacheSize ?? 100_000;
    this.maxEventsPerAppend = options.policy.maxEventsPerAppend ?? DEFAULT_LIMITS.maxEventsPerAppend;
    this.pool = new Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10, types: ledgerTypes });
    // An idle pooled connection that dies (server restart) is dropped by the pool; the next query opens a new one.
    this.pool.on('error', () => undefined);
    this.sql = statements(this.schema, this.maxEventsPerAppend);
    this.reader = pgMerkleReader(this.pool, this.schema);
  }

  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(options);
    try {
      if (options.migrate ?? true) await migrate(store.pool, store.schema);
      const { rows } = await store.pool.query<{ head: number }>(store.sql.head);
      store.head = rows[0].head;
      store.frontier = await MerkleFrontier.load(store.reader, store.head);
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

  // ---------------------------------------------------------------------------------------------- append

  async append(request: AppendRequest): Promise<AppendResult> {
    if (this.closing) throw closedError();
    const prepared = prepareAppend(request, this.policy);
    // PostgreSQL text cannot hold U+0000. The record escapes it (JSON), but command_id is stored as is, and one
    // refused row must not fail the other appends sharing its transaction.
    if (request.metadata.commandId.includes('\u0000')) {
      throw new InvalidAppendError('STORE.MALFORMED_ENVELOPE', 'metadata.commandId', 'must not contain U+0000');
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ prepared, resolve, reject });
      // Started on a microtask, so appends issued in the same tick (Promise.all) share the first transaction.
      this.writer ??= Promise.resolve().then(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.writeBatch(this.takeBatch());
    } finally {
      this.writer = undefined;
    }
  }

  private takeBatch(): PendingAppend[] {
    let events = 0;
    let n = 0;
    while (n < this.queue.length && n < MAX_BATCH_APPENDS && (n === 0 || events + this.queue[n].prepared.events.length <= MAX_BATCH_EVENTS)) {
      events += this.queue[n].prepared.events.length;
      n += 1;
    }
    return this.queue.splice(0, n);
  }

  /** Never throws: every caller in the batch is settled, with its own outcome or with the batch's error. */
  private async writeBatch(batch: PendingAppend[]): Promise<void> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    let broken: Error | undefined;
    let outcomes: Outcome[];
    try {
      outcomes = await this.transact(client, batch);
    } catch (e) {
      broken = await rollbackQuietly(client, e);
      for (const p of batch) p.reject(e);
      return;
    } finally {
      client.release(broken);
    }
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (o.ok) p.resolve(o.result);
      else p.reject(o.error);
    });
    for (const l of this.listeners) l();
  }

  /**
   * One transaction for the whole batch, tried first optimistically and then under the lock (see `Attempt`). The hot
   * state is replaced only after COMMIT succeeds — the batch plans on a clone of the frontier and a private map of
   * versions — so a failed transaction leaves nothing to undo. (Catching up with another process's appends does
   * change it at once, but only to other committed state.)
   */
  private async transact(client: PoolClient, batch: readonly PendingAppend[]): Promise<Outcome[]> {
    let mode: Attempt = this.contended ? 'locked' : 'optimistic';
    for (;;) {
      const outcome = await this.attempt(client, batch, mode);
      if (Array.isArray(outcome)) return outcome;
      mode = outcome.retry;
    }
  }

  private async attempt(client: PoolClient, batch: readonly PendingAppend[], mode: Attempt): Promise<Outcome[] | { retry: Attempt }> {
    const versions = new Map<string, number>();
    let existing = new Map<string, FirstAppend>();
    let prefix = '';
    if (mode === 'optimistic') {
      for (const { prepared } of batch) {
        const { streamId, expectedVersion } = prepared.request;
        if (this.streamVersions.has(streamId)) continue;
        // A new stream is the common case of an unknown one. If it exists after all, its version-1 row hits the
        // (stream_id, stream_version) key; any other expectation needs the version read under the lock.
        if (expectedVersion !== 'no-stream') return { retry: 'locked' };
        versions.set(streamId, 0);
      }
      prefix = this.sql.lock;
    } else {
      await this.lockAndCatchUp(client, batch, versions, mode === 'locked-lookup' ? (found) => (existing = found) : undefined);
    }

    const frontier = this.frontier.clone();
    const recordedAt = this.clock.now().toISOString();
    const planned = new Map<string, FirstAppend>();
    const rows: StoredRow[] = [];
    const nodes: StoredNode[] = [];
    const outcomes: Outcome[] = [];
    const refused: number[] = [];
    let position = this.head;
    for (const { prepared } of batch) {
      const { streamId, metadata } = prepared.request;
      const first = existing.get(prepared.events[0].id) ?? planned.get(metadata.commandId);
      if (first) {
        outcomes.push(duplicateOutcome(first, streamId, metadata.commandId));
        continue;
      }
      const current = versions.get(streamId) ?? this.streamVersions.get(streamId) ?? 0;
      let plan;
      try {
        plan = planAppend(prepared, current, position, frontier, recordedAt);
      } catch (e) {
        // A wrong expected version fails only its own append: the frontier is untouched until the check passes.
        if (e instanceof WrongExpectedVersionError) {
          refused.push(outcomes.length);
          outcomes.push({ ok: false, error: e });
          continue;
        }
        throw e;
      }
      for (const r of plan.rows) rows.push(r);
      for (const n of plan.nodes) nodes.push(n);
      position = plan.result.lastPosition;
      versions.set(streamId, plan.result.streamVersion);
      planned.set(metadata.commandId, { streamId, result: plan.result });
      outcomes.push({ ok: true, result: plan.result });
    }
    // Without a row to insert, nothing would prove the cached versions current: decide under the lock instead.
    if (mode === 'optimistic' && rows.length === 0) return { retry: 'locked' };

    // A retried command usually arrives with a stale expected version: before reporting a refusal, look for the
    // command's first append (in the same round trip; a refusal writes nothing, so other plans do not depend on it).
    const refusedIds = mode === 'locked-lookup' ? [] : refused.map((i) => batch[i].prepared.events[0].id);
    const write = this.sql.write(prefix, rows, nodes, `${this.schema}:${position}`, refusedIds);
    let results: QueryResult[];
    try {
      results = asResults(await client.query(write.text));
    } catch (e) {
      const retry = this.retryAfter(e, mode);
      if (!retry) throw e;
      await client.query('ROLLBACK');
      return { retry };
    }
    if (write.lookupAt >= 0) {
      const found = firstAppends(results[write.lookupAt].rows as CommandRow[]);
      for (const i of refused) {
        const first = found.get(batch[i].prepared.events[0].id);
        if (first) outcomes[i] = duplicateOutcome(first, batch[i].prepared.request.streamId, batch[i].prepared.request.metadata.commandId);
      }
    }
    this.head = position;
    this.frontier = frontier;
    for (const [s, v] of versions) this.rememberVersion(s, v);
    return outcomes;
  }

  /**
   * Opens the transaction, takes the append lock and, in the same round trip, reads what other processes appended
   * since our last commit (leaf hashes and stream versions: usually a few rows, which bring the hot state up to
   * date without a reload), the versions of uncached streams, and — when asked — the earlier appends of the
   * batch's commands.
   */
  private async lockAndCatchUp(
    client: PoolClient,
    batch: readonly PendingAppend[],
    versions: Map<string, number>,
    onExisting?: (found: Map<string, FirstAppend>) => void,
  ): Promise<void> {
    const streams = [...new Set(batch.map((p) => p.prepared.request.streamId))];
    const uncached = streams.filter((s) => !this.streamVersions.has(s));
    const firstIds = onExisting ? batch.map((p) => p.prepared.events[0].id) : [];
    const begin = this.sql.lockedBegin(this.head, uncached, firstIds);
    const results = asResults(await client.query(begin.text));
    const delta = results[begin.deltaAt].rows as Array<{ position: number; leaf_hash: Buffer; stream_id: string; stream_version: number }>;
    if (delta.length > CATCH_UP_MAX) {
      const head = asResults(await client.query(this.sql.head))[0].rows[0].head as number;
      this.frontier = await MerkleFrontier.load(pgMerkleReader(client, this.schema), head);
      this.head = head;
      this.streamVersions.clear();
    } else {
      for (const r of delta) {
        if (r.position !== this.head + 1) {
          throw new EventStoreError('STORE.LOG_INCOMPLETE', `expected position ${this.head + 1} after our last commit, found ${r.position}`);
        }
        this.frontier.append(r.leaf_hash);
        this.head = r.position;
        this.rememberVersion(r.stream_id, r.stream_version);
      }
    }
    // Another process is appending too: skip the optimistic attempt until a batch finds the log as we left it.
    this.contended = delta.length > 0;
    if (begin.versionsAt >= 0) for (const r of results[begin.versionsAt].rows as VersionRow[]) versions.set(r.stream_id, r.v);
    if (begin.lookupAt >= 0) onExisting?.(firstAppends(results[begin.lookupAt].rows as CommandRow[]));
    const rest = streams.filter((s) => !versions.has(s) && !this.streamVersions.has(s));
    if (rest.length > 0) {
      const { rows } = await client.query<VersionRow>({ name: 'ledger_versions', text: this.sql.versions, values: [rest] });
      for (const r of rows) versions.set(r.stream_id, r.v);
    }
  }

  /**
   * Which unique key a failed write hit says what to do next. A key hit is how the optimistic attempt learns that
   * its cached state was stale: position — another process appended; (stream, version) — a stream assumed new
   * exists; event id — a command was retried. Under the lock only the last is expected.
   */
  private retryAfter(e: unknown, mode: Attempt): Attempt | undefined {
    if (!(e instanceof DatabaseError) || e.code !== '23505') return undefined;
    if (e.constraint === 'events_event_id_key' && mode !== 'locked-lookup') return 'locked-lookup';
    if (mode === 'optimistic') {
      if (e.constraint === 'events_pkey') this.contended = true;
      return 'locked';
    }
    // Our cached versions disagree with the log although we hold the lock: drop them so the next batch re-reads.
    this.streamVersions.clear();
    return undefined;
  }

  private rememberVersion(streamId: string, version: number): void {
    this.streamVersions.delete(streamId);
    this.streamVersions.set(streamId, version);
    if (this.streamVersions.size > this.streamCacheSize) {
      // A Map iterates in insertion order: the first key is the stream least recently appended to.
      this.streamVersions.delete(this.streamVersions.keys().next().value as string);
    }
  }

  // ---------------------------------------------------------------------------------------------- reads

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const from = options.fromVersion ?? 1;
    const until = options.recordedUntil;
    if (until === undefined) {
      const values = [streamId, from, options.limit ?? null];
      const { rows } = await this.pool.query<{ record: string }>({ name: 'ledger_read_stream', text: this.sql.readStream, values });
      return rows.map((r) => decodeRecord(r.record));
    }
    if (!isInstant(until)) {
      throw new EventStoreError('STORE.INVALID_QUERY', 'recordedUntil: must be an ISO 8601 UTC instant', { field: 'recordedUntil' });
    }
    // recordedAt has millisecond precision (Date#toISOString), so comparing milliseconds is exact.
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

  async headPosition(): Promise<number> {
    this.assertOpen();
    const { rows } = await this.pool.query<{ head: number }>(this.sql.head);
    return rows[0].head;
  }

  // ---------------------------------------------------------------------------------------------- subscriptions

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    this.assertOpen();
    // Other processes' appends arrive by NOTIFY; the subscription's poll covers a lost listener connection.
    this.notifications ??= new NotificationListener(this.options.connectionString, this.schema, () => this.wakeListeners());
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
      },
      options,
    );
    this.subscriptions.add(sub);
    const stop = sub.stop.bind(sub);
    sub.stop = async () => {
      this.subscriptions.delete(sub);
      await stop();
    };
    return sub;
  }

  async readCheckpoint(name: string): Promise<number> {
    this.assertOpen();
    const { rows } = await this.pool.query<{ position: number }>({ name: 'ledger_load_checkpoint', text: this.sql.loadCheckpoint, values: [name] });
    return rows[0]?.position ?? 0;
  }

  private wakeListeners(): void {
    for (const l of this.listeners) l();
  }

  // ---------------------------------------------------------------------------------------------- Merkle log

  async treeHead(size?: number): Promise<TreeHead> {
    const head = await this.headPosition();
    const n = size ?? head;
    if (!Number.isSafeInteger(n) || n < 0 || n > head) {
      throw new EventStoreError('STORE.BAD_TREE_SIZE', `tree size ${n} is outside 0..${head}`, { size: n, head });
    }
    // The writer's frontier is always a committed prefix of the log, so its root is that prefix's root.
    const frontier = this.frontier;
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
   * Reads the log and its nodes from one REPEATABLE READ snapshot while appends carry on. Large logs are read and
   * checked by worker threads that import that snapshot (`pg_export_snapshot`), each over its own connection, while
   * this thread folds their leaves into the Merkle tree in order; small ones in keyset pages on this thread, the
   * next page requested before the current one is checked.
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
      const threads = options.threads ?? Math.min(2, availableParallelism());
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
      while (this.writer) await this.writer;
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

type RowArray = [number, string, string, number, string, string, string, Buffer];

function toStoredRow(r: RowArray): StoredRow {
  return { position: r[0], eventId: r[1], streamId: r[2], streamVersion: r[3], type: r[4], commandId: r[5], record: r[6], leafHash: r[7] };
}

interface CommandRow {
  first_id: string;
  position: number;
  event_id: string;
  stream_id: string;
  stream_version: number;
}

/** Groups the rows of earlier appends by their first event id (rows come ordered by position). */
function firstAppends(rows: readonly CommandRow[]): Map<string, FirstAppend> {
  const byFirst = new Map<string, CommandRow[]>();
  for (const r of rows) {
    const group = byFirst.get(r.first_id);
    // An append's rows are contiguous: stop at the first break in case a later command reused the id.
    if (!group) byFirst.set(r.first_id, [r]);
    else if (group[group.length - 1].position === r.position - 1) group.push(r);
  }
  const out = new Map<string, FirstAppend>();
  for (const [first, group] of byFirst) {
    out.set(first, {
      streamId: group[0].stream_id,
      result: resultFromRows(group.map((r) => ({ position: r.position, eventId: r.event_id, streamId: r.stream_id, streamVersion: r.stream_version }))),
    });
  }
  return out;
}

/**
 * A string constant for SQL sent without parameters: dollar-quoted, which needs no escaping (and no copy of a large
 * record) unless the text could close the quote, when it falls back to an escaped literal. Commands ids cannot hold
 * U+0000 (refused in `append`); records are JSON, which escapes it.
 */
function text(value: string): string {
  return value.includes('$L') ? literal(value) : `$L$${value}$L$`;
}

/** E'' form, so the literal means the same whatever standard_conforming_strings says. */
function bytea(hash: Uint8Array): string {
  return `E'\\\\x${toHex(hash)}'::bytea`;
}

function asResults(result: QueryResult | QueryResult[]): QueryResult[] {
  return Array.isArray(result) ? result : [result];
}

function duplicateOutcome(first: FirstAppend, streamId: string, commandId: string): Outcome {
  return first.streamId === streamId
    ? { ok: true, result: { ...first.result, duplicate: true } }
    : { ok: false, error: new IdempotencyConflictError(commandId, first.streamId, streamId) };
}

/** The SQL, built once per schema. */
function statements(schema: string, maxAppend: number) {
  const s = escapeIdentifier(schema);
  const events = `${s}.events`;
  const lockKey = advisoryLockKey('append', schema);
  const list = (values: readonly string[]) => values.map((v) => literal(v)).join(', ');
  const versionsOf = (ids: string) =>
    `SELECT id AS stream_id, coalesce((SELECT max(stream_version) FROM ${events} WHERE stream_id = id), 0) AS v FROM unnest(${ids}) AS id`;
  // A command's rows are contiguous from its first event; firstAppends() stops at the first break.
  const lookup = (firstIds: readonly string[]) =>
    `SELECT f.event_id AS first_id, e.position, e.event_id, e.stream_id, e.stream_version FROM ${events} f ` +
    `JOIN ${events} e ON e.position >= f.position AND e.position < f.position + ${maxAppend} AND e.command_id = f.command_id ` +
    `WHERE f.event_id IN (${list(firstIds)}) ORDER BY e.position`;
  return {
    lock: `BEGIN; SELECT pg_advisory_xact_lock(${lockKey}); `,
    /**
     * One simple-query round trip: open the transaction, take the ledger's append lock, then — each statement with a
     * fresh snapshot, taken after the lock was granted — read the rows appended after `head` (by other processes),
     * the versions of streams the writer has not cached, and the earlier appends of the batch's commands. Values are
     * inlined because the simple protocol has no parameters.
     */
    lockedBegin: (head: number, streams: readonly string[], firstIds: readonly string[]) => {
      const parts = [
        'BEGIN',
        `SELECT pg_advisory_xact_lock(${lockKey})`,
        `SELECT position, leaf_hash, stream_id, stream_version FROM ${events} WHERE position > ${head} ORDER BY position LIMIT ${CATCH_UP_MAX + 1}`,
      ];
      const versionsAt = streams.length > 0 ? parts.push(versionsOf(`ARRAY[${list(streams)}]::text[]`)) - 1 : -1;
      const lookupAt = firstIds.length > 0 ? parts.push(lookup(firstIds)) - 1 : -1;
      return { text: parts.join('; '), deltaAt: 2, versionsAt, lookupAt };
    },
    versions: versionsOf('$1::text[]'),
    /**
     * The write and the COMMIT in one simple-query round trip (the extended protocol, which carries parameters,
     * allows one statement per round trip in node-postgres): all rows in one multi-row INSERT, the Merkle nodes in
     * another, the NOTIFY that wakes other processes' subscriptions if and only if the transaction commits, and the
     * earlier appends of refused commands. If a statement fails, PostgreSQL skips the rest of the string, COMMIT
     * included, and the transaction waits for our ROLLBACK.
     */
    write: (prefix: string, rows: readonly StoredRow[], nodes: readonly StoredNode[], notice: string, lookupIds: readonly string[]) => {
      const parts: string[] = [];
      if (rows.length > 0) {
        let values = '';
        for (const r of rows) {
          if (values.length > 0) values += ',\n';
          values +=
            // Event ids are derived hex, stream ids and types matched a pattern without quotes or backslashes.
            `(${r.position},'${r.eventId}','${r.streamId}',${r.streamVersion},'${r.type}',${text(r.commandId)},` +
            `${text(r.record)},${bytea(r.leafHash)})`;
        }
        parts.push(`INSERT INTO ${events} (${EVENT_COLUMNS}) VALUES ${values}`);
        if (nodes.length > 0) {
          const nodeValues = nodes.map((n) => `(${n.level},${n.index},${bytea(n.hash)})`).join(',');
          parts.push(`INSERT INTO ${s}.merkle_nodes (level, idx, hash) VALUES ${nodeValues}`);
        }
        parts.push(`SELECT pg_notify('${APPEND_CHANNEL}', ${literal(notice)})`);
      }
      const lookupAt = lookupIds.length > 0 ? parts.push(lookup(lookupIds)) - 1 + (prefix ? 2 : 0) : -1;
      return { text: `${prefix}${parts.join(';\n')}${parts.length > 0 ? ';\n' : ''}COMMIT`, lookupAt };
    },
    head: `SELECT coalesce(max(position), 0) AS head FROM ${events}`,
    readStream: `SELECT record FROM ${events} WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version LIMIT $3`,
    readAll: `SELECT record FROM ${events} WHERE position >= $1 ORDER BY position LIMIT $2`,
    verifyPage: `SELECT ${EVENT_COLUMNS} FROM ${events} WHERE position > $1 ORDER BY position LIMIT $2`,
    allNodes: `SELECT level, idx, hash FROM ${s}.merkle_nodes`,
    loadCheckpoint: `SELECT position FROM ${s}.subscription_checkpoints WHERE name = $1`,
    saveCheckpoint:
      `INSERT INTO ${s}.subscription_checkpoints (name, position, updated_at) VALUES ($1, $2, $3) ` +
      'ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
  };
}

/**
 * One dedicated connection that LISTENs for other processes' appends. It reconnects after an error (with a capped
 * backoff) and wakes the subscriptions when it does, since notifications sent meanwhile are lost.
 */
class NotificationListener {
  private client: Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private delayMs = 250;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly schema: string,
    private readonly wake: () => void,
  ) {
    this.connect();
  }

  private connect(): void {
    const client = new Client({ connectionString: this.connectionString });
    this.client = client;
    const fail = () => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.connect();
      }, this.delayMs);
      this.retry.unref();
      this.delayMs = Math.min(this.delayMs * 2, 5_000);
    };
    // Kept for the client's whole life: an 'error' event with no listener would crash the process.
    client.on('error', fail);
    client.on('end', fail);
    client.on('notification', (n) => {
      if (n.channel === APPEND_CHANNEL && n.payload?.startsWith(`${this.schema}:`)) this.wake();
    });
    client
      .connect()
      .then(() => client.query(`LISTEN ${APPEND_CHANNEL}`))
      .then(() => {
        this.delayMs = 250;
        // Anything appended while we were not listening is picked up by the subscriptions' next read.
        this.wake();
      })
      .catch(fail);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
