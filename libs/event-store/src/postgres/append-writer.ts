import { DatabaseError, type Pool, type PoolClient, type QueryResult } from 'pg';
import { planAppend, resultFromRows } from '../append-plan';
import { EventStoreError, IdempotencyConflictError, WrongExpectedVersionError } from '../errors';
import { MerkleFrontier, type StoredNode } from '../integrity';
import type { AppendResult, Clock } from '../port';
import type { CommittedAppend, PreparedAppend, StoredRow } from '../record';
import { pgMerkleReader } from './merkle-reader';
import { rollbackQuietly } from './schema';
import { CATCH_UP_MAX, type CommandRow, type DeltaRow, type LedgerSql, type VersionRow } from './statements';

/** Group commit bounds: a batch takes at most this many appends, and stops adding at this many events. */
const MAX_BATCH_APPENDS = 500;
const MAX_BATCH_EVENTS = 10_000;

/**
 * How a batch's transaction is attempted:
 * - `optimistic` — plan against the hot state and send the write alone: one statement, so one transaction and one
 *   round trip. The hot state is right iff no other process appended since our last commit, i.e. iff position
 *   head + 1 is still free, and the primary key checks exactly that. Most batches take this path.
 * - `refresh` — first read what other processes appended since (usually a few rows, folded into the hot state) and
 *   the versions of streams not in the cache, then write as above: two round trips. Where a batch starts when
 *   another process was seen appending recently, and the retry after an optimistic attempt hit a key.
 * - `locked` — BEGIN, take the lock, read, write, COMMIT. Nobody can append in between, so it cannot lose a race:
 *   the fallback that keeps a busy second process from starving this one.
 */
type Mode = 'optimistic' | 'refresh' | 'locked';

/**
 * `optimistic` (default): start as above. `locked`: start every batch on the locked path — three round trips, but
 * no batch is ever planned twice; for deployments where several processes append all the time.
 */
export type AppendStrategy = 'optimistic' | 'locked';
const MAX_ATTEMPTS = 5;

interface PendingAppend {
  readonly prepared: PreparedAppend;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/** `recordedAt`: set on an append this batch wrote (not on a replayed command's first result). */
type Outcome = { readonly ok: true; readonly result: AppendResult; readonly recordedAt?: string } | { readonly ok: false; readonly error: unknown };

/** A command already in the log, found by its first event id. */
interface FirstAppend {
  readonly streamId: string;
  readonly result: AppendResult;
}

export interface AppendWriterOptions {
  readonly pool: Pool;
  readonly schema: string;
  readonly sql: LedgerSql;
  readonly clock: Clock;
  readonly streamCacheSize: number;
  readonly strategy: AppendStrategy;
  /** Called after each batch that committed, with what it wrote (duplicates excluded), in commit order. */
  readonly onCommitted: (committed: readonly CommittedAppend[]) => void;
}

/**
 * Group commit. Concurrent `append` calls in this process queue up; one writer loop takes everything queued
 * (bounded) into one transaction, so they share its round trips and its WAL flush, and settles each caller after
 * it. A wrong expected version or a command id reused on another stream fails only its own append; any other
 * failure fails the batch, and nothing of it is written.
 *
 * The hot state — the last position, the Merkle frontier and an LRU of stream versions — always describes a
 * committed prefix of the log: a batch plans on a clone of the frontier and a private map of versions, and they
 * replace the hot state only after its COMMIT succeeded.
 */
export class AppendWriter {
  private headPosition = 0;
  private hotFrontier = MerkleFrontier.empty();
  private readonly versions = new Map<string, number>();
  /** Another process appended recently: start batches with a refresh instead of optimistically. */
  private contended = false;
  private readonly queue: PendingAppend[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly options: AppendWriterOptions) {}

  async load(client: Pool | PoolClient): Promise<void> {
    const { rows } = await client.query<{ head: number }>(this.options.sql.head);
    this.hotFrontier = await MerkleFrontier.load(pgMerkleReader(client, this.options.schema), rows[0].head);
    this.headPosition = rows[0].head;
    this.versions.clear();
  }

  /** A committed prefix of the log: its size is `frontier.size`. */
  get frontier(): MerkleFrontier {
    return this.hotFrontier;
  }

