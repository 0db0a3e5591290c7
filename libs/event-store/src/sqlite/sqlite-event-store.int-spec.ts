import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { DatabaseSync } from 'node:sqlite';
import { IdempotencyConflictError, InvalidAppendError, WrongExpectedVersionError } from '../errors';
import { CONTRACT_STREAM_KINDS, describeEventStoreContract, type ContractHarness } from '../testing/event-store.contract';
import type { TestClock } from '../testing/test-clock';
import { prepareAppend } from '../record';
import { ev, req } from '../testing/event-store.contract';
import { READ_BY_ACTOR_SQL, SQLITE_SCHEMA } from './schema';
import { SqliteEventStore } from './sqlite-event-store';
import { SqliteLogWriter } from './sqlite-log-writer';

const policy = { streamKinds: CONTRACT_STREAM_KINDS };

function rawOps(db: () => DatabaseSync, reopens = false): NonNullable<ContractHarness['raw']> {
  return {
    ...(reopens && {
      truncateAfter: async (position: number) => {
        const d = db();
        d.exec('DROP TRIGGER ledger_events_no_delete');
        d.prepare('DELETE FROM ledger_events WHERE position > ?').run(position);
        d.exec(SQLITE_SCHEMA);
      },
    }),
    updateEvent: async (position) => {
      db().prepare(`UPDATE ledger_events SET type = 'Forged' WHERE position = ?`).run(position);
    },
    deleteEvent: async (position) => {
      db().prepare('DELETE FROM ledger_events WHERE position = ?').run(position);
    },
    tamperRecord: async (position, record) => {
      // What an attacker with file access can do: drop the guard, edit, put the guard back.
      const d = db();
      d.exec('DROP TRIGGER ledger_events_no_update');
      d.prepare('UPDATE ledger_events SET record = ? WHERE position = ?').run(record, position);
      d.exec(SQLITE_SCHEMA);
    },
  };
}

