import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  type ReadStreamOptions as ClientReadStreamOptions,
  type RecordedEvent as ClientRecordedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { planAppend, type AppendPlan } from '../append-plan';
import { EventStoreError, IdempotencyConflictError, WrongExpectedVersionError } from '../errors';
import { consistencyProof, inclusionProof, leafHash, MerkleFrontier, rootAt, toHex, type MerkleNodeReader } from '../integrity';
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
import { isInstant, prepareAppend, streamKindOf, type AppendPolicy, type PreparedAppend } from '../record';
import { PollingSubscription } from '../subscription';
import type { EsdbClient, LiveStreamSubscription } from './client';
import { LogWindow, type FirstAppend, type WindowEntry } from './log-window';
import {
  CHECKPOINT_TYPE,
  clientConnectionString,
  commandRecordEventData,
  decodeCommandRecord,
  decodeEntry,
  decodePosition,
  entryEventData,
  entryRecord,
  expectedRevisionFor,
  ledgerStreamNames,
  linkEventData,
  LINK_TYPE,
  MATERIALIZED_TYPE,
  positionCompletingNode,
  positionEventData,
  versionOfCurrentRevision,
  versionOfRevision,
  type DecodedEntry,
  type LedgerStreamNames,
  type NewEntry,
} from './mapping';
import { isClientAppendTooLarge, isClientStreamNotFound, isClientWrongExpectedVersion, translateClientError } from './translate-error';
import { verifyLog } from './verify-log';

export interface EventStoreDbEventStoreOptions {
  /** `esdb://`, `esdb+discover://` or the KurrentDB spellings (`kurrentdb://`, ...); see the client's documentation. */
  readonly connectionString: string;
  readonly policy: AppendPolicy;
  readonly clock?: Clock;
  /** Prefix for every stream the ledger writes (`<namespace>/task-1`), so ledgers or test runs can share a cluster. */
  readonly namespace?: string;
  /** Log entries this process keeps in memory before rolling the streams forward and forgetting them; default 2000. */
  readonly windowSize?: number;
  /** Problems that do not fail the call that met them (a stream link to retry later, an integrity alarm). */
  readonly onBackgroundError?: (error: EventStoreError) => void;
}

export type EventStoreDbClientOptions = Omit<EventStoreDbEventStoreOptions, 'connectionString'>;

/** One caller waiting for its append. */
interface PendingAppend {
  readonly prepared: PreparedAppend;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

interface PlannedAppend {
  readonly pending: PendingAppend;
  readonly result: AppendResult;
  readonly entries: readonly NewEntry[];
}

interface Plan {
  readonly appends: readonly PlannedAppend[];
  /** Appends refused against the log up to `tail` (wrong expected version); settled once that view is confirmed. */
  readonly refused: ReadonlyArray<{ readonly pending: PendingAppend; readonly error: unknown }>;
  readonly frontier: MerkleFrontier;
  readonly last: number;
}

/** What the writer asked the server about commands and streams the window does not cover, valid for one generation. */
interface Lookups {
  readonly generation: number;
  readonly firsts: Map<string, FirstAppend | null>;
  readonly versions: Map<string, number>;
}

const MAX_PAGE = 10_000;
const READ_PAGE = 1_000;
/** Group commit bounds. EventStoreDB refuses appends above its MaxAppendSize (1 MiB by default). */
const MAX_BATCH_APPENDS = 200;
const MAX_BATCH_EVENTS = 2_000;
const MAX_BATCH_BYTES = 768 * 1024;
const ENTRY_OVERHEAD_BYTES = 900;
/** Attempts to append at the log's tail before giving up to other writers. */
const MAX_ATTEMPTS = 64;
const ROLL_FORWARD_INTERVAL_MS = 10_000;
const CACHE_SIZE = 100_000;

/**
 * The EventStoreDB / KurrentDB adapter (`@eventstore/db-client`). README.md beside this file has the whole mapping;
 * in short:
 *
 * - The ledger's log is one stream, `_ledger-log`: entry at revision r is the event at global position r + 1, with
 *   the event's JSON data and, in its metadata, the envelope metadata, schema version, stream id and version, leaf
 *   hash and the Merkle subtree roots that leaf completes. An append of a batch is one atomic append to that
 *   stream with the expected revision of the tail this process has read, so positions are dense, in commit order,
 *   and a reader of `_ledger-log` never skips an entry committed late: a stream's revisions are its commit order.
 * - Every decision an append takes — the stream's current version, whether the command id was already appended — is
 *   taken against the log up to that tail; if another writer got there first the server answers "wrong expected
 *   revision", this process reads the new entries and decides again. One stream serialises all writers: that is the
 *   single sequencer of the Merkle log, and group commit shares each round trip among concurrent appends.
 * - Aggregate streams (`task-1`) hold link events (`$>`) to their entries in the log, written right after the log
 *   append with the exact expected revision (version − 1); the command index (`_ledger-command-<sha256>`) holds each
 *   command's first result. Both are derived from the log. If a writer dies between the log append and the links,
 *   whoever reads the log past that entry (the next writer, or any process rolling forward) writes them, and the
 *   watermark `_ledger-materialized` says up to where that is done.
 */
export class EventStoreDbEventStore implements LedgerStore {
  readonly kind = 'eventstoredb' as const;
  readonly names: LedgerStreamNames;
  private readonly clock: Clock;
  private readonly policy: AppendPolicy;
  private readonly windowSize: number;
  private readonly background: (error: EventStoreError) => void;

