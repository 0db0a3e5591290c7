import { WrongExpectedVersionError } from './errors';
import type { MerkleFrontier, StoredNode } from './integrity';
import type { AppendResult, EventMetadata, ExpectedVersion } from './port';
import { encodeMetadata, encodeRecordParts, recordLeafHash, type PreparedAppend, type StoredRow } from './record';

/** Throws WrongExpectedVersionError unless the stream's current version satisfies the expectation. */
export function checkExpectedVersion(streamId: string, expected: ExpectedVersion, current: number): void {
  if (expected === 'any') return;
  const want = expected === 'no-stream' ? 0 : expected;
  if (current !== want) throw new WrongExpectedVersionError(streamId, expected, current);
}

export interface AppendPlan {
  readonly rows: StoredRow[];
  readonly nodes: StoredNode[];
  readonly result: AppendResult;
}

/**
 * Turns one validated append into rows at the next positions and advances the Merkle frontier (mutating it: the
 * caller passes a clone it can drop if the transaction fails). Shared by the SQL adapters so both write identical
 * records and hashes.
 */
export function planAppend(
  prepared: PreparedAppend,
  currentStreamVersion: number,
  lastPosition: number,
  frontier: MerkleFrontier,
  recordedAt: string,
): AppendPlan {
  const { request, events } = prepared;
  checkExpectedVersion(request.streamId, request.expectedVersion, currentStreamVersion);
  const m = request.metadata;
  const base: Omit<EventMetadata, 'occurredAt'> = {
    actorId: m.actorId,
    actorRole: m.actorRole,
    actorUnit: m.actorUnit,
    commandId: m.commandId,
    correlationId: m.correlationId,
    causationId: m.causationId,
    recordedAt,
  };
  const metaByOccurred = new Map<string, string>();
  const rows: StoredRow[] = [];
  const nodes: StoredNode[] = [];
  let position = lastPosition;
  let version = currentStreamVersion;
  for (const e of events) {
    position += 1;
    version += 1;
    let metadataJson = metaByOccurred.get(e.occurredAt);
    if (metadataJson === undefined) {
      metadataJson = encodeMetadata({ ...base, occurredAt: e.occurredAt });
      metaByOccurred.set(e.occurredAt, metadataJson);
    }
    const record = encodeRecordParts(e.dataJson, e.id, metadataJson, position, e.schemaVersion, request.streamId, version, e.type);
    const leaf = recordLeafHash(record);
    for (const n of frontier.append(leaf)) nodes.push(n);
    rows.push({
      position,
      eventId: e.id,
      streamId: request.streamId,
      streamVersion: version,
      type: e.type,
      commandId: m.commandId,
      record,
      leafHash: leaf,
    });
  }
  return {
    rows,
    nodes,
    result: {
      streamId: request.streamId,
      streamVersion: version,
      firstPosition: lastPosition + 1,
      lastPosition: position,
      eventIds: events.map((e) => e.id),
      duplicate: false,
    },
  };
}

/** The first result of a command, rebuilt from its stored rows (contiguous positions, same command id). */
export function resultFromRows(rows: ReadonlyArray<Pick<StoredRow, 'position' | 'eventId' | 'streamId' | 'streamVersion'>>): AppendResult {
  const first = rows[0];
  const last = rows[rows.length - 1];
  return {
    streamId: first.streamId,
    streamVersion: last.streamVersion,
    firstPosition: first.position,
    lastPosition: last.position,
    eventIds: rows.map((r) => r.eventId),
    duplicate: true,
  };
}
