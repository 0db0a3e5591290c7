import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { CONTRACT_STREAM_KINDS, ev, req } from '../testing/event-store.contract';
import { SQLITE_SCHEMA } from './schema';
import { SqliteEventStore } from './sqlite-event-store';

const policy = { streamKinds: CONTRACT_STREAM_KINDS };

/** Runs SQL with the append-only triggers dropped, as an attacker with the file could, then restores them. */
function bypass(path: string, sql: (db: DatabaseSync) => void): void {
  const db = new DatabaseSync(path);
  for (const t of ['ledger_events_no_update', 'ledger_events_no_delete', 'ledger_merkle_nodes_no_update', 'ledger_merkle_nodes_no_delete']) {
    db.exec(`DROP TRIGGER ${t}`);
  }
  sql(db);
  db.exec(SQLITE_SCHEMA);
  db.close();
}

describe('SQLite: tampering with the file', () => {
  let dir: string;
  let path: string;
  let store: SqliteEventStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-tamper-'));
    path = join(dir, 'ledger.db');
    store = await SqliteEventStore.open({ path, policy });
    // 600 events: two complete 256-leaf subtrees are stored as Merkle nodes, the tail is not.
    for (let i = 0; i < 6; i++) {
      await store.append(req(`task-${i}`, Array.from({ length: 100 }, (_, k) => ev('ProgressReported', { percent: k }))));
    }
    expect((await store.verify()).ok).toBe(true);
    await store.close();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const reopenAndVerify = async (threads?: number) => {
    store = await SqliteEventStore.open({ path, policy });
    return store.verify({ threads });
  };

  it.each([1, 2])('passes an untouched log (%i thread(s))', async (threads) => {
    const report = await reopenAndVerify(threads);
    expect(report).toMatchObject({ ok: true, eventsChecked: 600, problems: [] });
  });

  it.each([1, 2])('names a deleted row (%i thread(s))', async (threads) => {
    bypass(path, (db) => db.exec('DELETE FROM ledger_events WHERE position = 300'));
    const report = await reopenAndVerify(threads);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ position: 300, code: 'POSITION_GAP' });
  });

  it('names two swapped rows', async () => {
    bypass(path, (db) => {
      const a = db.prepare('SELECT * FROM ledger_events WHERE position = 10').get() as Record<string, never>;
      const b = db.prepare('SELECT * FROM ledger_events WHERE position = 11').get() as Record<string, never>;
      const put = db.prepare('UPDATE ledger_events SET event_id = ?, stream_id = ?, stream_version = ?, type = ?, command_id = ?, record = ?, leaf_hash = ? WHERE position = ?');
      put.run('tmp', 'x', -1, 'x', 'x', 'x', new Uint8Array(32), 10);
      put.run(a.event_id, a.stream_id, a.stream_version, a.type, a.command_id, a.record, a.leaf_hash, 11);
      put.run(b.event_id, b.stream_id, b.stream_version, b.type, b.command_id, b.record, b.leaf_hash, 10);
    });
    const report = await reopenAndVerify();
    expect(report.problems[0]).toMatchObject({ position: 10, code: 'ROW_MISMATCH' });
  });

  it('names an index column edited behind the record’s back', async () => {
    bypass(path, (db) => db.exec(`UPDATE ledger_events SET stream_id = 'task-99' WHERE position = 42`));
    const report = await reopenAndVerify();
    expect(report.problems[0]).toMatchObject({ position: 42, code: 'ROW_MISMATCH' });
  });

  it('catches a record rewritten together with its leaf hash, at the Merkle node above it', async () => {
    const { encodeRecord, recordLeafHash, decodeRecord } = await import('../record');
    bypass(path, (db) => {
      const row = db.prepare('SELECT record FROM ledger_events WHERE position = 100').get() as { record: string };
      const forged = encodeRecord({ ...decodeRecord(row.record), data: { percent: 100 } });
      db.prepare('UPDATE ledger_events SET record = ?, leaf_hash = ? WHERE position = 100').run(forged, recordLeafHash(forged));
    });
    const report = await reopenAndVerify();
    expect(report.problems[0]).toMatchObject({ position: 256, code: 'NODE_MISMATCH' });
  });

  it('refuses to append over a truncated log, and verify names the orphaned nodes', async () => {
    bypass(path, (db) => db.exec('DELETE FROM ledger_events WHERE position > 200'));
    store = await SqliteEventStore.open({ path, policy });
    await expect(store.append(req('task-new', Array.from({ length: 100 }, () => ev('ProgressReported', { percent: 1 }))))).rejects.toMatchObject({
      code: 'STORE.INTEGRITY',
    });
    const report = await store.verify();
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ position: 256, code: 'NODE_EXTRA' });
  });

  it('exposes a truncated and rewritten log against a tree head taken earlier', async () => {
    const { fromHex, verifyConsistency } = await import('../integrity');
    store = await SqliteEventStore.open({ path, policy });
    const before = await store.treeHead(600);
    await store.close();
    bypass(path, (db) => db.exec('DELETE FROM ledger_events WHERE position > 200; DELETE FROM ledger_merkle_nodes'));
    store = await SqliteEventStore.open({ path, policy });
    for (let i = 0; i < 4; i++) await store.append(req(`task-new-${i}`, Array.from({ length: 100 }, () => ev('ProgressReported', { percent: 1 }))));
    // Internally consistent again, so only a tree head (a signed checkpoint, in production) kept from before shows it.
    expect((await store.verify()).ok).toBe(true);
    const after = await store.treeHead(600);
    expect(after.rootHash).not.toBe(before.rootHash);
    const proof = (await store.consistencyProof(600, 600)).map(fromHex);
    expect(verifyConsistency(600, 600, proof, fromHex(before.rootHash), fromHex(after.rootHash)).ok).toBe(false);
    const fromOld = (await store.consistencyProof(150, 600)).map(fromHex);
    const oldHead150 = await store.treeHead(150);
    expect(verifyConsistency(150, 600, fromOld, fromHex(oldHead150.rootHash), fromHex(before.rootHash)).ok).toBe(false);
  });

  it('refuses DELETE of a Merkle node through the triggers', async () => {
    const db = new DatabaseSync(path);
    expect(() => db.exec('DELETE FROM ledger_merkle_nodes')).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM ledger_events')).toThrow(/append-only/);
    db.close();
  });
});

