import { ANY, NO_STREAM, STREAM_EXISTS, type AppendExpectedRevision, type EventData, type RecordedEvent as ClientRecordedEvent } from '@eventstore/db-client';
import fc from 'fast-check';
import { EventStoreError } from '../errors';
import { canonicalize, leafHash } from '../integrity';
import type { AppendResult, EventMetadata } from '../port';
import { deriveEventId, encodeRecord } from '../record';
import {
  clientConnectionString,
  commandRecordEventData,
  CorruptEntryError,
  decodeCommandRecord,
  decodeEntry,
  decodePosition,
  entryEventData,
  entryRecord,
  expectedRevisionFor,
  expectedVersionOfRevision,
  ledgerStreamNames,
  linkEventData,
  positionCompletingNode,
  positionEventData,
  uuidFromHash,
  versionOfCurrentRevision,
  versionOfRevision,
  type NewEntry,
} from './mapping';

/** What the client does to an EventData on its way to the server and back: JSON text both ways. */
function overTheWire(data: EventData, revision: bigint): ClientRecordedEvent {
  const isJson = data.contentType === 'application/json';
  return {
    streamId: '_ledger-log',
    id: data.id,
    isJson,
    revision,
    type: data.type,
    created: new Date(0),
    data: isJson ? JSON.parse(JSON.stringify(data.data)) : data.data,
    metadata: data.metadata === undefined ? undefined : JSON.parse(JSON.stringify(data.metadata)),
  } as ClientRecordedEvent;
}

const metadata: EventMetadata = {
  actorId: 'user-inspector-1',
  actorRole: 'inspector',
  actorUnit: 'insp',
  commandId: 'cmd-1',
  correlationId: 'corr-1',
  causationId: null,
  occurredAt: '2018-10-10T02:00:00.000Z',
  recordedAt: '2018-10-10T02:00:01.000Z',
};

function entry(overrides: Partial<NewEntry> = {}): NewEntry {
  const dataJson = canonicalize({ title: 'Inspect the dam', n: 3, nested: { b: [1, 'x'], a: null } });
  return {
    entryId: '7d1c7a4e-3f7b-4f5e-9a55-0c3b8f0e2a11',
    id: deriveEventId('cmd-1', 0),
    type: 'TaskRegistered',
    dataJson,
    metadata,
    schemaVersion: 2,
    streamId: 'task-1',
    streamVersion: 4,
    position: 256,
    eventIndex: 0,
    eventCount: 1,
    leafHash: leafHash('record'),
    nodes: [{ level: 8, index: 0, hash: leafHash('node') }],
    ...overrides,
  };
}

