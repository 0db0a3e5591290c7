import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client } from 'pg';
import { STREAM_KINDS } from '@ledger/domain';
import {
  Checkpointer,
  generateCheckpointKey,
  openStore,
  storeConfigFromEnv,
  systemClock,
  verifyCheckpoints,
  type LedgerStore,
  type StoreConfig,
} from '@ledger/event-store';
import { DATABASE_URL, postgresUnreachable } from '../support/ledger-test-app';

/**
 * The backup procedures of deploy/README.md, run for real: back up a live ledger while another process appends to
 * it, restore the copy somewhere new, and check it — every leaf and Merkle node (`verify`), and the signed
 * checkpoint taken before the backup (its signature, and its root against the root the restored log recomputes).
 */

const ROOT = join(__dirname, '..', '..');
const KINDS = new Set(STREAM_KINDS);

/** Starts the appender child on the store `env` names; resolves once it has committed a few appends. */
async function startAppending(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; committed: () => number }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'backup-appender.script.ts')], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let committed = 0;
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      committed += chunk.toString().split('\n').filter((l) => l.startsWith('committed')).length;
      if (committed >= 20) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the appender exited (${code}): ${errors}`)));
  });
  return { child, committed: () => committed };
}

/** Runs a tool without blocking this process (the appender's output keeps being read meanwhile). */
function run(command: string, args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, stderr }));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** A few hundred events and a signed checkpoint over them: what a restore must still prove. */
async function seedWithCheckpoint(config: StoreConfig): Promise<{ size: number; rootHash: string; publicKey: string }> {
  const store = await openStore(config, KINDS);
  try {
    for (let i = 0; i < 30; i++) {
      await store.append({
        streamId: `task-seed${i}`,
        expectedVersion: 'no-stream',
        events: Array.from({ length: 10 }, (_, n) => ({ type: 'ProgressReported', data: { i, n } })),
        metadata: { actorId: 'seed', actorRole: 'administrator', actorUnit: 'root', commandId: `seed-${i}`, correlationId: `seed-${i}`, causationId: null, occurredAt: '2024-01-01T00:00:00Z' },
      });
    }
    const key = generateCheckpointKey();
    const checkpointer = new Checkpointer({ store, key, origin: 'backup.test/log', clock: systemClock, everyEvents: 1000, everySeconds: 60, actor: { actorId: 'seed', actorRole: 'administrator', actorUnit: 'root' } });
    const { checkpoint } = await checkpointer.signNow();
    return { size: checkpoint!.size, rootHash: checkpoint!.rootHash, publicKey: key.publicKeyBase64 };
  } finally {
    await store.close();
  }
}

/** The checks a restore must pass. */
async function expectRestoredLedgerVerifies(store: LedgerStore, signed: { size: number; rootHash: string; publicKey: string }, atLeast: number): Promise<void> {
  const head = await store.headPosition();
  expect(head).toBeGreaterThanOrEqual(atLeast);
  const report = await store.verify();
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.eventsChecked).toBe(head);
  const checkpoints = await verifyCheckpoints(store, { pinnedKey: signed.publicKey });
  expect(checkpoints.problems).toEqual([]);
  expect(checkpoints).toMatchObject({ ok: true, trust: 'pinned', latest: { size: signed.size, rootHash: signed.rootHash } });
  expect((await store.treeHead(signed.size)).rootHash).toBe(signed.rootHash);
}

describe('backing up and restoring a SQLite ledger while it is written to', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-backup-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const methods: Array<[string, (source: string, target: string) => void]> = [
    [
      'VACUUM INTO',
      (source, target) => {
        const db = new DatabaseSync(source);
        try {
          // Waits for the writer's lock like any reader; the copy is one consistent snapshot.
          db.exec('PRAGMA busy_timeout = 10000');
          db.prepare('VACUUM INTO ?').run(target);
        } finally {
          db.close();
        }
      },
    ],
  ];
  if (spawnSync('sh', ['-c', 'command -v sqlite3']).status === 0) {
    methods.push([
      'sqlite3 .backup',
      (source, target) => {
        const result = spawnSync('sqlite3', [source, '.timeout 10000', `.backup '${target}'`], { encoding: 'utf8' });
        expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      },
    ]);
  } else {
    console.warn('sqlite3 is not installed: skipping the `.backup` variant (VACUUM INTO still runs)');
  }

  it.each(methods)('restores a copy made with %s into a new directory, and the copy verifies against the signed checkpoint', async (_name, backup) => {
    const live = join(dir, 'live');
    const env = { LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: live, LEDGER_SQLITE_SYNCHRONOUS: 'FULL' };
    await mkdir(live);
    const signed = await seedWithCheckpoint(storeConfigFromEnv(env));
    const appender = await startAppending(env);
    let committedBefore: number;
    try {
      committedBefore = appender.committed();
      backup(join(live, 'ledger.db'), join(dir, 'backup.db'));
      // The appender was still writing while the copy was taken.
      await new Promise((r) => setTimeout(r, 200));
      expect(appender.committed()).toBeGreaterThan(committedBefore);
    } finally {
      await stop(appender.child);
    }

    const restoredDir = join(dir, 'restored');
    await mkdir(restoredDir);
    await copyFile(join(dir, 'backup.db'), join(restoredDir, 'ledger.db'));
    const restored = await openStore(storeConfigFromEnv({ LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: restoredDir }), KINDS);
    try {
      await expectRestoredLedgerVerifies(restored, signed, 300 + 20 * committedBefore);
    } finally {
      await restored.close();
    }
  }, 60_000);
});

const pgTools = spawnSync('sh', ['-c', 'command -v pg_dump && command -v pg_restore']).status === 0;
const pgProblem = !pgTools ? 'pg_dump/pg_restore are not installed' : postgresUnreachable();
if (pgProblem && (process.env.CI || process.env.LEDGER_REQUIRE_POSTGRES === '1')) {
  describe('backing up and restoring a PostgreSQL ledger', () => {
    it('has PostgreSQL and its client tools (required by CI / LEDGER_REQUIRE_POSTGRES)', () => {
      throw new Error(pgProblem);
    });
  });
} else if (pgProblem) {
  console.warn(`skipping the PostgreSQL backup test: ${pgProblem}`);
}

(pgProblem ? describe.skip : describe)('backing up and restoring a PostgreSQL ledger while it is written to', () => {
  const suffix = randomBytes(5).toString('hex');
  const schema = `backup_${suffix}`;
  const restoreDb = `ledger_restore_${suffix}`;
  const restoreUrl = (() => {
    const url = new URL(DATABASE_URL);
    url.pathname = `/${restoreDb}`;
    return url.toString();
  })();
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-pg-backup-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    const admin = new Client({ connectionString: DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.query(`DROP DATABASE IF EXISTS ${restoreDb}`);
    } finally {
      await admin.end();
    }
  });

  it('restores a pg_dump of the ledger schema, taken during appends, into a fresh database, and it verifies against the signed checkpoint', async () => {
    const env = { LEDGER_STORE: 'postgres', DATABASE_URL, LEDGER_PG_SCHEMA: schema };
    const signed = await seedWithCheckpoint(storeConfigFromEnv(env));
    const appender = await startAppending(env);
    const dump = join(dir, 'ledger.dump');
    let committedBefore: number;
    try {
      committedBefore = appender.committed();
      // One REPEATABLE READ snapshot: whatever was committed when the dump started, nothing after.
      const result = await run('pg_dump', ['--format=custom', `--schema=${schema}`, '--no-owner', '--file', dump, DATABASE_URL]);
      expect(result).toEqual({ status: 0, stderr: '' });
      await new Promise((r) => setTimeout(r, 200));
      expect(appender.committed()).toBeGreaterThan(committedBefore);
    } finally {
      await stop(appender.child);
    }

    const admin = new Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${restoreDb}`).finally(() => admin.end());
    const restore = spawnSync('pg_restore', ['--no-owner', '--exit-on-error', '--dbname', restoreUrl, dump], { encoding: 'utf8' });
    expect({ status: restore.status, stderr: restore.stderr }).toEqual({ status: 0, stderr: '' });

    const restored = await openStore(storeConfigFromEnv({ LEDGER_STORE: 'postgres', DATABASE_URL: restoreUrl, LEDGER_PG_SCHEMA: schema }), KINDS);
    try {
      await expectRestoredLedgerVerifies(restored, signed, 300 + 20 * committedBefore);
      // The append-only triggers came back with the tables.
      const probe = new Client({ connectionString: restoreUrl });
      await probe.connect();
      try {
        await expect(probe.query(`UPDATE ${schema}.events SET type = type WHERE position = 1`)).rejects.toThrow(/append-only/);
      } finally {
        await probe.end();
      }
    } finally {
      await restored.close();
    }
  }, 90_000);
});
