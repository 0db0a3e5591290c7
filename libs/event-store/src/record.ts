import { createHash } from 'node:crypto';
import { canonicalize, leafHash, NotIJsonError } from './integrity';
import { InvalidAppendError } from './errors';
import type { AppendRequest, AppendResult, EventMetadata, JsonObject, RecordedEvent } from './port';

/**
 * The stored record of an event is the RFC 8785 canonical JSON of its whole envelope — position included, so a row
 * moved to another position no longer matches its own leaf hash. Readers decode events from this one column; the
 * other columns are indexes that `verify` checks against it.
 */

export const DEFAULT_LIMITS = {
  maxEventBytes: 256 * 1024,
  maxEventsPerAppend: 1000,
  maxDepth: 64,
} as const;

export interface AppendPolicy {
  /** Stream kinds the ledger knows (`task` in `task-42`); anything else is refused. */
  readonly streamKinds: ReadonlySet<string>;
  readonly maxEventBytes?: number;
  readonly maxEventsPerAppend?: number;
}

/** An event validated and partly encoded before any transaction opens; position and version come later. */
export interface PreparedEvent {
  readonly index: number;
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** Canonical JSON of `data`. */
  readonly dataJson: string;
  readonly occurredAt: string;
}

export interface PreparedAppend {
  readonly request: AppendRequest;
  readonly events: readonly PreparedEvent[];
}

const STREAM_ID = /^([a-z][a-z0-9_]{0,39})-([A-Za-z0-9][A-Za-z0-9._:~-]{0,199})$/;
const EVENT_TYPE = /^[A-Z][A-Za-z0-9]{0,99}$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;
const TEXT_FIELD_MAX = 200;

export function streamKindOf(streamId: string): string | undefined {
  return STREAM_ID.exec(streamId)?.[1];
}

export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = INSTANT.exec(value);
  if (!m) return false;
  const t = Date.parse(value);
  if (Number.isNaN(t)) return false;
  // Date.parse rolls 2018-02-30 over to March: compare the fields back.
  const d = new Date(t);
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() + 1 === Number(m[2]) &&
    d.getUTCDate() === Number(m[3]) &&
    d.getUTCHours() === Number(m[4]) &&
    d.getUTCMinutes() === Number(m[5]) &&
    d.getUTCSeconds() === Number(m[6])
  );
}

/** Event ids are derived, not random, so a retried command produces the same ids in every adapter. */
export function deriveEventId(commandId: string, index: number): string {
  const h = createHash('sha256').update(commandId).update('\u0000').update(String(index)).digest('hex');
  // UUID layout with version nibble 8 (RFC 9562 custom) and the RFC variant bits.
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  // One flat string: a template literal would make a tree of concatenated strings over copies of the digest's
  // pieces (~400 bytes where the 36 characters take 56), and the id is kept as long as the event is: the in-memory
  // read models keep every event this process appends.
  return [h.slice(0, 8), h.slice(8, 12), '8' + h.slice(13, 16), variant + h.slice(17, 20), h.slice(20, 32)].join('-');
}

function text(field: string, value: unknown, nullable = false): void {
  if (nullable && value === null) return;
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidAppendError('STORE.MALFORMED_ENVELOPE', field, 'must be a non-empty string');
  }
  if (value.length > TEXT_FIELD_MAX) {
    throw new InvalidAppendError('STORE.MALFORMED_ENVELOPE', field, `must be at most ${TEXT_FIELD_MAX} characters`);
  }
  if (!value.isWellFormed()) {
    throw new InvalidAppendError('STORE.NOT_I_JSON', field, 'contains a lone surrogate');
  }
  // Identifiers and names, not prose: control characters have no place here, and PostgreSQL text cannot hold U+0000.
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidAppendError('STORE.MALFORMED_ENVELOPE', field, 'must not contain control characters');
  }
}

