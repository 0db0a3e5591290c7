import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STREAM_KINDS } from '@ledger/domain';
import { openStore, storeConfigFromEnv, type AppendRequest, type EventStore, type LedgerStore, type StoreConfig } from '@ledger/event-store';
import { DURABLE_READ_MODELS } from '@ledger/projections';
import { generateLog } from '../../../bench/ledger-log-generator';
import { openReadModelStore, readStoreConfigFrom } from './config';
import type { ReadModelStore } from './port';
import { ProjectionThread } from './projection-thread';
import { ProjectionWorker, type AnyProjection } from './projection-worker';
import { rebuildReadModels } from './rebuild';
import { DATABASE_URL, describeIfPostgres, dropLedgerSchemas } from './testing/postgres-available';

/**
 * The projection worker on a thread of its own (ProjectionThread), over a real log and read-model store: it follows
 * what is appended through the store, reports its projections, is replaced when it dies, and gives the leases back
 * when stopped — so another worker takes every projection at once.
 */
const projections = Object.values(DURABLE_READ_MODELS) as AnyProjection[];
const names = projections.map((p) => p.name);

/** A realistic log's appends (the domain's deciders, through bench's generator), kept to be replayed in parts. */
async function recordedAppends(events: number): Promise<AppendRequest[]> {
  const requests: AppendRequest[] = [];
  const recorder = { append: async (request: AppendRequest) => void requests.push(request) } as unknown as EventStore;
  await generateLog(recorder, { events, units: 30 });
  return requests;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function threadSuite(kind: 'sqlite' | 'postgres'): void {
  let dir: string;
  let schema: string;
  let config: StoreConfig;
  let log: LedgerStore;
  let readStore: ReadModelStore;
  let appends: AppendRequest[];
  const lines: string[] = [];
  const errors: Array<{ message: string; stack?: string }> = [];
  let thread: ProjectionThread;

  const append = async (from: number, to: number) => {
    for (const request of appends.slice(from, to)) await log.append(request);
  };
  const caughtUp = async () => {
    const head = await log.headPosition();
    await until(`every checkpoint at ${head}`, async () => {
      const checkpoints = await readStore.checkpoints();
      return names.every((n) => checkpoints.find((c) => c.projection === n)?.position === head) ? true : undefined;
    });
    return head;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-projection-thread-'));
    schema = `pthread_${randomBytes(5).toString('hex')}`;
    config = storeConfigFromEnv(
      kind === 'sqlite' ? { LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: dir, LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' } : { LEDGER_STORE: 'postgres', DATABASE_URL, LEDGER_PG_SCHEMA: schema, LEDGER_DATA_DIR: dir },
    );
    log = await openStore(config, new Set(STREAM_KINDS));
    readStore = await openReadModelStore(readStoreConfigFrom(config, {}), { leaseMs: 60_000 });
    appends = await recordedAppends(3000);
    thread = new ProjectionThread({
      data: {
        log: config,
        streamKinds: [...STREAM_KINDS],
        readStore: readStoreConfigFrom(config, {}),
        // Long SQLite leases: a replaced thread takes them at once only because it has the same owner.
        leaseMs: 60_000,
        projections: { module: join(__dirname, '../../projections/src'), exportName: 'DURABLE_READ_MODELS' },
        owner: `thread-spec-${kind}`,
        flushIntervalMs: 50,
        pollIntervalMs: 20,
        acquireIntervalMs: 50,
        statusIntervalMs: 20,
      },
      logger: { log: (m) => lines.push(m), warn: (m) => lines.push(`warn: ${m}`), error: (message, stack) => errors.push({ message, stack }) },
      restartDelayMs: { min: 10, max: 100 },
    });
  }, 120_000);

  afterAll(async () => {
    await thread?.stop();
    await readStore?.close();
    await log?.close();
    rmSync(dir, { recursive: true, force: true });
    if (kind === 'postgres') await dropLedgerSchemas(schema);
  });

  it('writes what is appended through the store into the read-model store, and reports its projections', async () => {
    const third = Math.floor(appends.length / 3);
    await append(0, third);
    thread.start();
    expect(thread.running).toBe(true);
    await append(third, 2 * third);
    const head = await caughtUp();

    // The thread posts its status: every projection owned here, folded and flushed to the head.
    const status = await until('a status at the head', () => {
      const s = thread.status();
      return s.length === names.length && s.every((p) => p.owned && p.position === head && p.flushedPosition === head) ? s : undefined;
    });
    expect(status.map((s) => s.projection).sort()).toEqual([...names].sort());
    expect(thread.threadStatus()).toMatchObject({ state: 'running', restarts: 0, lastError: null });
    expect((await readStore.checkpoints()).every((c) => c.owner === `thread-spec-${kind}`)).toBe(true);
    expect(lines.some((l) => l.startsWith('projection tasks: owned by thread-spec-'))).toBe(true);
    expect(errors).toEqual([]);

    const report = await rebuildReadModels({ store: readStore, log, projections });
    expect(report.projections.filter((p) => !p.identical)).toEqual([]);
  }, 120_000);

  it('replaces a thread that dies, logging why; the new one takes the leases and follows the log', async () => {
    const before = thread.threadStatus().threadId;
    thread.crash('a bug in the projection thread');
    const after = await until('a replacement thread', () => {
      const s = thread.threadStatus();
      return s.state === 'running' && s.restarts === 1 ? s : undefined;
    });
    expect(after.threadId).not.toBe(before);
    expect(after.lastError).toBe('a bug in the projection thread');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain('projection thread died while running');
    expect(errors[0].message).toContain('a bug in the projection thread');
    expect(errors[0].stack).toContain('a bug in the projection thread');

    const third = Math.floor(appends.length / 3);
    await append(2 * third, appends.length);
    const head = await caughtUp();
    await until('the new thread reporting the head', () => (thread.status().every((p) => p.owned && p.flushedPosition === head) ? true : undefined));
    const report = await rebuildReadModels({ store: readStore, log, projections });
    expect(report.projections.filter((p) => !p.identical)).toEqual([]);
  }, 120_000);

  it('gives every lease back when stopped: another worker takes all the projections at once', async () => {
    await thread.stop();
    expect(thread.running).toBe(false);
    expect(thread.threadStatus()).toMatchObject({ state: 'stopped', threadId: null });
    expect(thread.status().every((p) => !p.owned)).toBe(true);
    expect((await readStore.checkpoints()).map((c) => c.owner)).toEqual(names.map(() => null));

    const next = new ProjectionWorker({ store: readStore, log, projections, owner: 'next' });
    await next.runOnce(true);
    expect(next.status().filter((s) => !s.owned)).toEqual([]);
    await next.stop();
  }, 120_000);
}

describe('projection thread that cannot start', () => {
  it('is started again and again, waiting longer each time, with why on the status, until stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-projection-thread-'));
    const config = storeConfigFromEnv({ LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: dir });
    const errors: string[] = [];
    const thread = new ProjectionThread({
      data: {
        log: config,
        streamKinds: [...STREAM_KINDS],
        readStore: readStoreConfigFrom(config, {}),
        projections: { module: join(__dirname, '../../projections/src'), exportName: 'NO_SUCH_EXPORT' },
        owner: 'never',
      },
      logger: { log: () => undefined, warn: () => undefined, error: (message) => errors.push(message) },
      restartDelayMs: { min: 10, max: 40 },
    }).start();
    try {
      await until('three deaths', () => (errors.length >= 3 ? true : undefined));
      expect(thread.running).toBe(true);
      expect(thread.threadStatus().lastError).toContain('no projections in export NO_SUCH_EXPORT');
      expect(errors.slice(0, 3).map((m) => /starting another in (\d+) ms/.exec(m)?.[1])).toEqual(['10', '20', '40']);
      expect(errors.every((m) => m.includes('projection thread died before it was running'))).toBe(true);
    } finally {
      await thread.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(thread.threadStatus().state).toBe('stopped');
  }, 60_000);
});

describe('projection thread (SQLite)', () => threadSuite('sqlite'));
describeIfPostgres('projection thread (PostgreSQL)', () => threadSuite('postgres'));
