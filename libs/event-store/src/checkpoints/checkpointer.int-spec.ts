import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromHex, verifyNote } from '../integrity';
import type { LedgerStore } from '../port';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { ev, req } from '../testing/event-store.contract';
import { TestClock } from '../testing/test-clock';
import { CHECKPOINT_STREAM_ID } from './checkpoint-events';
import { checkpointConfigFromEnv } from './checkpoint-config';
import { checkpointKeyToPem, defaultCheckpointKeyPath, generateCheckpointKey, loadOrCreateCheckpointKey, type CheckpointKey } from './checkpoint-key';
import { Checkpointer } from './checkpointer';
import { verifyCheckpoints } from './verify-checkpoints';

const ORIGIN = 'ledger.test/log';
const policy = { streamKinds: new Set(['task', 'checkpoint']) };

async function appendEvents(store: LedgerStore, n: number): Promise<void> {
  for (let left = n; left > 0; left -= Math.min(left, 100)) {
    await store.append(req('task-1', Array.from({ length: Math.min(left, 100) }, (_, i) => ev('ProgressReported', { percent: i }))));
  }
}

describe('Checkpointer', () => {
  let store: LedgerStore;
  let clock: TestClock;
  let key: CheckpointKey;
  const checkpointer = (options: Partial<{ everyEvents: number; everySeconds: number; key: CheckpointKey }> = {}) =>
    new Checkpointer({ store, key: options.key ?? key, origin: ORIGIN, clock, everyEvents: options.everyEvents ?? 10, everySeconds: options.everySeconds ?? 60 });

  beforeEach(async () => {
    clock = new TestClock('2018-10-20T02:00:00.000Z');
    store = await SqliteEventStore.open({ path: ':memory:', policy, clock });
    key = generateCheckpointKey();
  });
  afterEach(() => store.close());

  describe('when events arrive', () => {
    it('signs once N events are uncovered, not before', async () => {
      const c = checkpointer({ everyEvents: 10 });
      await appendEvents(store, 9);
      expect(await c.tick()).toBeUndefined();
      await appendEvents(store, 1);
      const signed = await c.tick();
      expect(signed).toMatchObject({ size: 10, position: 11, origin: ORIGIN, keyId: key.keyId, algorithm: 'ed25519' });
      // Its own event (position 11) does not count as growth.
      await appendEvents(store, 9);
      expect(await c.tick()).toBeUndefined();
      await appendEvents(store, 1);
      expect(await c.tick()).toMatchObject({ size: 21, position: 22 });
    });

    it('stores each checkpoint in the log as a CheckpointSigned event whose note verifies and whose root is the log’s', async () => {
      await appendEvents(store, 25);
      const signed = (await checkpointer().tick())!;
      const [event] = await store.readStream(CHECKPOINT_STREAM_ID);
      expect(event).toMatchObject({ type: 'CheckpointSigned', position: 26, streamVersion: 1 });
      expect(event.metadata).toMatchObject({ actorId: 'system', recordedAt: '2018-10-20T02:00:00.000Z' });
      expect(event.data).toEqual({
        origin: ORIGIN,
        size: 25,
        rootHash: (await store.treeHead(25)).rootHash,
        note: signed.note,
        keyId: key.keyId,
        algorithm: 'ed25519',
        publicKey: key.publicKeyBase64,
        signedAt: '2018-10-20T02:00:00.000Z',
      });
      const parsed = verifyNote(signed.note, ORIGIN, key.publicKey);
      expect(parsed.ok && parsed.checkpoint).toEqual({
        origin: ORIGIN,
        size: 25,
        rootHash: fromHex((await store.treeHead(25)).rootHash),
        extensions: ['time 2018-10-20T02:00:00.000Z'],
      });
      expect(signed.note).toMatch(/^ledger\.test\/log\n25\n[A-Za-z0-9+/]{43}=\ntime 2018-10-20T02:00:00\.000Z\n\n— ledger\.test\/log [A-Za-z0-9+/]+=*\n$/);
      expect(verifyNote(signed.note, ORIGIN, generateCheckpointKey().publicKey).ok).toBe(false);
    });
  });

  describe('when time passes (fake clock)', () => {
    it('signs after T seconds if the tree grew, even below N events', async () => {
      const c = checkpointer({ everyEvents: 1000, everySeconds: 60 });
      await appendEvents(store, 3);
      clock.advance(59_000);
      expect(await c.tick()).toBeUndefined();
      clock.advance(1_000);
      expect(await c.tick()).toMatchObject({ size: 3, signedAt: '2018-10-20T02:01:00.000Z' });
      // The period restarts at each checkpoint.
      await appendEvents(store, 1);
      clock.advance(30_000);
      expect(await c.tick()).toBeUndefined();
      clock.advance(30_000);
      expect(await c.tick()).toMatchObject({ size: 5 });
    });

    it('never signs an unchanged tree, however long it waits', async () => {
      const c = checkpointer({ everyEvents: 1, everySeconds: 1 });
      await appendEvents(store, 4);
      expect(await c.tick()).toMatchObject({ size: 4 });
      for (let i = 0; i < 5; i++) {
        clock.advance(3_600_000);
        expect(await c.tick()).toBeUndefined();
      }
      expect(await c.signNow()).toMatchObject({ signed: false, checkpoint: { size: 4 } });
      expect(await store.readStream(CHECKPOINT_STREAM_ID)).toHaveLength(1);
    });

    it('signs nothing on an empty log', async () => {
      clock.advance(3_600_000);
      expect(await checkpointer().tick()).toBeUndefined();
      expect(await checkpointer().signNow()).toEqual({ checkpoint: undefined, signed: false });
    });
  });

  describe('when several processes sign', () => {
    it('lets one sign a given tree; the other finds it covered', async () => {
      const a = checkpointer({ everyEvents: 1 });
      const b = checkpointer({ everyEvents: 1 });
      await appendEvents(store, 5);
      const [x, y] = await Promise.all([a.signNow(), b.signNow()]);
      expect([x.checkpoint?.size, y.checkpoint?.size]).toEqual([5, 5]);
      expect((await store.readStream(CHECKPOINT_STREAM_ID)).length).toBe(1);
    });

    it('refuses to sign under another origin than the log’s', async () => {
      await appendEvents(store, 5);
      await checkpointer().signNow();
      await appendEvents(store, 5);
      const other = new Checkpointer({ store, key, origin: 'elsewhere.example/log', clock, everyEvents: 1, everySeconds: 1 });
      await expect(other.signNow()).rejects.toMatchObject({ code: 'CHECKPOINT.ORIGIN_MISMATCH' });
    });

    it('refuses to sign with a key that is not the ledger’s current key', async () => {
      await appendEvents(store, 5);
      await checkpointer().signNow();
      await appendEvents(store, 5);
      await expect(checkpointer({ key: generateCheckpointKey() }).signNow()).rejects.toMatchObject({ code: 'CHECKPOINT.KEY_NOT_CURRENT' });
    });
  });

  describe('when the key is rotated', () => {
    it('records the new key signed by the old one, signs with the new key, and verifiers follow the chain', async () => {
      const c = checkpointer();
      await appendEvents(store, 5);
      await c.signNow();
      const next = generateCheckpointKey();
      const rotation = await c.rotateKey(next);
      expect(rotation).toMatchObject({ previousKeyId: key.keyId, keyId: next.keyId, publicKey: next.publicKeyBase64 });
      expect(rotation.envelope.signatures.map((s) => s.keyid)).toEqual([key.keyId, next.keyId]);
      await appendEvents(store, 5);
      expect(await c.signNow()).toMatchObject({ signed: true, checkpoint: { keyId: next.keyId, size: 12 } });
      // The old key may no longer sign.
      await appendEvents(store, 1);
      await expect(checkpointer({ key }).signNow()).rejects.toMatchObject({ code: 'CHECKPOINT.KEY_NOT_CURRENT' });

      const report = await verifyCheckpoints(store);
      expect(report).toMatchObject({ ok: true, checkpoints: 2, rotations: 1, trust: 'log' });
      expect(report.keys.map((k) => [k.keyId, k.source])).toEqual([
        [key.keyId, 'log'],
        [next.keyId, 'rotation'],
      ]);
      // Pinning either key of the chain vouches for the whole chain; a stranger's key vouches for nothing.
      expect((await verifyCheckpoints(store, { pinnedKey: key.publicKeyBase64 })).ok).toBe(true);
      expect((await verifyCheckpoints(store, { pinnedKey: next.publicKeyBase64 })).ok).toBe(true);
      const stranger = await verifyCheckpoints(store, { pinnedKey: generateCheckpointKey().publicKeyBase64 });
      expect(stranger.problems).toEqual([expect.objectContaining({ code: 'CHECKPOINT_KEY' })]);
    });
  });
});

