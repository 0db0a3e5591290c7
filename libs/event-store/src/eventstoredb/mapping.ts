/**
 * Pure mapping between the ledger's port and EventStoreDB/KurrentDB: stream names, versions and revisions, the log
 * entry format, the command index and the connection string. No I/O here, so all of it is unit-tested without a
 * server (see README.md for the whole mapping and why).
 */
import { createHash } from 'node:crypto';
import {
  ANY,
  binaryEvent,
  jsonEvent,
  NO_STREAM,
  STREAM_EXISTS,
  type AppendExpectedRevision,
  type CurrentRevision,
  type EventData,
  type RecordedEvent as ClientRecordedEvent,
} from '@eventstore/db-client';
import { EventStoreError } from '../errors';
import { canonicalize, fromHex, toHex, type StoredNode } from '../integrity';
import type { AppendResult, EventMetadata, JsonObject, RecordedEvent } from '../port';
import { encodeMetadata, encodeRecordParts } from '../record';

// ------------------------------------------------------------------------------------------------ stream names

/**
 * Every stream the ledger writes. Our own bookkeeping streams start with `_ledger-`: a ledger stream id must start
 * with a lower-case letter (`<kind>-<id>`), so they can never collide with an aggregate stream, and unlike `$`
 * streams they are ordinary user streams that need no admin rights.
 */
export interface LedgerStreamNames {
  readonly namespace: string;
  /** The ledger's log: one entry per event, revision r = position r + 1. */
  readonly log: string;
  /** "Everything in the log up to position p has its stream links and command record": one small event, maxCount 1. */
  readonly materialized: string;
  /** The aggregate stream: link events (`$>`) to the stream's entries in the log, revision = version − 1. */
  stream(streamId: string): string;
  /** The ledger stream id behind an EventStoreDB stream name (strips the namespace). */
  streamIdOf(streamName: string): string;
  /** One stream per command id holding the first result of that command (the idempotency index). */
  command(commandId: string): string;
  /** A subscriber's durable checkpoint, one event, maxCount 1. */
  checkpoint(name: string): string;
}

const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}$/;

/**
 * `namespace` prefixes every stream (`<namespace>/task-1`) so several ledgers, or many test runs, can share one
 * cluster; the production default is none.
 */
export function ledgerStreamNames(namespace = ''): LedgerStreamNames {
  if (namespace !== '' && !NAMESPACE.test(namespace)) {
    throw new EventStoreError('CONFIG.INVALID', `EventStoreDB namespace '${namespace}' must match ${NAMESPACE.source}`);
  }
  const prefix = namespace === '' ? '' : `${namespace}/`;
  return {
    namespace,
    log: `${prefix}_ledger-log`,
    materialized: `${prefix}_ledger-materialized`,
    stream: (streamId) => `${prefix}${streamId}`,
    streamIdOf: (name) => (prefix !== '' && name.startsWith(prefix) ? name.slice(prefix.length) : name),
    // Command ids are free text up to 200 characters: hash them into a name of fixed shape.
    command: (commandId) => `${prefix}_ledger-command-${createHash('sha256').update(commandId).digest('hex')}`,
    checkpoint: (name) => {
      if (typeof name !== 'string' || name.length === 0 || name.length > 200) {
        throw new EventStoreError('STORE.INVALID_QUERY', 'subscription name: must be 1 to 200 characters', { field: 'name' });
      }
      return `${prefix}_ledger-checkpoint-${name}`;
    },
  };
}

// ------------------------------------------------------------------------------------------------ versions ↔ revisions

/**
 * Our stream versions count events from 1 (version 0 = no stream); EventStoreDB numbers events from revision 0.
 * The expected revision for "the stream holds exactly `count` events" is therefore NO_STREAM for 0 and
 * BigInt(count − 1) otherwise. The same rule serves the log, whose "version" is the ledger's head position.
 */
export function expectedRevisionFor(count: number): AppendExpectedRevision {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`not an event count: ${count}`);
  return count === 0 ? NO_STREAM : BigInt(count - 1);
}

/** Revision r is version (or position) r + 1. */
export function versionOfRevision(revision: bigint): number {
  const n = Number(revision) + 1;
  if (revision < 0n || !Number.isSafeInteger(n)) {
    throw new EventStoreError('STORE.NUMBER_RANGE', `EventStoreDB revision ${revision} is outside the safe integer range`);
  }
  return n;
}

