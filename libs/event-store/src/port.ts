/**
 * The event-store port: the one interface every adapter (SQLite, PostgreSQL, EventStoreDB/KurrentDB) implements
 * and the contract suite (`testing/event-store.contract.ts`) checks.
 *
 * Numbering, the same in every adapter:
 * - stream versions start at 1: the n-th event of a stream has `streamVersion` n, and a stream's version is the
 *   number of events in it (0 = the stream does not exist);
 * - global positions start at 1 and are gap-free and in commit order in the SQL adapters: the event at position p
 *   is Merkle leaf p - 1, and the tree size after it is p. (EventStoreDB's positions are its commit positions:
 *   increasing, not dense; see `eventstoredb/README.md`.)
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** `'any'`: no check; `'no-stream'`: the stream must not exist; a number: the stream's current version must be exactly it. */
export type ExpectedVersion = 'any' | 'no-stream' | number;

/** Who did it and why: taken from the authenticated credential by the application, never from a request body. */
export interface CommandMetadata {
  readonly actorId: string;
  readonly actorRole: string;
  readonly actorUnit: string;
  /** Idempotency key: an append with a command id already in the log returns the first result and appends nothing. */
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** When it happened in the world (ISO 8601 UTC); may be earlier than `recordedAt` for late entries. */
  readonly occurredAt: string;
}

export interface EventMetadata extends CommandMetadata {
  /** When the store committed it (ISO 8601 UTC), from the store's clock. */
  readonly recordedAt: string;
}

export interface NewEvent<TType extends string = string, TData extends JsonObject = JsonObject> {
  /** A literal, stable name (`TaskAssigned`), never derived from a class name. */
  readonly type: TType;
  readonly data: TData;
  /** Defaults to 1. */
  readonly schemaVersion?: number;
  /** Overrides the command's occurredAt for this event. */
  readonly occurredAt?: string;
}

export interface RecordedEvent<TType extends string = string, TData extends JsonObject = JsonObject> {
  /** Derived from the command id and the event's index in its append (`deriveEventId`), so retries are stable. */
  readonly id: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly position: number;
  readonly type: TType;
  readonly schemaVersion: number;
  readonly data: TData;
  readonly metadata: EventMetadata;
}

export interface AppendRequest {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NewEvent[];
  readonly metadata: CommandMetadata;
}

export interface AppendResult {
  readonly streamId: string;
  /** The stream's version after the append (the version of its last event). */
  readonly streamVersion: number;
  /** Global positions of the first and last appended events. */
  readonly firstPosition: number;
  readonly lastPosition: number;
  readonly eventIds: readonly string[];
  /** True when the command id had been appended before: this is the first append's result and nothing was written. */
  readonly duplicate: boolean;
}

export interface ReadStreamOptions {
  /** First version to return (inclusive); default 1. */
  readonly fromVersion?: number;
  /** Return only events recorded at or before this instant (ISO 8601): the stream as the log stood then. */
  readonly recordedUntil?: string;
  readonly limit?: number;
}

export interface ReadAllOptions {
  /** First position to return (inclusive); default 1. */
  readonly fromPosition?: number;
  /** Page size; default 1000, at most 10 000. */
  readonly limit?: number;
}

export interface ReadByActorOptions {
  /** First position to return (inclusive); default 1. */
  readonly fromPosition?: number;
  /** Last position to return (inclusive): the log as it stood at that position. Default: the head. */
  readonly toPosition?: number;
  /** Page size; default 1000, at most 10 000. */
  readonly limit?: number;
}

export interface SubscriptionOptions {
  /** Durable subscriber name: its checkpoint (last handled position) is stored under this name. */
  readonly name: string;
  /** Called for each event in position order; the checkpoint is stored after each batch the handler completes. */
  readonly handler: (events: readonly RecordedEvent[]) => Promise<void> | void;
  /** Page size for catch-up; default 500. */
  readonly batchSize?: number;
  /** Poll interval when live, in ms, for changes made by other processes; default 200. */
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

export interface Subscription {
  readonly name: string;
  /** Resolves when the subscriber has handled every event up to `position` (for tests and read-your-writes). */
  waitFor(position: number, timeoutMs?: number): Promise<void>;
  /** The last position handled and checkpointed. */
  position(): number;
  stop(): Promise<void>;
}

export interface TreeHead {
  readonly size: number;
  /** Lower-case hex SHA-256, RFC 6962 Merkle tree hash of the first `size` leaves. */
  readonly rootHash: string;
}

export interface InclusionProof {
  readonly position: number;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly proof: readonly string[];
}

export interface VerifyProblem {
  /** The first position (or tree size, for a Merkle node) that does not match. */
  readonly position: number;
  readonly code:
    | 'ROW_MISMATCH'
    | 'LEAF_HASH_MISMATCH'
    | 'POSITION_GAP'
    | 'NODE_MISMATCH'
    | 'NODE_MISSING'
    | 'NODE_EXTRA'
    | 'CHECKPOINT_MISMATCH';
  readonly message: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly eventsChecked: number;
  readonly treeHead: TreeHead;
  readonly problems: readonly VerifyProblem[];
}

/** The storage port. The code has no update or delete path: there is none here. */
export interface EventStore {
  readonly kind: 'sqlite' | 'postgres' | 'eventstoredb';
  append(request: AppendRequest): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * The events whose metadata names `actorId` (the authenticated actor who recorded them), in position order, from
   * `fromPosition` up to `toPosition`, at most `limit`: "everything this actor did", read through an index on the
   * log (SQL adapters: an index on the record's `metadata.actorId`), so audit queries need no copy of the log.
   */
  readByActor(actorId: string, options?: ReadByActorOptions): Promise<RecordedEvent[]>;
  /** The position of the last committed event (0 when the log is empty). */
  headPosition(): Promise<number>;
  /** Catch-up then live subscription to the whole log, from the subscriber's stored checkpoint. */
  subscribe(options: SubscriptionOptions): Promise<Subscription>;
  readCheckpoint(name: string): Promise<number>;
  /**
   * Optional (the SQL adapters): calls `listener` after each commit of this store instance's own appends with the
   * events it wrote, in commit order, each equal member for member (and in member order) to what `readAll` returns
   * for it — so an in-process follower of the log can fold them without reading them back. Nothing is called for a
   * replayed command (it wrote nothing) nor for other processes' or instances' appends: a follower still reads
   * those, and any gap before the events it is handed. Returns the unregister function.
   */
  onCommitted?(listener: (events: readonly RecordedEvent[]) => void): () => void;
  /**
   * Resolves once every append this instance has already handed to its writer has committed or failed, and the
   * `onCommitted` listeners have had its events. A head read may count this instance's own appends a moment before
   * their events reach those listeners (the writer thread's answer is on its way): a follower that wants the head
   * waits for this rather than reading back what it is about to be handed.
   */
  appendsSettled?(): Promise<void>;
  close(): Promise<void>;
}

/** The tamper-evidence side of a store whose log is a Merkle tree over global positions. */
export interface TamperEvidentLog {
  treeHead(size?: number): Promise<TreeHead>;
  inclusionProof(position: number, treeSize?: number): Promise<InclusionProof>;
  consistencyProof(size1: number, size2: number): Promise<string[]>;
  /** Recompute every leaf and stored node from the stored events; names the first position that does not match. */
  verify(options?: { onProgress?: (checked: number, total: number) => void }): Promise<VerifyReport>;
}

export type LedgerStore = EventStore & TamperEvidentLog;

/** Time and ids come from outside so every test is deterministic. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
