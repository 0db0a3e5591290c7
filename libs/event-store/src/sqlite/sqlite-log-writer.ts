import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { planAppend, resultFromRows } from '../append-plan';
import { EventStoreError, IdempotencyConflictError, WrongExpectedVersionError } from '../errors';
import { MerkleFrontier, type MerkleNodeReader } from '../integrity';
import type { AppendResult } from '../port';
import { deriveEventId, type PreparedAppend } from '../record';
import { sqliteMerkleReader } from './merkle-reader';

/** One validated append and the time it is recorded at (the caller's clock: a worker thread has no test clock). */
export interface WriteItem {
  readonly prepared: PreparedAppend;
  readonly recordedAt: string;
}

export type WriteOutcome = { readonly ok: true; readonly result: AppendResult } | { readonly ok: false; readonly error: unknown };

export interface LogWriterOptions {
  /** How many stream versions to keep in memory; older entries are re-read from the index. */
  readonly streamCacheSize?: number;
  /** false: every append commits on its own, even when several are waiting. */
  readonly groupCommit?: boolean;
}

/** At most this many appends share one group commit. */
export const MAX_GROUP = 256;

const MAX_APPEND_ATTEMPTS = 20;
const STALE = Symbol('stale');

interface Row {
  position: number;
  event_id: string;
  stream_id: string;
  stream_version: number;
  command_id: string;
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { errcode?: number; message?: string };
  // SQLITE_CONSTRAINT_PRIMARYKEY (1555) or SQLITE_CONSTRAINT_UNIQUE (2067).
  return err?.errcode === 1555 || err?.errcode === 2067 || /UNIQUE constraint failed|PRIMARY KEY/.test(err?.message ?? '');
}

/**
 * The write side of the embedded store over one connection: hash chain, Merkle nodes, idempotency and optimistic
 * concurrency. It runs either on the store's own thread (an in-memory log, `writer: 'in-process'`) or on the writer
 * thread (writer-worker.ts), which owns the write connection of a file log.
 *
 * Why positions are gap-free and in commit order: node:sqlite is synchronous, so an append runs from BEGIN IMMEDIATE
 * to COMMIT without yielding, and BEGIN IMMEDIATE takes SQLite's single write lock against other connections.
 * Positions are assigned as last position + 1 inside that lock, so commits happen in position order and a reader
 * that has seen position p can never later find a new event below p.
 *
 * The writer keeps its hot state in memory — last position, the Merkle frontier, recent stream versions — and trusts
 * it only while no other connection has appended since its own last commit (`PRAGMA data_version`, then the log's
 * last position: a subscriber's checkpoint written by another connection leaves the state valid).
 */
export class SqliteLogWriter {
  private readonly streamVersions = new Map<string, number>();
  private readonly streamCacheSize: number;
  private head = 0;
  private frontier = MerkleFrontier.empty();
  private dataVersion = -1;
  private reloading: Promise<void> | undefined;
  private readonly s: Record<
    | 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo' | 'dataVersion' | 'maxPosition' | 'streamVersion'
    | 'insertEvent' | 'insertNode' | 'byEventId' | 'commandRows',
    StatementSync
  >;