  /** The writer's state: the log up to `tail` (read or written by this process) and its Merkle frontier. */
  private tail = 0;
  private frontier = MerkleFrontier.empty();
  private readonly window = new LogWindow();
  /** The log may hold entries past `tail` (another writer won, or our own append's outcome is unknown). */
  private stale = false;
  /** Bumped whenever the window is emptied; lookups made before are stale. */
  private generation = 0;
  private lastRollForward = performance.now();
  /** Versions and first results of streams and commands rolled out of the window: exact as of the watermark. */
  private readonly baseVersions = new LruMap<string, number>(CACHE_SIZE);
  private readonly recentCommands = new LruMap<string, FirstAppend>(CACHE_SIZE);
  private queue: PendingAppend[] = [];
  private writer: Promise<void> | undefined;

  private readonly nodeCache = new LruMap<string, Buffer>(CACHE_SIZE);
  private readonly listeners = new Set<() => void>();
  private readonly subscriptions = new Set<Subscription>();
  private live: LiveStreamSubscription | undefined;
  private readonly capped = new Set<string>();
  private closing = false;
  private closed = false;
  private closePromise: Promise<void> | undefined;

  private constructor(
    private readonly client: EsdbClient,
    options: EventStoreDbClientOptions,
  ) {
    this.names = ledgerStreamNames(options.namespace);
    this.clock = options.clock ?? systemClock;
    this.policy = options.policy;
    this.windowSize = options.windowSize ?? 2_000;
    this.background = options.onBackgroundError ?? ((e) => process.emitWarning(e.message, { code: e.code }));
  }

