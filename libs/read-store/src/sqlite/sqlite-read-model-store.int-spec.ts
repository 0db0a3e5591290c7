import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadModelStore } from '../port';
import { readModelStoreContract } from '../testing/read-model-store.contract';
import { SqliteReadModelStore } from './sqlite-read-model-store';

const LEASE_MS = 5000;

for (const writer of ['thread', 'in-process'] as const) {
  readModelStoreContract(`SQLite file, writes ${writer === 'thread' ? 'on a writer thread' : 'in process'}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-read-store-'));
    // One clock for every connection: losing a lease is time passing beyond it, for everyone.
    let skew = 0;
    const now = () => Date.now() + skew;
    return {
      open: async () => new SqliteReadModelStore({ path: join(dir, 'readmodels.sqlite'), leaseMs: LEASE_MS, synchronous: 'NORMAL', now, writer }),
      loseLeases: async () => {
        skew += LEASE_MS + 1;
      },
      tamper: async (store: ReadModelStore, projection, collection, key, doc) => {
        (store as SqliteReadModelStore).rawDatabase().prepare('UPDATE projection_document SET doc = ? WHERE projection = ? AND collection = ? AND doc_key = ?').run(doc, projection, collection, key);
      },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  });
}

describe('SQLite read-model store: a flush of a few large documents', () => {
  it('gives the event loop turns while it writes them, and shows the old checkpoint until it commits', async () => {
    const store = new SqliteReadModelStore({ path: ':memory:' });
    const lease = (await store.acquire('p', 'w'))!;
    await store.reset(lease, 'p@1');
    // Eight documents of 300 KB: far fewer than a slice's count, but 2.4 MB to write.
    const changes = Array.from({ length: 8 }, (_, i) => ({ collection: 'c', key: `k${i}`, doc: JSON.stringify('x'.repeat(300_000 + i)) }));
    const seen: number[] = [];
    let running = true;
    const watch = () => {
      if (!running) return;
      void store.checkpoints().then(([c]) => seen.push(c.position));
      setImmediate(watch);
    };
    setImmediate(watch);
    expect(await store.flush(lease, { expectedPosition: 0, position: 7, eventId: 'e-7', definition: 'p@1', changes })).toBe(true);
    running = false;
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(new Set(seen)).toEqual(new Set([0]));
    expect((await store.checkpoints())[0].position).toBe(7);
    expect((await store.load('p')).documents).toEqual(changes);
    await store.close();
  });
});

describe('SQLite read-model store: connection settings', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ledger-read-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const pragma = (store: SqliteReadModelStore, name: string) => Object.values(store.rawDatabase().prepare(`PRAGMA ${name}`).get()!)[0];

  it('keeps 64 MiB of pages in cache and checkpoints its WAL every 8,192 pages on the connection that writes (hot documents rewritten flush after flush)', async () => {
    const store = new SqliteReadModelStore({ path: join(dir, 'readmodels.sqlite'), synchronous: 'NORMAL', writer: 'in-process' });
    try {
      expect(pragma(store, 'cache_size')).toBe(-65536);
      expect(pragma(store, 'wal_autocheckpoint')).toBe(8192);
      expect(pragma(store, 'journal_mode')).toBe('wal');
    } finally {
      await store.close();
    }
  });

  it('with a writer thread, gives the thread those settings and this connection, which only reads, the default cache', async () => {
    const store = new SqliteReadModelStore({ path: join(dir, 'readmodels.sqlite'), synchronous: 'NORMAL', writer: 'thread' });
    try {
      expect(await store.acquire('p', 'w')).not.toBeNull();
      const thread = (store as unknown as { thread: { ready: Promise<unknown> } }).thread;
      expect(await thread.ready).toEqual({ cacheSize: -65536, walAutocheckpoint: 8192, synchronous: 1 });
      expect(pragma(store, 'cache_size')).toBe(-2000);
      expect(pragma(store, 'journal_mode')).toBe('wal');
    } finally {
      await store.close();
    }
  });
});

describe('SQLite read-model store: a file made with the former document layout (WITHOUT ROWID)', () => {
  it('is converted when opened: the same documents and checkpoints, in a rowid table, and flushes work on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-read-store-'));
    const path = join(dir, 'readmodels.sqlite');
    try {
      const old = new DatabaseSync(path);
      for (const suffix of ['', '_shadow']) {
        old.exec(`CREATE TABLE projection_checkpoint${suffix} (projection TEXT PRIMARY KEY, position INTEGER NOT NULL, event_id TEXT, definition TEXT NOT NULL, updated_at TEXT NOT NULL, owner TEXT, lease_expires_at INTEGER) STRICT;
          CREATE TABLE projection_document${suffix} (projection TEXT NOT NULL, collection TEXT NOT NULL, doc_key TEXT NOT NULL, doc TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (projection, collection, doc_key)) STRICT, WITHOUT ROWID;`);
      }
      old.exec(`INSERT INTO projection_checkpoint VALUES ('p', 3, 'e-3', 'p@1', '2026-01-01T00:00:00.000Z', NULL, NULL);
        INSERT INTO projection_document VALUES ('p', 'c', 'b', '2', 3), ('p', 'c', 'a', '1', 3), ('p', '', '', '"x"', 2);
        INSERT INTO projection_checkpoint_shadow VALUES ('p', 3, 'e-3', 'p@1', '2026-01-01T00:00:00.000Z', NULL, NULL);
        INSERT INTO projection_document_shadow VALUES ('p', 'c', 'a', 'shadow', 3);`);
      old.close();

      const store = new SqliteReadModelStore({ path });
      const layout = (table: string) => (store.rawDatabase().prepare(`SELECT sql FROM sqlite_schema WHERE name = ?`).get(table) as { sql: string }).sql;
      expect(layout('projection_document')).not.toMatch(/WITHOUT ROWID/i);
      expect(layout('projection_document_shadow')).not.toMatch(/WITHOUT ROWID/i);
      expect(await store.load('p')).toEqual({
        checkpoint: { projection: 'p', position: 3, eventId: 'e-3', definition: 'p@1', updatedAt: '2026-01-01T00:00:00.000Z', owner: null },
        documents: [
          { collection: '', key: '', doc: '"x"' },
          { collection: 'c', key: 'a', doc: '1' },
          { collection: 'c', key: 'b', doc: '2' },
        ],
      });
      expect((await store.load('p', 'shadow')).documents).toEqual([{ collection: 'c', key: 'a', doc: 'shadow' }]);
      const lease = (await store.acquire('p', 'w'))!;
      expect(await store.flush(lease, { expectedPosition: 3, position: 4, eventId: 'e-4', definition: 'p@1', changes: [{ collection: 'c', key: 'a', doc: '10' }, { collection: 'c', key: 'b', doc: null }] })).toBe(true);
      expect((await store.load('p')).documents).toEqual([
        { collection: '', key: '', doc: '"x"' },
        { collection: 'c', key: 'a', doc: '10' },
      ]);
      await store.close();
      // Opened again: nothing left to convert, nothing lost.
      const again = new SqliteReadModelStore({ path });
      expect((await again.load('p')).checkpoint!.position).toBe(4);
      expect((await again.load('p')).documents).toHaveLength(2);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