/** Checks everything that can be checked without the database; throws InvalidAppendError naming the field. */
export function prepareAppend(request: AppendRequest, policy: AppendPolicy): PreparedAppend {
  if (request === null || typeof request !== 'object') {
    throw new InvalidAppendError('STORE.MALFORMED_ENVELOPE', 'request', 'must be an object');
  }
  const { streamId, expectedVersion, events, metadata } = request;
  if (typeof streamId !== 'string' || !STREAM_ID.test(streamId)) {
    throw new InvalidAppendError('STORE.INVALID_STREAM_ID', 'streamId', 'must look like <kind>-<id> (lower-case kind)');
  }
  const kind = streamKindOf(streamId)!;
  if (!policy.streamKinds.has(kind)) {
    throw new InvalidAppendError('STORE.UNKNOWN_STREAM_KIND', 'streamId', `unknown stream kind '${kind}'`);
  }
  if (
    !(
      expectedVersion === 'any' ||
      expectedVersion === 'no-stream' ||
      (typeof expectedVersion === 'number' && Number.isSafeInteger(expectedVersion) && expectedVersion >= 0)
    )
  ) {
    throw new InvalidAppendError('STORE.MALFORMED_ENVELOPE', 'expectedVersion', "must be 'any', 'no-stream' or a version ≥ 0");
  }
  if (metadata === null || typeof metadata !== 'object') {
    throw new InvalidAppendError('STORE.MALFORMED_ENVELOPE', 'metadata', 'must be an object');
  }
  text('metadata.actorId', metadata.actorId);
  text('metadata.actorRole', metadata.actorRole);
  text('metadata.actorUnit', metadata.actorUnit);
  text('metadata.commandId', metadata.commandId);
  text('metadata.correlationId', metadata.correlationId);
  text('metadata.causationId', metadata.causationId, true);
  if (!isInstant(metadata.occurredAt)) {
    throw new InvalidAppendError('STORE.MALFORMED_ENVELOPE', 'metadata.occurredAt', 'must be an ISO 8601 UTC instant');
  }
  const maxEvents = policy.maxEventsPerAppend ?? DEFAULT_LIMITS.maxEventsPerAppend;
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidAppendError('STORE.MALFORMED_ENVELOPE', 'events', 'must be a non-empty array');
  }
  if (events.length > maxEvents) {
    throw new InvalidAppendError('STORE.TOO_MANY_EVENTS', 'events', `at most ${maxEvents} events per append`);
  }
  const maxBytes = policy.maxEventBytes ?? DEFAULT_LIMITS.maxEventBytes;
  const prepared = events.map((event, index): PreparedEvent => {
    const at = `events[${index}]`;
    if (event === null || typeof event !== 'object') {
      throw new InvalidAppendError('STORE.MALFORMED_ENVELOPE', at, 'must be an object');
    }
    if (typeof event.type !== 'string' || !EVENT_TYPE.test(event.type)) {
      throw new InvalidAppendError('STORE.MALFORMED_ENVELOPE', `${at}.type`, 'must be a PascalCase literal name');
    }
    const schemaVersion = event.schemaVersion ?? 1;
    if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > 1000) {
      throw new InvalidAppendError('STORE.MALFORMED_ENVELOPE', `${at}.schemaVersion`, 'must be an integer from 1 to 1000');
    }
    const occurredAt = event.occurredAt ?? metadata.occurredAt;
    if (!isInstant(occurredAt)) {
      throw new InvalidAppendError('STORE.MALFORMED_ENVELOPE', `${at}.occurredAt`, 'must be an ISO 8601 UTC instant');
    }
    const data = event.data as unknown;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new InvalidAppendError('STORE.MALFORMED_ENVELOPE', `${at}.data`, 'must be a JSON object');
    }
    let dataJson: string;
    try {
      dataJson = canonicalize(data, { maxDepth: DEFAULT_LIMITS.maxDepth });
    } catch (e) {
      if (e instanceof NotIJsonError) {
        throw new InvalidAppendError('STORE.NOT_I_JSON', `${at}.data${e.path.slice(1)}`, e.reason);
      }
      throw e;
    }
    // Strings are UTF-16; a UTF-8 byte count is only needed when the cheap bound is exceeded.
    if (dataJson.length * 3 > maxBytes && Buffer.byteLength(dataJson) > maxBytes) {
      throw new InvalidAppendError('STORE.EVENT_TOO_LARGE', `${at}.data`, `larger than ${maxBytes} bytes`);
    }
    return { index, id: deriveEventId(metadata.commandId, index), type: event.type, schemaVersion, dataJson, occurredAt };
  });
  return { request, events: prepared };
}