describe('EventStoreDB mapping', () => {
  describe('stream names', () => {
    it('keeps aggregate streams as they are and puts the bookkeeping under _ledger-', () => {
      const n = ledgerStreamNames();
      expect([n.log, n.materialized, n.stream('task-1'), n.checkpoint('read-models')]).toEqual([
        '_ledger-log',
        '_ledger-materialized',
        'task-1',
        '_ledger-checkpoint-read-models',
      ]);
      expect(n.command('cmd-1')).toMatch(/^_ledger-command-[0-9a-f]{64}$/);
      expect(n.command('cmd-1')).not.toBe(n.command('cmd-2'));
    });

    it('prefixes every stream with a namespace and strips it back', () => {
      const n = ledgerStreamNames('test-42');
      expect([n.log, n.stream('task-1')]).toEqual(['test-42/_ledger-log', 'test-42/task-1']);
      expect(n.streamIdOf('test-42/task-1')).toBe('task-1');
      expect(n.streamIdOf('other/task-1')).toBe('other/task-1');
    });

    it('refuses a namespace that could be mistaken for a stream', () => {
      expect(() => ledgerStreamNames('a/b')).toThrow(EventStoreError);
      expect(() => ledgerStreamNames('$all')).toThrow(/namespace/);
    });

    it('refuses an empty subscription name', () => {
      expect(() => ledgerStreamNames().checkpoint('')).toThrow(expect.objectContaining({ code: 'STORE.INVALID_QUERY' }));
    });
  });

  describe('versions and revisions', () => {
    it('expects NO_STREAM for an empty stream and revision n − 1 for n events', () => {
      expect(expectedRevisionFor(0)).toBe(NO_STREAM);
      expect(expectedRevisionFor(1)).toBe(0n);
      expect(expectedRevisionFor(2 ** 53 - 1)).toBe(BigInt(2 ** 53 - 2));
      expect(() => expectedRevisionFor(-1)).toThrow(RangeError);
      expect(() => expectedRevisionFor(1.5)).toThrow(RangeError);
    });

    it('reads revision r as version r + 1 and no_stream as 0', () => {
      expect(versionOfRevision(0n)).toBe(1);
      expect(versionOfCurrentRevision(NO_STREAM)).toBe(0);
      expect(versionOfCurrentRevision(41n)).toBe(42);
      expect(() => versionOfRevision(BigInt(Number.MAX_SAFE_INTEGER))).toThrow(expect.objectContaining({ code: 'STORE.NUMBER_RANGE' }));
    });

    it('round-trips every count through an expected revision', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER - 1 }), (n) => {
          expect(versionOfRevision(expectedRevisionFor(n) as bigint)).toBe(n);
        }),
      );
    });

    it('words the client expected revisions the way our errors do', () => {
      expect(([ANY, NO_STREAM, STREAM_EXISTS, 4n] as AppendExpectedRevision[]).map((r) => expectedVersionOfRevision(r))).toEqual(['any', 'no-stream', 'stream-exists', 5]);
    });
  });

  describe('log entries', () => {
    it('round-trips data, envelope metadata, schema version, place and hashes through the client', () => {
      const e = entry();
      const wire = entryEventData(e);
      expect(wire).toMatchObject({ id: e.entryId, type: 'TaskRegistered', contentType: 'application/json' });
      const decoded = decodeEntry(overTheWire(wire, 255n));
      expect(decoded.event).toEqual({
        id: e.id,
        streamId: 'task-1',
        streamVersion: 4,
        position: 256,
        type: 'TaskRegistered',
        schemaVersion: 2,
        data: JSON.parse(e.dataJson),
        metadata,
      });
      expect(decoded.claimedPosition).toBe(256);
      expect([decoded.eventIndex, decoded.eventCount]).toEqual([0, 1]);
      expect(decoded.leafHash.equals(e.leafHash)).toBe(true);
      expect(decoded.nodes).toEqual([{ level: 8, index: 0, hash: e.nodes[0].hash }]);
    });

    it('carries the correlation and causation ids under EventStoreDB’s own names', () => {
      const withCause = entryEventData(entry({ metadata: { ...metadata, causationId: 'evt-9' } }));
      expect(withCause.metadata).toMatchObject({ $correlationId: 'corr-1', $causationId: 'evt-9' });
      expect(entryEventData(entry()).metadata).not.toHaveProperty('$causationId');
    });

    it('keeps only the envelope metadata in the decoded event, so its record is the one that was hashed', () => {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 3 }), fc.string(), (value, s) => {
          let dataJson: string;
          try {
            dataJson = canonicalize({ value, s, '10': 1, '9': 2 });
          } catch {
            return; // not I-JSON (the append would refuse it)
          }
          const e = entry({ dataJson, position: 7 });
          const decoded = decodeEntry(overTheWire(entryEventData(e), 6n));
          // The record as every adapter computes it on append, from the canonical text and the envelope.
          expect(entryRecord(decoded.event)).toBe(encodeRecord(decoded.event));
          expect(canonicalize(decoded.event.data)).toBe(dataJson);
        }),
        { numRuns: 200 },
      );
    });

    it('takes the position from the revision, not from what the entry says', () => {
      const decoded = decodeEntry(overTheWire(entryEventData(entry({ position: 9 })), 2n));
      expect(decoded.event.position).toBe(3);
      expect(decoded.claimedPosition).toBe(9);
    });

    it.each<[string, (m: Record<string, unknown>) => void, RegExp]>([
      ['a missing actor', (m) => delete m.actorId, /actorId/],
      ['a non-numeric stream version', (m) => (m.streamVersion = '4'), /streamVersion/],
      ['an index past the count', (m) => (m.eventIndex = 1), /eventIndex/],
      ['a short leaf hash', (m) => (m.leafHash = 'abcd'), /leafHash/],
      ['a malformed node', (m) => (m.nodes = [[8, 0]]), /nodes\[0\]/],
    ])('refuses an entry with %s, naming its position', (_what, spoil, field) => {
      const wire = overTheWire(entryEventData(entry()), 255n);
      spoil(wire.metadata as Record<string, unknown>);
      expect(() => decodeEntry(wire)).toThrow(CorruptEntryError);
      expect(() => decodeEntry(wire)).toThrow(field);
      expect(() => decodeEntry(wire)).toThrow(/position 256/);
    });

    it('refuses an entry whose data is not JSON', () => {
      const wire = { ...overTheWire(entryEventData(entry()), 0n), isJson: false } as ClientRecordedEvent;
      expect(() => decodeEntry(wire)).toThrow(/content type/);
    });

    it('finds each Merkle node in the entry of the last leaf it covers', () => {
      expect(positionCompletingNode(8, 0)).toBe(256);
      expect(positionCompletingNode(8, 1)).toBe(512);
      expect(positionCompletingNode(9, 0)).toBe(512);
      expect(positionCompletingNode(0, 6)).toBe(7);
    });
  });

  describe('links, command records and positions', () => {
    it('links to a log entry by its revision', () => {
      const link = linkEventData('id-1', 5, ledgerStreamNames('ns'));
      expect(link).toMatchObject({ id: 'id-1', type: '$>', contentType: 'application/octet-stream' });
      expect(Buffer.from(link.data as Uint8Array).toString('utf8')).toBe('4@ns/_ledger-log');
    });

    it('round-trips a command’s first result and marks it as a duplicate', () => {
      const result: AppendResult = { streamId: 'task-9', streamVersion: 2, firstPosition: 10, lastPosition: 11, eventIds: ['a', 'b'], duplicate: false };
      const wire = commandRecordEventData('cmd-9', result);
      expect(wire.id).toBe(commandRecordEventData('cmd-9', result).id);
      expect(decodeCommandRecord(overTheWire(wire, 0n), 'cmd-9')).toEqual({ ...result, duplicate: true });
      expect(() => decodeCommandRecord(overTheWire(wire, 0n), 'cmd-other')).toThrow(/cmd-other/);
    });

    it('round-trips checkpoint positions', () => {
      expect(decodePosition(overTheWire(positionEventData('LedgerCheckpointStored', 42), 0n), 'checkpoint')).toBe(42);
      expect(() => decodePosition(overTheWire(positionEventData('X', -1), 0n), 'checkpoint')).toThrow(/checkpoint/);
    });

    it('derives stable UUID-shaped ids', () => {
      expect(uuidFromHash('a')).toBe(uuidFromHash('a'));
      expect(uuidFromHash('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });
  });

  describe('connection strings', () => {
    it.each([
      ['esdb://localhost:2113?tls=false', 'esdb://localhost:2113?tls=false'],
      ['esdb+discover://admin:changeit@cluster.local:2113', 'esdb+discover://admin:changeit@cluster.local:2113'],
      ['kurrentdb://node1:2113,node2:2113,node3:2113?tls=false', 'esdb://node1:2113,node2:2113,node3:2113?tls=false'],
      ['KurrentDB+discover://cluster:2113', 'esdb+discover://cluster:2113'],
      ['kdb://localhost:2113', 'esdb://localhost:2113'],
    ])('hands %s to the client as %s', (url, expected) => {
      expect(clientConnectionString(url)).toBe(expected);
    });

    it.each(['http://localhost:2113', 'localhost:2113', '', 'postgres://x'])('refuses %j, naming the accepted schemes', (url) => {
      expect(() => clientConnectionString(url)).toThrow(expect.objectContaining({ code: 'CONFIG.INVALID', message: expect.stringContaining('kurrentdb://') }));
    });
  });
});
