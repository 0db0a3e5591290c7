import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { DocumentChange } from '../codec';
import { storeConfigFromEnv } from '@ledger/event-store';
import { openReadModelStore, readStoreConfigFrom } from '../config';
import { ReadStoreError, type FlushRequest, type Lease } from '../port';
import { ProjectionWorker } from '../projection-worker';
import { arrayLog, hitEvents, HitsProjection } from '../testing/read-model-store.contract';
import { SqliteReadModelStore, type SqliteReadModelStoreOptions } from './sqlite-read-model-store';

/** The writer thread of a store, reached past its privacy (failure injection only). */
const threadOf = (store: SqliteReadModelStore) => (store as unknown as { thread: { terminate(): Promise<number> } | undefined }).thread;

const docs = (n: number, text: (i: number) => string) => Array.from({ length: n }, (_, i): DocumentChange => ({ collection: 'c', key: `k${String(i).padStart(5, '0')}`, doc: text(i) }));

describe('SQLite read-model store: writes on a writer thread', () => {
  let dir: string;
  let path: string;
  const stores: SqliteReadModelStore[] = [];
  const open = (options: Partial<SqliteReadModelStoreOptions> = {}) => {
    const store = new SqliteReadModelStore({ path, synchronous: 'NORMAL', writer: 'thread', ...options });
    stores.push(store);
    return store;
  };
  /** A store with projection `p` leased to `w` and reset under `p@1`. */
  const leased = async (options: Partial<SqliteReadModelStoreOptions> = {}) => {
    const store = open(options);
    const lease = (await store.acquire('p', 'w'))!;
    expect(await store.reset(lease, 'p@1')).toBe(true);
    return { store, lease };
  };
  const flushOf = (expectedPosition: number, position: number, changes: DocumentChange[]): FlushRequest => ({ expectedPosition, position, eventId: `e-${position}`, definition: 'p@1', changes });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-read-store-thread-'));
    path = join(dir, 'readmodels.sqlite');
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  describe('which writer a store gets', () => {
    it('writes a file on a thread by default (on the main thread), and keeps an in-memory store in process', async () => {
      expect(open({ writer: undefined }).writer).toBe('thread');
      expect(open({ writer: 'in-process' }).writer).toBe('in-process');
      const memory = new SqliteReadModelStore({ path: ':memory:' });
      expect(memory.writer).toBe('in-process');
      await memory.close();
    });

    it("refuses writer 'thread' for an in-memory store, whose database lives in one connection", () => {
      expect(() => new SqliteReadModelStore({ path: ':memory:', writer: 'thread' })).toThrow(ReadStoreError);
    });

    it('follows LEDGER_READ_STORE_WRITER when opened from the configuration, and refuses any other value', async () => {
      const config = (env: NodeJS.ProcessEnv) => readStoreConfigFrom({ ...storeConfigFromEnv({}, dir), dataDir: dir }, env);
      for (const [env, writer] of [[{}, 'thread'], [{ LEDGER_READ_STORE_WRITER: 'thread' }, 'thread'], [{ LEDGER_READ_STORE_WRITER: 'in-process' }, 'in-process']] as const) {
        const store = (await openReadModelStore(config(env))) as SqliteReadModelStore;
        stores.push(store);
        expect(store.writer).toBe(writer);
      }
      expect(() => config({ LEDGER_READ_STORE_WRITER: 'fork' })).toThrow(/LEDGER_READ_STORE_WRITER must be 'thread' or 'in-process', got 'fork'/);
      expect(readStoreConfigFrom({ ...storeConfigFromEnv({}, dir), sqlitePath: ':memory:' }, { LEDGER_READ_STORE_WRITER: 'thread' })).toEqual({ kind: 'sqlite', path: ':memory:', synchronous: 'NORMAL' });
    });

    it('starts no thread for a store that is only read from', async () => {
      const store = open();
      expect(await store.checkpoints()).toEqual([]);
      expect(await store.load('p')).toEqual({ checkpoint: null, documents: [] });
      expect(threadOf(store)).toBeUndefined();
    });
  });

  describe('when flushes are asked for without waiting for each other', () => {
    it('applies them in call order, each after the one before', async () => {
      const { store, lease } = await leased();
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => store.flush(lease, flushOf(i, i + 1, docs(50, (j) => `${i}:${j}`)))));
      expect(results).toEqual(Array(30).fill(true));
      const snapshot = await store.load('p');
      expect(snapshot.checkpoint!.position).toBe(30);
      expect(snapshot.documents).toEqual(docs(50, (j) => `29:${j}`));
    });

    it('gives the same answers and leaves the same documents as the in-process store applying them one by one (any sequence)', async () => {
      const threaded = open();
      const reference = new SqliteReadModelStore({ path: ':memory:' });
      let run = 0;
      try {
        const change = fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), doc: fc.option(fc.string({ maxLength: 6 }), { nil: null }) });
        const op = fc.oneof(
          fc.record({ kind: fc.constant('flush' as const), expected: fc.integer({ min: 0, max: 4 }), changes: fc.array(change, { maxLength: 4 }) }),
          fc.record({ kind: fc.constant('renew' as const) }),
          fc.record({ kind: fc.constant('reset' as const) }),
        );
        await fc.assert(
          fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
            const projection = `p${run++}`;
            type Op = (typeof ops)[number];
            const call = (store: SqliteReadModelStore, lease: Lease, o: Op, i: number): Promise<boolean> =>
              o.kind === 'flush'
                ? store.flush(lease, { expectedPosition: o.expected, position: o.expected + 1, eventId: `e-${i}`, definition: 'd', changes: o.changes.map((c) => ({ collection: 'c', ...c })) })
                : o.kind === 'renew'
                  ? store.renew(lease)
                  : store.reset(lease, 'd');
            const lease = { projection, owner: 'w' };
            expect(await threaded.acquire(projection, 'w')).toEqual(lease);
            expect(await reference.acquire(projection, 'w')).toEqual(lease);
            // All asked for at once of the threaded store; one at a time of the reference.
            const concurrent = await Promise.all(ops.map((o, i) => call(threaded, lease, o, i)));
            const sequential: boolean[] = [];
            for (const [i, o] of ops.entries()) sequential.push(await call(reference, lease, o, i));
            expect(concurrent).toEqual(sequential);
            const [a, b] = [await threaded.load(projection), await reference.load(projection)];
            expect(a.documents).toEqual(b.documents);
            expect(a.checkpoint!.position).toBe(b.checkpoint!.position);
          }),
          { numRuns: 40 },
        );
      } finally {
        await reference.close();
      }
    });
  });

  describe('the fence', () => {
    it('refuses a flush whose expected position is not the checkpoint, and one of an owner whose lease another took, writing nothing', async () => {
      let skew = 0;
      const now = () => Date.now() + skew;
      const { store, lease } = await leased({ leaseMs: 1000, now });
      expect(await store.flush(lease, flushOf(0, 1, docs(3, (i) => `a${i}`)))).toBe(true);
      expect(await store.flush(lease, flushOf(0, 2, docs(3, (i) => `b${i}`)))).toBe(false);
      skew += 1001;
      const other = open({ leaseMs: 1000, now });
      const taken = (await other.acquire('p', 'x'))!;
      expect(await store.flush(lease, flushOf(1, 2, docs(3, (i) => `c${i}`)))).toBe(false);
      expect(await store.renew(lease)).toBe(false);
      expect(await other.flush(taken, flushOf(1, 2, docs(1, () => 'x')))).toBe(true);
      const snapshot = await store.load('p');
      expect(snapshot.checkpoint).toMatchObject({ position: 2, owner: 'x' });
      expect(snapshot.documents).toEqual([{ collection: 'c', key: 'k00000', doc: 'x' }, ...docs(3, (i) => `a${i}`).slice(1)]);
    });
  });

  describe('while a large flush is being written', () => {
    it('keeps the event loop turning, and readers of this connection see the old snapshot whole until it commits', async () => {
      const { store, lease } = await leased();
      const before = docs(3000, (i) => `old ${i}`);
      expect(await store.flush(lease, flushOf(0, 1, before))).toBe(true);
      const after = docs(3000, (i) => `new ${i} ${'x'.repeat(2000)}`);
      let turns = 0;
      const seen: Array<{ position: number; olds: number; news: number }> = [];
      let running = true;
      const watch = async () => {
        while (running) {
          turns++;
          const { checkpoint, documents } = await store.load('p');
          seen.push({ position: checkpoint!.position, olds: documents.filter((d) => d.doc.startsWith('old')).length, news: documents.filter((d) => d.doc.startsWith('new')).length });
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      const watching = watch();
      expect(await store.flush(lease, flushOf(1, 2, after))).toBe(true);
      running = false;
      await watching;
      expect(turns).toBeGreaterThanOrEqual(2);
      for (const s of seen) expect(s.position === 1 ? s.olds === 3000 && s.news === 0 : s.position === 2 && s.news === 3000 && s.olds === 0).toBe(true);
      expect(seen.some((s) => s.position === 1)).toBe(true);
      expect((await store.load('p')).documents).toEqual(after);
    });
  });

  describe('when a write fails on the thread', () => {
    it('rejects that write with the engine error, rolls it back, and goes on with the next', async () => {
      const { store, lease } = await leased();
      expect(await store.flush(lease, flushOf(0, 1, docs(2, (i) => `${i}`)))).toBe(true);
      // A document without a collection: the NOT NULL constraint refuses it after the first upsert of the flush.
      const bad = [...docs(2, () => 'changed'), { collection: null as unknown as string, key: 'z', doc: 'z' }];
      await expect(store.flush(lease, flushOf(1, 2, bad))).rejects.toMatchObject({ message: expect.stringMatching(/NOT NULL constraint failed/), errcode: expect.any(Number) });
      expect(await store.load('p')).toMatchObject({ checkpoint: { position: 1 }, documents: docs(2, (i) => `${i}`) });
      expect(await store.flush(lease, flushOf(1, 2, docs(1, () => 'next')))).toBe(true);
    });
  });

  describe('when the thread dies', () => {
    it('in the middle of a flush: that flush and the writes queued behind it reject with a clear error, nothing of it is written; a new thread takes the writes after a wait', async () => {
      let now = 1_000_000;
      const { store, lease } = await leased({ writerExitAfterDocuments: 500, now: () => now });
      // The first flush is short of the 500 documents after which the thread exits.
      expect(await store.flush(lease, flushOf(0, 1, docs(100, (i) => `a${i}`)))).toBe(true);
      const dying = store.flush(lease, flushOf(1, 2, docs(1000, (i) => `b${i}`)));
      const queued = store.flush(lease, flushOf(2, 3, docs(1, () => 'c')));
      await expect(dying).rejects.toThrow(/read-model store \(SQLite file .*\): the writer thread exited \(code 1\); its writes fail until it is opened again/);
      await expect(queued).rejects.toBeInstanceOf(ReadStoreError);
      // Within a second of the dead thread's start, writes fail with its error (no thread started per write).
      await expect(store.renew(lease)).rejects.toBeInstanceOf(ReadStoreError);
      await expect(store.acquire('q', 'w')).rejects.toBeInstanceOf(ReadStoreError);
      expect(store.restarts).toBe(0);
      // Reads go on, on this connection: the last commit, whole.
      expect(await store.load('p')).toMatchObject({ checkpoint: { position: 1 }, documents: docs(100, (i) => `a${i}`) });
      // Later, a new thread: the fenced writes go on from the last commit, the failed flush written again whole.
      now += 1_001;
      expect(await store.renew(lease)).toBe(true);
      expect(store.restarts).toBe(1);
      expect(await store.flush(lease, flushOf(2, 3, docs(1, () => 'c')))).toBe(false);
      expect(await store.flush(lease, flushOf(1, 2, docs(1000, (i) => `b${i}`)))).toBe(true);
      expect(await store.load('p')).toMatchObject({ checkpoint: { position: 2 }, documents: docs(1000, (i) => `b${i}`) });
      await store.close();
      const reopened = open();
      expect(await reopened.load('p')).toMatchObject({ checkpoint: { position: 2 } });
    });

    it('when terminated while idle: the next write goes to a new thread (the dead one lived past the wait), and close() returns', async () => {
      let now = 1_000_000;
      const { store, lease } = await leased({ now: () => now });
      await threadOf(store)!.terminate();
      now += 5_000;
      expect(await store.flush(lease, flushOf(0, 1, docs(1, () => 'x')))).toBe(true);
      expect(store.restarts).toBe(1);
      await store.close();
    });

    it('replaces a thread that keeps dying at once only after waits that double', async () => {
      let now = 1_000_000;
      const store = open({ now: () => now });
      const threads: Array<{ terminate(): Promise<number> }> = [];
      const kill = async () => {
        const thread = threadOf(store)!;
        threads.push(thread);
        await thread.terminate();
      };
      expect(await store.acquire('p', 'w')).not.toBeNull();
      await kill();
      // Died at once: no new thread before 1 s, then one; it dies at once too: the next waits 2 s.
      now += 500;
      await expect(store.acquire('p', 'w')).rejects.toBeInstanceOf(ReadStoreError);
      now += 600;
      expect(await store.acquire('p', 'w')).not.toBeNull();
      expect(store.restarts).toBe(1);
      await kill();
      now += 1_500;
      await expect(store.acquire('p', 'w')).rejects.toBeInstanceOf(ReadStoreError);
      now += 600;
      expect(await store.acquire('p', 'w')).not.toBeNull();
      expect(store.restarts).toBe(2);
      expect(new Set(threads).size).toBe(2);
      await store.close();
    });

    it('an embedded projection worker logs the failing flush, goes on serving its loop, and writes everything once a new thread takes over', async () => {
      const store = open({ writerExitAfterDocuments: 1 });
      const warnings: string[] = [];
      const worker = new ProjectionWorker({ store, log: arrayLog(hitEvents(50)), projections: [HitsProjection], owner: 'w', flushEveryEvents: 10, pollIntervalMs: 5, logger: { log: () => undefined, warn: (m) => void warnings.push(m) } });
      worker.start();
      try {
        while (warnings.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
        expect(warnings[0]).toMatch(/projection worker: read-model store .*the writer thread exited/);
        expect((await store.load('hits')).checkpoint?.position ?? 0).toBe(0);
        // About a second after the dead thread started, a new one: the worker's flushes then commit, up to the head.
        const deadline = Date.now() + 20_000;
        while (((await store.load('hits')).checkpoint?.position ?? 0) < 50 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      } finally {
        await worker.stop();
      }
      expect(store.restarts).toBeGreaterThanOrEqual(1);
      expect((await store.load('hits')).checkpoint!.position).toBe(50);
      const fresh = new SqliteReadModelStore({ path: ':memory:' });
      const reference = new ProjectionWorker({ store: fresh, log: arrayLog(hitEvents(50)), projections: [HitsProjection], owner: 'r', flushEveryEvents: 10, pollIntervalMs: 5, logger: { log: () => undefined, warn: () => undefined } });
      reference.start();
      while (((await fresh.load('hits')).checkpoint?.position ?? 0) < 50) await new Promise((resolve) => setTimeout(resolve, 10));
      await reference.stop();
      expect((await store.load('hits')).documents).toEqual((await fresh.load('hits')).documents);
      await fresh.close();
    });
  });

  describe('close()', () => {
    it('writes every flush already asked for before it returns, then refuses new writes, and joins the thread', async () => {
      const { store, lease } = await leased();
      const pending = Array.from({ length: 10 }, (_, i) => store.flush(lease, flushOf(i, i + 1, docs(200, (j) => `${i}:${j}`))));
      await store.close();
      expect(await Promise.all(pending)).toEqual(Array(10).fill(true));
      await expect(store.flush(lease, flushOf(10, 11, []))).rejects.toThrow(/closed/);
      await store.close();
      const reopened = open();
      expect((await reopened.load('p')).checkpoint!.position).toBe(10);
    });

    it('is not needed for the process to exit: an idle writer thread does not hold it open', async () => {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'unclosed-read-store.script.ts'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      expect(out.trim()).toBe('flushed 3 (thread)');
    }, 30_000);
  });
});
