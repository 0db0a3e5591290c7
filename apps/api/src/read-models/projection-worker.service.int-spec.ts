import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { STREAM_KINDS } from '@ledger/domain';
import { openStore, storeConfigFromEnv, type LedgerStore, type StoreConfig } from '@ledger/event-store';
import { openReadModelStore, readStoreConfigFrom, type ReadModelStore } from '@ledger/read-store';
import { LEDGER_STORE, STORE_CONFIG } from '../infrastructure/ledger-store.module';
import { API_CONFIG, apiConfigFromEnv } from '../shared/api-config';
import { DURABLE_PROJECTIONS, PROJECTION_WORKER_MODE, PROJECTION_WORKER_SETTINGS, projectionWorkerSettingsFromEnv, ProjectionWorkerService, READ_MODEL_STORE } from './projection-worker.service';

/**
 * Where the API's embedded projection worker runs (LEDGER_EMBEDDED_PROJECTOR_THREAD): in process by default; on a
 * thread for a SQLite file when asked to, but in process when the store is in memory (a thread cannot share it), saying why.
 */
describe('ProjectionWorkerService: thread or in process', () => {
  let dir: string;
  const opened: Array<LedgerStore | ReadModelStore> = [];
  const lines: string[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-pws-'));
    lines.length = 0;
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void lines.push(String(message)));
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    for (const store of opened.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function service(storeConfig: StoreConfig, env: NodeJS.ProcessEnv): Promise<ProjectionWorkerService> {
    const log = await openStore(storeConfig, new Set(STREAM_KINDS));
    const readStore = await openReadModelStore(readStoreConfigFrom(storeConfig, {}));
    opened.push(readStore, log);
    const moduleRef = await Test.createTestingModule({
      providers: [
        ProjectionWorkerService,
        { provide: LEDGER_STORE, useValue: log },
        { provide: READ_MODEL_STORE, useValue: readStore },
        { provide: STORE_CONFIG, useValue: storeConfig },
        { provide: API_CONFIG, useValue: apiConfigFromEnv(env) },
        { provide: PROJECTION_WORKER_MODE, useValue: 'embedded' },
        { provide: PROJECTION_WORKER_SETTINGS, useValue: projectionWorkerSettingsFromEnv({}) },
      ],
    }).compile();
    return moduleRef.get(ProjectionWorkerService);
  }

  const allOwned = async (worker: ProjectionWorkerService) => {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      if (worker.status().length === DURABLE_PROJECTIONS.length && worker.status().every((s) => s.owned)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`not every projection owned: ${JSON.stringify(worker.status())}`);
  };

  it('runs on a thread for a SQLite file with LEDGER_EMBEDDED_PROJECTOR_THREAD=true', async () => {
    const worker = await service(storeConfigFromEnv({ LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: dir }), { LEDGER_EMBEDDED_PROJECTOR_THREAD: 'true' });
    worker.start();
    await allOwned(worker);
    expect(worker.threadStatus()).toMatchObject({ state: 'running' });
    await worker.stop();
    expect(worker.running).toBe(false);
  });

  it.each([['by default', {}], ['with LEDGER_EMBEDDED_PROJECTOR_THREAD=false', { LEDGER_EMBEDDED_PROJECTOR_THREAD: 'false' }]])('runs in process %s', async (_how, env) => {
    const worker = await service(storeConfigFromEnv({ LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: dir }), env);
    worker.start();
    await allOwned(worker);
    expect(worker.threadStatus()).toBeUndefined();
    await worker.stop();
  });

  it('runs in process, saying why, when the store is in memory', async () => {
    const worker = await service({ ...storeConfigFromEnv({ LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: dir }), sqlitePath: ':memory:', sqliteWriter: 'in-process' }, { LEDGER_EMBEDDED_PROJECTOR_THREAD: 'true' });
    worker.start();
    await allOwned(worker);
    expect(worker.threadStatus()).toBeUndefined();
    expect(lines.some((l) => l.includes('projection worker in process, not on a thread') && l.includes(':memory:'))).toBe(true);
    await worker.stop();
  });

  it('refuses a LEDGER_EMBEDDED_PROJECTOR_THREAD that is not true or false', () => {
    expect(() => apiConfigFromEnv({ LEDGER_EMBEDDED_PROJECTOR_THREAD: 'sometimes' })).toThrow("LEDGER_EMBEDDED_PROJECTOR_THREAD must be true or false, got 'sometimes'");
  });
});