/** The client's current revision of a stream as our version: `no_stream` is 0. */
export function versionOfCurrentRevision(current: CurrentRevision): number {
  return current === NO_STREAM ? 0 : versionOfRevision(current);
}

/** The client's expected revision as our ExpectedVersion wording, for error messages. */
export function expectedVersionOfRevision(expected: AppendExpectedRevision): string | number {
  switch (expected) {
    case ANY:
      return 'any';
    case NO_STREAM:
      return 'no-stream';
    case STREAM_EXISTS:
      return 'stream-exists';
    default:
      return versionOfRevision(expected);
  }
}

// ------------------------------------------------------------------------------------------------ log entries

/**
 * The custom metadata of a log entry: the port's EventMetadata and schemaVersion (what the brief of every adapter
 * stores), then the ledger's bookkeeping. `$correlationId` / `$causationId` are EventStoreDB's own names, so its
 * `$by-correlation-id` projection works on the ledger too.
 */
export interface EntryMetadata extends EventMetadata {
  /** Our event id (`deriveEventId`). The EventStoreDB id of a log entry is fresh per write attempt: see NewEntry. */
  readonly eventId: string;
  readonly schemaVersion: number;
  readonly streamId: string;
  readonly streamVersion: number;
  /** Equals revision + 1; kept so an entry is self-describing and `verify` can compare. */
  readonly position: number;
  /** The event's place in its append: a reader can tell a whole append from part of one. */
  readonly eventIndex: number;
  readonly eventCount: number;
  /** RFC 6962 leaf hash of the canonical record (hex). */
  readonly leafHash: string;
  /** The Merkle subtree roots this leaf completes, [level, index, hex]: node (l, i) lives in entry (i + 1)·2^l − 1. */
  readonly nodes: ReadonlyArray<readonly [number, number, string]>;
  readonly $correlationId: string;
  readonly $causationId?: string;
}

export interface NewEntry {
  /**
   * The entry's EventStoreDB event id, new for every attempt. Were it our derived event id, a writer whose view of
   * the log is stale could re-send a command that already sits at the same revision and get the server's
   * idempotent "success" for an append that wrote nothing — with its own, different recordedAt and hashes in
   * memory. Duplicates are decided by reading the log instead.
   */
  readonly entryId: string;
  /** Our event id (`deriveEventId`), the one readers see. */
  readonly id: string;
  readonly type: string;
  /** Canonical JSON of the event's data (RFC 8785). */
  readonly dataJson: string;
  readonly metadata: EventMetadata;
  readonly schemaVersion: number;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly position: number;
  readonly eventIndex: number;
  readonly eventCount: number;
  readonly leafHash: Uint8Array;
  readonly nodes: readonly StoredNode[];
}

export const ENTRY_CONTENT_TYPE = 'application/json';

export function encodeEntryMetadata(e: NewEntry): EntryMetadata {
  const m = e.metadata;
  return {
    actorId: m.actorId,
    actorRole: m.actorRole,
    actorUnit: m.actorUnit,
    commandId: m.commandId,
    correlationId: m.correlationId,
    causationId: m.causationId,
    occurredAt: m.occurredAt,
    recordedAt: m.recordedAt,
    eventId: e.id,
    schemaVersion: e.schemaVersion,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    position: e.position,
    eventIndex: e.eventIndex,
    eventCount: e.eventCount,
    leafHash: toHex(e.leafHash),
    nodes: e.nodes.map((n) => [n.level, n.index, toHex(n.hash)] as const),
    $correlationId: m.correlationId,
    ...(m.causationId === null ? {} : { $causationId: m.causationId }),
  };
}

/**
 * The log entry as the client's EventData. The client serialises JSON data with JSON.stringify, so the stored
 * bytes are the canonical text except where a JS engine orders integer-like member names first; nothing depends on
 * the stored bytes, because the record is re-canonicalised from the parsed value on every read that hashes.
 */
export function entryEventData(e: NewEntry): EventData {
  return jsonEvent({
    id: e.entryId,
    type: e.type,
    data: JSON.parse(e.dataJson) as JsonObject,
    metadata: encodeEntryMetadata(e) as unknown as JsonObject,
  });
}

/** A log entry decoded back into the port's envelope plus its stored hashes. */
export interface DecodedEntry {
  readonly event: RecordedEvent;
  /** What the entry says its position is; `event.position` is the one its revision gives. */
  readonly claimedPosition: number;
  readonly eventIndex: number;
  readonly eventCount: number;
  readonly leafHash: Buffer;
  readonly nodes: readonly StoredNode[];
}