/** Canonical metadata; key order is fixed by RFC 8785 (UTF-16 order of the names). */
export function encodeMetadata(m: EventMetadata): string {
  return canonicalize({
    actorId: m.actorId,
    actorRole: m.actorRole,
    actorUnit: m.actorUnit,
    causationId: m.causationId,
    commandId: m.commandId,
    correlationId: m.correlationId,
    occurredAt: m.occurredAt,
    recordedAt: m.recordedAt,
  });
}

/**
 * Builds the canonical record without re-walking `data`: the envelope's member names are fixed, so their RFC 8785
 * order is known (data, id, metadata, position, schemaVersion, streamId, streamVersion, type), and JSON.stringify of
 * a string or a safe integer is already its canonical form. A property test checks this equals canonicalize(envelope).
 */
export function encodeRecordParts(
  dataJson: string,
  id: string,
  metadataJson: string,
  position: number,
  schemaVersion: number,
  streamId: string,
  streamVersion: number,
  type: string,
): string {
  return (
    '{"data":' + dataJson +
    ',"id":' + JSON.stringify(id) +
    ',"metadata":' + metadataJson +
    ',"position":' + position +
    ',"schemaVersion":' + schemaVersion +
    ',"streamId":' + JSON.stringify(streamId) +
    ',"streamVersion":' + streamVersion +
    ',"type":' + JSON.stringify(type) +
    '}'
  );
}

export function encodeRecord(event: RecordedEvent): string {
  return canonicalize({
    data: event.data,
    id: event.id,
    metadata: event.metadata as unknown as JsonObject,
    position: event.position,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    type: event.type,
  });
}

/**
 * The events of one append carry the same metadata, and they are decoded one after another (a page, a stream): an
 * event whose metadata has the same members as the event decoded just before gets that event's metadata object.
 * Equal values either way; but a process that keeps the events it reads (the in-memory read models keep every one)
 * holds one metadata object per append instead of one per event, and its garbage collector copies that much less.
 * Events are immutable facts: nothing may change an event's metadata, shared or not.
 */
let lastMetadata: Record<string, unknown> | undefined;

export function decodeRecord(record: string): RecordedEvent {
  const event = JSON.parse(record) as { data: unknown; metadata: Record<string, unknown> };
  shareData(event.data);
  const metadata = event.metadata;
  if (lastMetadata !== undefined && sameMembers(metadata, lastMetadata)) event.metadata = lastMetadata;
  // Only an object (not an array, not a plain value) is kept to be shared.
  else if (metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata)) {
    if (typeof metadata.occurredAt === 'string') metadata.occurredAt = recentOccurredAt.shared(metadata.occurredAt);
    if (typeof metadata.recordedAt === 'string') metadata.recordedAt = recentRecordedAt.shared(metadata.recordedAt);
    lastMetadata = metadata;
  } else lastMetadata = undefined;
  return event as unknown as RecordedEvent;
}

/**
 * The same instant, as the same string: the clocks the ledger records (`at` in data, occurred-at and recorded-at in
 * the metadata) have whole seconds or milliseconds, so under a steady stream of commands many events in a row carry
 * the same text, each parsed or formatted into a string of its own (40-48 bytes, kept as long as the event is).
 * The last two instants of each clock are kept, and an equal text is replaced by the one kept. Strings are values: nothing
 * can tell one copy from another, so this changes no event.
 */
class RecentInstants {
  private readonly kept = ['', ''];
  private next = 0;

  shared(text: string): string {
    const kept = this.kept;
    if (kept[0] === text) return kept[0];
    if (kept[1] === text) return kept[1];
    kept[this.next] = text;
    this.next ^= 1;
    return text;
  }
}