describe('SQLite: a crash in the middle of an append', () => {
  it('leaves every command all-or-nothing, keeps every acknowledged one, and the log verifiable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-crash-'));
    const path = join(dir, 'ledger.db');
    const acknowledged = new Set<string>();
    try {
      for (let round = 0; round < 3; round++) {
        const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'crash-appender.script.ts'), path], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        // Wait until it has committed something, then kill it at a random moment mid-stream (groups under way).
        await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
        // Only whole lines: a line cut by the kill was not fully reported.
        for (const line of out.split('\n').slice(0, -1)) acknowledged.add(line);
      }
      const store = await SqliteEventStore.open({ path, policy });
      try {
        const byCommand = new Map<string, number>();
        for (let from = 1; ; ) {
          const page = await store.readAll({ fromPosition: from, limit: 5000 });
          if (page.length === 0) break;
          for (const e of page) byCommand.set(e.metadata.commandId, (byCommand.get(e.metadata.commandId) ?? 0) + 1);
          from = page[page.length - 1].position + 1;
        }
        expect(acknowledged.size).toBeGreaterThan(0);
        for (const count of byCommand.values()) expect(count).toBe(100);
        expect([...acknowledged].filter((id) => !byCommand.has(id))).toEqual([]);
        expect((await store.verify()).ok).toBe(true);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('SQLite: verify over whole Merkle chunks on worker threads', () => {
  it('agrees with the single-threaded verify, on an intact log and on a tampered one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-chunks-'));
    const path = join(dir, 'ledger.db');
    let store = await SqliteEventStore.open({ path, policy, synchronous: 'NORMAL' });
    try {
      // Two full 16,384-leaf chunks and a partial third.
      for (let i = 0; i < 350; i++) await store.append(req(`task-${i % 9}`, Array.from({ length: 100 }, (_, k) => ev('ProgressReported', { i, k }))));
      const one = await store.verify({ threads: 1 });
      const two = await store.verify({ threads: 2 });
      expect(two).toEqual(one);
      expect(two).toMatchObject({ ok: true, eventsChecked: 35_000 });
      expect(two.treeHead).toEqual(await store.treeHead());
      await store.close();

      const { encodeRecord, recordLeafHash, decodeRecord } = await import('../record');
      bypass(path, (db) => {
        const row = db.prepare('SELECT record FROM ledger_events WHERE position = 20000').get() as { record: string };
        const forged = encodeRecord({ ...decodeRecord(row.record), data: { percent: 100 } });
        db.prepare('UPDATE ledger_events SET record = ?, leaf_hash = ? WHERE position = 20000').run(forged, recordLeafHash(forged));
      });
      store = await SqliteEventStore.open({ path, policy });
      const tampered1 = await store.verify({ threads: 1 });
      const tampered2 = await store.verify({ threads: 2 });
      expect(tampered2.problems).toEqual(tampered1.problems);
      expect(tampered2.problems[0]).toMatchObject({ position: 20224, code: 'NODE_MISMATCH' });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
