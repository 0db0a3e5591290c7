import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { AppendResult, RecordedEvent } from '../port';
import { CONTRACT_STREAM_KINDS } from '../testing/event-store.contract';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store';

const policy = { streamKinds: CONTRACT_STREAM_KINDS };

/** The store's writer, reached past its privacy (failure injection only). */
const writerOf = (store: SqliteEventStore) => (store as unknown as { writer: { kill(): Promise<void> } }).writer;

describe('SQLite writer thread: a thread that dies is replaced', () => {
  let dir: string;
  let path: string;
  /** The stores' monotonic clock: the waits before a replacement are decided on it, not on real time. */
  let now: number;
  const stores: SqliteEventStore[] = [];
  const open = async (options: Partial<SqliteEventStoreOptions> = {}) => {
    const store = await SqliteEventStore.open({ path, policy, synchronous: 'NORMAL', elapsedMs: () => now, ...options });
    stores.push(store);
    return store;
  };
  const request = (streamId: string, commandId: string) => ({
    streamId,
    expectedVersion: 'any' as const,
    events: [{ type: 'Hit', data: { commandId } }],
    metadata: { actorId: 'u-1', actorRole: 'administrator', actorUnit: 'root', commandId, correlationId: commandId, causationId: null, occurredAt: '2026-01-01T00:00:00Z' },
  });
  const writerFailed = { code: 'STORE.WRITER_FAILED', message: expect.stringMatching(/may or may not have been committed; retrying it with the same command id is safe/) };
  /** What a fresh store over the same file computes: its writer rebuilds the Merkle frontier from the stored nodes. */
  const freshTreeHead = async () => {
    const fresh = await SqliteEventStore.open({ path, policy, writer: 'in-process' });
    try {
      return await fresh.treeHead();
    } finally {
      await fresh.close();
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-sqlite-restart-'));
    path = join(dir, 'ledger.db');
    now = 1_000_000;
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when it dies in the middle of a commit', () => {
    it('fails the appends of that commit, leaves none of it in the log, and writes them on a new thread at the next positions', async () => {
      const store = await open({ writerExitWhenWriting: { position: 3, stage: 'inserting' } });
      const handed: RecordedEvent[] = [];
      store.onCommitted((events) => handed.push(...events));
      await store.append(request('task-a', 'c1'));
      await store.append(request('task-b', 'c2'));
      // Made in one synchronous run: one message, one group, one transaction, which the thread dies inside.
      const dying = await Promise.allSettled(['c3', 'c4', 'c5'].map((c) => store.append(request('task-a', c))));
      // It died as soon as it started (on the stores' clock): they are told a new one is tried 1 s after its start.
      for (const outcome of dying) expect(outcome).toMatchObject({ status: 'rejected', reason: { ...writerFailed, details: { retryAfterMs: 1_000 } } });
      await store.appendsSettled();
      expect(await store.headPosition()).toBe(2);
      expect((await store.verify()).ok).toBe(true);
      expect(store.writerRestarts).toBe(0);

      // The dead thread ran past the first wait: the retries go to a new thread at once.
      now += 5_000;
      const retried = await Promise.all(['c3', 'c4', 'c5'].map((c) => store.append(request('task-a', c))));
      expect(retried.map((r) => [r.firstPosition, r.duplicate])).toEqual([[3, false], [4, false], [5, false]]);
      expect(store.writerRestarts).toBe(1);
      await store.appendsSettled();
      expect(handed.map((e) => [e.position, e.metadata.commandId])).toEqual([[1, 'c1'], [2, 'c2'], [3, 'c3'], [4, 'c4'], [5, 'c5']]);
      expect(await store.readAll()).toEqual(handed);
      const report = await store.verify();
      expect(report).toMatchObject({ ok: true, eventsChecked: 5 });
      expect(await store.treeHead()).toEqual(await freshTreeHead());
    });
  });

  describe('when one that ran a while dies with appends waiting', () => {
    it('tells them a retry may be made at once (the smallest wait, 1 ms: the API says Retry-After: 1)', async () => {
      const store = await open({ writerExitWhenWriting: { position: 2, stage: 'inserting' } });
      await store.append(request('task-a', 'c1'));
      now += 61_000;
      await expect(store.append(request('task-a', 'c2'))).rejects.toMatchObject({ ...writerFailed, details: { retryAfterMs: 1 } });
      expect(await store.append(request('task-a', 'c2'))).toMatchObject({ firstPosition: 2, duplicate: false });
      expect(store.writerRestarts).toBe(1);
    });
  });

  describe('when it dies after a commit, before answering it', () => {
    it('fails the append although it is in the log; its retry with the same command id gets the first result, and the next append the next position', async () => {
      const store = await open({ writerExitWhenWriting: { position: 2, stage: 'answering' } });
      const handed: number[] = [];
      store.onCommitted((events) => handed.push(...events.map((e) => e.position)));
      const first = await store.append(request('task-a', 'c1'));
      await expect(store.append(request('task-a', 'c2'))).rejects.toMatchObject(writerFailed);
      expect(await store.headPosition()).toBe(2);
      now += 5_000;
      const retry = await store.append(request('task-a', 'c2'));
      expect(retry).toMatchObject({ firstPosition: 2, lastPosition: 2, streamVersion: 2, duplicate: true });
      const next = await store.append(request('task-a', 'c3'));
      expect(next).toMatchObject({ firstPosition: 3, streamVersion: 3, duplicate: false });
      // Position 2 was never handed over (its answer died with the thread): a follower reads it, as another process's.
      await store.appendsSettled();
      expect(handed).toEqual([first.firstPosition, 3]);
      expect((await store.readStream('task-a')).map((e) => e.metadata.commandId)).toEqual(['c1', 'c2', 'c3']);
      expect((await store.verify()).ok).toBe(true);
      expect(await store.treeHead()).toEqual(await freshTreeHead());
    });
  });

  describe('when it is killed at any moment of an append', () => {
    it('the retry with the same command id is either that append\'s first result or its only write — never a second one', async () => {
      const store = await open();
      let head = 0;
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 1, max: 40 }), async (spinMicros, events) => {
          const commandId = `k${run++}`;
          const req = { ...request(`task-${commandId}`, commandId), events: Array.from({ length: events }, (_, i) => ({ type: 'Hit', data: { i, text: 'x'.repeat(2_000) } })) };
          const pending = store.append(req).then(
            (result): AppendResult | Error => result,
            (error: Error) => error,
          );
          // The append is posted at the end of this synchronous run; the kill then lands anywhere from before the
          // thread took it to after it answered (a timer's millisecond is longer than the whole commit).
          await Promise.resolve();
          const until = performance.now() + spinMicros / 1_000;
          while (performance.now() < until);
          await writerOf(store).kill();
          const first = await pending;
          if (first instanceof Error) expect(first).toMatchObject(writerFailed);
          // Past any wait: the retry starts a new thread at once.
          now += 100_000;
          const retry = await store.append(req);
          if (!(first instanceof Error)) expect(retry).toEqual({ ...first, duplicate: true });
          expect([retry.firstPosition, retry.lastPosition]).toEqual([head + 1, head + events]);
          head += events;
          expect(await store.headPosition()).toBe(head);
          expect((await store.readStream(req.streamId)).map((e) => e.metadata.commandId)).toEqual(Array(events).fill(commandId));
        }),
        { numRuns: 12 },
      );
      expect(store.writerRestarts).toBe(12);
      expect((await store.verify()).ok).toBe(true);
      expect(await store.treeHead()).toEqual(await freshTreeHead());
    });
  });

  describe('when threads keep dying', () => {
    it('replaces one that ran a while at once, and one that died soon after it started only after waits doubling from 1 s', async () => {
      const store = await open();
      await store.append(request('task-a', 'c1'));
      await writerOf(store).kill();
      // Died at once: no new thread before 1 s after it started; appends meanwhile fail at once, saying when.
      now += 400;
      await expect(store.append(request('task-a', 'c2'))).rejects.toMatchObject({
        code: 'STORE.WRITER_FAILED',
        message: expect.stringMatching(/^the writer thread exited \(code 1\); this append was not written: a new writer thread is started for the first append made after 0\.6 s$/),
        details: { retryAfterMs: 600 },
      });
      expect(store.writerRestarts).toBe(0);
      now += 601;
      expect(await store.append(request('task-a', 'c2'))).toMatchObject({ firstPosition: 2, duplicate: false });
      expect(store.writerRestarts).toBe(1);
      // That one dies at once too: the next waits 2 s.
      await writerOf(store).kill();
      now += 1_500;
      await expect(store.append(request('task-a', 'c3'))).rejects.toMatchObject({ code: 'STORE.WRITER_FAILED', details: { retryAfterMs: 500 } });
      now += 501;
      expect(await store.append(request('task-a', 'c3'))).toMatchObject({ firstPosition: 3 });
      expect(store.writerRestarts).toBe(2);
      // One that ran a while (past twice the longest wait) is replaced at once, and the waits start again from 1 s.
      now += 61_000;
      await writerOf(store).kill();
      expect(await store.append(request('task-a', 'c4'))).toMatchObject({ firstPosition: 4 });
      expect(store.writerRestarts).toBe(3);
      await writerOf(store).kill();
      now += 1_001;
      expect(await store.append(request('task-a', 'c5'))).toMatchObject({ firstPosition: 5 });
      expect(store.writerRestarts).toBe(4);
      expect((await store.verify()).ok).toBe(true);
    });

    it('counts a replacement that could not open the log, and fails the appends that waited for it', async () => {
      const store = await open();
      await store.append(request('task-a', 'c1'));
      await writerOf(store).kill();
      // The file moved away: a new thread finds an empty database without the log's tables.
      renameSync(path, join(dir, 'moved.db'));
      now += 5_000;
      // It failed at once: the next thread is tried once the doubled wait (2 s) has passed, and the error says so.
      await expect(store.append(request('task-a', 'c2'))).rejects.toMatchObject({ code: 'STORE.WRITER_FAILED', message: expect.stringMatching(/^the writer thread could not start: /), details: { retryAfterMs: 2_000 } });
      expect(store.writerRestarts).toBe(1);
      await expect(store.append(request('task-a', 'c2'))).rejects.toMatchObject({ code: 'STORE.WRITER_FAILED', message: expect.stringMatching(/could not start: .*a new writer thread is started for the first append made after 2\.0 s$/) });
      await store.close();
      await expect(store.append(request('task-a', 'c2'))).rejects.toMatchObject({ code: 'STORE.CLOSED' });
    });
  });

  describe('close()', () => {
    it('returns after a kill, with no thread running, and the file reopens whole', async () => {
      const store = await open();
      await store.append(request('task-a', 'c1'));
      await writerOf(store).kill();
      await store.close();
      await expect(store.append(request('task-a', 'c2'))).rejects.toMatchObject({ code: 'STORE.CLOSED' });
      const reopened = await open();
      expect(await reopened.append(request('task-a', 'c2'))).toMatchObject({ firstPosition: 2 });
      expect((await reopened.verify()).ok).toBe(true);
    });

    it('while a new thread is starting: writes the appends that waited for it, then joins it', async () => {
      const store = await open();
      await store.append(request('task-a', 'c1'));
      await writerOf(store).kill();
      now += 5_000;
      const waiting = [store.append(request('task-a', 'c2')), store.append(request('task-a', 'c3'))];
      await store.close();
      expect((await Promise.all(waiting)).map((r) => r.firstPosition)).toEqual([2, 3]);
      expect(store.writerRestarts).toBe(1);
      const reopened = await open();
      expect(await reopened.headPosition()).toBe(3);
      expect((await reopened.verify()).ok).toBe(true);
    });
  });
});
