import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalize } from './integrity';
import { InvalidAppendError } from './errors';
import {
  decodeRecord,
  deriveEventId,
  encodeMetadata,
  encodeRecord,
  encodeRecordParts,
  isInstant,
  prepareAppend,
  rowMismatchFast,
  type StoredRow,
} from './record';
import type { EventMetadata, JsonObject } from './port';

const metadata: EventMetadata = {
  actorId: 'head-c',
  actorRole: 'unit_head',
  actorUnit: 'zh',
  commandId: 'cmd-1',
  correlationId: 'corr-1',
  causationId: null,
  occurredAt: '2018-10-10T02:00:00.000Z',
  recordedAt: '2018-10-10T02:00:01.000Z',
};

const iJson = fc.jsonValue({ maxDepth: 3 }).filter(function ok(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isInteger(v) || Number.isSafeInteger(v);
  if (Array.isArray(v)) return v.every(ok);
  if (v && typeof v === 'object') return Object.entries(v).every(([k, x]) => k !== '__proto__' && ok(x));
  return true;
});

const streamId = fc.stringMatching(/^task-[A-Za-z0-9][A-Za-z0-9._:~-]{0,20}$/);
const typeName = fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,20}$/);

function row(data: JsonObject, sid: string, type: string, position: number, version: number, m = metadata): StoredRow {
  const id = deriveEventId(m.commandId, 0);
  const record = encodeRecordParts(canonicalize(data), id, encodeMetadata(m), position, 1, sid, version, type);
  return { position, eventId: id, streamId: sid, streamVersion: version, type, commandId: m.commandId, record, leafHash: Buffer.alloc(32) };
}

describe('the stored record', () => {
  it('is exactly the RFC 8785 form of the envelope', () => {
    fc.assert(
      fc.property(iJson, streamId, typeName, fc.nat(), fc.nat(), fc.string(), (value, sid, type, position, version, actor) => {
        const m = { ...metadata, actorId: actor || 'x' };
        const r = row({ value: value as never, 'k\u0301': '中文' }, sid, type, position, version, m);
        expect(r.record).toBe(encodeRecord(decodeRecord(r.record)));
        expect(r.record).toBe(canonicalize(JSON.parse(r.record)));
      }),
    );
  });

  describe('when verify compares the index columns without parsing', () => {
    it('accepts every untouched row', () => {
      fc.assert(
        fc.property(iJson, streamId, typeName, fc.nat(), fc.nat(), (value, sid, type, position, version) => {
          expect(rowMismatchFast(row({ value: value as never }, sid, type, position, version))).toBeUndefined();
        }),
      );
    });

    it('names any column that no longer agrees with the record', () => {
      const r = row({ note: ',"position":3,"metadata":{"actorId":"x"}', nested: { id: 'fake' } }, 'task-1', 'ProgressReported', 7, 3);
      expect(rowMismatchFast(r)).toBeUndefined();
      expect(rowMismatchFast({ ...r, position: 8 })).toMatch(/position/);
      expect(rowMismatchFast({ ...r, streamId: 'task-2' })).toMatch(/stream_id/);
      expect(rowMismatchFast({ ...r, streamVersion: 4 })).toMatch(/stream_version/);
      expect(rowMismatchFast({ ...r, type: 'TaskClosed' })).toMatch(/type/);
      expect(rowMismatchFast({ ...r, eventId: deriveEventId('other', 0) })).toMatch(/event_id/);
      expect(rowMismatchFast({ ...r, commandId: 'cmd-2' })).toMatch(/command_id/);
      expect(rowMismatchFast({ ...r, record: r.record.slice(0, -1) })).toMatch(/JSON/);
      expect(rowMismatchFast({ ...r, record: JSON.stringify(JSON.parse(r.record), null, 1) })).toMatch(/canonical/);
    });
  });
});

