import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { planAppend, resultFromRows } from '../append-plan';
import { EventStoreError, IdempotencyConflictError, NotFoundError, WrongExpectedVersionError } from '../errors';
import {
  consistencyProof,
  inclusionProof,
  MerkleFrontier,
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
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
  SubscriptionOptions,
  TreeHead,
  VerifyReport,
} from '../port';
import { systemClock } from '../port';
import { decodeRecord, deriveEventId, isInstant, prepareAppend, type AppendPolicy, type PreparedAppend } from '../record';
import { PollingSubscription } from '../subscription';
import { MerkleChecker, VERIFY_CHUNK, verifyRows, type CheckedChunk } from '../verify';
import { SQLITE_SCHEMA } from './schema';

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
   * Appends arriving in the same turn of the event loop share one transaction and one sync (default true); false:
   * every append commits on its own.
   */
  readonly groupCommit?: boolean;
}

interface PendingAppend {
  readonly prepared: PreparedAppend;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/** At most this many appends share one group commit. */
const MAX_GROUP = 256;

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
const MAX_APPEND_ATTEMPTS = 20;
const STALE = Symbol('stale');

function isUniqueViolation(e: unknown): boolean {
  const err = e as { errcode?: number; message?: string };
  // SQLITE_CONSTRAINT_PRIMARYKEY (1555) or SQLITE_CONSTRAINT_UNIQUE (2067).
  return err?.errcode === 1555 || err?.errcode === 2067 || /UNIQUE constraint failed|PRIMARY KEY/.test(err?.message ?? '');
}
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
  const script = join(__dirname, `verify-worker${extname(__filename)}`);
  const execArgv = extname(__filename) === '.ts' ? ['-r', '@swc-node/register'] : [];
  const workers = Array.from({ length: threads }, () => new Worker(script, { workerData: { path }, execArgv }));
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
 * Why positions are gap-free and in commit order: node:sqlite is synchronous, so an append runs from BEGIN IMMEDIATE
 * to COMMIT without yielding to the event loop, and BEGIN IMMEDIATE takes SQLite's single write lock against other
 * processes. Positions are assigned as last position + 1 inside that lock, so commits happen in position order and
 * a reader that has seen position p can never later find a new event below p.
 *
 * The writer keeps its hot state in memory — last position, the Merkle frontier, recent stream versions — and
 * trusts it only while `PRAGMA data_version` says no other connection has committed since its own last commit.
 */
export class SqliteEventStore implements LedgerStore {
  readonly kind = 'sqlite' as const;
  private readonly db: DatabaseSync;
  private readonly clock: Clock;
  private readonly listeners = new Set<() => void>();
  private readonly streamVersions = new Map<string, number>();
  private readonly streamCacheSize: number;
  private head = 0;
  private frontier = MerkleFrontier.empty();
  private dataVersion = -1;
  private reloading: Promise<void> | undefined;
  private closed = false;
  private readonly queue: PendingAppend[] = [];
  private drainScheduled = false;
  private readonly subscriptions = new Set<Subscription>();
  private readonly s: Record<
    | 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo' | 'dataVersion' | 'maxPosition' | 'streamVersion' | 'insertEvent' | 'insertNode'
    | 'byEventId' | 'commandRows' | 'readStream' | 'readAll' | 'leafHashes' | 'node' | 'loadCheckpoint'
    | 'saveCheckpoint' | 'byPosition',
    StatementSync
  >;