  private constructor(
    private readonly db: DatabaseSync,
    private readonly options: LogWriterOptions,
  ) {
    this.streamCacheSize = options.streamCacheSize ?? 100_000;
    const p = (sql: string) => db.prepare(sql);
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
      byEventId: p('SELECT position, event_id, stream_id, stream_version, command_id FROM ledger_events WHERE event_id = ?'),
      commandRows: p(
        'SELECT position, event_id, stream_id, stream_version, command_id FROM ledger_events WHERE position >= ? AND position < ? AND command_id = ? ORDER BY position',
      ),
    };
    this.reader = sqliteMerkleReader(db);
  }

  /** A writer over `db` (schema in place, pragmas set), its hot state loaded from the log. */
  static async open(db: DatabaseSync, options: LogWriterOptions = {}): Promise<SqliteLogWriter> {
    const writer = new SqliteLogWriter(db, options);
    await writer.reloadHead();
    return writer;
  }

  private readonly reader: MerkleNodeReader;

  /** The root of the first `size` leaves if this writer's frontier is that tree and still current, else undefined. */
  rootIfCurrent(size: number): Buffer | undefined {
    return size === this.frontier.size && !this.reloading && !this.otherWriterAppended() ? this.frontier.root() : undefined;
  }

  /**
   * Appends `items` in order and answers each with its own result or error (never rejects). More than one item: one
   * transaction and one sync for all (group commit), unless another connection appended since this one last looked,
   * then one by one with the usual reload-and-retry.
   */
  async write(items: readonly WriteItem[]): Promise<WriteOutcome[]> {
    if (items.length > 1 && this.options.groupCommit !== false) {
      try {
        if (this.reloading) await this.reloading;
        const outcomes = this.tryAppendGroup(items);
        if (outcomes !== STALE) return outcomes;
        await this.reloadHead();
      } catch (error) {
        return items.map(() => ({ ok: false, error }));
      }
    }
    const outcomes: WriteOutcome[] = [];
    for (const item of items) {
      outcomes.push(await this.appendOne(item).then((result) => ({ ok: true, result }) as const, (error: unknown) => ({ ok: false, error }) as const));
    }
    return outcomes;
  }

  /**
   * Re-reads the head and the Merkle frontier after another connection appended. The reads are async, so the new
   * state is assigned in one step at the end, and appends wait for it rather than mix old and new state.
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

  /**
   * Another connection appended since our last commit: our hot state is stale. data_version moves on any other
   * connection's commit (in this process too: the store's read connection writes subscriber checkpoints), so a
   * change is confirmed against the last position; data_version is read first, so a commit between the two reads
   * shows in the position now or in data_version next time.
   */
  private otherWriterAppended(): boolean {
    const dataVersion = (this.s.dataVersion.get() as { data_version: number }).data_version;
    if (dataVersion === this.dataVersion) return false;
    if ((this.s.maxPosition.get() as { p: number }).p !== this.head) return true;
    this.dataVersion = dataVersion;
    return false;
  }

  /**
   * Several appends in one BEGIN IMMEDIATE … COMMIT: planned one after the other on the running head, frontier and
   * versions, each inside a savepoint, so a refused one (wrong expected version, a command id used on another
   * stream) leaves no row and fails only its caller; a retried command gets its first result, even when the first
   * is earlier in the same group. Outcomes are returned after the one COMMIT (durable under synchronous=FULL).
   * STALE, with nothing written, when another connection appended since this one last looked.
   */
  private tryAppendGroup(items: readonly WriteItem[]): WriteOutcome[] | typeof STALE {
    this.s.begin.run();
    if (this.otherWriterAppended()) {
      this.s.rollback.run();
      return STALE;
    }
    const outcomes: WriteOutcome[] = [];
    const versions = new Map<string, number>();
    let head = this.head;
    let frontier = this.frontier;
    try {
      for (const { prepared, recordedAt } of items) {
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
    return outcomes;
  }

  /** One append on its own: the single-statement fast path, with reload-and-retry when another connection wrote. */
  private async appendOne(item: WriteItem): Promise<AppendResult> {
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      if (this.reloading) await this.reloading;
      const outcome = this.tryAppend(item);
      if (outcome !== STALE) return outcome;
      // Another connection appended since this one last looked: catch up (async reads), then plan again.
      await this.reloadHead();
    }
    throw new EventStoreError('STORE.CONTENDED', `gave up after ${MAX_APPEND_ATTEMPTS} attempts: other writers kept appending`);
  }

  /**
   * One synchronous attempt. The position primary key is the concurrency guard: positions come from this writer's
   * in-memory head, so if any other connection has appended since, the first row's position is already taken and the
   * insert fails — the log's last position then confirms another writer, and the caller reloads and retries. That
   * lets the common append (one event, no Merkle node completed) be a single autocommitted INSERT, like the raw
   * engine's; larger appends run inside BEGIN IMMEDIATE … COMMIT so they are all-or-nothing.
   */
  private tryAppend({ prepared, recordedAt }: WriteItem): AppendResult | typeof STALE {
    const { request } = prepared;
    const current = this.currentVersion(request.streamId);
    const frontier = this.frontier.clone();
    let plan;
    try {
      plan = planAppend(prepared, current, this.head, frontier, recordedAt);
    } catch (e) {
      if (e instanceof WrongExpectedVersionError) {
        const first = this.duplicateOf(prepared);
        if (first) return first;
        // The cached version may be stale only if someone else wrote.
        if (this.otherWriterAppended()) return STALE;
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
      if (this.otherWriterAppended()) return STALE;
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
}
