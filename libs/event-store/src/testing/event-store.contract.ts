/**
 * The one contract every event-store adapter passes. Each adapter's `*.int-spec.ts` calls
 * `describeEventStoreContract` with a harness that opens a fresh, empty store on a real database.
 */
import fc from 'fast-check';
import {
  EMPTY_ROOT,
  fromHex,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from '../integrity';
import { IdempotencyConflictError, InvalidAppendError, WrongExpectedVersionError } from '../errors';
import type { AppendRequest, CommandMetadata, LedgerStore, NewEvent, RecordedEvent } from '../port';
import { encodeRecord } from '../record';
import { TestClock } from './test-clock';

export const CONTRACT_STREAM_KINDS = new Set(['task', 'directive', 'unit', 'objective']);

export interface ContractHarness {
  readonly store: LedgerStore;
  /** Closes `store` and opens the same data again, as after a restart. */
  reopen(): Promise<LedgerStore>;
  /** A second, independent instance on the same data (another process, as far as the store can tell). */
  openSecond?(): Promise<LedgerStore>;
  /** Raw SQL through the engine, as an attacker with database access would; for append-only tests. */
  raw?: {
    updateEvent(position: number): Promise<void>;
    deleteEvent(position: number): Promise<void>;
    /** Rewrites a stored record bypassing the triggers (leaves the leaf hash as it was). */
    tamperRecord(position: number, record: string): Promise<void>;
    /**
     * Deletes every event after `position` bypassing the triggers, leaving the stored Merkle nodes behind (a
     * truncated log). Only where `reopen` really reopens the data: a store that keeps its head in memory would not
     * notice.
     */
    truncateAfter?(position: number): Promise<void>;
  };
  /** The store has dense, gap-free global positions (SQL adapters). */
  readonly densePositions: boolean;
  cleanup(): Promise<void>;
}

let commandCounter = 0;
export function meta(overrides: Partial<CommandMetadata> = {}): CommandMetadata {
  commandCounter += 1;
  return {
    actorId: 'user-inspector-1',
    actorRole: 'inspector',
    actorUnit: 'insp',
    commandId: `cmd-${process.pid}-${Date.now()}-${commandCounter}`,
    correlationId: `corr-${commandCounter}`,
    causationId: null,
    occurredAt: '2018-10-10T02:00:00.000Z',
    ...overrides,
  };
}

export function ev(type: string, data: Record<string, unknown> = {}): NewEvent {
  return { type, data: data as NewEvent['data'] };
}

export function req(streamId: string, events: NewEvent[], expectedVersion: AppendRequest['expectedVersion'] = 'any', m?: Partial<CommandMetadata>): AppendRequest {
  return { streamId, expectedVersion, events, metadata: meta(m) };
}

async function readEverything(store: LedgerStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let from = 1;
  for (;;) {
    const page = await store.readAll({ fromPosition: from, limit: 97 });
    if (page.length === 0) return out;
    out.push(...page);
    from = page[page.length - 1].position + 1;
  }
}

/** fast-check's JSON values, less what I-JSON forbids (integers beyond 2^53 − 1, the key `__proto__`). */
function isIJson(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v) && (!Number.isInteger(v) || Number.isSafeInteger(v));
  if (Array.isArray(v)) return v.every(isIJson);
  if (v !== null && typeof v === 'object') return Object.entries(v).every(([k, x]) => k !== '__proto__' && isIJson(x));
  return true;
}