  private constructor(private readonly options: SqliteEventStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new DatabaseSync(options.path);
    this.clock = options.clock ?? systemClock;
    this.streamCacheSize = options.streamCacheSize ?? 100_000;
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous ?? 'FULL'}; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;`);
    this.db.exec(SQLITE_SCHEMA);
    const p = (sql: string) => this.db.prepare(sql);
    this.s = {
      begin: p('BEGIN IMMEDIATE'),
      commit: p('COMMIT'),
      rollback: p('ROLLBACK'),
      savepoint: p('SAVEPOINT ledger_append'),
      release: p('RELEASE ledger_append'),
      rollbackTo: p('ROLLBACK TO ledger_append'),
      dataVersion: p('PRAGMA data_version'),
      maxPosition: p('SELECT coalesce(max(position), 0) AS p FROM ledger_events'),
      streamVersion: p('SELECT coalesce(max(stream_version), 0) AS v FROM ledger_events WHERE stream_id = ?'),
      insertEvent: p(
        'INSERT INTO ledger_events (position, event_id, stream_id, stream_version, type, command_id, record, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertNode: p('INSERT INTO ledger_merkle_nodes (level, idx, hash) VALUES (?, ?, ?)'),
      byEventId: p('SELECT * FROM ledger_events WHERE event_id = ?'),
      commandRows: p('SELECT * FROM ledger_events WHERE position >= ? AND position < ? AND command_id = ? ORDER BY position'),
      readStream: p('SELECT record FROM ledger_events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?'),
      readAll: p('SELECT record FROM ledger_events WHERE position >= ? ORDER BY position LIMIT ?'),
      leafHashes: p('SELECT leaf_hash FROM ledger_events WHERE position > ? AND position <= ? ORDER BY position'),
      node: p('SELECT hash FROM ledger_merkle_nodes WHERE level = ? AND idx = ?'),
      loadCheckpoint: p('SELECT position FROM ledger_subscriptions WHERE name = ?'),
      saveCheckpoint: p(
        'INSERT INTO ledger_subscriptions (name, position, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
      ),
      byPosition: p('SELECT * FROM ledger_events WHERE position = ?'),
    };
  }

  static async open(options: SqliteEventStoreOptions): Promise<SqliteEventStore> {
    const store = new SqliteEventStore(options);
    await store.reloadHead();
    return store;
  }

  /** The reader the Merkle functions use: leaves by index (position − 1), stored subtree roots by (level, index). */
  private readonly reader: MerkleNodeReader = {
    leafHashes: async (start, end) =>
      (this.s.leafHashes.all(start, end) as unknown as Array<{ leaf_hash: Uint8Array }>).map((r) => Buffer.from(r.leaf_hash)),
    storedNodes: async (keys) =>
      keys.map(({ level, index }) => {
        const row = this.s.node.get(level, index) as { hash: Uint8Array } | undefined;
        return row ? Buffer.from(row.hash) : undefined;
      }),
  };

  /**
   * Re-reads the head and the Merkle frontier after another process appended. The reads are async, so the new state
   * is assigned in one step at the end, and appends in this process wait for it rather than mix old and new state.
   */
  private reloadHead(): Promise<void> {
    this.reloading ??= (async () => {
      try {
        const dataVersion = (this.s.dataVersion.get() as { data_version: number }).data_version;
        const head = (this.s.maxPosition.get() as { p: number }).p;
        const frontier = await MerkleFrontier.load(this.reader, head);
        this.dataVersion = dataVersion;
        this.head = head;
        this.frontier = frontier;
        this.streamVersions.clear();
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  /** Another connection committed since our last commit: our hot state is stale. Runs inside the write lock. */
  private otherWriterCommitted(): boolean {
    return (this.s.dataVersion.get() as { data_version: number }).data_version !== this.dataVersion;
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    this.assertOpen();
    const prepared = prepareAppend(request, this.options.policy);
    if (this.options.groupCommit === false) return this.appendOne(prepared);
    // Group commit: appends that arrive in the same turn of the event loop share one transaction and one sync.
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ prepared, resolve, reject });
      if (!this.drainScheduled) {
        this.drainScheduled = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    this.drainScheduled = false;
    const batch = this.queue.splice(0, MAX_GROUP);
    if (this.queue.length > 0 && !this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(() => void this.drain());
    }
    if (batch.length === 0) return;
    if (this.closed) {
      for (const p of batch) p.reject(new EventStoreError('STORE.CLOSED', 'the store is closed'));
      return;
    }
    if (batch.length === 1) {
      const [only] = batch;
      await this.appendOne(only.prepared).then(only.resolve, only.reject);
      return;
    }
    try {
      if (this.reloading) await this.reloading;
      if (this.tryAppendGroup(batch) !== STALE) return;
      await this.reloadHead();
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    // Another process appended since this one last looked: each append on its own, with the usual retries.
    for (const p of batch) await this.appendOne(p.prepared).then(p.resolve, p.reject);
  }

  /**
   * Several appends in one BEGIN IMMEDIATE … COMMIT: planned one after the other on the running head, frontier and
   * versions, each inside a savepoint, so a refused one (wrong expected version, a command id used on another
   * stream) leaves no row and fails only its caller; a retried command gets its first result, even when the first
   * is earlier in the same group. Every caller is settled after the one COMMIT (durable under synchronous=FULL).
   * STALE, with nothing written, when another connection committed since this one last looked.
   */
  private tryAppendGroup(batch: readonly PendingAppend[]): typeof STALE | undefined {
    this.s.begin.run();
    if (this.otherWriterCommitted()) {
      this.s.rollback.run();
      return STALE;
    }
    const outcomes: Array<{ ok: true; result: AppendResult } | { ok: false; error: unknown }> = [];
    const versions = new Map<string, number>();
    let head = this.head;
    let frontier = this.frontier;
    const recordedAt = this.clock.now().toISOString();
    try {
      for (const { prepared } of batch) {
        const { streamId } = prepared.request;
        const next = frontier.clone();
        this.s.savepoint.run();
        try {
          const plan = planAppend(prepared, versions.get(streamId) ?? this.currentVersion(streamId), head, next, recordedAt);
          for (const r of plan.rows) this.s.insertEvent.run(r.position, r.eventId, r.streamId, r.streamVersion, r.type, r.commandId, r.record, r.leafHash);
          for (const n of plan.nodes) this.s.insertNode.run(n.level, n.index, n.hash);
          this.s.release.run();
          frontier = next;
          head = plan.result.lastPosition;
          versions.set(streamId, plan.result.streamVersion);
          outcomes.push({ ok: true, result: plan.result });
        } catch (e) {
          this.s.rollbackTo.run();
          this.s.release.run();
          if (!(e instanceof WrongExpectedVersionError) && !isUniqueViolation(e)) throw e;
          // Inside the write lock with no other writer: a taken key is a retry of a command (maybe earlier in this
          // group: this connection sees its own rows) or rows removed from under the log.
          let first: AppendResult | undefined;
          try {
            first = this.duplicateOf(prepared);
          } catch (conflict) {
            // The command id was used on another stream: refused, this append only.
            if (!(conflict instanceof IdempotencyConflictError)) throw conflict;
            outcomes.push({ ok: false, error: conflict });
            continue;
          }
          if (first) outcomes.push({ ok: true, result: first });
          else if (e instanceof WrongExpectedVersionError) outcomes.push({ ok: false, error: e });
          else {
            outcomes.push({
              ok: false,
              error: new EventStoreError('STORE.INTEGRITY', `positions after ${head} are already covered by stored rows or Merkle nodes the log does not account for: run verify`, { cause: String(e) }),
            });
          }
        }
      }
      this.s.commit.run();
    } catch (e) {
      if (this.db.isTransaction) this.s.rollback.run();
      throw e;
    }
    this.frontier = frontier;
    this.head = head;
    for (const [streamId, version] of versions) this.rememberVersion(streamId, version);
    if (versions.size > 0) for (const l of this.listeners) l();
    batch.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) p.resolve(outcome.result);
      else p.reject(outcome.error);
    });
    return undefined;
  }

  /** One append on its own: the single-statement fast path, with reload-and-retry when another process wrote. */
  private async appendOne(prepared: PreparedAppend): Promise<AppendResult> {
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      if (this.reloading) await this.reloading;
      const outcome = this.tryAppend(prepared);
      if (outcome !== STALE) return outcome;
      // Another process appended since this one last looked: catch up (async reads), then plan again.
      await this.reloadHead();
    }
    throw new EventStoreError('STORE.CONTENDED', `gave up after ${MAX_APPEND_ATTEMPTS} attempts: other writers kept appending`);
  }

  /**
   * One synchronous attempt. The position primary key is the concurrency guard: positions come from this process's
   * in-memory head, so if any other connection has appended since, the first row's position is already taken and the
   * insert fails — `PRAGMA data_version` then confirms another writer, and the caller reloads and retries. That lets
   * the common append (one event, no Merkle node completed) be a single autocommitted INSERT, like the raw engine's;
   * larger appends run inside BEGIN IMMEDIATE … COMMIT so they are all-or-nothing.
   */
  private tryAppend(prepared: PreparedAppend): AppendResult | typeof STALE {
    const { request } = prepared;
    const current = this.currentVersion(request.streamId);
    const frontier = this.frontier.clone();
    let plan;
    try {
      plan = planAppend(prepared, current, this.head, frontier, this.clock.now().toISOString());
    } catch (e) {
      if (e instanceof WrongExpectedVersionError) {
        const first = this.duplicateOf(prepared);
        if (first) return first;
        // The cached version may be stale only if someone else wrote.
        if (this.otherWriterCommitted()) return STALE;
      }
      throw e;
    }
    const single = plan.rows.length === 1 && plan.nodes.length === 0;
    if (!single) this.s.begin.run();
    try {
      for (const r of plan.rows) {
        this.s.insertEvent.run(r.position, r.eventId, r.streamId, r.streamVersion, r.type, r.commandId, r.record, r.leafHash);
      }
      for (const n of plan.nodes) this.s.insertNode.run(n.level, n.index, n.hash);
      if (!single) this.s.commit.run();
    } catch (e) {
      if (this.db.isTransaction) this.s.rollback.run();
      if (!isUniqueViolation(e)) throw e;
      const first = this.duplicateOf(prepared);
      if (first) return first;
      if (this.otherWriterCommitted()) return STALE;
      // Nobody else wrote, yet a position or a Merkle node is taken: rows were removed from under the log.
      throw new EventStoreError(
        'STORE.INTEGRITY',
        `positions up to ${plan.result.lastPosition} are already covered by stored rows or Merkle nodes the log does not account for: run verify`,
        { cause: String(e) },
      );
    }
    this.frontier = frontier;
    this.head = plan.result.lastPosition;
    this.rememberVersion(request.streamId, plan.result.streamVersion);
    for (const l of this.listeners) l();
    return plan.result;
  }

  /** The first result of this command if its first event is already in the log. */
  private duplicateOf(prepared: PreparedAppend): AppendResult | undefined {
    const firstId = deriveEventId(prepared.request.metadata.commandId, 0);
    const first = this.s.byEventId.get(firstId) as Row | undefined;
    if (!first) return undefined;
    if (first.stream_id !== prepared.request.streamId) {
      throw new IdempotencyConflictError(prepared.request.metadata.commandId, first.stream_id, prepared.request.streamId);
    }
    const rows = this.s.commandRows.all(first.position, first.position + 10_000, first.command_id) as unknown as Row[];
    return resultFromRows(
      rows.map((r) => ({ position: r.position, eventId: r.event_id, streamId: r.stream_id, streamVersion: r.stream_version })),
    );
  }

  private currentVersion(streamId: string): number {
    const cached = this.streamVersions.get(streamId);
    if (cached !== undefined) return cached;
    return (this.s.streamVersion.get(streamId) as { v: number }).v;
  }

  private rememberVersion(streamId: string, version: number): void {
    this.streamVersions.delete(streamId);
    this.streamVersions.set(streamId, version);
    if (this.streamVersions.size > this.streamCacheSize) {
      // Maps iterate in insertion order: the first key is the least recently appended stream.
      this.streamVersions.delete(this.streamVersions.keys().next().value as string);
    }
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
      },
      options,
    );
    this.subscriptions.add(sub);
    return sub;
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
    const root = n === this.frontier.size && !this.otherWriterCommitted() ? this.frontier.root() : await rootAt(this.reader, n);
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

  /** For tests and tools that must reach the raw database (tamper tests, benchmarks). */
  rawDatabase(): DatabaseSync {
    return this.db;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const sub of this.subscriptions) await sub.stop();
    this.closed = true;
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreError('STORE.CLOSED', 'the store is closed');
  }
}
