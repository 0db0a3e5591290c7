import fc from 'fast-check';
import { planAppend } from './append-plan';
import { MerkleFrontier } from './integrity';
import type { CommandMetadata, JsonObject, NewEvent } from './port';
import { decodeRecord, prepareAppend, recordedEventsOf } from './record';

const policy = { streamKinds: new Set(['task']) };

const iJsonObject = fc
  .dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 })
  .filter(function ok(v: unknown): boolean {
    if (typeof v === 'number') return !Number.isInteger(v) || Number.isSafeInteger(v);
    if (Array.isArray(v)) return v.every(ok);
    if (v && typeof v === 'object') return Object.entries(v).every(([k, x]) => k !== '__proto__' && ok(x));
    return true;
  }) as fc.Arbitrary<JsonObject>;

const instant = fc.constantFrom('2018-10-10T02:00:00.000Z', '2018-10-11T08:30:00.000Z', '2019-01-01T00:00:00Z');

const newEvent: fc.Arbitrary<NewEvent> = fc.record(
  {
    type: fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,12}$/),
    data: iJsonObject,
    schemaVersion: fc.integer({ min: 1, max: 1000 }),
    occurredAt: instant,
  },
  { requiredKeys: ['type', 'data'] },
);

const metadata: fc.Arbitrary<CommandMetadata> = fc.record({
  actorId: fc.constantFrom('head-c', 'p-zh-staff', '中文'),
  actorRole: fc.constantFrom('unit_head', 'inspector'),
  actorUnit: fc.constantFrom('zh', 'city'),
  commandId: fc.uuid(),
  correlationId: fc.constantFrom('corr-1', 'corr-2'),
  causationId: fc.option(fc.constant('cause-1'), { nil: null }),
  occurredAt: instant,
});

describe('the events of a committed append, built without reading them back', () => {
  it('equal, member for member and in member order, what decodeRecord reads from the stored records', () => {
    fc.assert(
      fc.property(
        fc.array(newEvent, { minLength: 1, maxLength: 5 }),
        metadata,
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        (events, m, version, head) => {
          // Extra members on the caller's metadata are not stored, so they must not appear.
          const prepared = prepareAppend({ streamId: 'task-1', expectedVersion: 'any', events, metadata: { ...m, extra: 'x' } as CommandMetadata }, policy);
          const recordedAt = '2018-10-12T00:00:00.000Z';
          const plan = planAppend(prepared, version, head, MerkleFrontier.empty(), recordedAt);
          const built = recordedEventsOf({ prepared, result: plan.result, recordedAt });
          const decoded = plan.rows.map((r) => decodeRecord(r.record));
          expect(built).toEqual(decoded);
          expect(JSON.stringify(built)).toBe(JSON.stringify(decoded));
          built!.forEach((e, i) => expect(Object.keys(e.data)).toEqual(Object.keys(decoded[i].data)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('parses data from the canonical text, not the caller object', () => {
    const data = { b: 1, a: 1.5e-7, c: -0, '10': 'x', '2': 'y' } as unknown as JsonObject;
    const prepared = prepareAppend({ streamId: 'task-1', expectedVersion: 'any', events: [{ type: 'X', data }], metadata: { actorId: 'a', actorRole: 'r', actorUnit: 'u', commandId: 'c', correlationId: 'k', causationId: null, occurredAt: '2018-10-10T02:00:00.000Z' } }, policy);
    const plan = planAppend(prepared, 0, 0, MerkleFrontier.empty(), '2018-10-10T02:00:00.000Z');
    const [event] = recordedEventsOf({ prepared, result: plan.result, recordedAt: '2018-10-10T02:00:00.000Z' })!;
    expect(event.data).not.toBe(data);
    expect(Object.keys(event.data)).toEqual(['2', '10', 'a', 'b', 'c']);
    expect(Object.is(event.data.c, -0)).toBe(false);
  });

  it('shares one metadata object between consecutive events with the same occurred-at', () => {
    const m = { actorId: 'a', actorRole: 'r', actorUnit: 'u', commandId: 'c', correlationId: 'k', causationId: null, occurredAt: '2018-10-10T02:00:00.000Z' };
    const prepared = prepareAppend(
      { streamId: 'task-1', expectedVersion: 'any', events: [{ type: 'X', data: {} }, { type: 'Y', data: {} }, { type: 'Z', data: {}, occurredAt: '2018-01-01T00:00:00.000Z' }], metadata: m },
      policy,
    );
    const plan = planAppend(prepared, 0, 0, MerkleFrontier.empty(), '2018-10-10T02:00:00.000Z');
    const events = recordedEventsOf({ prepared, result: plan.result, recordedAt: '2018-10-10T02:00:00.000Z' })!;
    expect(events[0].metadata).toBe(events[1].metadata);
    expect(events[2].metadata).not.toBe(events[1].metadata);
    expect(events[2].metadata.occurredAt).toBe('2018-01-01T00:00:00.000Z');
  });

  it('gives the events of one actor, in this append and the next, the same `data.by` object', () => {
    const m = { actorId: 'a', actorRole: 'r', actorUnit: 'u', commandId: 'c', correlationId: 'k', causationId: null, occurredAt: '2018-10-10T02:00:00.000Z' };
    const by = { unit: 'u', id: 'a', role: 'r' };
    const built = (commandId: string) => {
      const prepared = prepareAppend({ streamId: 'task-1', expectedVersion: 'any', events: [{ type: 'X', data: { by } }, { type: 'Y', data: { by, n: 1 } }], metadata: { ...m, commandId } }, policy);
      const plan = planAppend(prepared, 0, 0, MerkleFrontier.empty(), '2018-10-10T02:00:00.000Z');
      return recordedEventsOf({ prepared, result: plan.result, recordedAt: '2018-10-10T02:00:00.000Z' })!;
    };
    const [first, second] = built('c1');
    const [third] = built('c2');
    expect(second.data.by).toBe(first.data.by);
    expect(third.data.by).toBe(first.data.by);
    expect(first.data.by).not.toBe(by);
    // In canonical order, as decodeRecord reads it.
    expect(Object.keys(first.data.by as object)).toEqual(['id', 'role', 'unit']);
  });

  it('builds nothing for a replayed command (it wrote nothing) or a result that does not describe the append', () => {
    const m = { actorId: 'a', actorRole: 'r', actorUnit: 'u', commandId: 'c', correlationId: 'k', causationId: null, occurredAt: '2018-10-10T02:00:00.000Z' };
    const prepared = prepareAppend({ streamId: 'task-1', expectedVersion: 'any', events: [{ type: 'X', data: {} }], metadata: m }, policy);
    const plan = planAppend(prepared, 0, 0, MerkleFrontier.empty(), '2018-10-10T02:00:00.000Z');
    expect(recordedEventsOf({ prepared, result: { ...plan.result, duplicate: true }, recordedAt: 'x' })).toBeUndefined();
    expect(recordedEventsOf({ prepared, result: { ...plan.result, lastPosition: 2 }, recordedAt: 'x' })).toBeUndefined();
  });
});