// One per clock: a recorded-at that changes every millisecond does not push out the occurred-at of the second.
const recentAt = new RecentInstants();
const recentOccurredAt = new RecentInstants();
const recentRecordedAt = new RecentInstants();

/** An event's data with `by` shared per actor and `at` (the instant, in the jurisdiction's offset) as the clocks are. */
function shareData(data: unknown): void {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return;
  const members = data as Record<string, unknown>;
  shareActorRef(members);
  if (typeof members.at === 'string') members.at = recentAt.shared(members.at);
}

/** Same members, each the same string, number, boolean or null (an object member never counts as the same). */
function sameMembers(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (a === null || typeof a !== 'object' || Array.isArray(a)) return false;
  let count = 0;
  for (const key in a) {
    const value = a[key];
    if (value !== b[key] || (value !== null && typeof value === 'object') || !Object.hasOwn(b, key)) return false;
    count++;
  }
  for (const key in b) if (key !== undefined) count--;
  return count === 0;
}

/**
 * Every domain event names its actor in `data.by` (`{id, role, unit}`, as canonical JSON orders them), and one actor
 * (a unit's staff, the inspector) appends event after event: `data.by` is made the object an earlier event with the
 * same actor got, as metadata is shared above. Equal values either way (the same members in the same order, the
 * same strings); a process that keeps the events it reads or appends holds one such object per actor instead of one
 * per event (~130 bytes each, with its three strings). Anything else in `by` is left as it is. Bounded: past
 * ACTOR_REFS_KEPT distinct actors it starts over. Nothing may change an event's data, shared or not.
 */
const actorRefs = new Map<string, Record<string, unknown>>();
const ACTOR_REFS_KEPT = 10_000;

function shareActorRef(data: Record<string, unknown>): void {
  const by = data.by as Record<string, unknown> | null | undefined;
  if (by === null || typeof by !== 'object' || Array.isArray(by)) return;
  const { id, role, unit } = by;
  if (typeof id !== 'string' || typeof role !== 'string' || typeof unit !== 'string' || !isIdRoleUnit(by)) return;
  const known = actorRefs.get(id);
  if (known !== undefined && known.role === role && known.unit === unit) {
    data.by = known;
    return;
  }
  if (actorRefs.size >= ACTOR_REFS_KEPT) actorRefs.clear();
  actorRefs.set(id, by);
}

/** Exactly the members id, role and unit, in that order (enumerable ones, own or inherited: a plain parsed object). */
function isIdRoleUnit(by: object): boolean {
  let i = 0;
  for (const key in by) if (key !== ACTOR_REF_MEMBERS[i++]) return false;
  return i === ACTOR_REF_MEMBERS.length;
}

const ACTOR_REF_MEMBERS = ['id', 'role', 'unit'] as const;

export function recordLeafHash(record: string): Buffer {
  return leafHash(record);
}

/** A row as the SQL adapters store it; `verify` checks the index columns against the record. */
export interface StoredRow {
  readonly position: number;
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly commandId: string;
  readonly record: string;
  readonly leafHash: Uint8Array;
}

/** Returns why a row's index columns disagree with its record, or undefined when they agree. */
export function rowMismatch(row: StoredRow, event: RecordedEvent): string | undefined {
  if (event.position !== row.position) return `record says position ${event.position}, row is at ${row.position}`;
  if (event.id !== row.eventId) return 'event_id column differs from the record';
  if (event.streamId !== row.streamId) return 'stream_id column differs from the record';
  if (event.streamVersion !== row.streamVersion) return 'stream_version column differs from the record';
  if (event.type !== row.type) return 'type column differs from the record';
  if (event.metadata?.commandId !== row.commandId) return 'command_id column differs from the record';
  return undefined;
}

const METADATA_START = ',"metadata":{"actorId":';