function fileHarness(writer: 'thread' | 'in-process') {
  return async (clock: TestClock): Promise<ContractHarness> => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-sqlite-'));
    const path = join(dir, 'ledger.db');
    let store = await SqliteEventStore.open({ path, policy, clock, writer });
    const others: SqliteEventStore[] = [];
    let raw: DatabaseSync | undefined;
    const harness: ContractHarness = {
      get store() {
        return store;
      },
      densePositions: true,
      reopen: async () => {
        await store.close();
        store = await SqliteEventStore.open({ path, policy, clock, writer });
        return store;
      },
      openSecond: async () => {
        const s = await SqliteEventStore.open({ path, policy, clock, writer });
        others.push(s);
        return s;
      },
      raw: rawOps(() => (raw ??= new DatabaseSync(path)), true),
      cleanup: async () => {
        raw?.close();
        for (const o of others) await o.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return harness;
  };
}

describeEventStoreContract('SQLite file (WAL), writer thread', fileHarness('thread'));
describeEventStoreContract('SQLite file (WAL), writer in process', fileHarness('in-process'));

describeEventStoreContract('SQLite in memory', async (clock: TestClock): Promise<ContractHarness> => {
  const store = await SqliteEventStore.open({ path: ':memory:', policy, clock });
  return {
    get store() {
      return store;
    },
    densePositions: true,
    // An in-memory database lives only as long as its one connection, so a restart cannot be simulated: the
    // subscription test re-subscribes on the same instance, which still exercises the stored checkpoint.
    reopen: async () => store,
    raw: rawOps(() => store.rawDatabase()),
    cleanup: async () => {
      await store.close();
    },
  };
});

describe('SQLite by-actor index', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-sqlite-actor-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const planOf = (db: DatabaseSync) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${READ_BY_ACTOR_SQL}`).all('actor-a', 1, 100, 10) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');

  it('answers readByActor by searching ledger_events_by_actor, with no sort step', async () => {
    const store = await SqliteEventStore.open({ path: join(dir, 'ledger.db'), policy });
    try {
      for (let i = 0; i < 50; i++) await store.append(req(`task-${i % 5}`, [ev('ProgressReported', { i })], 'any', { actorId: `actor-${'abc'[i % 3]}` }));
      // ANALYZE, so the plan is the one a grown log gets, not an empty table's guess.
      store.rawDatabase().exec('ANALYZE');
      const plan = planOf(store.rawDatabase());
      expect(plan).toMatch(/SEARCH ledger_events USING INDEX ledger_events_by_actor \(<expr>=\? AND position>\? AND position<\?\)/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
      expect((await store.readByActor('actor-b')).map((e) => e.data.i)).toEqual(Array.from({ length: 17 }, (_, k) => 1 + 3 * k));
    } finally {
      await store.close();
    }
  });

  it('gives a log written before the index existed the index when it is opened, and then answers from it', async () => {
    const path = join(dir, 'ledger.db');
    // The schema as it was before the index: the same DDL without that one statement.
    const oldSchema = SQLITE_SCHEMA.replace(/^CREATE INDEX IF NOT EXISTS ledger_events_by_actor .*$/m, '');
    expect(oldSchema).not.toMatch(/ledger_events_by_actor/);
    const old = new DatabaseSync(path);
    old.exec('PRAGMA journal_mode = WAL');
    old.exec(oldSchema);
    const writer = await SqliteLogWriter.open(old);
    const outcomes = await writer.write(
      Array.from({ length: 40 }, (_, i) => ({
        prepared: prepareAppend(req(`task-${i % 4}`, [ev('ProgressReported', { i }), ev('ReminderIssued', { i })], 'any', { actorId: `actor-${'ab'[i % 2]}` }), policy),
        recordedAt: '2018-10-10T02:00:00.000Z',
      })),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const indexes = (db: DatabaseSync) => (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'ledger_events_by_actor'`).all() as unknown[]).length;
    expect(indexes(old)).toBe(0);
    old.close();

    const store = await SqliteEventStore.open({ path, policy });
    try {
      expect(indexes(store.rawDatabase())).toBe(1);
      expect(planOf(store.rawDatabase())).toMatch(/USING INDEX ledger_events_by_actor/);
      const all = await store.readAll({ limit: 1000 });
      expect(all).toHaveLength(80);
      const mine = await store.readByActor('actor-b');
      expect(mine).toEqual(all.filter((e) => e.metadata.actorId === 'actor-b'));
      expect(mine.map((e) => e.position)).toEqual(Array.from({ length: 40 }, (_, k) => 3 + 4 * Math.floor(k / 2) + (k % 2)));
      expect((await store.readByActor('actor-a', { fromPosition: 5, toPosition: 10 })).map((e) => e.position)).toEqual([5, 6, 9, 10]);
      // New appends are indexed as they are written.
      await store.append(req('task-9', [ev('TaskRegistered')], 'any', { actorId: 'actor-c' }));
      expect((await store.readByActor('actor-c')).map((e) => e.position)).toEqual([81]);
      expect((await store.verify()).ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('still opens a log holding a forged row that is not JSON, building the index around it, and verify names the row', async () => {
    const path = join(dir, 'ledger.db');
    const store = await SqliteEventStore.open({ path, policy });
    for (let i = 0; i < 10; i++) await store.append(req('task-1', [ev('ProgressReported', { i })], 'any', { actorId: 'actor-a' }));
    await store.close();
    const raw = new DatabaseSync(path);
    // An attacker with the file: drop the guard and the index, overwrite a record with something that is not JSON.
    raw.exec('DROP TRIGGER ledger_events_no_update; DROP INDEX ledger_events_by_actor');
    raw.prepare('UPDATE ledger_events SET record = ? WHERE position = 4').run('not json');
    raw.exec(SQLITE_SCHEMA.replace(/^CREATE INDEX .*$/m, ''));
    raw.close();
    const reopened = await SqliteEventStore.open({ path, policy });
    try {
      expect((await reopened.readByActor('actor-a')).map((e) => e.position)).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10]);
      const report = await reopened.verify();
      expect(report.ok).toBe(false);
      expect(report.problems[0]).toMatchObject({ position: 4 });
    } finally {
      await reopened.close();
    }
  });
});