export function describeEventStoreContract(name: string, open: (clock: TestClock) => Promise<ContractHarness>): void {
  describe(`event store contract: ${name}`, () => {
    let h: ContractHarness;
    let store: LedgerStore;
    let clock: TestClock;

    beforeEach(async () => {
      clock = new TestClock();
      h = await open(clock);
      store = h.store;
    });
    afterEach(async () => {
      // When `open` failed, there is nothing to clean up and its error is the one to see.
      await h?.cleanup();
    });

    describe('when events are appended', () => {
      it('numbers stream versions from 1 and global positions in order, with the envelope intact', async () => {
        const r1 = await store.append(req('task-1', [ev('TaskRegistered', { title: 'T1' }), ev('TaskAssigned', { unit: 'zh' })], 'no-stream'));
        clock.advance(1000);
        const r2 = await store.append(req('task-2', [ev('TaskRegistered', { title: 'T2' })], 'no-stream'));
        const r3 = await store.append(req('task-1', [ev('TaskAcknowledged', {})], 2, { actorId: 'head-c', actorRole: 'unit_head', actorUnit: 'zh' }));
        expect([r1.streamVersion, r2.streamVersion, r3.streamVersion]).toEqual([2, 1, 3]);
        expect(r1.duplicate).toBe(false);
        const all = await readEverything(store);
        expect(all.map((e) => [e.streamId, e.streamVersion, e.type])).toEqual([
          ['task-1', 1, 'TaskRegistered'],
          ['task-1', 2, 'TaskAssigned'],
          ['task-2', 1, 'TaskRegistered'],
          ['task-1', 3, 'TaskAcknowledged'],
        ]);
        if (h.densePositions) {
          expect(all.map((e) => e.position)).toEqual([1, 2, 3, 4]);
          expect([r1.firstPosition, r1.lastPosition, r3.lastPosition]).toEqual([1, 2, 4]);
          expect(await store.headPosition()).toBe(4);
        } else {
          const positions = all.map((e) => e.position);
          expect([...positions].sort((a, b) => a - b)).toEqual(positions);
        }
        const ack = all[3];
        expect(ack.metadata).toMatchObject({ actorId: 'head-c', actorRole: 'unit_head', actorUnit: 'zh', occurredAt: '2018-10-10T02:00:00.000Z' });
        expect(ack.metadata.recordedAt).toBe('2018-09-06T01:00:01.000Z');
        expect(ack.schemaVersion).toBe(1);
        expect(ack.id).toBe(r3.eventIds[0]);
        const stream = await store.readStream('task-1');
        expect(stream.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
        expect((await store.readStream('task-1', { fromVersion: 2 })).map((e) => e.type)).toEqual(['TaskAssigned', 'TaskAcknowledged']);
        expect(await store.readStream('task-404')).toEqual([]);
      });

      it('shows a stream as the log stood at an instant (recorded-at, not occurred-at)', async () => {
        clock.set('2018-10-01T00:00:00.000Z');
        await store.append(req('task-1', [ev('TaskRegistered')], 'no-stream', { occurredAt: '2018-09-30T00:00:00.000Z' }));
        clock.set('2018-10-20T00:00:00.000Z');
        await store.append(req('task-1', [ev('ProgressReported', { percent: 50 })], 1, { occurredAt: '2018-10-05T00:00:00.000Z' }));
        const asOf = await store.readStream('task-1', { recordedUntil: '2018-10-10T00:00:00.000Z' });
        expect(asOf.map((e) => e.type)).toEqual(['TaskRegistered']);
        const now = await store.readStream('task-1');
        expect(now[1].metadata.occurredAt).toBe('2018-10-05T00:00:00.000Z');
        expect(now[1].metadata.recordedAt).toBe('2018-10-20T00:00:00.000Z');
      });

      it('refuses a malformed as-of instant', async () => {
        await expect(store.readStream('task-1', { recordedUntil: 'yesterday' })).rejects.toMatchObject({ code: 'STORE.INVALID_QUERY' });
      });

      it('pages through the whole log', async () => {
        for (let i = 0; i < 25; i++) await store.append(req(`task-${i % 4}`, [ev('ReminderIssued', { n: i }), ev('ReminderIssued', { n: i, second: true })]));
        const all = await readEverything(store);
        expect(all).toHaveLength(50);
        const page = await store.readAll({ fromPosition: all[10].position, limit: 5 });
        expect(page.map((e) => e.position)).toEqual(all.slice(10, 15).map((e) => e.position));
      });
    });

    describe('when events are read by actor', () => {
      const byActor = (all: readonly RecordedEvent[], actorId: string) => all.filter((e) => e.metadata.actorId === actorId);
      const ids = (events: readonly RecordedEvent[]) => events.map((e) => e.id);

      /** Three actors interleaved across four streams, single and multi-event appends; returns the whole log. */
      async function interleaved(): Promise<RecordedEvent[]> {
        const actors = ['actor-a', 'actor-b', 'actor-c'];
        for (let i = 0; i < 24; i++) {
          const events = Array.from({ length: 1 + (i % 3) }, (_, k) => ev('ProgressReported', { i, k }));
          await store.append(req(`task-${i % 4}`, events, 'any', { actorId: actors[(i * 7) % 3] }));
        }
        return readEverything(store);
      }

      it('returns only that actor\'s events, in position order, across streams and multi-event appends', async () => {
        const all = await interleaved();
        for (const actor of ['actor-a', 'actor-b', 'actor-c']) {
          const mine = await store.readByActor(actor);
          expect(ids(mine)).toEqual(ids(byActor(all, actor)));
          expect(mine).toEqual(byActor(all, actor));
          expect(mine.length).toBeGreaterThan(3);
        }
        expect(await store.readByActor('actor-nobody')).toEqual([]);
        expect(await store.readByActor('')).toEqual([]);
      });

      it('keeps to the bounds, both inclusive, and to the limit', async () => {
        const all = await interleaved();
        const mine = byActor(all, 'actor-b');
        const [first, second, third, fourth] = mine;
        // Bounds that fall exactly on the actor's events include them.
        expect(ids(await store.readByActor('actor-b', { fromPosition: second.position, toPosition: fourth.position }))).toEqual(ids([second, third, fourth]));
        // Bounds between them exclude nothing of theirs that lies inside.
        expect(ids(await store.readByActor('actor-b', { fromPosition: first.position + 1, toPosition: third.position - 1 }))).toEqual(ids([second]));
        expect(ids(await store.readByActor('actor-b', { toPosition: first.position }))).toEqual(ids([first]));
        expect(ids(await store.readByActor('actor-b', { fromPosition: mine[mine.length - 1].position }))).toEqual(ids(mine.slice(-1)));
        expect(await store.readByActor('actor-b', { fromPosition: all[all.length - 1].position + 1 })).toEqual([]);
        expect(await store.readByActor('actor-b', { fromPosition: fourth.position, toPosition: second.position })).toEqual([]);
        expect(ids(await store.readByActor('actor-b', { limit: 2 }))).toEqual(ids([first, second]));
        expect(ids(await store.readByActor('actor-b', { fromPosition: second.position, limit: 1 }))).toEqual(ids([second]));
        // Position 0 is before the first event, as in readAll; a limit above the page maximum is cut to it, as there.
        expect(ids(await store.readByActor('actor-b', { fromPosition: 0 }))).toEqual(ids(mine));
        expect(ids(await store.readByActor('actor-b', { limit: 20_000 }))).toEqual(ids(mine));
      });

      it('finds events whose data holds NUL characters and escapes, by actors whose id holds a backslash', async () => {
        // A NUL in the data is valid I-JSON that some engines' JSON parsers refuse; the actor index must not.
        const odd = 'actor-\\u0000-\\\\"x"';
        await store.append(req('task-1', [ev('ProgressReported', { s: 'a\u0000b', t: '\\u0000', u: '\\\u0000' })], 'any', { actorId: odd }));
        await store.append(req('task-2', [ev('ProgressReported', { s: '\u0000' })], 'any', { actorId: 'actor-a' }));
        await store.append(req('task-1', [ev('ProgressReported', { n: 1 })], 'any', { actorId: odd }));
        const all = await readEverything(store);
        expect(await store.readByActor(odd)).toEqual(byActor(all, odd));
        expect(await store.readByActor(odd)).toHaveLength(2);
        expect(await store.readByActor('actor-a')).toEqual(byActor(all, 'actor-a'));
        // No actor id holds a control character (appends refuse them), and PostgreSQL text cannot carry U+0000.
        await expect(store.readByActor('actor-\u0000')).rejects.toMatchObject({ code: 'STORE.INVALID_QUERY', details: { field: 'actorId' } });
      });

      const invalid: Array<[string, Record<string, number>, string]> = [
        ['a fractional fromPosition', { fromPosition: 1.5 }, 'fromPosition'],
        ['a negative fromPosition', { fromPosition: -1 }, 'fromPosition'],
        ['a NaN fromPosition', { fromPosition: NaN }, 'fromPosition'],
        ['a fractional toPosition', { toPosition: 2.5 }, 'toPosition'],
        ['a negative toPosition', { toPosition: -3 }, 'toPosition'],
        ['an infinite toPosition', { toPosition: Infinity }, 'toPosition'],
        ['a zero limit', { limit: 0 }, 'limit'],
        ['a negative limit', { limit: -5 }, 'limit'],
        ['a fractional limit', { limit: 1.5 }, 'limit'],
      ];
      it.each(invalid)('refuses %s with STORE.INVALID_QUERY, naming it, and keeps serving', async (_what, options, field) => {
        await store.append(req('task-1', [ev('TaskRegistered')], 'any', { actorId: 'actor-a' }));
        await expect(store.readByActor('actor-a', options)).rejects.toMatchObject({ code: 'STORE.INVALID_QUERY', details: { field } });
        expect(await store.readByActor('actor-a')).toHaveLength(1);
        await store.append(req('task-1', [ev('TaskAssigned')], 'any', { actorId: 'actor-a' }));
        expect(await store.readByActor('actor-a')).toHaveLength(2);
        expect(await readEverything(store)).toHaveLength(2);
      });

      it('equals readAll filtered by actor and bounds, cut to the limit, for any appends and any bounds', async () => {
        const actors = ['actor-a', 'actor-b', 'actor-c', 'actor-d'];
        let counter = 0;
        const append = fc.record({
          actor: fc.constantFrom(...actors),
          stream: fc.integer({ min: 0, max: 3 }),
          events: fc.integer({ min: 1, max: 3 }),
          // Appends started together share a commit where the adapter groups them.
          together: fc.integer({ min: 1, max: 2 }),
        });
        await fc.assert(
          fc.asyncProperty(
            fc.array(append, { maxLength: 5 }),
            fc.constantFrom(...actors, 'actor-none'),
            fc.nat({ max: 60 }),
            fc.option(fc.nat({ max: 60 }), { nil: undefined }),
            fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
            async (appends, actor, fromOffset, toOffset, limit) => {
              for (const a of appends) {
                await Promise.all(
                  Array.from({ length: a.together }, () =>
                    store.append(
                      req(`task-prop${a.stream}`, Array.from({ length: a.events }, (_, k) => ev('ProgressReported', { n: counter++, k })), 'any', { actorId: a.actor }),
                    ),
                  ),
                );
              }
              const all = await readEverything(store);
              // Bounds relative to the log's positions, so they also fall between and beyond events where positions are sparse.
              const base = all.length > 0 ? all[0].position : 1;
              const fromPosition = base + fromOffset - 2 < 0 ? 0 : base + fromOffset - 2;
              const toPosition = toOffset === undefined ? undefined : base + toOffset;
              const expected = byActor(all, actor)
                .filter((e) => e.position >= fromPosition && (toPosition === undefined || e.position <= toPosition))
                .slice(0, limit ?? 1000);
              const got = await store.readByActor(actor, { fromPosition, toPosition, limit });
              expect(ids(got)).toEqual(ids(expected));
              expect(got).toEqual(expected);
            },
          ),
          { numRuns: 30 },
        );
      }, 60_000);
    });

    describe('when the expected version does not match', () => {
      it('refuses no-stream on an existing stream, a stale exact version, and a version from the future', async () => {
        await store.append(req('task-1', [ev('TaskRegistered')], 'no-stream'));
        await expect(store.append(req('task-1', [ev('TaskRegistered')], 'no-stream'))).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(store.append(req('task-1', [ev('TaskAssigned')], 0))).rejects.toMatchObject({ code: 'STORE.WRONG_EXPECTED_VERSION', actual: 1 });
        await expect(store.append(req('task-1', [ev('TaskAssigned')], 5))).rejects.toMatchObject({ actual: 1 });
        await expect(store.append(req('task-2', [ev('TaskAssigned')], 1))).rejects.toMatchObject({ actual: 0 });
        const ok = await store.append(req('task-1', [ev('TaskAssigned')], 1));
        expect(ok.streamVersion).toBe(2);
        expect((await readEverything(store)).length).toBe(2);
      });
    });

    describe('when a command is retried', () => {
      it('returns the first result and appends nothing', async () => {
        const m = meta();
        const first = await store.append({ streamId: 'task-9', expectedVersion: 'no-stream', events: [ev('TaskRegistered'), ev('TaskAssigned')], metadata: m });
        await store.append(req('task-10', [ev('TaskRegistered')]));
        const again = await store.append({ streamId: 'task-9', expectedVersion: 'no-stream', events: [ev('TaskRegistered'), ev('TaskAssigned')], metadata: m });
        expect(again).toEqual({ ...first, duplicate: true });
        const third = await store.append({ streamId: 'task-9', expectedVersion: 'any', events: [ev('TaskRegistered'), ev('TaskAssigned')], metadata: m });
        expect(third).toEqual({ ...first, duplicate: true });
        expect((await readEverything(store)).length).toBe(3);
      });

      it('refuses the same command id on another stream', async () => {
        const m = meta();
        await store.append({ streamId: 'task-1', expectedVersion: 'any', events: [ev('TaskRegistered')], metadata: m });
        await expect(store.append({ streamId: 'task-2', expectedVersion: 'any', events: [ev('TaskRegistered')], metadata: m })).rejects.toBeInstanceOf(
          IdempotencyConflictError,
        );
        expect((await readEverything(store)).length).toBe(1);
      });

      it('returns the first result to concurrent retries of one command', async () => {
        const m = meta();
        const send = () => store.append({ streamId: 'task-3', expectedVersion: 'any', events: [ev('ReminderIssued')], metadata: m });
        const results = await Promise.all([send(), send(), send(), send()]);
        expect(new Set(results.map((r) => r.lastPosition)).size).toBe(1);
        expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
        expect((await readEverything(store)).length).toBe(1);
      });
    });

    describe('when eight appenders race', () => {
      it('lets exactly one win each version of one stream', async () => {
        await store.append(req('task-race', [ev('TaskRegistered')], 'no-stream'));
        for (let version = 1; version <= 12; version++) {
          const outcomes = await Promise.allSettled(
            Array.from({ length: 8 }, (_, i) => store.append(req('task-race', [ev('ProgressReported', { by: i })], version))),
          );
          expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
          for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedVersionError);
        }
        const stream = await store.readStream('task-race');
        expect(stream.map((e) => e.streamVersion)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
      });

      it('leaves no gaps and no duplicates across separate streams (and separate instances where the adapter has them)', async () => {
        const second = h.openSecond ? await h.openSecond() : store;
        try {
          await Promise.all(
            Array.from({ length: 8 }, async (_, w) => {
              const s = w % 2 === 0 ? store : second;
              for (let i = 0; i < 40; i++) await s.append(req(`task-w${w}`, [ev('ProgressReported', { w, i })], i === 0 ? 'no-stream' : i));
            }),
          );
          const all = await readEverything(store);
          expect(all).toHaveLength(320);
          const ids = new Set(all.map((e) => e.id));
          expect(ids.size).toBe(320);
          if (h.densePositions) expect(all.map((e) => e.position)).toEqual(Array.from({ length: 320 }, (_, i) => i + 1));
          for (let w = 0; w < 8; w++) {
            expect((await store.readStream(`task-w${w}`)).map((e) => e.data.i)).toEqual(Array.from({ length: 40 }, (_, i) => i));
          }
          const report = await store.verify();
          expect(report.problems).toEqual([]);
          expect(report.ok).toBe(true);
          expect(report.eventsChecked).toBe(320);
        } finally {
          if (second !== store) await second.close();
        }
      });
    });

    describe('when a subscriber restarts', () => {
      it('sees every event exactly once', async () => {
        const seen: number[] = [];
        for (let i = 0; i < 30; i++) await store.append(req(`task-${i % 3}`, [ev('ReminderIssued', { i })]));
        let sub = await store.subscribe({ name: 'contract-projection', batchSize: 7, pollIntervalMs: 20, handler: (events) => void seen.push(...events.map((e) => e.position)) });
        const head30 = await store.headPosition();
        await sub.waitFor(head30);
        // Live: appended after catch-up.
        for (let i = 0; i < 5; i++) await store.append(req('task-live', [ev('ReminderIssued', { i })]));
        await sub.waitFor(await store.headPosition());
        await sub.stop();
        for (let i = 0; i < 15; i++) await store.append(req('task-later', [ev('ReminderIssued', { i })]));
        store = await h.reopen();
        expect(await store.readCheckpoint('contract-projection')).toBe(seen[seen.length - 1]);
        sub = await store.subscribe({ name: 'contract-projection', batchSize: 4, pollIntervalMs: 20, handler: (events) => void seen.push(...events.map((e) => e.position)) });
        await sub.waitFor(await store.headPosition());
        await sub.stop();
        const all = (await readEverything(store)).map((e) => e.position);
        expect(all).toHaveLength(50);
        expect(seen).toEqual(all);
      });
    });

    describe('when the store hands its own appends to listeners (onCommitted)', () => {
      it('hands over each committed event exactly as readAll returns it, in commit order, and nothing else', async () => {
        if (!store.onCommitted) return;
        const pushed: RecordedEvent[] = [];
        const off = store.onCommitted((events) => void pushed.push(...events));
        const second = h.openSecond ? await h.openSecond() : undefined;
        let counter = 0;
        const bySecond = new Set<string>();
        const newEvent = fc.record(
          {
            type: fc.constantFrom('TaskRegistered', 'ProgressReported', 'ReminderIssued'),
            data: fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }).filter(isIJson),
            schemaVersion: fc.integer({ min: 1, max: 3 }),
            occurredAt: fc.constantFrom('2018-10-09T00:00:00.000Z', '2018-10-10T02:00:00Z'),
          },
          { requiredKeys: ['type', 'data'] },
        ) as fc.Arbitrary<NewEvent>;
        const append = fc.record({
          stream: fc.integer({ min: 0, max: 3 }),
          events: fc.array(newEvent, { minLength: 1, maxLength: 3 }),
          // Appends started together share a commit where the adapter groups them.
          together: fc.integer({ min: 1, max: 3 }),
          retried: fc.boolean(),
          bySecond: fc.boolean(),
          causationId: fc.option(fc.constant('cause-1'), { nil: null }),
        });
        try {
          await fc.assert(
            fc.asyncProperty(fc.array(append, { minLength: 1, maxLength: 6 }), async (appends) => {
              for (const a of appends) {
                const requests = Array.from({ length: a.together }, (_, i) =>
                  req(`task-push${a.stream}-${counter++}-${i}`, a.events, 'any', { causationId: a.causationId }),
                );
                const target = a.bySecond && second ? second : store;
                if (target !== store) for (const r of requests) bySecond.add(r.metadata.commandId);
                await Promise.all(requests.map((r) => target.append(r)));
                // A replayed command writes nothing and is handed over as nothing.
                if (a.retried) await target.append(requests[0]);
                clock.advance(7);
              }
            }),
            { numRuns: 25 },
          );
          const all = await readEverything(store);
          // Another instance's appends are not this one's to hand over.
          const own = all.filter((e) => !bySecond.has(e.metadata.commandId));
          if (second) expect(own.length).toBeLessThan(all.length);
          expect(pushed.length).toBe(own.length);
          expect(pushed).toEqual(own);
          expect(JSON.stringify(pushed)).toBe(JSON.stringify(own));
          // In commit order: positions only grow.
          expect(pushed.map((e) => e.position)).toEqual(own.map((e) => e.position));
        } finally {
          off();
          await second?.close();
        }
        // Unregistered: nothing more.
        const count = pushed.length;
        await store.append(req('task-after-off', [ev('ReminderIssued')]));
        expect(pushed.length).toBe(count);
      }, 60_000);
    });

    describe('when input is bad', () => {
      const bad: Array<[string, () => AppendRequest, string, string]> = [
        ['an unknown stream kind', () => req('spaceship-1', [ev('Launched')]), 'STORE.UNKNOWN_STREAM_KIND', 'streamId'],
        ['a malformed stream id', () => req('Task 1', [ev('Launched')]), 'STORE.INVALID_STREAM_ID', 'streamId'],
        ['no events', () => req('task-1', []), 'STORE.MALFORMED_ENVELOPE', 'events'],
        ['a lower-case event type', () => req('task-1', [ev('taskRegistered')]), 'STORE.MALFORMED_ENVELOPE', 'events[0].type'],
        ['data that is an array', () => req('task-1', [{ type: 'X', data: [] as never }]), 'STORE.MALFORMED_ENVELOPE', 'events[0].data'],
        ['NaN', () => req('task-1', [ev('X', { n: NaN })]), 'STORE.NOT_I_JSON', 'events[0].data.n'],
        ['Infinity', () => req('task-1', [ev('X', { a: [1, Infinity] })]), 'STORE.NOT_I_JSON', 'events[0].data.a[1]'],
        ['a lone surrogate', () => req('task-1', [ev('X', { s: 'ab\ud800' })]), 'STORE.NOT_I_JSON', 'events[0].data.s'],
        ['an unsafe integer', () => req('task-1', [ev('X', { big: 2 ** 53 })]), 'STORE.NOT_I_JSON', 'events[0].data.big'],
        ['an oversized event', () => req('task-1', [ev('X', { s: 'x'.repeat(300 * 1024) })]), 'STORE.EVENT_TOO_LARGE', 'events[0].data'],
        ['a missing actor', () => req('task-1', [ev('X')], 'any', { actorId: '' }), 'STORE.MALFORMED_ENVELOPE', 'metadata.actorId'],
        ['an invalid occurred-at', () => req('task-1', [ev('X')], 'any', { occurredAt: '2018-02-30T00:00:00Z' }), 'STORE.MALFORMED_ENVELOPE', 'metadata.occurredAt'],
        ['a NUL in the command id', () => req('task-1', [ev('X')], 'any', { commandId: 'cmd\u0000x' }), 'STORE.MALFORMED_ENVELOPE', 'metadata.commandId'],
        ['a negative expected version', () => req('task-1', [ev('X')], -1), 'STORE.MALFORMED_ENVELOPE', 'expectedVersion'],
      ];
      it.each(bad)('refuses %s, names it, and writes nothing', async (_what, make, code, field) => {
        await store.append(req('task-0', [ev('TaskRegistered')]));
        const err = await store.append(make()).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(InvalidAppendError);
        expect(err).toMatchObject({ code, field });
        expect(await store.headPosition()).toBe(h.densePositions ? 1 : (await readEverything(store))[0].position);
        expect(await readEverything(store)).toHaveLength(1);
      });
    });

    describe('the Merkle log', () => {
      it('serves inclusion and consistency proofs that verify against its tree heads, also after a restart', async () => {
        if (!h.densePositions) return;
        expect((await store.treeHead()).rootHash).toBe(toHex(EMPTY_ROOT));
        const sizes = [1, 2, 3, 7, 8, 9, 255, 256, 257, 300];
        const heads = new Map<number, string>();
        let n = 0;
        for (const target of sizes) {
          const events: NewEvent[] = [];
          while (n + events.length < target) events.push(ev('ProgressReported', { n: n + events.length }));
          if (events.length > 0) await store.append(req(`task-m${target}`, events));
          n = target;
          heads.set(n, (await store.treeHead()).rootHash);
        }
        const check = async (s: LedgerStore) => {
          for (const [size, root] of heads) expect((await s.treeHead(size)).rootHash).toBe(root);
          for (const size of [1, 9, 256, 300]) {
            for (const position of [1, Math.ceil(size / 2), size]) {
              const p = await s.inclusionProof(position, size);
              expect(verifyInclusion(fromHex(p.leafHash), p.leafIndex, p.treeSize, p.proof.map(fromHex), fromHex(heads.get(size)!))).toEqual({ ok: true });
            }
          }
          for (const [a, b] of [[1, 300], [7, 9], [255, 257], [256, 300], [9, 256]]) {
            const proof = await s.consistencyProof(a, b);
            expect(verifyConsistency(a, b, proof.map(fromHex), fromHex(heads.get(a)!), fromHex(heads.get(b)!))).toEqual({ ok: true });
          }
        };
        await check(store);
        store = await h.reopen();
        await check(store);
        await store.append(req('task-after', [ev('ReminderIssued')]));
        expect((await store.treeHead(300)).rootHash).toBe(heads.get(300));
        expect((await store.verify()).ok).toBe(true);
      });

      it('proves every leaf at every size up to 128, and every pair of sizes, after a restart', async () => {
        if (!h.densePositions) return;
        const roots: Buffer[] = [];
        for (let n = 1; n <= 128; n++) {
          await store.append(req(`task-x${n % 5}`, [ev('ReminderIssued', { n })]));
          roots[n] = fromHex((await store.treeHead()).rootHash);
        }
        store = await h.reopen();
        for (let size = 1; size <= 128; size++) {
          expect((await store.treeHead(size)).rootHash).toBe(toHex(roots[size]));
          for (let position = 1; position <= size; position++) {
            const p = await store.inclusionProof(position, size);
            const check = verifyInclusion(fromHex(p.leafHash), p.leafIndex, size, p.proof.map(fromHex), roots[size]);
            if (!check.ok) throw new Error(`inclusion of ${position} in ${size}: ${check.reason}`);
          }
          for (let size1 = 1; size1 < size; size1++) {
            const proof = (await store.consistencyProof(size1, size)).map(fromHex);
            const check = verifyConsistency(size1, size, proof, roots[size1], roots[size]);
            if (!check.ok) throw new Error(`consistency ${size1} → ${size}: ${check.reason}`);
          }
        }
      }, 120_000);

      it('encodes each record as the RFC 8785 form of its envelope', async () => {
        await fc.assert(
          fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }).filter(isIJson), fc.string(), async (value, s) => {
            const data = { value: value as never, s, ['ключ']: '中文', 'e\u0301': 1 };
            const r = await store.append(req('objective-prop', [ev('ActualReported', data)]));
            const [event] = await store.readAll({ fromPosition: r.firstPosition, limit: 1 });
            expect(encodeRecord(event)).toBe(encodeRecord(JSON.parse(JSON.stringify(event)) as RecordedEvent));
            const p = await store.inclusionProof(r.firstPosition);
            expect(p.treeSize).toBe(r.firstPosition);
          }),
          { numRuns: 40 },
        );
        expect((await store.verify()).ok).toBe(true);
      });
    });

    describe('when someone edits the database directly', () => {
      it('refuses UPDATE and DELETE on events', async () => {
        if (!h.raw) return;
        await store.append(req('task-1', [ev('TaskRegistered')]));
        await expect(h.raw.updateEvent(1)).rejects.toThrow(/append-only|permission|denied/i);
        await expect(h.raw.deleteEvent(1)).rejects.toThrow(/append-only|permission|denied/i);
        expect(await readEverything(store)).toHaveLength(1);
      });

      it('refuses to re-append over a truncated log with STORE.INTEGRITY, and verify names the orphaned node', async () => {
        if (!h.raw?.truncateAfter) return;
        // 256 leaves complete the first stored Merkle node (level 8, covering positions 1–256).
        await store.append(req('task-1', Array.from({ length: 256 }, (_, i) => ev('ProgressReported', { i }))));
        await h.raw.truncateAfter(200);
        store = await h.reopen();
        await expect(store.append(req('task-2', Array.from({ length: 100 }, (_, i) => ev('ReminderIssued', { i }))))).rejects.toMatchObject({
          code: 'STORE.INTEGRITY',
          message: expect.stringMatching(/run verify/),
        });
        // Nothing of the refused append was kept, and the next append is refused the same way (never a raw key error).
        expect(await store.headPosition()).toBe(200);
        await expect(store.append(req('task-3', Array.from({ length: 60 }, (_, i) => ev('ReminderIssued', { i }))))).rejects.toMatchObject({ code: 'STORE.INTEGRITY' });
        const report = await store.verify();
        expect(report.ok).toBe(false);
        expect(report.problems[0]).toMatchObject({ position: 256, code: 'NODE_EXTRA' });
      });

      it('catches a row altered by bypassing the triggers, naming its position', async () => {
        if (!h.raw) return;
        for (let i = 0; i < 20; i++) await store.append(req('task-1', [ev('ProgressReported', { percent: i * 5 })]));
        const [victim] = await store.readAll({ fromPosition: 7, limit: 1 });
        const forged = encodeRecord({ ...victim, data: { percent: 100 } });
        await h.raw.tamperRecord(7, forged);
        const report = await store.verify();
        expect(report.ok).toBe(false);
        expect(report.problems[0]).toMatchObject({ position: 7, code: 'LEAF_HASH_MISMATCH' });
      });
    });
  });
}