describe('the checkpoint key on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is generated on first start with mode 0600, and read back on the next', async () => {
    const first = await loadOrCreateCheckpointKey({ dataDir: dir });
    expect(first).toMatchObject({ created: true, path: defaultCheckpointKeyPath(dir), warnings: [] });
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    expect(readFileSync(first.path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const again = await loadOrCreateCheckpointKey({ dataDir: dir });
    expect(again.created).toBe(false);
    expect(again.key.keyId).toBe(first.key.keyId);
  });

  it('generates one key when two processes start at once', async () => {
    const [a, b] = await Promise.all([loadOrCreateCheckpointKey({ dataDir: dir }), loadOrCreateCheckpointKey({ dataDir: dir })]);
    expect(a.key.keyId).toBe(b.key.keyId);
  });

  it('reads LEDGER_CHECKPOINT_KEY_FILE, warning (without key material) when others can read it', async () => {
    const key = generateCheckpointKey();
    const file = join(dir, 'operator.pem');
    writeFileSync(file, checkpointKeyToPem(key), { mode: 0o644 });
    const loaded = await loadOrCreateCheckpointKey({ keyFile: file, dataDir: dir });
    expect(loaded.key.keyId).toBe(key.keyId);
    expect(loaded.warnings).toEqual([`checkpoint key ${file} is readable by others (mode 644); chmod 600 it`]);
  });

  it('refuses a missing or malformed key file without quoting it', async () => {
    await expect(loadOrCreateCheckpointKey({ keyFile: join(dir, 'none.pem'), dataDir: dir })).rejects.toMatchObject({ code: 'CHECKPOINT.KEY_UNREADABLE' });
    const file = join(dir, 'bad.pem');
    writeFileSync(file, '-----BEGIN PRIVATE KEY-----\nU0VDUkVULUtFWS1NQVRFUklBTA==\n-----END PRIVATE KEY-----\n');
    const error = await loadOrCreateCheckpointKey({ keyFile: file, dataDir: dir }).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'CHECKPOINT.KEY_INVALID' });
    expect((error as Error).message).not.toContain('U0VDUkVU');
  });

  it('reads its settings from the environment', () => {
    expect(checkpointConfigFromEnv({}, dir)).toEqual({ origin: 'accountability-ledger.local/log', keyFile: undefined, dataDir: dir, everyEvents: 1000, everySeconds: 60, pollMs: 1000 });
    expect(() => checkpointConfigFromEnv({ LEDGER_ORIGIN: 'my ledger' }, dir)).toThrow(/LEDGER_ORIGIN/);
    expect(() => checkpointConfigFromEnv({ LEDGER_CHECKPOINT_EVERY_EVENTS: '0' }, dir)).toThrow(/LEDGER_CHECKPOINT_EVERY_EVENTS/);
  });
});

describe('verifyCheckpoints over a damaged log', () => {
  it('reports the checkpoints it cannot check instead of stopping', async () => {
    const clock = new TestClock('2018-10-20T02:00:00.000Z');
    const store = await SqliteEventStore.open({ path: ':memory:', policy, clock });
    try {
      const key = generateCheckpointKey();
      await appendEvents(store, 300);
      await new Checkpointer({ store, key, origin: ORIGIN, clock, everyEvents: 10, everySeconds: 60 }).tick();
      // Remove a Merkle node behind the triggers' back, as the tamper suite does.
      const db = (store as SqliteEventStore).rawDatabase();
      db.exec('DROP TRIGGER ledger_merkle_nodes_no_delete');
      db.exec('DELETE FROM ledger_merkle_nodes WHERE level = 8 AND idx = 0');
      const report = await verifyCheckpoints(store);
      expect(report.ok).toBe(false);
      expect(report.problems.map((p) => p.code)).toContain('CHECKPOINT_UNVERIFIABLE');
    } finally {
      await store.close();
    }
  });
});
