import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Command } from 'commander';
import { STREAM_KINDS } from '@ledger/domain';
import {
  CHECKPOINT_STREAM_ID,
  decodeRecord,
  encodeRecord,
  formatCheckpointBody,
  generateCheckpointKey,
  signNote,
  SqliteEventStore,
  type CheckpointKey,
  type LedgerStore,
} from '@ledger/event-store';
import { SQLITE_SCHEMA } from '@ledger/event-store/sqlite/schema';
import { cliCheckpointer, readPinnedKey, registerCheckpointCommands, verifyLedger } from './checkpoint';

/** `ledger checkpoint`, `ledger checkpoints` and `ledger verify` on a real SQLite file, tampered with as an attacker with the file could. */
describe('ledger checkpoint and ledger verify', () => {
  let dir: string;
  let path: string;
  let store: SqliteEventStore;
  let out: string[];
  const saved = { ...process.env };

  const open = async () => (store = await SqliteEventStore.open({ path, policy: { streamKinds: new Set(STREAM_KINDS) } }));
  const ledger = async (...args: string[]): Promise<string> => {
    out = [];
    const program = new Command('ledger').exitOverride();
    registerCheckpointCommands(program, (fn) => fn(store));
    await program.parseAsync(['node', 'ledger', ...args]);
    return out.join('');
  };
  const verify = async (opts: Parameters<typeof verifyLedger>[1] = {}) => {
    out = [];
    const code = await verifyLedger(store, opts);
    return { code, text: out.join('') };
  };
  const appendTasks = async (n: number, stream = 'task-t4-zh') => {
    for (let i = 0; i < n; i++) {
      await store.append({
        streamId: stream,
        expectedVersion: 'any',
        events: [{ type: 'ProgressReported', data: { percent: i } }],
        metadata: { actorId: 'p-zh-staff', actorRole: 'unit_staff', actorUnit: 'zh', commandId: `c-${stream}-${Math.random()}`, correlationId: 'x', causationId: null, occurredAt: '2018-10-20T02:00:00.000Z' },
      });
    }
  };
  /** Runs SQL with the append-only triggers dropped, as an attacker with the file could, then restores them. */
  const bypass = async (sql: (db: DatabaseSync) => void) => {
    await store.close();
    const db = new DatabaseSync(path);
    for (const t of ['ledger_events_no_update', 'ledger_events_no_delete', 'ledger_merkle_nodes_no_update', 'ledger_merkle_nodes_no_delete']) db.exec(`DROP TRIGGER ${t}`);
    sql(db);
    db.exec(SQLITE_SCHEMA);
    db.close();
    await open();
  };
  /** A forged CheckpointSigned event, appended through the store as anyone with write access could. */
  const forgeCheckpoint = async (key: CheckpointKey, size: number, rootHash: Buffer) => {
    const signedAt = '2018-10-21T00:00:00.000Z';
    const origin = 'accountability-ledger.local/log';
    const note = signNote(formatCheckpointBody({ origin, size, rootHash, extensions: [`time ${signedAt}`] }), origin, key.privateKey);
    const version = (await store.readStream(CHECKPOINT_STREAM_ID)).length;
    await store.append({
      streamId: CHECKPOINT_STREAM_ID,
      expectedVersion: version,
      events: [{ type: 'CheckpointSigned', data: { origin, size, rootHash: rootHash.toString('hex'), note, keyId: key.keyId, algorithm: 'ed25519', publicKey: key.publicKeyBase64, signedAt } }],
      metadata: { actorId: 'intruder', actorRole: 'administrator', actorUnit: 'root', commandId: `forged-${Math.random()}`, correlationId: 'x', causationId: null, occurredAt: signedAt },
    });
  };
  const codes = (text: string) => [...text.matchAll(/\b(LEAF_HASH_MISMATCH|NODE_MISMATCH|POSITION_GAP|CHECKPOINT_[A-Z_]+|WITNESS_[A-Z]+|KEY_ROTATION_INVALID)\b/g)].map((m) => m[1]);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-cli-cp-'));
    path = join(dir, 'ledger.db');
    process.env.LEDGER_DATA_DIR = dir;
    delete process.env.LEDGER_CHECKPOINT_KEY_FILE;
    delete process.env.LEDGER_ORIGIN;
    await open();
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    jest.spyOn(console, 'log').mockImplementation((...items: unknown[]) => void out.push(`${items.join(' ')}\n`));
    // Checkpoint at 10 (its event is 11), more events, checkpoint at 20 (event 21), more events.
    await appendTasks(10);
    await ledger('checkpoint');
    await appendTasks(9);
    await ledger('checkpoint');
    await appendTasks(5, 'task-t4-zx');
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await store.close();
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs a checkpoint now, prints its note, lists them, and verifies the whole log', async () => {
    const note = await ledger('checkpoint');
    expect(note).toMatch(/^accountability-ledger\.local\/log\n26\n.+\ntime .+\n\n— accountability-ledger\.local\/log .+\n$/);
    expect(await ledger('checkpoint')).toBe(note); // nothing new: the latest, not another
    const listed = JSON.parse(await ledger('checkpoints', '--json'));
    expect(listed.map((c: { size: number }) => c.size)).toEqual([10, 20, 26]);
    expect(await ledger('checkpoints', '--size', '26')).toBe(note);
    const key = (await ledger('checkpoints', '--public-key')).split('\t');
    const { code, text } = await verify({ ledgerKey: key[0] });
    expect(code).toBe(0);
    expect(text).toContain('OK: 27 events verified');
    expect(text).toContain('OK: 3 checkpoint(s) checked (signature, root at their size, consistency), 0 key rotation(s); the pinned ledger key is in the chain');
    expect((await verify()).text).toContain('was taken from the log itself');
  });

  it('catches an edited checkpoint event both as a leaf mismatch and as a bad signature', async () => {
    await bypass((db) => {
      const row = db.prepare('SELECT record FROM ledger_events WHERE position = 21').get() as { record: string };
      const event = decodeRecord(row.record);
      const data = event.data as { size: number; note: string };
      // Claim the checkpoint covered one event fewer: edit the note's size line and the data alike.
      const forged = encodeRecord({ ...event, data: { ...event.data, size: 19, note: data.note.replace('\n20\n', '\n19\n') } });
      db.prepare('UPDATE ledger_events SET record = ? WHERE position = 21').run(forged);
    });
    const { code, text } = await verify();
    expect(code).toBe(1);
    expect(text).toMatch(/FAILED at position 21: LEAF_HASH_MISMATCH/);
    expect(text).toMatch(/CHECKPOINT_SIGNATURE: checkpoint at position 21: the note's signature does not verify/);
  });

  it('reports a split view: a forged checkpoint of the same size with another root, signed by another key', async () => {
    await forgeCheckpoint(generateCheckpointKey(), 20, Buffer.alloc(32, 7));
    const { code, text } = await verify();
    expect(code).toBe(1);
    expect(codes(text)).toEqual(expect.arrayContaining(['CHECKPOINT_KEY', 'CHECKPOINT_SIGNATURE', 'CHECKPOINT_ROOT', 'CHECKPOINT_SPLIT_VIEW']));
    expect(text).toMatch(/split view: checkpoints at positions 21 and 27 both sign size 20, with different roots/);
  });

  it('reports a split view signed with the ledger’s own (stolen) key: the signature holds, the root does not', async () => {
    const checkpointer = await cliCheckpointer(store);
    await forgeCheckpoint(checkpointer.key, 20, Buffer.alloc(32, 7));
    const { code, text } = await verify();
    expect(code).toBe(1);
    expect(codes(text)).not.toContain('CHECKPOINT_SIGNATURE');
    expect(codes(text)).toEqual(expect.arrayContaining(['CHECKPOINT_ROOT', 'CHECKPOINT_SPLIT_VIEW', 'CHECKPOINT_INCONSISTENT']));
  });

  it('catches a truncated and rewritten log against an earlier checkpoint kept outside it', async () => {
    const witness = join(dir, 'witness.note');
    writeFileSync(witness, await ledger('checkpoints', '--size', '20'));
    // Drop everything from position 15 on (the second checkpoint included) and the Merkle nodes, then re-append.
    await bypass((db) => db.exec('DELETE FROM ledger_events WHERE position >= 15; DELETE FROM ledger_merkle_nodes'));
    await appendTasks(12, 'task-t4-sg');
    // Internally consistent again, and the first checkpoint (size 10) still holds: only the outside copy shows it.
    expect(await verify()).toMatchObject({ code: 0 });
    const { code, text } = await verify({ against: [witness] });
    expect(code).toBe(1);
    expect(text).toMatch(/WITNESS_MISMATCH: .*witness\.note: the witnessed root at size 20 is [0-9a-f]{64}, the log's is [0-9a-f]{64}: the log was rewritten or forked/);
  });

  it('catches a rewrite that keeps the later checkpoint event: its root and its consistency with the earlier one fail', async () => {
    let copied = '';
    await bypass((db) => {
      copied = (db.prepare('SELECT record FROM ledger_events WHERE position = 21').get() as { record: string }).record;
      db.exec('DELETE FROM ledger_events WHERE position >= 15; DELETE FROM ledger_merkle_nodes');
    });
    await appendTasks(5, 'task-t4-sg');
    const original = decodeRecord(copied);
    await store.append({ streamId: CHECKPOINT_STREAM_ID, expectedVersion: 1, events: [{ type: original.type, data: original.data }], metadata: { ...original.metadata, commandId: 'replayed' } });
    const { code, text } = await verify();
    expect(code).toBe(1);
    expect(codes(text)).toEqual(expect.arrayContaining(['CHECKPOINT_ROOT', 'CHECKPOINT_INCONSISTENT']));
  });

  it('catches a truncated log against a witness and against its own checkpoints', async () => {
    const witness = join(dir, 'witness.note');
    writeFileSync(witness, await ledger('checkpoint'));
    await bypass((db) => db.exec('DELETE FROM ledger_events WHERE position > 22; DELETE FROM ledger_merkle_nodes WHERE level > 100'));
    const { code, text } = await verify({ against: [witness] });
    expect(code).toBe(1);
    expect(text).toMatch(/the witnessed checkpoint covers 26 events, but the log has 22: the log was truncated/);
  });

  it('refuses a witness note not signed by the ledger', async () => {
    const witness = join(dir, 'fake.note');
    const other = generateCheckpointKey();
    const origin = 'accountability-ledger.local/log';
    writeFileSync(witness, signNote(formatCheckpointBody({ origin, size: 20, rootHash: Buffer.alloc(32), extensions: [] }), origin, other.privateKey));
    const { code, text } = await verify({ against: [witness] });
    expect(code).toBe(1);
    expect(text).toMatch(/WITNESS_INVALID: .*fake\.note: not signed as accountability-ledger\.local\/log by any of the ledger's keys/);
  });

  describe('with a pinned ledger key (--pinned-key <file>)', () => {
    const origin = 'accountability-ledger.local/log';
    /** The ledger's key as an auditor pinned it: the `ledger checkpoints --public-key` line, saved to a file. */
    const pin = async (content?: string) => {
      const file = join(dir, 'ledger-key.pin');
      writeFileSync(file, content ?? (await ledger('checkpoints', '--public-key')));
      return file;
    };

    it('accepts the log and a witness note signed by the pinned key', async () => {
      const witness = join(dir, 'witness.note');
      writeFileSync(witness, await ledger('checkpoints', '--size', '20'));
      const { code, text } = await verify({ pinnedKey: await pin(), against: [witness] });
      expect(code).toBe(0);
      expect(text).toContain('the pinned ledger key is in the chain');
      expect(text).toContain('OK: 1 checkpoint(s) from outside the log checked against it and the pinned ledger key');
    });

    it('refuses a rewritten log re-signed under another key, and its forged witness note, that pass without the pin', async () => {
      const pinned = await pin();
      const { keyId: pinnedId } = await cliCheckpointer(store).then((c) => c.key);
      // The intruder drops every checkpoint and the Merkle nodes, rewrites from position 11, and signs with a key
      // of their own; the log now claims that key, and a note they sign "verifies" under it.
      await bypass((db) => db.exec('DELETE FROM ledger_events WHERE position >= 11; DELETE FROM ledger_merkle_nodes'));
      await appendTasks(9, 'task-t4-sg');
      const intruder = generateCheckpointKey();
      const root = Buffer.from((await store.treeHead(19)).rootHash, 'hex');
      await forgeCheckpoint(intruder, 19, root);
      const forged = join(dir, 'forged.note');
      writeFileSync(forged, signNote(formatCheckpointBody({ origin, size: 19, rootHash: root, extensions: [] }), origin, intruder.privateKey));

      expect(await verify({ against: [forged] })).toMatchObject({ code: 0 });
      const { code, text } = await verify({ pinnedKey: pinned, against: [forged] });
      expect(code).toBe(1);
      expect(text).toContain(`CHECKPOINT_KEY: the pinned ledger key ${pinnedId} signs none of the log's checkpoints`);
      expect(text).toContain(`WITNESS_KEY: ${forged}: refused: not signed as ${origin} by any of the ledger's keys`);
      expect(text).toContain(`it is not signed by the pinned ledger key ${pinnedId} (it is signed by ${intruder.keyId}, a key only the log vouches for)`);
      expect(text).toContain('FAILED: 1 checkpoint(s) from outside the log checked against it and the pinned ledger key');
    });

    it('refuses a witness note signed by a key neither pinned nor in the log, naming its signature', async () => {
      const stranger = generateCheckpointKey();
      const note = join(dir, 'stranger.note');
      writeFileSync(note, signNote(formatCheckpointBody({ origin, size: 20, rootHash: Buffer.alloc(32), extensions: [] }), origin, stranger.privateKey));
      const { code, text } = await verify({ pinnedKey: await pin(), against: [note] });
      expect(code).toBe(1);
      expect(text).toMatch(new RegExp(`WITNESS_KEY: .*stranger\\.note: refused: .*it is not signed by the pinned ledger key [0-9a-f]{64} \\(its signatures: accountability-ledger\\.local/log\\+[0-9a-f]{8}\\)`));
    });

    it('follows the pinned key through a rotation it signed: a note by the new key is accepted', async () => {
      const pinned = await pin(JSON.stringify({ publicKey: (await ledger('checkpoints', '--public-key')).split('\t')[0] }));
      await ledger('checkpoint', '--rotate-key');
      await appendTasks(2);
      const witness = join(dir, 'after-rotation.note');
      writeFileSync(witness, await ledger('checkpoint'));
      const { code, text } = await verify({ pinnedKey: pinned, against: [witness] });
      expect([code, codes(text)]).toEqual([0, []]);
    });

    it('reads the key as base64, as the --public-key line or JSON, or as a PEM public key, and refuses anything else without quoting it', async () => {
      const { key } = await cliCheckpointer(store);
      const base64 = key.publicKeyBase64;
      const pem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      const { createPublicKey } = await import('node:crypto');
      const spki = createPublicKey(pem).export({ format: 'pem', type: 'spki' }).toString();
      for (const content of [base64, `${base64}\n`, await ledger('checkpoints', '--public-key'), await ledger('checkpoints', '--public-key', '--json'), spki]) {
        expect(await readPinnedKey(await pin(content))).toBe(base64);
      }
      for (const content of ['not a key', 'c2VjcmV0', '{"publicKey":"short"}', pem]) {
        const refused = await readPinnedKey(await pin(content)).catch((e: unknown) => e);
        expect(refused).toMatchObject({ code: 'VERIFY.PINNED_KEY_INVALID' });
        expect((refused as Error).message).not.toContain(content.slice(0, 20));
      }
      await expect(verify({ pinnedKey: await pin(base64), ledgerKey: generateCheckpointKey().publicKeyBase64 })).rejects.toMatchObject({ code: 'VERIFY.PINNED_KEY_CONFLICT' });
    });
  });

  it('rotates the key: the old one signs the new one into the chain, and verify follows it', async () => {
    const before = (await ledger('checkpoints', '--public-key')).split('\t')[0];
    await ledger('checkpoint', '--rotate-key');
    await appendTasks(2);
    await ledger('checkpoint');
    const after = (await ledger('checkpoints', '--public-key')).split('\t')[0];
    expect(after).not.toBe(before);
    const { code, text } = await verify({ ledgerKey: before });
    expect(code).toBe(0);
    expect(text).toContain('1 key rotation(s); the pinned ledger key is in the chain');
  });

  it('leaves the rest of the log alone: a plain ledger has no checkpoint yet', async () => {
    const fresh = await SqliteEventStore.open({ path: ':memory:', policy: { streamKinds: new Set(STREAM_KINDS) } });
    const saveStore = store as LedgerStore;
    store = fresh;
    try {
      const { code, text } = await verify();
      expect(code).toBe(0);
      expect(text).toContain('no signed checkpoint in the log yet');
    } finally {
      await fresh.close();
      store = saveStore as SqliteEventStore;
    }
  });
});