  append(prepared: PreparedAppend): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ prepared, resolve, reject });
      // Started on a microtask, so appends issued in the same tick (Promise.all) share the first transaction.
      this.running ??= Promise.resolve().then(() => this.drain());
    });
  }

  /** Resolves when every queued append is settled. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.writeBatch(this.takeBatch());
    } finally {
      this.running = undefined;
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
  private async writeBatch(batch: readonly PendingAppend[]): Promise<void> {
    let client: PoolClient;
    try {
      client = await this.options.pool.connect();
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    let broken: Error | undefined;
    let outcomes: Outcome[];
    try {
      outcomes = await this.transact(client, batch);
    } catch (e) {
      // Ends a transaction the locked path left open; a connection that cannot even roll back is discarded.
      broken = await rollbackQuietly(client, e);
      for (const p of batch) p.reject(e);
      return;
    } finally {
      client.release(broken);
    }
    const committed: CommittedAppend[] = [];
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (o.ok) {
        if (o.recordedAt !== undefined && !o.result.duplicate) committed.push({ prepared: p.prepared, result: o.result, recordedAt: o.recordedAt });
        p.resolve(o.result);
      } else p.reject(o.error);
    });
    // Before the callers resume: a command's own events are handed over before it waits for them.
    this.options.onCommitted(committed);
  }

  private async transact(client: PoolClient, batch: readonly PendingAppend[]): Promise<Outcome[]> {
    let mode: Mode = this.options.strategy === 'locked' ? 'locked' : this.contended ? 'refresh' : 'optimistic';
    let lookup = false;
    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(client, batch, mode, lookup);
      if (!(result instanceof DatabaseError)) return result;
      // Which unique key the write hit says what was stale. Event id: a command was retried, so look the batch's
      // commands up. Position: another process appended. (Stream, version): a stream assumed new exists.
      if (attempt >= MAX_ATTEMPTS || (mode === 'locked' && (result.constraint !== 'events_event_id_key' || lookup))) {
        // Under the lock only a retried command is expected: our cached versions disagree with the log.
        this.versions.clear();
        if (mode === 'locked') throw integrityError(result, batch);
        throw result;
      }
      if (result.constraint === 'events_event_id_key' && !lookup) {
        lookup = true;
        if (mode === 'optimistic') mode = 'refresh';
      } else {
        if (result.constraint === 'events_pkey') this.contended = true;
        mode = mode === 'optimistic' ? 'refresh' : 'locked';
      }
    }
  }

  /** One try at the batch: its outcomes, or the unique-key violation that made it roll back. */
  private async attempt(client: PoolClient, batch: readonly PendingAppend[], mode: Mode, lookup: boolean): Promise<Outcome[] | DatabaseError> {
    const known = new Map<string, number>();
    let existing = new Map<string, FirstAppend>();
    if (mode === 'optimistic') {
      for (const { prepared } of batch) {
        const { streamId, expectedVersion } = prepared.request;
        if (this.versions.has(streamId)) continue;
        // A new stream is the usual unknown one. If it exists after all, its version-1 row hits the
        // (stream_id, stream_version) key; any other expectation needs the version read first.
        if (expectedVersion !== 'no-stream') return this.attempt(client, batch, 'refresh', lookup);
        known.set(streamId, 0);
      }
    } else {
      existing = await this.catchUp(client, batch, known, mode === 'locked', lookup);
    }

    const frontier = this.hotFrontier.clone();
    const recordedAt = this.options.clock.now().toISOString();
    const planned = new Map<string, FirstAppend>();
    const rows: StoredRow[] = [];
    const nodes: StoredNode[] = [];
    const outcomes: Outcome[] = [];
    const refused: number[] = [];
    let position = this.headPosition;
    for (const { prepared } of batch) {
      const { streamId, metadata } = prepared.request;
      const first = existing.get(prepared.events[0].id) ?? planned.get(metadata.commandId);
      if (first) {
        outcomes.push(duplicateOutcome(first, streamId, metadata.commandId));
        continue;
      }
      const current = known.get(streamId) ?? this.versions.get(streamId) ?? 0;
      let plan;
      try {
        plan = planAppend(prepared, current, position, frontier, recordedAt);
      } catch (e) {
        // Fails only this append: planAppend checks the version before it touches the frontier.
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
      known.set(streamId, plan.result.streamVersion);
      planned.set(metadata.commandId, { streamId, result: plan.result });
      outcomes.push({ ok: true, result: plan.result, recordedAt });
    }

    if (rows.length > 0) {
      try {
        await client.query(this.options.sql.write(rows, nodes, `${this.options.schema}:${position}`));
      } catch (e) {
        if (!(e instanceof DatabaseError) || e.code !== '23505') throw e;
        if (mode === 'locked') await client.query('ROLLBACK');
        return e;
      }
    } else if (mode === 'optimistic') {
      // Nothing to write means nothing proves the cached versions current: decide on fresh reads.
      return this.attempt(client, batch, 'refresh', lookup);
    }
    if (mode === 'locked') await client.query('COMMIT');

    this.headPosition = position;
    this.hotFrontier = frontier;
    for (const [s, v] of known) this.rememberVersion(s, v);
    if (refused.length > 0 && !lookup) await this.recognizeRetries(client, batch, refused, outcomes);
    return outcomes;
  }

  /**
   * Reads what the writer needs beyond its hot state and folds other processes' appends into it (committed rows,
   * so the hot state stays a committed prefix). Returns the batch's earlier appends when `lookup` is set.
   */
  private async catchUp(
    client: PoolClient,
    batch: readonly PendingAppend[],
    known: Map<string, number>,
    locked: boolean,
    lookup: boolean,
  ): Promise<Map<string, FirstAppend>> {
    const { sql, schema } = this.options;
    const streams = [...new Set(batch.map((p) => p.prepared.request.streamId))];
    const uncached = streams.filter((s) => !this.versions.has(s));
    const read = sql.read(this.headPosition, uncached, lookup ? batch.map((p) => p.prepared.events[0].id) : [], locked);
    const results = asResults(await client.query(read.text));
    const delta = results[read.deltaAt].rows as DeltaRow[];
    if (delta.length > CATCH_UP_MAX) {
      await this.load(client);
    } else {
      for (const r of delta) {
        if (r.position !== this.headPosition + 1) {
          throw new EventStoreError('STORE.LOG_INCOMPLETE', `expected position ${this.headPosition + 1} after the last known one, found ${r.position}`);
        }
        this.hotFrontier.append(r.leaf_hash);
        this.headPosition = r.position;
        this.rememberVersion(r.stream_id, r.stream_version);
      }
    }
    this.contended = delta.length > 0;
    if (read.versionsAt >= 0) for (const r of results[read.versionsAt].rows as VersionRow[]) known.set(r.stream_id, r.v);
    // After a full reload the cache is empty: read whatever is still unknown.
    const rest = streams.filter((s) => !known.has(s) && !this.versions.has(s));
    if (rest.length > 0) for (const r of (await client.query<VersionRow>(sql.versions(rest))).rows) known.set(r.stream_id, r.v);
    return read.firstAppendsAt >= 0 ? firstAppends(results[read.firstAppendsAt].rows as CommandRow[]) : new Map();
  }

  /**
   * A retried command usually comes back with a stale expected version: before reporting a refusal, look for the
   * command's first append and return that instead. After the commit, so a refinement only: if the lookup fails,
   * the refusal stands (it was true when the batch was decided).
   */
  private async recognizeRetries(client: PoolClient, batch: readonly PendingAppend[], refused: readonly number[], outcomes: Outcome[]): Promise<void> {
    let found: Map<string, FirstAppend>;
    try {
      const { rows } = await client.query<CommandRow>(this.options.sql.firstAppends(refused.map((i) => batch[i].prepared.events[0].id)));
      found = firstAppends(rows);
    } catch {
      return;
    }
    for (const i of refused) {
      const { request, events } = batch[i].prepared;
      const first = found.get(events[0].id);
      if (first) outcomes[i] = duplicateOutcome(first, request.streamId, request.metadata.commandId);
    }
  }

  private rememberVersion(streamId: string, version: number): void {
    this.versions.delete(streamId);
    this.versions.set(streamId, version);
    if (this.versions.size > this.options.streamCacheSize) {
      // A Map iterates in insertion order: the first key is the stream least recently appended to.
      this.versions.delete(this.versions.keys().next().value as string);
    }
  }
}