/** A log entry that is not a well-formed ledger event (written by something else, or altered). */
export class CorruptEntryError extends EventStoreError {
  constructor(position: number, reason: string) {
    super('STORE.CORRUPT_ENTRY', `log entry at position ${position} is not a ledger event: ${reason}`, { position, reason });
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function str(m: Record<string, unknown>, key: string, position: number, nullable = false): string | null {
  const v = m[key];
  if (nullable && v === null) return null;
  if (typeof v !== 'string') throw new CorruptEntryError(position, `metadata.${key} must be a string`);
  return v;
}

function int(m: Record<string, unknown>, key: string, position: number, min: number): number {
  const v = m[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new CorruptEntryError(position, `metadata.${key} must be an integer ≥ ${min}`);
  }
  return v;
}

function hash(v: unknown, what: string, position: number): Buffer {
  if (typeof v !== 'string' || v.length !== 64) throw new CorruptEntryError(position, `${what} must be 64 hex digits`);
  try {
    return fromHex(v);
  } catch {
    throw new CorruptEntryError(position, `${what} must be 64 hex digits`);
  }
}

/** Decodes an entry read from the log; the position comes from its revision, never from what it says. */
export function decodeEntry(recorded: ClientRecordedEvent): DecodedEntry {
  const position = versionOfRevision(recorded.revision);
  if (!recorded.isJson) throw new CorruptEntryError(position, `content type is not ${ENTRY_CONTENT_TYPE}`);
  const data = recorded.data as unknown;
  if (!isObject(data)) throw new CorruptEntryError(position, 'data is not a JSON object');
  const m = recorded.metadata as unknown;
  if (!isObject(m)) throw new CorruptEntryError(position, 'metadata is not a JSON object');
  const metadata: EventMetadata = {
    actorId: str(m, 'actorId', position)!,
    actorRole: str(m, 'actorRole', position)!,
    actorUnit: str(m, 'actorUnit', position)!,
    commandId: str(m, 'commandId', position)!,
    correlationId: str(m, 'correlationId', position)!,
    causationId: str(m, 'causationId', position, true),
    occurredAt: str(m, 'occurredAt', position)!,
    recordedAt: str(m, 'recordedAt', position)!,
  };
  const eventCount = int(m, 'eventCount', position, 1);
  const eventIndex = int(m, 'eventIndex', position, 0);
  if (eventIndex >= eventCount) throw new CorruptEntryError(position, 'metadata.eventIndex must be below eventCount');
  const rawNodes = m.nodes;
  if (!Array.isArray(rawNodes)) throw new CorruptEntryError(position, 'metadata.nodes must be an array');
  const nodes = rawNodes.map((n: unknown, i): StoredNode => {
    if (!Array.isArray(n) || n.length !== 3 || !Number.isSafeInteger(n[0]) || !Number.isSafeInteger(n[1]) || n[0] < 0 || n[1] < 0) {
      throw new CorruptEntryError(position, `metadata.nodes[${i}] must be [level, index, hash]`);
    }
    return { level: n[0] as number, index: n[1] as number, hash: hash(n[2], `metadata.nodes[${i}] hash`, position) };
  });
  return {
    event: {
      id: str(m, 'eventId', position)!,
      streamId: str(m, 'streamId', position)!,
      streamVersion: int(m, 'streamVersion', position, 1),
      position,
      type: recorded.type,
      schemaVersion: int(m, 'schemaVersion', position, 1),
      data: data as JsonObject,
      metadata,
    },
    claimedPosition: int(m, 'position', position, 1),
    eventIndex,
    eventCount,
    leafHash: hash(m.leafHash, 'metadata.leafHash', position),
    nodes,
  };
}

/**
 * The canonical record of a decoded entry, rebuilt from the parsed data (see `entryEventData` for why not from the
 * stored bytes). Equal to `encodeRecord(event)`, without re-walking the envelope.
 */
export function entryRecord(event: RecordedEvent): string {
  const e = event;
  return encodeRecordParts(canonicalize(e.data), e.id, encodeMetadata(e.metadata), e.position, e.schemaVersion, e.streamId, e.streamVersion, e.type);
}

/** Which log position completes Merkle node (level, index): the last leaf it covers. */
export function positionCompletingNode(level: number, index: number): number {
  return (index + 1) * 2 ** level;
}

// ------------------------------------------------------------------------------------------------ stream links

export const LINK_TYPE = '$>';

/** A link event in an aggregate stream, pointing at a log entry. Binary, as the server writes links itself. */
export function linkEventData(id: string, position: number, names: LedgerStreamNames): EventData {
  return binaryEvent({ id, type: LINK_TYPE, data: Buffer.from(`${position - 1}@${names.log}`, 'utf8') });
}

// ------------------------------------------------------------------------------------------------ command index

export const COMMAND_RECORD_TYPE = 'LedgerCommandRecorded';

/** Stable id for a command's index record, so a repeated write of it is an idempotent no-op on the server. */
export function commandRecordId(commandId: string): string {
  return uuidFromHash(`ledger-command-record\u0000${commandId}`);
}

export interface CommandRecord {
  readonly commandId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly firstPosition: number;
  readonly lastPosition: number;
  readonly eventIds: readonly string[];
}

export function commandRecordEventData(commandId: string, result: AppendResult): EventData {
  const data: CommandRecord = {
    commandId,
    streamId: result.streamId,
    streamVersion: result.streamVersion,
    firstPosition: result.firstPosition,
    lastPosition: result.lastPosition,
    eventIds: result.eventIds,
  };
  return jsonEvent({ id: commandRecordId(commandId), type: COMMAND_RECORD_TYPE, data: data as unknown as JsonObject });
}

/** The first result of a command, from its index record; `duplicate` is true because it is read back for a retry. */
export function decodeCommandRecord(recorded: ClientRecordedEvent, commandId: string): AppendResult {
  const d = recorded.data as unknown;
  const ok =
    isObject(d) &&
    d.commandId === commandId &&
    typeof d.streamId === 'string' &&
    [d.streamVersion, d.firstPosition, d.lastPosition].every((n) => Number.isSafeInteger(n) && (n as number) >= 1) &&
    Array.isArray(d.eventIds) &&
    d.eventIds.length === (d.lastPosition as number) - (d.firstPosition as number) + 1 &&
    d.eventIds.every((id) => typeof id === 'string');
  if (!ok) {
    throw new EventStoreError('STORE.CORRUPT_ENTRY', `the index record of command ${commandId} is malformed`, { commandId });
  }
  const r = d as unknown as CommandRecord;
  return {
    streamId: r.streamId,
    streamVersion: r.streamVersion,
    firstPosition: r.firstPosition,
    lastPosition: r.lastPosition,
    eventIds: [...r.eventIds],
    duplicate: true,
  };
}

// ------------------------------------------------------------------------------------------------ small records

export const CHECKPOINT_TYPE = 'LedgerCheckpointStored';
export const MATERIALIZED_TYPE = 'LedgerMaterializedThrough';

/** `{ position }` events (checkpoints, the materialized watermark). */
export function positionEventData(type: string, position: number): EventData {
  return jsonEvent({ type, data: { position } });
}

export function decodePosition(recorded: ClientRecordedEvent, what: string): number {
  const d = recorded.data as unknown;
  if (!isObject(d) || !Number.isSafeInteger(d.position) || (d.position as number) < 0) {
    throw new EventStoreError('STORE.CORRUPT_ENTRY', `${what} does not hold a position`, { what });
  }
  return d.position as number;
}

/** UUID layout over SHA-256, version nibble 8 (RFC 9562 custom), like `deriveEventId`. */
export function uuidFromHash(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// ------------------------------------------------------------------------------------------------ connection string

/**
 * The v6 client parses `esdb://` and `esdb+discover://`. KurrentDB documents `kurrentdb://` (and the short
 * `kurrent://`, `kdb://`) with the same syntax, so those are accepted and handed to the client under its own scheme.
 */
const SCHEMES: Readonly<Record<string, string>> = {
  esdb: 'esdb',
  'esdb+discover': 'esdb+discover',
  kurrentdb: 'esdb',
  'kurrentdb+discover': 'esdb+discover',
  kurrent: 'esdb',
  'kurrent+discover': 'esdb+discover',
  kdb: 'esdb',
  'kdb+discover': 'esdb+discover',
};

export function clientConnectionString(url: string): string {
  const m = typeof url === 'string' ? /^([A-Za-z][A-Za-z0-9+]*):\/\/(.+)$/s.exec(url.trim()) : null;
  const scheme = m ? SCHEMES[m[1].toLowerCase()] : undefined;
  if (!m || !scheme) {
    throw new EventStoreError(
      'CONFIG.INVALID',
      `EVENTSTORE_URL must start with one of ${Object.keys(SCHEMES).map((s) => `${s}://`).join(', ')}`,
    );
  }
  return `${scheme}://${m[2]}`;
}
