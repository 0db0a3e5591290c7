import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { CONTRACT_STREAM_KINDS, describeEventStoreContract, type ContractHarness } from '../testing/event-store.contract';
import type { TestClock } from '../testing/test-clock';
import { SQLITE_SCHEMA } from './schema';
import { SqliteEventStore } from './sqlite-event-store';

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

describeEventStoreContract('SQLite file (WAL)', async (clock: TestClock): Promise<ContractHarness> => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-sqlite-'));
  const path = join(dir, 'ledger.db');
  let store = await SqliteEventStore.open({ path, policy, clock });
  const others: SqliteEventStore[] = [];
  let raw: DatabaseSync | undefined;
  const harness: ContractHarness = {
    get store() {
      return store;
    },
    densePositions: true,
    reopen: async () => {
      await store.close();
      store = await SqliteEventStore.open({ path, policy, clock });
      return store;
    },
    openSecond: async () => {
      const s = await SqliteEventStore.open({ path, policy, clock });
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
});

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