function asResults(result: QueryResult | QueryResult[]): QueryResult[] {
  return Array.isArray(result) ? result : [result];
}

function duplicateOutcome(first: FirstAppend, streamId: string, commandId: string): Outcome {
  return first.streamId === streamId
    ? { ok: true, result: { ...first.result, duplicate: true } }
    : { ok: false, error: new IdempotencyConflictError(commandId, first.streamId, streamId) };
}

/** Groups the rows of earlier appends by their first event id (rows come ordered by position). */
function firstAppends(rows: readonly CommandRow[]): Map<string, FirstAppend> {
  const byFirst = new Map<string, CommandRow[]>();
  for (const r of rows) {
    const group = byFirst.get(r.first_id);
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
 * A unique key hit under the advisory lock, after catching up with every committed row: nobody else can have
 * written, and the batch's commands were looked up, so the position, Merkle node, stream version or event id it
 * collides with is a row the log does not account for: rows were removed from under it (a truncated log with its
 * stored nodes left behind, say). Reported as the store's integrity failure, never as the bare 23505.
 */
function integrityError(e: DatabaseError, batch: readonly PendingAppend[]): EventStoreError {
  const what: Record<string, string> = {
    events_pkey: 'a log position',
    merkle_nodes_pkey: 'a stored Merkle node',
    events_stream_version_key: 'a stream version',
    events_event_id_key: 'an event id',
  };
  const taken = what[e.constraint ?? ''] ?? `a unique key (${e.constraint ?? 'unknown'})`;
  const streams = [...new Set(batch.map((p) => p.prepared.request.streamId))].slice(0, 5).join(', ');
  return new EventStoreError(
    'STORE.INTEGRITY',
    `appending to ${streams} hit ${taken} already stored that the log does not account for (rows removed from under it?): run verify`,
    { constraint: e.constraint ?? null, detail: e.detail ?? null, cause: e.message },
  );
}