describe('event ids', () => {
  it('are derived from the command id and index, stable, UUID-shaped and distinct', () => {
    expect(deriveEventId('cmd-1', 0)).toBe(deriveEventId('cmd-1', 0));
    expect(deriveEventId('cmd-1', 0)).not.toBe(deriveEventId('cmd-1', 1));
    expect(deriveEventId('cmd-1', 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('are the ids every store has recorded so far (the digest laid out as a UUID, built as one flat string)', () => {
    const laidOut = (commandId: string, index: number) => {
      const h = createHash('sha256').update(commandId).update('\u0000').update(String(index)).digest('hex');
      const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    };
    expect(deriveEventId('cmd-1', 0)).toBe('2412b7f2-4877-879d-85ac-fc6e409f18e0');
    fc.assert(fc.property(fc.string(), fc.nat(1000), (commandId, index) => expect(deriveEventId(commandId, index)).toBe(laidOut(commandId, index))), { numRuns: 500 });
  });
});

describe('instants', () => {
  it.each(['2018-10-31T23:59:59Z', '2018-10-31T23:59:59.123Z', '2020-02-29T00:00:00.000Z'])('accepts %s', (v) => expect(isInstant(v)).toBe(true));
  it.each(['2018-02-30T00:00:00Z', '2018-10-31', '2018-10-31T24:00:00Z', '2018-10-31T10:00:00+08:00', 42])('refuses %s', (v) =>
    expect(isInstant(v)).toBe(false),
  );
});

describe('preparing an append', () => {
  const policy = { streamKinds: new Set(['task']), maxEventBytes: 1024 };
  const base = { streamId: 'task-1', expectedVersion: 'any' as const, metadata, events: [{ type: 'X', data: {} }] };
  it('refuses prototype-pollution keys and deep nesting, naming the path', () => {
    const polluted = JSON.parse('{"a":{"__proto__":{"admin":true}}}') as JsonObject;
    expect(() => prepareAppend({ ...base, events: [{ type: 'X', data: polluted }] }, policy)).toThrow(InvalidAppendError);
    let deep: JsonObject = {};
    for (let i = 0; i < 100; i++) deep = { d: deep };
    try {
      prepareAppend({ ...base, events: [{ type: 'X', data: deep }] }, policy);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toMatchObject({ code: 'STORE.NOT_I_JSON' });
    }
  });
  it('measures size in UTF-8 bytes', () => {
    expect(() => prepareAppend({ ...base, events: [{ type: 'X', data: { s: '中'.repeat(400) } }] }, policy)).toThrow(/larger than 1024 bytes/);
    expect(prepareAppend({ ...base, events: [{ type: 'X', data: { s: 'a'.repeat(900) } }] }, policy).events).toHaveLength(1);
  });
});

describe('decodeRecord', () => {
  const record = (position: number, meta: object) =>
    encodeRecord({ id: `e-${position}`, streamId: 'task-t1', streamVersion: position, position, type: 'X', schemaVersion: 1, data: { n: position }, metadata: meta as EventMetadata });

  it('gives consecutive events of one append the same metadata object, with the same members', () => {
    const [a, b] = [decodeRecord(record(1, metadata)), decodeRecord(record(2, metadata))];
    expect(b.metadata).toBe(a.metadata);
    expect(b.metadata).toEqual(metadata);
    expect(b.data).toEqual({ n: 2 });
  });

  it('gives events of one actor the same `data.by` object, with the same members in the same order', () => {
    const by = { id: 'head-c', role: 'unit_head', unit: 'zh' };
    const withBy = (position: number, data: object) =>
      encodeRecord({ id: `e-${position}`, streamId: 'task-t1', streamVersion: position, position, type: 'X', schemaVersion: 1, data: data as JsonObject, metadata: { ...metadata, commandId: `cmd-${position}` } });
    const a = decodeRecord(withBy(1, { by, n: 1 }));
    const b = decodeRecord(withBy(2, { at: 'x', by, n: 2 }));
    expect(b.data.by).toBe(a.data.by);
    expect(JSON.stringify(b.data)).toBe(JSON.stringify({ at: 'x', by, n: 2 }));
    // Another actor, the same id in another role or unit, or anything but exactly id, role and unit: its own object.
    const others = [{ ...by, id: 'other' }, { ...by, role: 'inspector' }, { ...by, unit: 'city' }, { ...by, extra: 1 }, { id: 'head-c', role: 'unit_head' }, { ...by, unit: 7 }];
    for (const [i, other] of others.entries()) {
      const c = decodeRecord(withBy(3 + i, { by: other }));
      expect(c.data.by).not.toBe(a.data.by);
      expect(c.data.by).toEqual(JSON.parse(canonicalize(other as never)));
    }
    // The last actor of an id is the one shared from then on.
    const d = decodeRecord(withBy(20, { by }));
    expect(decodeRecord(withBy(21, { by, n: 21 })).data.by).toBe(d.data.by);
  });

  it('reads every instant as recorded, however the instants of consecutive records repeat', () => {
    // Instants are kept as the same strings from one record to the next (a few at a time): never another instant.
    const instant = fc.constantFrom('2018-10-10T02:00:00Z', '2018-10-10T02:00:01Z', '2018-10-10T10:00:00+08:00', '2018-10-10T02:00:00.000Z', '2018-10-10T02:00:00.001Z', '2018-10-10T02:00:02Z');
    const stored = fc.record({ at: instant, occurredAt: instant, recordedAt: instant, commandId: fc.constantFrom('c1', 'c2') });
    fc.assert(
      fc.property(fc.array(stored, { minLength: 1, maxLength: 12 }), (records) => {
        for (const [i, r] of records.entries()) {
          const m = { ...metadata, commandId: r.commandId, occurredAt: r.occurredAt, recordedAt: r.recordedAt };
          const text = encodeRecord({ id: `e-${i}`, streamId: 'task-t1', streamVersion: i + 1, position: i + 1, type: 'X', schemaVersion: 1, data: { at: r.at, n: i }, metadata: m });
          const event = decodeRecord(text);
          expect(event.data.at).toBe(r.at);
          expect(event.metadata.occurredAt).toBe(r.occurredAt);
          expect(event.metadata.recordedAt).toBe(r.recordedAt);
          expect(encodeRecord(event)).toBe(text);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps metadata apart when any member differs, is missing, added, or not a plain value', () => {
    const variants: object[] = [
      { ...metadata, commandId: 'cmd-2' },
      { ...metadata, causationId: 'cmd-1' },
      { ...metadata, extra: 'x' },
      { ...metadata, extra: { nested: true } },
      { ...metadata, extra: { nested: true } },
      Object.fromEntries(Object.entries(metadata).filter(([key]) => key !== 'causationId')),
      metadata,
    ];
    let previous = decodeRecord(record(1, metadata));
    for (const [i, meta] of variants.entries()) {
      const next = decodeRecord(record(i + 2, meta));
      expect(next.metadata).not.toBe(previous.metadata);
      expect(next.metadata).toEqual(JSON.parse(JSON.stringify(meta)));
      previous = next;
    }
  });
});

describe('decodeRecord, whatever the record', () => {
  // Text that looks like the envelope's own markers, inside strings, keys and nested objects of data and metadata.
  const tricky = fc.constantFrom(',"metadata":', ',"position":', ',"id":"', '{"data":', '}', '"', '\\', 'metadata', 'position');
  const value = fc.oneof(iJson, tricky, fc.record({ metadata: iJson, position: fc.nat(), id: tricky }));
  // `__proto__` is a key the ledger refuses (canonicalize throws NotIJsonError), so no stored record has one.
  const key = fc.oneof(fc.string(), tricky).filter((k) => k !== '__proto__');
  const envelope = fc.record({
    data: fc.dictionary(key, value, { maxKeys: 4 }),
    id: fc.oneof(fc.uuid(), tricky),
    metadata: fc.oneof(fc.constant(metadata as unknown as JsonObject), fc.dictionary(key, value, { maxKeys: 3 }), iJson),
    position: fc.oneof(fc.nat(), tricky),
    schemaVersion: fc.constant(1),
    streamId: fc.oneof(streamId, tricky),
    streamVersion: fc.nat(),
    type: fc.oneof(typeName, tricky),
  });
  /** The envelope as stored (canonical), or members left out, added, or in another order, or the text cut short. */
  const stored = fc.tuple(envelope, fc.nat(), fc.subarray(['data', 'id', 'metadata', 'position', 'type', 'zzz', 'aaa']), fc.integer({ min: -1, max: 40 })).map(([e, seed, drop, cut]) => {
    const canonical = canonicalize(e as never);
    if (seed % 4 === 0) return canonical;
    if (seed % 4 === 1) return canonical.slice(0, Math.max(0, canonical.length - 1 - cut));
    const entries = Object.entries({ ...e, zzz: seed, aaa: 'x' }).filter(([key]) => !drop.includes(key));
    if (seed % 4 === 2) entries.reverse();
    return JSON.stringify(Object.fromEntries(entries));
  });

  /** JSON text with the metadata's members in name order (a shared metadata object has the first record's order). */
  const text = (event: Record<string, unknown>) =>
    JSON.stringify(event, function (this: unknown, key, value: unknown) {
      if (this !== event || key !== 'metadata' || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
      return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    });

  it('gives what JSON.parse gives (same members in the same order), or throws as it does', () => {
    fc.assert(
      fc.property(fc.array(stored, { minLength: 1, maxLength: 4 }), (records) => {
        for (const record of records) {
          let expected: string;
          try {
            expected = text(JSON.parse(record));
          } catch {
            expect(() => decodeRecord(record)).toThrow(SyntaxError);
            continue;
          }
          expect(text(decodeRecord(record) as unknown as Record<string, unknown>)).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('shares metadata between consecutive records only when its members are the same plain values', () => {
    fc.assert(
      fc.property(fc.array(stored, { minLength: 2, maxLength: 6 }), (records) => {
        let previous: { metadata: unknown } | undefined;
        for (const record of records) {
          let event: { metadata: unknown };
          try {
            event = decodeRecord(record) as unknown as { metadata: unknown };
          } catch {
            previous = undefined;
            continue;
          }
          // (Equal primitives are not a shared object.)
          if (previous !== undefined && event.metadata === previous.metadata && event.metadata !== null && typeof event.metadata === 'object') {
            const m = event.metadata as Record<string, unknown>;
            expect(Array.isArray(m)).toBe(false);
            for (const member of Object.values(m)) expect(member === null || typeof member !== 'object').toBe(true);
          }
          previous = event;
        }
      }),
      { numRuns: 300 },
    );
  });
});
