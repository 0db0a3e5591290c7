/**
 * The adapter's own logic — group commit at the log's tail, retries after another writer won, duplicate and
 * conflict decisions, links, roll-forward after a writer died, verify — run against an in-memory model of the
 * server (`in-memory-eventstoredb.ts`), since no EventStoreDB can run here. The model follows the documented
 * behaviour, not the server's code: `eventstoredb-event-store.int-spec.ts` runs the same contract against a real
 * server when EVENTSTORE_URL is set.
 */
import { jsonEvent, MaxAppendSizeExceededError, UnavailableError } from '@eventstore/db-client';
import { EventStoreError, InvalidAppendError, WrongExpectedVersionError } from '../errors';
import type { LedgerStore } from '../port';
import { deriveEventId } from '../record';
import { CONTRACT_STREAM_KINDS, describeEventStoreContract, ev, meta, req, type ContractHarness } from '../testing/event-store.contract';
import { TestClock } from '../testing/test-clock';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { InMemoryEventStoreDb, type InMemoryEventStoreDbClient } from './in-memory-eventstoredb';
import { ledgerStreamNames } from './mapping';

const policy = { streamKinds: CONTRACT_STREAM_KINDS };
const names = ledgerStreamNames();

describeEventStoreContract('EventStoreDB adapter on the in-memory server model', async (clock: TestClock): Promise<ContractHarness> => {
  const server = new InMemoryEventStoreDb();
  const background: EventStoreError[] = [];
  const opened: EventStoreDbEventStore[] = [];
  const open = async () => {
    const s = await EventStoreDbEventStore.openWithClient(server.connect(), { policy, clock, onBackgroundError: (e) => background.push(e) });
    opened.push(s);
    return s;
  };
  let store = await open();
  return {
    get store() {
      return store;
    },
    densePositions: true,
    reopen: async () => {
      await store.close();
      store = await open();
      return store;
    },
    openSecond: open,
    cleanup: async () => {
      for (const s of opened) await s.close();
      // Nothing in the contract should need a retry in the background or raise an integrity alarm.
      expect(background).toEqual([]);
    },
  };
});