/**
 * The same check as `rowMismatch` without parsing the record, for `verify`'s hot loop. It relies on the record's
 * canonical layout (`encodeRecordParts`): the envelope's last members are position, schemaVersion, streamId,
 * streamVersion and type, in that order, and the text before metadata is the id. A quote inside a JSON string is
 * always escaped, so the unescaped markers searched for cannot come from a string value; `lastIndexOf` skips any
 * look-alike key inside `data`, which comes first. A record that is not canonical falls back to a full parse.
 */
export function rowMismatchFast(row: StoredRow): string | undefined {
  const r = row.record;
  const tail =
    ',"streamId":' + JSON.stringify(row.streamId) + ',"streamVersion":' + row.streamVersion + ',"type":' + JSON.stringify(row.type) + '}';
  const positionAt = r.lastIndexOf(',"position":');
  const schemaAt = positionAt < 0 ? -1 : r.indexOf(',"schemaVersion":', positionAt);
  const metaAt = r.lastIndexOf(METADATA_START, positionAt);
  const idPart = ',"id":' + JSON.stringify(row.eventId);
  const ok =
    r.endsWith(tail) &&
    schemaAt > 0 &&
    r.slice(positionAt + 12, schemaAt) === String(row.position) &&
    /^\d+$/.test(r.slice(schemaAt + 17, r.length - tail.length)) &&
    metaAt > 0 &&
    r.startsWith(idPart, metaAt - idPart.length) &&
    r.slice(metaAt, positionAt).includes(',"commandId":' + JSON.stringify(row.commandId) + ',');
  if (ok) return undefined;
  let event: RecordedEvent;
  try {
    event = decodeRecord(r);
  } catch {
    return 'record is not valid JSON';
  }
  return rowMismatch(row, event) ?? 'record is not in canonical form';
}

/** An append as its writer committed it: what it was asked, what it got, and the time it was recorded at. */
export interface CommittedAppend {
  readonly prepared: PreparedAppend;
  /** Never a duplicate's result: a replayed command wrote nothing. */
  readonly result: AppendResult;
  readonly recordedAt: string;
}

/**
 * The events of a committed append exactly as `decodeRecord` reads them back from the records `planAppend` wrote:
 * the same members in the same (RFC 8785) order, `data` parsed from the canonical `dataJson` (never the caller's
 * object, whose key order and numbers may differ from the stored ones), the metadata members `encodeMetadata`
 * keeps, one metadata object shared by consecutive events with the same occurred-at, and `data.by` shared as
 * `decodeRecord` shares it. So the process that
 * appended can fold its own events without reading them back. Undefined if the result does not describe the
 * prepared events (it always does for a non-duplicate append; the caller then reads instead).
 */
export function recordedEventsOf({ prepared, result, recordedAt }: CommittedAppend): RecordedEvent[] | undefined {
  const { request, events } = prepared;
  const n = events.length;
  if (result.duplicate || n === 0 || result.lastPosition - result.firstPosition + 1 !== n || result.streamId !== request.streamId) return undefined;
  const m = request.metadata;
  const firstVersion = result.streamVersion - n + 1;
  const out: RecordedEvent[] = new Array<RecordedEvent>(n);
  let metadata: EventMetadata | undefined;
  const recorded = recentRecordedAt.shared(recordedAt);
  for (let i = 0; i < n; i++) {
    const e = events[i];
    if (metadata === undefined || metadata.occurredAt !== e.occurredAt) {
      metadata = {
        actorId: m.actorId,
        actorRole: m.actorRole,
        actorUnit: m.actorUnit,
        causationId: m.causationId,
        commandId: m.commandId,
        correlationId: m.correlationId,
        occurredAt: recentOccurredAt.shared(e.occurredAt),
        recordedAt: recorded,
      };
    }
    const data = JSON.parse(e.dataJson) as JsonObject;
    shareData(data);
    out[i] = {
      data,
      id: e.id,
      metadata,
      position: result.firstPosition + i,
      schemaVersion: e.schemaVersion,
      streamId: request.streamId,
      streamVersion: firstVersion + i,
      type: e.type,
    };
  }
  return out;
}