  static async open(options: EventStoreDbEventStoreOptions): Promise<EventStoreDbEventStore> {
    const url = clientConnectionString(options.connectionString);
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(url);
    } catch (e) {
      throw new EventStoreError('CONFIG.INVALID', `EVENTSTORE_URL is not a valid connection string: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
    return EventStoreDbEventStore.openWithClient(client, options);
  }

  /** Opens the ledger on a client built elsewhere (tests pass an in-memory model of the server). */
  static async openWithClient(client: EsdbClient, options: EventStoreDbClientOptions): Promise<EventStoreDbEventStore> {
    const store = new EventStoreDbEventStore(client, options);
    try {
      await store.start();
    } catch (e) {
      await client.dispose().catch(() => undefined);
      throw store.translate(e, 'opening the ledger');
    }
    return store;
  }

  /**
   * Reads the log from the watermark to its head and rolls it forward: after a crash between a log append and its
   * links, the streams and the command index are complete again before this process serves anything.
   */
  private async start(): Promise<void> {
    const watermark = await this.readPositionStream(this.names.materialized, 'the materialized watermark');
    this.tail = Math.min(watermark, await this.readHead());
    this.frontier = await MerkleFrontier.load(this.reader, this.tail);
    await this.catchUp();
    await this.rollForward();
  }

  // ---------------------------------------------------------------------------------------------- append

  async append(request: AppendRequest): Promise<AppendResult> {
    if (this.closing) throw closedError();
    const prepared = prepareAppend(request, this.policy);
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ prepared, resolve, reject });
      // Started on a microtask, so appends issued in the same tick share the first log append.
      this.writer ??= Promise.resolve().then(() => this.runWriter());
    });
  }

  private async runWriter(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        try {
          await this.writeBatch(batch);
        } catch (e) {
          // A bug, not an outcome: settle everyone (settling twice is a no-op) and re-read the log before going on.
          this.stale = true;
          rejectAll(batch, this.translate(e, 'appending to the ledger log'));
        }
        await this.maybeRollForward();
      }
    } finally {
      this.writer = undefined;
    }
  }

  /**
   * FIFO up to the batch bounds. A second append with a command id already in the batch waits for the next batch,
   * where it is answered as a retry of the first (or decided on its own if the first failed).
   */
  private takeBatch(): PendingAppend[] {
    const batch: PendingAppend[] = [];
    const rest: PendingAppend[] = [];
    const commands = new Set<string>();
    let events = 0;
    let bytes = 0;
    let full = false;
    for (const p of this.queue) {
      const n = p.prepared.events.length;
      const size = p.prepared.events.reduce((s, e) => s + e.dataJson.length + ENTRY_OVERHEAD_BYTES, 0);
      const commandId = p.prepared.request.metadata.commandId;
      full ||= batch.length > 0 && (batch.length >= MAX_BATCH_APPENDS || events + n > MAX_BATCH_EVENTS || bytes + size > MAX_BATCH_BYTES);
      if (full || commands.has(commandId)) {
        rest.push(p);
        continue;
      }
      batch.push(p);
      commands.add(commandId);
      events += n;
      bytes += size;
    }
    this.queue = rest;
    return batch;
  }

  /**
   * Never throws: every caller in the batch is settled. A refusal (wrong expected version) is only settled against a
   * view of the log known to be current — confirmed by a log append at `tail` succeeding, or by re-reading the log —
   * since a caller that read its stream from the server may know a version this process has not seen yet.
   */
  private async writeBatch(batch: readonly PendingAppend[]): Promise<void> {
    let open = batch;
    let lookups: Lookups = { generation: -1, firsts: new Map(), versions: new Map() };
    let confirmed = false;
    for (let attempt = 1; ; attempt++) {
      try {
        if (this.stale) {
          await this.catchUp();
          confirmed = true;
        }
        if (lookups.generation !== this.generation) lookups = { generation: this.generation, firsts: new Map(), versions: new Map() };
        await this.lookUp(open, lookups);
      } catch (e) {
        return rejectAll(open, this.translate(e, 'reading the ledger log'));
      }
      const plan = this.plan(open, lookups);
      if (plan.appends.length === 0) {
        if (plan.refused.length > 0 && !confirmed) {
          this.stale = true;
          open = plan.refused.map((r) => r.pending);
          continue;
        }
        for (const r of plan.refused) r.pending.reject(r.error);
        return;
      }
      try {
        await this.client.appendToStream(
          this.names.log,
          plan.appends.flatMap((a) => a.entries.map(entryEventData)),
          { expectedRevision: expectedRevisionFor(this.tail) },
        );
      } catch (e) {
        open = [...plan.appends.map((a) => a.pending), ...plan.refused.map((r) => r.pending)];
        if (isClientWrongExpectedVersion(e)) {
          // Another writer appended first: read what it wrote, then decide again.
          this.stale = true;
          if (attempt < MAX_ATTEMPTS) {
            if (attempt > 2) await sleep(Math.random() * Math.min(50, attempt * 2));
            continue;
          }
          return rejectAll(open, new EventStoreError('STORE.CONTENDED', `the ledger log kept moving: ${MAX_ATTEMPTS} attempts to append lost to other writers`));
        }
        if (isClientAppendTooLarge(e) && open.length > 1) {
          for (const p of open) await this.writeBatch([p]);
          return;
        }
        // The outcome is unknown: the entries may be in the log. Read it before deciding anything else, so a retry
        // of these commands is answered from what was written.
        this.stale = true;
        return rejectAll(open, this.translate(e, 'appending to the ledger log'));
      }
      this.commit(plan);
      for (const r of plan.refused) r.pending.reject(r.error);
      await this.materialize(plan.appends);
      for (const a of plan.appends) a.pending.resolve(a.result);
      return;
    }
  }

  /** Asks the server about commands and streams that neither the window nor the caches answer, all at once. */
  private async lookUp(open: readonly PendingAppend[], lookups: Lookups): Promise<void> {
    const commands = new Set<string>();
    const streams = new Set<string>();
    for (const p of open) {
      const { streamId, metadata } = p.prepared.request;
      if (!this.knownFirstAppend(metadata.commandId) && !lookups.firsts.has(metadata.commandId)) commands.add(metadata.commandId);
      if (this.knownVersion(streamId) === undefined && !lookups.versions.has(streamId)) streams.add(streamId);
    }
    await Promise.all([
      ...[...commands].map(async (c) => lookups.firsts.set(c, await this.readCommandRecord(c))),
      ...[...streams].map(async (s) => lookups.versions.set(s, await this.streamVersionOnServer(s))),
    ]);
  }

  private knownFirstAppend(commandId: string): FirstAppend | undefined {
    return this.window.firstAppend(commandId) ?? this.recentCommands.get(commandId);
  }

  /**
   * The stream's version as of `tail`, when this process knows it: from the window, or from what the window held
   * when it was last emptied (no entry of the stream since, or the window would have it).
   */
  private knownVersion(streamId: string): number | undefined {
    return this.window.streamVersion(streamId) ?? this.baseVersions.get(streamId);
  }

  /** Numbers the batch's events from `tail` + 1 on a clone of the frontier; settles retries and conflicts. */
  private plan(open: readonly PendingAppend[], lookups: Lookups): Plan {
    const recordedAt = this.clock.now().toISOString();
    const frontier = this.frontier.clone();
    const versions = new Map<string, number>();
    const appends: PlannedAppend[] = [];
    const refused: Array<{ pending: PendingAppend; error: unknown }> = [];
    let position = this.tail;
    for (const pending of open) {
      const { request, events } = pending.prepared;
      const { streamId, metadata } = request;
      const first = this.knownFirstAppend(metadata.commandId) ?? lookups.firsts.get(metadata.commandId) ?? undefined;
      if (first) {
        if (first.streamId === streamId) pending.resolve({ ...first.result, duplicate: true });
        else pending.reject(new IdempotencyConflictError(metadata.commandId, first.streamId, streamId));
        continue;
      }
      const current = versions.get(streamId) ?? this.knownVersion(streamId) ?? lookups.versions.get(streamId);
      if (current === undefined) {
        pending.reject(new EventStoreError('STORE.INTERNAL', `no version looked up for stream ${streamId}`));
        continue;
      }
      let plan: AppendPlan;
      try {
        // The shared planner: same records, leaf hashes and expected-version rule as the SQL adapters.
        plan = planAppend(pending.prepared, current, position, frontier, recordedAt);
      } catch (e) {
        if (e instanceof WrongExpectedVersionError) refused.push({ pending, error: e });
        else pending.reject(e);
        continue;
      }
      const entries = plan.rows.map((row, i): NewEntry => ({
        entryId: randomUUID(),
        id: row.eventId,
        type: row.type,
        dataJson: events[i].dataJson,
        metadata: {
          actorId: metadata.actorId,
          actorRole: metadata.actorRole,
          actorUnit: metadata.actorUnit,
          commandId: metadata.commandId,
          correlationId: metadata.correlationId,
          causationId: metadata.causationId,
          occurredAt: events[i].occurredAt,
          recordedAt,
        },
        schemaVersion: events[i].schemaVersion,
        streamId,
        streamVersion: row.streamVersion,
        position: row.position,
        eventIndex: i,
        eventCount: plan.rows.length,
        leafHash: row.leafHash,
        nodes: plan.nodes.filter((n) => positionCompletingNode(n.level, n.index) === row.position),
      }));
      position = plan.result.lastPosition;
      versions.set(streamId, plan.result.streamVersion);
      appends.push({ pending, result: plan.result, entries });
    }
    return { appends, refused, frontier, last: position };
  }

  private commit(plan: Plan): void {
    this.frontier = plan.frontier;
    this.tail = plan.last;
    for (const a of plan.appends) {
      for (const e of a.entries) {
        this.window.add({
          position: e.position,
          eventId: e.id,
          streamId: e.streamId,
          streamVersion: e.streamVersion,
          commandId: e.metadata.commandId,
          eventIndex: e.eventIndex,
          eventCount: e.eventCount,
        });
      }
    }
    this.notify();
  }

  /**
   * Links the batch's events into their streams and records its commands. The log append is what commits; if this
   * fails the entries stay in the window and are linked on the next read of the stream or roll-forward.
   */
  private async materialize(appends: readonly PlannedAppend[]): Promise<void> {
    const streams = [...new Set(appends.map((a) => a.result.streamId))];
    const outcomes = await Promise.allSettled([
      ...streams.map((s) => this.linkStream(s)),
      ...appends.map((a) => this.indexCommand(a.pending.prepared.request.metadata.commandId, { streamId: a.result.streamId, result: a.result })),
    ]);
    for (const o of outcomes) {
      if (o.status === 'rejected') this.background(this.translate(o.reason, 'linking appended events into their stream (retried when rolling forward)'));
    }
  }

  /**
   * Writes the links of the stream's window entries that are not known to be linked, with the exact expected
   * revision. Idempotent: the links carry the events' ids, so a repeat at the same revision is a no-op on the server,
   * and a stream already further along is only marked.
   */
  private async linkStream(streamId: string): Promise<void> {
    for (;;) {
      const todo = this.window.unlinked(streamId);
      if (todo.length === 0) return;
      const from = todo[0].streamVersion;
      const through = todo[todo.length - 1].streamVersion;
      try {
        await this.client.appendToStream(
          this.names.stream(streamId),
          todo.map((e) => linkEventData(e.eventId, e.position, this.names)),
          { expectedRevision: expectedRevisionFor(from - 1) },
        );
        this.window.markLinked(streamId, through);
        return;
      } catch (e) {
        if (!isClientWrongExpectedVersion(e)) throw e;
        const onServer = versionOfCurrentRevision(e.actualVersion);
        // Behind where the window begins (or exactly there, which no honest server refuses): the stream lost links
        // that were rolled forward before, or was rewritten outside the ledger. Looping would not help.
        if (onServer < from) {
          throw new EventStoreError(
            'STORE.STREAM_DIVERGED',
            `stream ${streamId} is at version ${onServer} but the log continues it at version ${from}; the versions between were rolled forward before — run verify`,
            { streamId, onServer, from },
          );
        }
        // Another process linked some or all of them: mark those and link the rest.
        this.window.markLinked(streamId, Math.min(onServer, through));
      }
    }
  }

  private async indexCommand(commandId: string, first: FirstAppend): Promise<void> {
    try {
      await this.client.appendToStream(this.names.command(commandId), commandRecordEventData(commandId, first.result), { expectedRevision: NO_STREAM });
    } catch (e) {
      if (!isClientWrongExpectedVersion(e)) throw e;
      const recorded = await this.readCommandRecord(commandId);
      if (recorded && recorded.result.firstPosition !== first.result.firstPosition) {
        this.background(
          new EventStoreError(
            'STORE.INTEGRITY',
            `command ${commandId} is indexed at position ${recorded.result.firstPosition} but the log also has it at ${first.result.firstPosition}; run verify`,
            { commandId },
          ),
        );
      }
    }
    this.window.markIndexed(commandId);
  }

  private async readCommandRecord(commandId: string): Promise<FirstAppend | null> {
    const recorded = await this.readOne(this.names.command(commandId), 'first');
    if (!recorded) return null;
    const result = decodeCommandRecord(recorded, commandId);
    return { streamId: result.streamId, result };
  }

  private async streamVersionOnServer(streamId: string): Promise<number> {
    const last = await this.readOne(this.names.stream(streamId), 'last');
    return last ? versionOfRevision(last.revision) : 0;
  }

  // ---------------------------------------------------------------------------------------------- the window

  /** Reads the log from `tail` + 1 to its end into the window and the frontier. */
  private async catchUp(): Promise<void> {
    for (;;) {
      const page = await this.readRange(this.names.log, this.tail + 1, READ_PAGE, false);
      for (const resolved of page) {
        const entry = decodeEntry(requireEvent(resolved, this.tail + 1));
        if (entry.event.position !== this.tail + 1) {
          throw new EventStoreError('STORE.LOG_INCOMPLETE', `the log jumps from position ${this.tail} to ${entry.event.position}`);
        }
        const leaf = leafHash(entryRecord(entry.event));
        if (!leaf.equals(entry.leafHash)) {
          this.background(new EventStoreError('STORE.INTEGRITY', `log entry at position ${entry.event.position} does not match its stored leaf hash; run verify`));
        }
        // The frontier follows the recomputed leaf, so this writer's nodes are right whatever another one wrote.
        this.frontier.append(leaf);
        this.tail = entry.event.position;
        this.window.add(windowEntry(entry));
        if (this.window.size >= this.windowSize && this.window.atAppendBoundary()) await this.rollForward();
      }
      if (page.length < READ_PAGE) break;
    }
    this.stale = false;
  }

  private async maybeRollForward(): Promise<void> {
    if (this.window.size === 0 || !this.window.atAppendBoundary()) return;
    const due =
      this.window.size >= this.windowSize ||
      (performance.now() - this.lastRollForward > ROLL_FORWARD_INTERVAL_MS && this.window.streamsToLink().length > 0);
    if (!due) return;
    try {
      await this.rollForward();
    } catch (e) {
      this.background(this.translate(e, 'rolling the streams forward'));
    }
  }

  /**
   * Makes everything up to `tail` derived — links and command records — then forgets the window and moves the
   * watermark. Skips the work when another process's watermark already covers `tail`.
   */
  private async rollForward(): Promise<void> {
    this.lastRollForward = performance.now();
    if (this.window.size === 0) return;
    const durable = await this.readPositionStream(this.names.materialized, 'the materialized watermark');
    if (durable < this.tail) {
      // What is still unlinked here was mostly written by other processes, which link their own entries right after
      // appending: read first, and write only what is really missing (a writer that died).
      await eachLimited(this.window.streamsToLink(), 16, async (s) => {
        this.window.markLinked(s, await this.streamVersionOnServer(s));
        await this.linkStream(s);
      });
      await eachLimited(this.window.commandsToIndex(), 16, async ({ commandId, first }) => {
        if (await this.readCommandRecord(commandId)) this.window.markIndexed(commandId);
        else await this.indexCommand(commandId, first);
      });
    }
    const { versions, commands } = this.window.drain();
    for (const [s, v] of versions) this.baseVersions.set(s, v);
    for (const [c, f] of commands) this.recentCommands.set(c, f);
    this.generation += 1;
    if (durable < this.tail) {
      await this.capToLatest(this.names.materialized);
      await this.client.appendToStream(this.names.materialized, positionEventData(MATERIALIZED_TYPE, this.tail), { expectedRevision: ANY });
    }
  }

  // ---------------------------------------------------------------------------------------------- reads

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const until = options.recordedUntil;
    if (until !== undefined && !isInstant(until)) {
      throw new EventStoreError('STORE.INVALID_QUERY', 'recordedUntil: must be an ISO 8601 UTC instant', { field: 'recordedUntil' });
    }
    // Only ledger stream ids name aggregate streams; anything else (our own `_ledger-` streams) holds no events.
    if (typeof streamId !== 'string' || streamKindOf(streamId) === undefined) return [];
    try {
      // Read-your-writes within this process even when a link write failed: link before reading.
      if (this.window.hasUnlinked(streamId)) await this.linkStream(streamId);
      const untilMs = until === undefined ? undefined : Date.parse(until);
      const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
      const out: RecordedEvent[] = [];
      let version = Math.max(1, options.fromVersion ?? 1);
      while (out.length < limit) {
        const pageSize = untilMs === undefined ? Math.min(limit - out.length, MAX_PAGE) : MAX_PAGE;
        const page = await this.readRange(this.names.stream(streamId), version, pageSize, true);
        for (const resolved of page) {
          const event = this.linkedEvent(streamId, resolved);
          version = event.streamVersion + 1;
          // recordedAt has millisecond precision (toISOString), so comparing milliseconds is exact.
          if (untilMs !== undefined && Date.parse(event.metadata.recordedAt) > untilMs) continue;
          if (out.length < limit) out.push(event);
        }
        if (page.length < pageSize) break;
      }
      return out;
    } catch (e) {
      throw this.translate(e, `reading stream ${streamId}`);
    }
  }

  /** The log entry a stream's link resolves to, checked to be that stream's event at that version. */
  private linkedEvent(streamId: string, resolved: ResolvedEvent): RecordedEvent {
    const { link, event } = resolved;
    if (!link) {
      if (event?.type === LINK_TYPE) throw new EventStoreError('STORE.LOG_INCOMPLETE', `stream ${streamId} links to a log entry that cannot be read`, { streamId });
      const at = event ? versionOfRevision(event.revision) : undefined;
      throw new EventStoreError('STORE.STREAM_DIVERGED', `stream ${streamId} holds an event written outside the ledger (version ${at})`, { streamId });
    }
    const version = versionOfRevision(link.revision);
    if (!event || event.streamId !== this.names.log) {
      throw new EventStoreError('STORE.LOG_INCOMPLETE', `stream ${streamId} version ${version} links to a log entry that cannot be read`, { streamId, version });
    }
    const decoded = decodeEntry(event).event;
    if (decoded.streamId !== streamId || decoded.streamVersion !== version) {
      throw new EventStoreError(
        'STORE.STREAM_DIVERGED',
        `stream ${streamId} version ${version} links to the entry of ${decoded.streamId} version ${decoded.streamVersion} (position ${decoded.position})`,
        { streamId, version },
      );
    }
    return decoded;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const from = options.fromPosition ?? 1;
    const limit = options.limit ?? 1000;
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(limit)) {
      throw new EventStoreError('STORE.INVALID_QUERY', 'fromPosition and limit must be integers', { field: 'fromPosition' });
    }
    try {
      const page = await this.readRange(this.names.log, Math.max(1, from), Math.min(Math.max(1, limit), MAX_PAGE), false);
      return page.map((r, i) => decodeEntry(requireEvent(r, Math.max(1, from) + i)).event);
    } catch (e) {
      throw this.translate(e, 'reading the ledger log');
    }
  }

  /**
   * EventStoreDB indexes streams, not metadata, and its server-side filters match stream names and event types
   * only, so this is a scan: `_ledger-log` (the ledger's order; `$all` would add every other stream and system
   * event) read forward from `fromPosition`, keeping the actor's entries, until `limit` are found or `toPosition` or
   * the end of the log is passed. Pages start at READ_PAGE and double up to MAX_PAGE, so a busy actor with a small
   * limit reads little and a rare actor is not one round trip per thousand entries. The cost is proportional to the
   * positions scanned, not to the events returned (README, "Reading by actor").
   */
  async readByActor(actorId: string, options: ReadByActorOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const q = actorQuery(actorId, options, MAX_PAGE);
    const out: RecordedEvent[] = [];
    try {
      let position = q.from;
      let pageSize = READ_PAGE;
      while (out.length < q.limit && position <= q.to) {
        const want = Math.min(pageSize, q.to - position + 1);
        const page = await this.readRange(this.names.log, position, want, false);
        for (let i = 0; i < page.length && out.length < q.limit; i++) {
          const entry = requireEvent(page[i], position + i);
          // Only the actor's entries are decoded (and so checked); the rest are skipped on their raw metadata.
          if ((entry.metadata as { actorId?: unknown } | undefined)?.actorId === q.actorId) out.push(decodeEntry(entry).event);
        }
        if (page.length < want) break;
        position += page.length;
        pageSize = Math.min(pageSize * 2, MAX_PAGE);
      }
      return out;
    } catch (e) {
      throw this.translate(e, 'reading the ledger log by actor');
    }
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    try {
      return Math.max(this.tail, await this.readHead());
    } catch (e) {
      throw this.translate(e, 'reading the head of the ledger log');
    }
  }

  private async readHead(): Promise<number> {
    const last = await this.readOne(this.names.log, 'last');
    return last ? versionOfRevision(last.revision) : 0;
  }

  // ---------------------------------------------------------------------------------------------- subscriptions

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    this.assertOpen();
    this.names.checkpoint(options.name);
    const sub = await PollingSubscription.start(
      {
        readAll: (o) => this.readAll(o),
        loadCheckpoint: (name) => this.readCheckpoint(name),
        saveCheckpoint: (name, position) => this.saveCheckpoint(name, position),
        onAppended: (listener) => {
          this.listeners.add(listener);
          this.followLive();
          return () => {
            this.listeners.delete(listener);
            if (this.listeners.size === 0) void this.stopLive();
          };
        },
      },
      options,
    );
    this.subscriptions.add(sub);
    return sub;
  }

  async readCheckpoint(name: string): Promise<number> {
    this.assertOpen();
    try {
      return await this.readPositionStream(this.names.checkpoint(name), `the checkpoint of ${name}`);
    } catch (e) {
      throw this.translate(e, `reading the checkpoint of ${name}`);
    }
  }

  private async saveCheckpoint(name: string, position: number): Promise<void> {
    const stream = this.names.checkpoint(name);
    try {
      await this.capToLatest(stream);
      await this.client.appendToStream(stream, positionEventData(CHECKPOINT_TYPE, position), { expectedRevision: ANY });
    } catch (e) {
      throw this.translate(e, `storing the checkpoint of ${name}`);
    }
  }

  /**
   * Wakes the subscriptions when any process appends: a live catch-up subscription to the log from its end. The
   * polling loop stays as the fallback (and catches up from the checkpoint), so a dropped live subscription only
   * costs latency.
   */
  private followLive(): void {
    if (this.live || this.closing) return;
    const live = this.client.subscribeToStream(this.names.log, { fromRevision: END });
    live.on('data', () => this.notify());
    live.on('error', (e) => {
      if (this.live === live) this.live = undefined;
      if (!this.closing) this.background(this.translate(e, 'following the ledger log live (polling instead)'));
    });
    this.live = live;
  }

  private async stopLive(): Promise<void> {
    const live = this.live;
    this.live = undefined;
    await live?.unsubscribe().catch(() => undefined);
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  // ---------------------------------------------------------------------------------------------- Merkle log

  /** The Merkle functions' view of the log: leaf i is in entry i; node (l, i) in the entry of position (i + 1)·2^l. */
  private readonly reader: MerkleNodeReader = {
    leafHashes: async (start, end) => {
      const out: Buffer[] = [];
      while (start + out.length < end) {
        const page = await this.readRange(this.names.log, start + out.length + 1, Math.min(end - start - out.length, MAX_PAGE), false);
        if (page.length === 0) break;
        for (const r of page) out.push(decodeEntry(requireEvent(r, start + out.length + 1)).leafHash);
      }
      if (out.length !== end - start) {
        throw new EventStoreError('STORE.LOG_INCOMPLETE', `expected ${end - start} leaves from position ${start + 1}, found ${out.length}`, { start, end });
      }
      return out;
    },
    storedNodes: async (keys) => {
      const missing = [...new Set(keys.filter((k) => !this.nodeCache.has(nodeKey(k))).map((k) => positionCompletingNode(k.level, k.index)))];
      await Promise.all(
        missing.map(async (position) => {
          const [r] = await this.readRange(this.names.log, position, 1, false);
          if (!r?.event) return;
          for (const n of decodeEntry(r.event).nodes) this.nodeCache.set(nodeKey(n), n.hash);
        }),
      );
      return keys.map((k) => this.nodeCache.get(nodeKey(k)));
    },
  };

  async treeHead(size?: number): Promise<TreeHead> {
    const head = await this.headPosition();
    const n = size ?? head;
    if (!Number.isSafeInteger(n) || n < 0 || n > head) {
      throw new EventStoreError('STORE.BAD_TREE_SIZE', `tree size ${n} is outside 0..${head}`, { size: n, head });
    }
    try {
      const frontier = this.frontier;
      const root = n === frontier.size ? frontier.root() : await rootAt(this.reader, n);
      return { size: n, rootHash: toHex(root) };
    } catch (e) {
      throw this.translate(e, `computing the tree head of size ${n}`);
    }
  }

  async inclusionProof(position: number, treeSize?: number): Promise<InclusionProof> {
    const head = await this.headPosition();
    const size = treeSize ?? head;
    if (!Number.isSafeInteger(position) || position < 1 || position > head) {
      throw new EventStoreError('STORE.NOT_FOUND', `event at position ${position} not found`, { what: `event at position ${position}` });
    }
    if (!Number.isSafeInteger(size) || size < position || size > head) {
      throw new EventStoreError('STORE.BAD_TREE_SIZE', `tree size ${size} must be between ${position} and ${head}`, { size });
    }
    try {
      const [leaf] = await this.reader.leafHashes(position - 1, position);
      const proof = await inclusionProof(this.reader, position - 1, size);
      return { position, leafIndex: position - 1, treeSize: size, leafHash: toHex(leaf), proof: proof.map(toHex) };
    } catch (e) {
      throw this.translate(e, `proving the inclusion of position ${position}`);
    }
  }

  async consistencyProof(size1: number, size2: number): Promise<string[]> {
    const head = await this.headPosition();
    if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 1 || size1 > size2 || size2 > head) {
      throw new EventStoreError('STORE.BAD_TREE_SIZE', `need 1 ≤ size1 ≤ size2 ≤ ${head}, got ${size1}, ${size2}`, { size1, size2 });
    }
    try {
      return (await consistencyProof(this.reader, size1, size2)).map(toHex);
    } catch (e) {
      throw this.translate(e, `proving consistency of ${size1} and ${size2}`);
    }
  }

  /** Recomputes every leaf and stored node from the log's entries, up to the head when it starts. */
  async verify(options: { onProgress?: (checked: number, total: number) => void } = {}): Promise<VerifyReport> {
    const total = await this.headPosition();
    const readRange = (from: number, count: number) => this.readRange(this.names.log, from, count, false);
    try {
      return await verifyLog({
        total,
        onProgress: options.onProgress,
        pages: async function* () {
          for (let from = 1; from <= total; ) {
            const page = await readRange(from, Math.min(READ_PAGE * 5, total - from + 1));
            if (page.length === 0) return;
            yield page.map((r, i) => requireEvent(r, from + i));
            from += page.length;
          }
        },
      });
    } catch (e) {
      throw this.translate(e, 'verifying the ledger log');
    }
  }

  // ---------------------------------------------------------------------------------------------- plumbing

  /** Events `fromVersion` .. (revision `fromVersion` − 1 on) of a stream; [] when it does not exist. */
  private async readRange(streamName: string, fromVersion: number, maxCount: number, resolveLinkTos: boolean): Promise<ResolvedEvent[]> {
    const out: ResolvedEvent[] = [];
    try {
      for await (const r of this.client.readStream(streamName, { direction: FORWARDS, fromRevision: BigInt(fromVersion - 1), maxCount, resolveLinkTos })) {
        out.push(r);
      }
    } catch (e) {
      if (isClientStreamNotFound(e)) return [];
      throw e;
    }
    return out;
  }

  /** The first or last event of a stream (links unresolved), or undefined when it does not exist. */
  private async readOne(streamName: string, which: 'first' | 'last'): Promise<ClientRecordedEvent | undefined> {
    const options: ClientReadStreamOptions =
      which === 'first' ? { direction: FORWARDS, fromRevision: START, maxCount: 1 } : { direction: BACKWARDS, fromRevision: END, maxCount: 1 };
    try {
      for await (const r of this.client.readStream(streamName, options)) return r.event;
    } catch (e) {
      if (isClientStreamNotFound(e)) return undefined;
      throw e;
    }
    return undefined;
  }

  /** Checkpoints and the watermark: the last `{ position }` event of a stream, 0 when there is none. */
  private async readPositionStream(streamName: string, what: string): Promise<number> {
    const last = await this.readOne(streamName, 'last');
    return last ? decodePosition(last, what) : 0;
  }

  /** Streams where only the latest event matters keep one (`maxCount: 1`); the server scavenges the rest. */
  private async capToLatest(streamName: string): Promise<void> {
    if (this.capped.has(streamName)) return;
    try {
      await this.client.setStreamMetadata(streamName, { maxCount: 1 });
      this.capped.add(streamName);
    } catch (e) {
      // Only space is at stake: the latest event is read either way.
      this.background(this.translate(e, `setting maxCount 1 on ${streamName}`));
    }
  }

  private translate(e: unknown, doing: string): EventStoreError {
    return translateClientError(e, doing, this.names.streamIdOf);
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }

  /** Stops subscriptions, finishes queued appends, rolls the streams forward, and closes the client. */
  async close(): Promise<void> {
    this.closePromise ??= (async () => {
      this.closing = true;
      for (const s of this.subscriptions) await s.stop();
      while (this.writer) await this.writer;
      try {
        if (this.stale) await this.catchUp();
        await this.rollForward();
      } catch (e) {
        this.background(this.translate(e, 'rolling the streams forward on close'));
      }
      await this.stopLive();
      this.closed = true;
      await this.client.dispose();
    })();
    return this.closePromise;
  }
}

function windowEntry(entry: DecodedEntry): WindowEntry {
  const { event } = entry;
  return {
    position: event.position,
    eventId: event.id,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    commandId: event.metadata.commandId,
    eventIndex: entry.eventIndex,
    eventCount: entry.eventCount,
  };
}

function requireEvent(resolved: ResolvedEvent, position: number): ClientRecordedEvent {
  if (!resolved.event) throw new EventStoreError('STORE.LOG_INCOMPLETE', `the log entry at position ${position} could not be read`, { position });
  return resolved.event;
}

function rejectAll(pending: readonly PendingAppend[], error: unknown): void {
  for (const p of pending) p.reject(error);
}

function closedError(): EventStoreError {
  return new EventStoreError('STORE.CLOSED', 'the store is closed');
}

const nodeKey = (n: { level: number; index: number }) => `${n.level}:${n.index}`;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `fn` over `items` with at most `limit` at a time; rejects with the first failure after all have settled. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}

/** A Map that forgets its least recently used keys beyond `max`. */
class LruMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }
}