describe('SQLite file store settings', () => {
  it('runs in WAL mode with durable commits by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-sqlite-mode-'));
    const store = await SqliteEventStore.open({ path: join(dir, 'ledger.db'), policy });
    try {
      const db = store.rawDatabase();
      expect((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
      // 2 = FULL: each commit is fsynced.
      expect((db.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous).toBe(2);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(['thread', 'in-process'] as const)('SQLite group commit (appends waiting together share one transaction), writer %s', (writer) => {
  let dir: string;
  let store: SqliteEventStore;
  let n = 0;
  const request = (streamId: string, events = 1, expectedVersion: 'any' | 'no-stream' | number = 'any', commandId = `cmd-${++n}`) => ({
    streamId,
    expectedVersion,
    events: Array.from({ length: events }, (_, i) => ({ type: 'Hit', data: { i } })),
    metadata: { actorId: 'u-1', actorRole: 'administrator', actorUnit: 'root', commandId, correlationId: commandId, causationId: null, occurredAt: '2026-01-01T00:00:00Z' },
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-sqlite-group-'));
    store = await SqliteEventStore.open({ path: join(dir, 'ledger.db'), policy, writer });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives every append of a group its own gap-free positions, in the order they were called, and the log verifies', async () => {
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => store.append(request(`task-s${i % 7}`, 1 + (i % 3)))));
    let next = 1;
    for (const r of results) {
      expect(r.firstPosition).toBe(next);
      next = r.lastPosition + 1;
    }
    expect(await store.headPosition()).toBe(next - 1);
    const report = await store.verify();
    expect(report.ok).toBe(true);
    // Stream versions follow the call order within each stream.
    const s0 = await store.readStream('task-s0');
    expect(s0.map((e) => e.streamVersion)).toEqual(s0.map((_, i) => i + 1));
  });

  it('fails only the append whose expected version is wrong, and writes nothing of it', async () => {
    await store.append(request('task-a', 1, 'no-stream'));
    const outcomes = await Promise.allSettled([
      store.append(request('task-b', 1, 'no-stream')),
      store.append(request('task-a', 2, 5)),
      store.append(request('task-a', 1, 1)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'STORE.WRONG_EXPECTED_VERSION' });
    expect((await store.readStream('task-a')).map((e) => e.streamVersion)).toEqual([1, 2]);
    expect(await store.headPosition()).toBe(3);
    expect((await store.verify()).ok).toBe(true);
  });

  it('answers a command sent twice in the same group with the first result, and refuses its id on another stream', async () => {
    const same = request('task-c', 2, 'any', 'cmd-twice');
    const outcomes = await Promise.allSettled([
      store.append(same),
      store.append(same),
      store.append({ ...request('task-d', 1), metadata: same.metadata }),
    ]);
    expect(outcomes[0]).toMatchObject({ status: 'fulfilled' });
    const first = (outcomes[0] as PromiseFulfilledResult<{ duplicate: boolean }>).value;
    expect(first.duplicate).toBe(false);
    expect((outcomes[1] as PromiseFulfilledResult<unknown>).value).toEqual({ ...first, duplicate: true });
    expect(outcomes[2]).toMatchObject({ status: 'rejected', reason: { code: 'STORE.IDEMPOTENCY_CONFLICT' } });
    expect(await store.headPosition()).toBe(2);
  });

  it('falls back to appending one by one when another process appended since, still gap-free', async () => {
    const other = await SqliteEventStore.open({ path: join(dir, 'ledger.db'), policy, writer });
    try {
      await store.append(request('task-e'));
      await other.append(request('task-f'));
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(request(`task-g${i % 3}`))));
      expect(results.map((r) => r.firstPosition)).toEqual(Array.from({ length: 20 }, (_, i) => 3 + i));
      await other.append(request('task-f'));
      expect(await other.headPosition()).toBe(23);
      expect((await store.verify()).ok).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('commits each append on its own when group commit is off, with the same results', async () => {
    const solo = await SqliteEventStore.open({ path: join(dir, 'solo.db'), policy, groupCommit: false, writer });
    try {
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => solo.append(request(`task-h${i % 4}`, 1 + (i % 2)))));
      expect(results.at(-1)!.lastPosition).toBe(45);
      expect((await solo.verify()).ok).toBe(true);
    } finally {
      await solo.close();
    }
  });
});

describe('SQLite writer thread (a file log is written off the event loop)', () => {
  let dir: string;
  let path: string;
  let n = 0;
  const request = (streamId: string, expectedVersion: 'any' | 'no-stream' | number = 'any', commandId = `thread-${++n}`) => ({
    streamId,
    expectedVersion,
    events: [{ type: 'Hit', data: { n } }],
    metadata: { actorId: 'u-1', actorRole: 'administrator', actorUnit: 'root', commandId, correlationId: commandId, causationId: null, occurredAt: '2026-01-01T00:00:00Z' },
  });
  const dataVersion = (db: DatabaseSync) => (db.prepare('PRAGMA data_version').get() as { data_version: number }).data_version;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-sqlite-thread-'));
    path = join(dir, 'ledger.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is how a file log writes by default: its own connection sees each append as another connection\'s commit', async () => {
    const store = await SqliteEventStore.open({ path, policy });
    try {
      const before = dataVersion(store.rawDatabase());
      await store.append(request('task-a'));
      expect(dataVersion(store.rawDatabase())).not.toBe(before);
      // Acknowledged means committed: this thread's reads see it at once.
      expect(await store.headPosition()).toBe(1);
      expect((await store.readStream('task-a')).map((e) => e.position)).toEqual([1]);
    } finally {
      await store.close();
    }
    const inProcess = await SqliteEventStore.open({ path, policy, writer: 'in-process' });
    try {
      const before = dataVersion(inProcess.rawDatabase());
      await inProcess.append(request('task-a'));
      expect(dataVersion(inProcess.rawDatabase())).toBe(before);
    } finally {
      await inProcess.close();
    }
  });

  it('refuses a writer thread for an in-memory log, whose database lives in one connection', async () => {
    await expect(SqliteEventStore.open({ path: ':memory:', policy, writer: 'thread' })).rejects.toMatchObject({ code: 'STORE.INVALID_OPTION' });
  });

  it('answers each caller with the same error classes as the in-process writer, failing only that caller', async () => {
    const store = await SqliteEventStore.open({ path, policy });
    try {
      await store.append(request('task-a', 'no-stream', 'first'));
      const outcomes = await Promise.allSettled([
        store.append(request('task-a', 7)),
        store.append(request('task-b', 'no-stream', 'first')),
        store.append(request('task-a', 1)),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
      const wrong = (outcomes[0] as PromiseRejectedResult).reason;
      expect(wrong).toBeInstanceOf(WrongExpectedVersionError);
      expect(wrong).toMatchObject({ code: 'STORE.WRONG_EXPECTED_VERSION', streamId: 'task-a', expected: 7, actual: 1 });
      const conflict = (outcomes[1] as PromiseRejectedResult).reason;
      expect(conflict).toBeInstanceOf(IdempotencyConflictError);
      expect(conflict).toMatchObject({ code: 'STORE.IDEMPOTENCY_CONFLICT', details: { commandId: 'first', firstStreamId: 'task-a', streamId: 'task-b' } });
      // Refused before reaching the thread: validation runs on the caller's side.
      await expect(store.append(request('nokind-a'))).rejects.toBeInstanceOf(InvalidAppendError);
      expect(await store.headPosition()).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('keeps each caller\'s order and gap-free positions with 16 callers each awaiting its previous append', async () => {
    const store = await SqliteEventStore.open({ path, policy });
    try {
      const perCaller = await Promise.all(
        Array.from({ length: 16 }, async (_, caller) => {
          const results = [];
          for (let i = 0; i < 20; i++) results.push(await store.append(request(`task-c${caller}`, i === 0 ? 'no-stream' : i)));
          return results;
        }),
      );
      for (const results of perCaller) {
        expect(results.map((r) => r.streamVersion)).toEqual(results.map((_, i) => i + 1));
        expect(results.map((r) => r.firstPosition)).toEqual([...results.map((r) => r.firstPosition)].sort((a, b) => a - b));
      }
      expect(perCaller.flat().map((r) => r.firstPosition).sort((a, b) => a - b)).toEqual(Array.from({ length: 320 }, (_, i) => i + 1));
      expect((await store.verify()).ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('writes every append already made before close() returns, then refuses new ones', async () => {
    const store = await SqliteEventStore.open({ path, policy });
    const pending = Array.from({ length: 50 }, (_, i) => store.append(request(`task-d${i % 5}`)));
    await store.close();
    const results = await Promise.all(pending);
    expect(results.map((r) => r.firstPosition)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await expect(store.append(request('task-d0'))).rejects.toMatchObject({ code: 'STORE.CLOSED' });
    const reopened = await SqliteEventStore.open({ path, policy });
    try {
      expect(await reopened.headPosition()).toBe(50);
      expect((await reopened.verify()).ok).toBe(true);
    } finally {
      await reopened.close();
    }
  });

  it('does not hold the process open while nothing is waiting on it', async () => {
    // A script that appends and never closes its store must still exit on its own.
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'unclosed-store.script.ts'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(out.trim()).toBe('appended 3');
  }, 30_000);
});