describe('EventStoreDB adapter (in-memory server model)', () => {
  let server: InMemoryEventStoreDb;
  let clock: TestClock;
  let background: EventStoreError[];
  const stores: LedgerStore[] = [];

  async function open(client: InMemoryEventStoreDbClient = server.connect(), windowSize?: number): Promise<EventStoreDbEventStore> {
    const s = await EventStoreDbEventStore.openWithClient(client, { policy, clock, windowSize, onBackgroundError: (e) => background.push(e) });
    stores.push(s);
    return s;
  }

  beforeEach(() => {
    server = new InMemoryEventStoreDb();
    clock = new TestClock();
    background = [];
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  describe('when appends arrive together', () => {
    it('commits them in one log append and links each stream once', async () => {
      const store = await open();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(req(`task-${i}`, [ev('TaskRegistered', { i })], 'no-stream'))));
      expect(results.map((r) => r.firstPosition)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(server.appendsTo(names.log)).toBe(1);
      expect(server.appendsTo(names.stream('task-7'))).toBe(1);
      expect(server.events(names.stream('task-7')).map((e) => [e.type, e.data.toString()])).toEqual([['$>', '7@_ledger-log']]);
    });

    it('stores each event once, in the log, with its metadata and hashes', async () => {
      const store = await open();
      await store.append(req('task-1', [ev('TaskRegistered', { title: 'T' })], 'no-stream', { causationId: 'evt-0' }));
      const [entry] = server.events(names.log);
      expect(JSON.parse(entry.data.toString())).toEqual({ title: 'T' });
      expect(JSON.parse(entry.metadata.toString())).toMatchObject({
        actorId: 'user-inspector-1',
        schemaVersion: 1,
        streamId: 'task-1',
        streamVersion: 1,
        position: 1,
        eventIndex: 0,
        eventCount: 1,
        leafHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        nodes: [],
        $correlationId: expect.any(String),
        $causationId: 'evt-0',
      });
      const { commandId, eventId } = JSON.parse(entry.metadata.toString()) as { commandId: string; eventId: string };
      expect(eventId).toBe(deriveEventId(commandId, 0));
      expect(server.events(names.stream('task-1'))[0].id).toBe(eventId);
      expect(JSON.parse(server.events(names.command(commandId))[0].data.toString())).toMatchObject({
        streamId: 'task-1',
        firstPosition: 1,
        lastPosition: 1,
      });
    });
  });

  describe('when events are read by actor on a log longer than one page', () => {
    it('scans page after page, stops at the limit or at toPosition, and matches readAll filtered', async () => {
      const store = await open();
      // 5,000 events in appends of 100; actor-rare wrote four of them, far apart, so the scan crosses several pages.
      const rare = new Set([3, 17, 31, 48]);
      for (let i = 0; i < 50; i++) {
        await store.append(req(`task-${i % 7}`, Array.from({ length: 100 }, (_, k) => ev('ProgressReported', { i, k })), 'any', { actorId: rare.has(i) ? 'actor-rare' : 'actor-busy' }));
      }
      const all: Awaited<ReturnType<LedgerStore['readAll']>> = [];
      for (let from = 1; all.length < 5000; from += 1000) all.push(...(await store.readAll({ fromPosition: from, limit: 1000 })));
      const positionsOf = (actor: string, from = 1, to = Infinity) => all.filter((e) => e.metadata.actorId === actor && e.position >= from && e.position <= to).map((e) => e.position);
      const got = async (actor: string, options: { fromPosition?: number; toPosition?: number; limit?: number }) =>
        (await store.readByActor(actor, options)).map((e) => e.position);
      expect(await got('actor-rare', { limit: 10_000 })).toEqual(positionsOf('actor-rare'));
      expect(await got('actor-rare', { fromPosition: 350, toPosition: 3150, limit: 10_000 })).toEqual(positionsOf('actor-rare', 350, 3150));
      expect(await got('actor-rare', { fromPosition: 1750, limit: 150 })).toEqual(positionsOf('actor-rare', 1750).slice(0, 150));
      expect(await got('actor-busy', { fromPosition: 250, limit: 2500 })).toEqual(positionsOf('actor-busy', 250).slice(0, 2500));
      expect(await got('actor-none', {})).toEqual([]);
    });
  });

  describe('when a caller knows a version this process has not read yet', () => {
    it('re-reads the log before refusing the expected version', async () => {
      const a = await open();
      const b = await open();
      await b.append(req('task-1', [ev('TaskRegistered')], 'no-stream'));
      // `a` has not read b's entry; the caller has (version 1).
      const r = await a.append(req('task-1', [ev('TaskAssigned')], 1));
      expect(r).toMatchObject({ streamVersion: 2, firstPosition: 2 });
      await expect(a.append(req('task-1', [ev('TaskAssigned')], 1))).rejects.toMatchObject({ actual: 2 });
    });
  });

  describe('when a writer dies between the log append and the stream links', () => {
    async function appendThenDie(): Promise<void> {
      const client = server.connect();
      const doomed = await open(client);
      await doomed.append(req('task-1', [ev('TaskRegistered')], 'no-stream'));
      client.inject({ op: 'append', stream: (s) => s === names.stream('task-1') || s.startsWith('_ledger-command-'), when: 'before', error: () => new UnavailableError(), times: 2 });
      const r = await doomed.append(req('task-1', [ev('TaskAssigned', { unit: 'zh' })], 1));
      expect(r).toMatchObject({ streamVersion: 2, firstPosition: 2, duplicate: false });
      expect(background.map((e) => e.code)).toEqual(['STORE.UNAVAILABLE', 'STORE.UNAVAILABLE']);
      client.sever();
      expect(server.events(names.stream('task-1'))).toHaveLength(1);
    }

    it('is rolled forward by the next process to open the ledger', async () => {
      await appendThenDie();
      const next = await open();
      expect((await next.readStream('task-1')).map((e) => e.type)).toEqual(['TaskRegistered', 'TaskAssigned']);
      expect(server.events(names.stream('task-1'))).toHaveLength(2);
      expect(await next.readCheckpoint('nobody')).toBe(0);
      expect((await next.verify()).ok).toBe(true);
    });

    it('is linked by a running process that continues the stream, which decides against the log', async () => {
      const running = await open();
      await appendThenDie();
      await expect(running.append(req('task-1', [ev('TaskAcknowledged')], 1))).rejects.toBeInstanceOf(WrongExpectedVersionError);
      const r = await running.append(req('task-1', [ev('TaskAcknowledged')], 2));
      expect(r.streamVersion).toBe(3);
      expect(server.events(names.stream('task-1'))).toHaveLength(3);
      expect((await running.readStream('task-1')).map((e) => e.streamVersion)).toEqual([1, 2, 3]);
    });

    it('answers a retry of the dead writer’s command from the log', async () => {
      const running = await open();
      const m = meta();
      const client = server.connect();
      const doomed = await open(client);
      client.inject({ op: 'append', stream: (s) => s !== names.log, when: 'before', error: () => new UnavailableError(), times: 10 });
      const first = await doomed.append({ streamId: 'task-5', expectedVersion: 'no-stream', events: [ev('TaskRegistered')], metadata: m });
      client.sever();
      const retry = await running.append({ streamId: 'task-5', expectedVersion: 'no-stream', events: [ev('TaskRegistered')], metadata: m });
      expect(retry).toEqual({ ...first, duplicate: true });
      expect(server.events(names.log)).toHaveLength(1);
    });

    it('rolls forward what other processes left when the window fills', async () => {
      const watcher = await open(server.connect(), 4);
      await appendThenDie();
      for (let i = 0; i < 4; i++) await watcher.append(req(`task-w${i}`, [ev('TaskRegistered')], 'no-stream'));
      expect(server.events(names.stream('task-1'))).toHaveLength(2);
      // The window filled at position 4 (two entries of the dead writer, two of its own): rolled forward through it.
      expect(JSON.parse(server.events(names.materialized).at(-1)!.data.toString())).toEqual({ position: 4 });
    });
  });

  describe('when several processes write with small windows', () => {
    it('keeps positions dense, streams in order, retries answered, and every stream linked', async () => {
      const instances = await Promise.all(Array.from({ length: 4 }, () => open(server.connect(), 8)));
      const commands = Array.from({ length: 6 }, () => meta());
      await Promise.all(
        instances.flatMap((s, p) =>
          Array.from({ length: 3 }, async (_, w) => {
            for (let i = 0; i < 12; i++) {
              // Every process appends to shared streams too, so versions are contended, and retries one command.
              const streamId = i % 3 === 0 ? `task-shared${i % 2}` : `task-p${p}w${w}`;
              const c = commands[(p + i) % commands.length];
              if (i === 5) await s.append({ streamId: 'task-retried', expectedVersion: 'any', events: [ev('ReminderIssued')], metadata: c }).catch(() => undefined);
              await s.append(req(streamId, [ev('ProgressReported', { p, w, i }), ev('ReminderIssued', { p, w, i })]));
            }
          }),
        ),
      );
      const reader = await open();
      const all = await reader.readAll({ limit: 10_000 });
      expect(all.map((e) => e.position)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
      // Three workers of each process send the same command (p + 5) % 6: four distinct commands, each in the log once.
      const retried = all.filter((e) => e.streamId === 'task-retried').map((e) => e.metadata.commandId);
      expect(retried.sort()).toEqual([0, 1, 2, 3].map((p) => commands[(p + 5) % commands.length].commandId).sort());
      for (const streamId of new Set(all.map((e) => e.streamId))) {
        const fromLog = all.filter((e) => e.streamId === streamId);
        expect(fromLog.map((e) => e.streamVersion)).toEqual(fromLog.map((_, i) => i + 1));
        expect(await reader.readStream(streamId)).toEqual(fromLog);
      }
      expect((await reader.verify()).ok).toBe(true);
      expect(background).toEqual([]);
    });
  });

  describe('when the outcome of the log append is unknown', () => {
    it('reports the outage, and answers the retry with the first result', async () => {
      const client = server.connect();
      const store = await open(client);
      client.inject({ op: 'append', stream: (s) => s === names.log, when: 'after', error: () => new UnavailableError(undefined, '14 UNAVAILABLE: Connection dropped') });
      const m = meta();
      const send = () => store.append({ streamId: 'task-1', expectedVersion: 'no-stream', events: [ev('TaskRegistered'), ev('TaskAssigned')], metadata: m });
      const failure = await send().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(EventStoreError);
      expect(failure).toMatchObject({ code: 'STORE.UNAVAILABLE' });
      expect(failure).not.toBeInstanceOf(UnavailableError);
      const retry = await send();
      expect(retry).toMatchObject({ duplicate: true, firstPosition: 1, lastPosition: 2, streamVersion: 2 });
      expect(server.events(names.log)).toHaveLength(2);
      expect((await store.readStream('task-1')).map((e) => e.type)).toEqual(['TaskRegistered', 'TaskAssigned']);
    });
  });

  describe('when an append is larger than the server takes', () => {
    it('splits a group commit, and refuses a single append naming the limit', async () => {
      const client = server.connect();
      const store = await open(client);
      client.inject({ op: 'append', stream: (s) => s === names.log, when: 'before', error: () => MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576) });
      const [a, b] = await Promise.all([store.append(req('task-1', [ev('TaskRegistered')])), store.append(req('task-2', [ev('TaskRegistered')]))]);
      expect([a.firstPosition, b.firstPosition]).toEqual([1, 2]);
      client.inject({ op: 'append', stream: (s) => s === names.log, when: 'before', error: () => MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576) });
      const err = await store.append(req('task-3', [ev('TaskRegistered')])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidAppendError);
      expect(err).toMatchObject({ code: 'STORE.APPEND_TOO_LARGE', field: 'events' });
      expect(await store.headPosition()).toBe(2);
    });
  });

  describe('when the server is unreachable', () => {
    it('fails reads with our error, never the client’s', async () => {
      const client = server.connect();
      const store = await open(client);
      client.inject({ op: 'read', stream: () => true, when: 'before', error: () => new UnavailableError(undefined, '14 UNAVAILABLE: No connection established') });
      const err = await store.readAll().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EventStoreError);
      expect(err).toMatchObject({ code: 'STORE.UNAVAILABLE', message: expect.stringContaining('reading the ledger log') });
    });

    it('refuses to open, saying so', async () => {
      const client = server.connect();
      client.sever();
      await expect(EventStoreDbEventStore.openWithClient(client, { policy })).rejects.toMatchObject({ code: 'STORE.UNAVAILABLE' });
      expect(client.disposed).toBe(true);
    });
  });

  describe('when someone edits the server’s files', () => {
    async function ledgerOf(n: number): Promise<EventStoreDbEventStore> {
      const store = await open();
      for (let i = 0; i < n; i++) await store.append(req('task-1', [ev('ProgressReported', { percent: i })]));
      return store;
    }

    it('catches an altered entry, naming its position', async () => {
      const store = await ledgerOf(20);
      server.tamper(names.log, 6, (e) => (e.data.percent = 100));
      const report = await store.verify();
      expect(report.ok).toBe(false);
      expect(report.problems[0]).toMatchObject({ position: 7, code: 'LEAF_HASH_MISMATCH' });
    });

    it('catches an entry whose hash was recomputed with it, at the Merkle node above it', async () => {
      const store = await ledgerOf(300);
      const forged = await store.readAll({ fromPosition: 7, limit: 1 });
      const { leafHash } = await import('../integrity');
      const { entryRecord } = await import('./mapping');
      const altered = { ...forged[0], data: { percent: 100 } };
      server.tamper(names.log, 6, (e) => {
        e.data.percent = 100;
        e.metadata.leafHash = leafHash(entryRecord(altered)).toString('hex');
      });
      const report = await store.verify();
      expect(report.problems[0]).toMatchObject({ position: 256, code: 'NODE_MISMATCH' });
    });

    it('refuses to read a stream that someone appended to directly, past the ledger', async () => {
      const store = await ledgerOf(1);
      server.append(names.stream('task-1'), [jsonEvent({ type: 'ProgressReported', data: { percent: 100 } })]);
      await expect(store.readStream('task-1')).rejects.toMatchObject({ code: 'STORE.STREAM_DIVERGED', message: expect.stringContaining('outside the ledger (version 2)') });
      expect((await store.verify()).ok).toBe(true);
    });

    it('catches an entry moved to another stream version, and a stream link pointing elsewhere', async () => {
      const store = await ledgerOf(5);
      server.tamper(names.log, 3, (e) => (e.metadata.streamVersion = 9));
      const report = await store.verify();
      expect(report.problems[0]).toMatchObject({ position: 4, code: 'ROW_MISMATCH', message: expect.stringContaining('version 3 to 9') });
      await expect(store.readStream('task-1')).rejects.toMatchObject({ code: 'STORE.STREAM_DIVERGED' });
    });
  });

  describe('when a subscriber follows the log', () => {
    it('wakes on another process’s append without waiting for its poll', async () => {
      const a = await open();
      const b = await open();
      const seen: number[] = [];
      const sub = await a.subscribe({ name: 'fast', pollIntervalMs: 60_000, handler: (events) => void seen.push(...events.map((e) => e.position)) });
      // The first poll runs at once; let it find the empty log and go to sleep.
      await new Promise((r) => setTimeout(r, 20));
      await b.append(req('task-1', [ev('TaskRegistered')]));
      await sub.waitFor(1, 2_000);
      expect(seen).toEqual([1]);
      await sub.stop();
      expect(await a.readCheckpoint('fast')).toBe(1);
    });
  });

  it('refuses a connection string the client cannot use, without connecting', async () => {
    await expect(EventStoreDbEventStore.open({ connectionString: 'http://localhost:2113', policy })).rejects.toMatchObject({ code: 'CONFIG.INVALID' });
  });
});
