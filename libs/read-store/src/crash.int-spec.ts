import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STREAM_KINDS } from '@ledger/domain';
import { openStore, storeConfigFromEnv, type LedgerStore, type StoreConfig } from '@ledger/event-store';
import { DURABLE_READ_MODELS } from '@ledger/projections';
import { generateLog } from '../../../bench/ledger-log-generator';
import { openReadModelStore, readStoreConfigFrom } from './config';
import type { ReadModelStore } from './port';
import { ProjectionWorker, type AnyProjection } from './projection-worker';
import { rebuildReadModels } from './rebuild';
import { DATABASE_URL, describeIfPostgres, dropLedgerSchemas } from './testing/postgres-available';

/**
 * A projection worker killed with SIGKILL in the middle of its work (a real process: no flush on the way out, no
 * lease given back) loses and duplicates nothing: the next worker resumes from the checkpoint, and the documents
 * then equal a fresh rebuild from position 0.
 */
const EVENTS = 6000;
const projections = Object.values(DURABLE_READ_MODELS) as AnyProjection[];

function startChild(config: StoreConfig): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'testing/worker-child.script.ts'), JSON.stringify(config), '300', '1500'], {
    cwd: join(__dirname, '../../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
}

/** The checkpoints once two reads 1 s apart agree (at most 15 s). */
async function settledCheckpoints(store: ReadModelStore): Promise<Map<string, number>> {
  const read = async () => new Map((await store.checkpoints()).map((c) => [c.projection, c.position]));
  let last = await read();
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = await read();
    if ([...now].every(([projection, position]) => last.get(projection) === position) && now.size === last.size) return now;
    last = now;
  }
  return last;
}

async function killMidway(child: ChildProcess, store: ReadModelStore, head: number): Promise<Map<string, number>> {
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      const checkpoints = (await store.checkpoints()).filter((c) => c.definition !== '');
      const positions = checkpoints.map((c) => c.position);
      // Some projections checkpointed, none at the head yet: the child is mid-run, with folded but unflushed events.
      if (positions.length === projections.length && positions.some((p) => p > 0) && positions.every((p) => p < head)) {
        child.kill('SIGKILL');
        await exited;
        // What it had flushed when it died. Read again, and until it holds still: a COMMIT the child sent as the
        // signal landed may still be completing on the server (PostgreSQL finishes a transaction whose client is
        // gone before its backend exits), so a read right after the exit can see the checkpoints before it.
        return settledCheckpoints(store);
      }
      if (child.exitCode !== null) throw new Error(`the worker exited early (${child.exitCode}): ${stderr}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`the worker never got halfway: ${stderr}`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

function crashSuite(kind: 'sqlite' | 'postgres'): void {
  let dir: string;
  let schema: string;
  let config: StoreConfig;
  let log: LedgerStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-crash-'));
    schema = `crash_${randomBytes(5).toString('hex')}`;
    config = storeConfigFromEnv(
      kind === 'sqlite' ? { LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: dir, LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' } : { LEDGER_STORE: 'postgres', DATABASE_URL, LEDGER_PG_SCHEMA: schema, LEDGER_DATA_DIR: dir },
    );
    log = await openStore(config, new Set(STREAM_KINDS));
    await generateLog(log, { events: EVENTS, units: 40, concurrency: kind === 'postgres' ? 4 : 1 });
  }, 120_000);

  afterAll(async () => {
    await log?.close();
    rmSync(dir, { recursive: true, force: true });
    if (kind === 'postgres') await dropLedgerSchemas(schema);
  });

  it('resumes after SIGKILL mid-batch from the checkpoints, and the documents equal a fresh rebuild', async () => {
    const head = await log.headPosition();
    const store = await openReadModelStore(readStoreConfigFrom(config, {}), { leaseMs: 1000 });
    try {
      const atKill = await killMidway(startChild(config), store, head);
      expect(Math.max(...atKill.values())).toBeLessThan(head);
      expect(Math.max(...atKill.values())).toBeGreaterThan(0);

      // The next worker takes the projections (SQLite: once the dead owner's leases expire; PostgreSQL: at once, the
      // session died with the process) and resumes from what was flushed.
      const resumed = new Map<string, number>();
      const logger = {
        log: (m: string) => {
          const found = /^projection (\S+): owned by next from position (\d+)$/.exec(m);
          if (found) resumed.set(found[1], Number(found[2]));
        },
        warn: (m: string) => {
          throw new Error(`unexpected: ${m}`);
        },
      };
      const next = new ProjectionWorker({ store, log, projections, owner: 'next', batchSize: 500, flushEveryEvents: 1000, acquireIntervalMs: 0, logger });
      for (const deadline = Date.now() + 20_000; next.status().some((s) => !s.owned) && Date.now() < deadline; ) {
        await next.runOnce(true);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(next.status().every((s) => s.owned)).toBe(true);
      // Each projection resumed exactly at its checkpoint: nothing after it was kept, nothing before it refolded.
      expect(resumed).toEqual(atKill);
      while ((await next.runOnce(true)) > 0);
      await next.stop();

      const checkpoints = await store.checkpoints();
      expect(checkpoints.map((c) => c.position)).toEqual(projections.map(() => head));
      const report = await rebuildReadModels({ store, log, projections });
      expect(report.projections.filter((p) => !p.identical)).toEqual([]);
      expect(report.identical).toBe(true);
    } finally {
      await store.close();
    }
  }, 120_000);
}

describe('projection worker crash (SQLite)', () => crashSuite('sqlite'));
describeIfPostgres('projection worker crash (PostgreSQL)', () => crashSuite('postgres'));
