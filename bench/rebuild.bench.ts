/**
 * bench:rebuild — every read model rebuilt from a log of BENCH_EVENTS events (default 1,000,000), on SQLite (default)
 * or PostgreSQL (`--store postgres`).
 *
 * The log is written by bench/ledger-log-generator.ts (events decided by the domain's deciders). The rebuild runs in a
 * fresh process, so its peak RSS is the rebuild's own, and takes the path the API takes at start-up
 * (ReadModelsService): a PollingSubscription from position 0, pages of 1,000, folded with `foldReadModels`. Then the
 * same process reads the log again without folding (the store's decoding alone), and the parent reads the same rows
 * from the raw engine without decoding: the floor a rebuild cannot beat.
 *
 * Then, in another fresh process, the durable path: every durable read model folded by a `ProjectionWorker` from
 * position 0 into an empty read-model store (SQLite file beside the log, or the schema's PostgreSQL read-model
 * schema) with the projector's flush settings (while catching up, a flush every 50,000 positions). Then, in a third
 * process, `ledger rebuild`'s compare of that store (fold again into the shadow tables, compare every document with
 * the live ones). Each reports its events/s and peak RSS.
 *
 * The in-memory rebuild and the compare run with the V8 flags the API and the CLI start with (NODE_HEAP_FLAGS,
 * test/pressure/support/api-process.ts); the in-memory rebuild runs once more without them, for comparison.
 *
 * Target: ≥ 100,000 events/s. Missed targets are reported, not fatal; a rebuild that does not reach the head, or a
 * crash, exits non-zero.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client } from 'pg';
import { STREAM_KINDS } from '@ledger/domain';
import { openStore, PollingSubscription, storeConfigFromEnv, type LedgerStore } from '@ledger/event-store';
import { DURABLE_READ_MODELS, emptyReadModels, foldReadModels } from '@ledger/projections';
import { openReadModelStore, ProjectionWorker, readStoreConfigFrom, rebuildReadModels, type AnyProjection } from '@ledger/read-store';
import { NODE_HEAP_FLAGS, type StoreKind } from '../test/pressure/support/api-process';
import { DATABASE_URL, dropSchema, freshSchemaName } from '../test/pressure/support/postgres';
import { envNumber, load, mb, round, runSuite } from '../test/pressure/support/report';
import { generateLog } from './ledger-log-generator';

const EVENTS = envNumber('BENCH_EVENTS', 1_000_000);

interface WorkerConfig {
  readonly store: StoreKind;
  readonly dataDir: string;
  readonly schema?: string;
}

interface WorkerResult {
  readonly head: number;
  readonly position: number;
  readonly rebuildSeconds: number;
  /** CPU time (user + system, every thread of the process) of the rebuild and of the decode-only pass. */
  readonly rebuildCpuSeconds: number;
  readonly decodeCpuSeconds: number;
  readonly maxRssBytes: number;
  readonly heapUsedBytes: number;
  readonly decodeSeconds: number;
  readonly decoded: number;
  readonly tasks: number;
  readonly units: number;
}

function storeEnv(config: WorkerConfig, synchronous = 'FULL'): NodeJS.ProcessEnv {
  return config.store === 'sqlite'
    ? { LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: config.dataDir, LEDGER_SQLITE_SYNCHRONOUS: synchronous }
    : { LEDGER_STORE: 'postgres', DATABASE_URL, LEDGER_PG_SCHEMA: config.schema!, LEDGER_DATA_DIR: config.dataDir };
}

async function open(config: WorkerConfig, synchronous?: string): Promise<LedgerStore> {
  return openStore(storeConfigFromEnv(storeEnv(config, synchronous)), new Set(STREAM_KINDS));
}

/** In the child: the rebuild as ReadModelsService does it, then a decode-only pass. Prints one JSON line. */
async function worker(config: WorkerConfig): Promise<void> {
  const store = await open(config);
  const head = await store.headPosition();
  let models = emptyReadModels();
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const subscription = await PollingSubscription.start(
    { readAll: (o) => store.readAll(o), loadCheckpoint: async () => 0, saveCheckpoint: async () => undefined, onAppended: () => () => undefined },
    {
      name: 'bench-rebuild',
      batchSize: 1000,
      pollIntervalMs: 200,
      handler: (events) => {
        models = foldReadModels(models, events);
      },
    },
  );
  await subscription.waitFor(head, 3_600_000);
  const rebuildSeconds = (performance.now() - started) / 1000;
  const rebuildCpuSeconds = cpuSeconds(process.cpuUsage(cpu0));
  await subscription.stop();
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  const heapUsedBytes = process.memoryUsage().heapUsed;
  const result = { position: models.position, tasks: models.tasks.tasks.size, units: models.organisation.units.size };
  models = emptyReadModels();

  const t = performance.now();
  const cpu1 = process.cpuUsage();
  let decoded = 0;
  for (let from = 1; ; ) {
    const page = await store.readAll({ fromPosition: from, limit: 1000 });
    if (page.length === 0) break;
    decoded += page.length;
    from = page[page.length - 1].position + 1;
  }
  const decodeSeconds = (performance.now() - t) / 1000;
  const decodeCpuSeconds = cpuSeconds(process.cpuUsage(cpu1));
  await store.close();
  const out: WorkerResult = { head, rebuildSeconds, rebuildCpuSeconds, decodeCpuSeconds, maxRssBytes, heapUsedBytes, decodeSeconds, decoded, ...result };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

interface StoreWorkerResult {
  readonly head: number;
  readonly storeRebuildSeconds: number;
  readonly storeRebuildCpuSeconds: number;
  readonly documents: number;
  readonly maxRssBytes: number;
  readonly readStore: string;
}

interface CompareWorkerResult {
  readonly head: number;
  readonly compareSeconds: number;
  readonly compareCpuSeconds: number;
  readonly eventsFolded: number;
  readonly documents: number;
  readonly identical: boolean;
  readonly differing: unknown[];
  readonly maxRssBytes: number;
}

/** In the child: every durable read model into an empty read-model store by the worker. */
async function storeWorker(config: WorkerConfig): Promise<void> {
  const log = await open(config);
  const storeConfig = storeConfigFromEnv(storeEnv(config));
  const readStore = await openReadModelStore(readStoreConfigFrom(storeConfig, {}));
  const projections = Object.values(DURABLE_READ_MODELS) as AnyProjection[];
  const head = await log.headPosition();
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  // As the projector runs it (default flush settings: while catching up, a flush every 50,000 positions).
  const worker = new ProjectionWorker({ store: readStore, log, projections, owner: 'bench', batchSize: 1000 });
  while ((await worker.runOnce()) > 0);
  await worker.flushAll();
  await worker.stop();
  const storeRebuildSeconds = (performance.now() - started) / 1000;
  const storeRebuildCpuSeconds = cpuSeconds(process.cpuUsage(cpu0));
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  let documents = 0;
  for (const p of projections) for await (const page of readStore.documentPages(p.name, 'live')) documents += page.length;
  const out: StoreWorkerResult = { head, storeRebuildSeconds, storeRebuildCpuSeconds, documents, maxRssBytes, readStore: readStore.description };
  await readStore.close();
  await log.close();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** In another child: `ledger rebuild`'s compare of that store (fold again into the shadow tables, compare every document). */
async function compareWorker(config: WorkerConfig): Promise<void> {
  const log = await open(config);
  const readStore = await openReadModelStore(readStoreConfigFrom(storeConfigFromEnv(storeEnv(config)), {}));
  const projections = Object.values(DURABLE_READ_MODELS) as AnyProjection[];
  const head = await log.headPosition();
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const report = await rebuildReadModels({ store: readStore, log, projections });
  const out: CompareWorkerResult = {
    head,
    compareSeconds: (performance.now() - t) / 1000,
    compareCpuSeconds: cpuSeconds(process.cpuUsage(cpu0)),
    eventsFolded: report.eventsFolded,
    documents: report.projections.reduce((n, p) => n + p.documents, 0),
    identical: report.identical,
    differing: report.projections.filter((p) => !p.identical),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  await readStore.close();
  await log.close();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runWorker(config: WorkerConfig, mode?: '--rebuild-worker', flags?: readonly string[]): Promise<WorkerResult>;
function runWorker(config: WorkerConfig, mode: '--store-worker'): Promise<StoreWorkerResult>;
function runWorker(config: WorkerConfig, mode: '--compare-worker'): Promise<CompareWorkerResult>;
function runWorker(config: WorkerConfig, mode = '--rebuild-worker', flags = heapFlags(mode)): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, '-r', '@swc-node/register', __filename, mode, JSON.stringify(config)], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_600_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`rebuild worker exited with ${code}: ${out}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!));
    });
  });
}

/**
 * The V8 flags of the process each child stands for: the API's and the CLI's (`npm start`, the CLI's bin) for the
 * in-memory rebuild and `ledger rebuild`'s compare; the projector starts without them. BENCH_HEAP_FLAGS=none runs
 * every child without, to measure what they bring.
 */
function heapFlags(mode: string): readonly string[] {
  if (process.env.BENCH_HEAP_FLAGS === 'none' || mode === '--store-worker') return [];
  return NODE_HEAP_FLAGS;
}

/** The raw engine: the same rows, same page size, no decoding (SQLite: a read-only connection; PostgreSQL: one client). */
async function rawRead(config: WorkerConfig): Promise<{ rows: number; seconds: number }> {
  const t = performance.now();
  let rows = 0;
  if (config.store === 'sqlite') {
    const db = new DatabaseSync(join(config.dataDir, 'ledger.db'), { readOnly: true });
    const stmt = db.prepare('SELECT position, record FROM ledger_events WHERE position >= ? ORDER BY position LIMIT 1000');
    for (let from = 1; ; ) {
      const page = stmt.all(from) as Array<{ position: number; record: string }>;
      if (page.length === 0) break;
      rows += page.length;
      from = page[page.length - 1].position + 1;
    }
    db.close();
  } else {
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    for (let after = 0; ; ) {
      const { rows: page } = await client.query({
        name: 'raw_page',
        text: `SELECT position, record FROM ${config.schema}.events WHERE position > $1 ORDER BY position LIMIT 1000`,
        values: [after],
        rowMode: 'array',
      });
      if (page.length === 0) break;
      rows += page.length;
      after = Number(page[page.length - 1][0]);
    }
    await client.end();
  }
  return { rows, seconds: (performance.now() - t) / 1000 };
}

const children: Record<string, (config: WorkerConfig) => Promise<void>> = { '--rebuild-worker': worker, '--store-worker': storeWorker, '--compare-worker': compareWorker };
if (children[process.argv[2]] !== undefined) {
  children[process.argv[2]](JSON.parse(process.argv[3]) as WorkerConfig).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
} else {
  runSuite('rebuild', async (report, store) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledger-bench-rebuild-'));
    const config: WorkerConfig = { store, dataDir, schema: store === 'postgres' ? freshSchemaName('bench_rebuild') : undefined };
    report.detail('settings', { events: EVENTS, heapFlags: heapFlags('--rebuild-worker') });
    try {
      // The log (SQLite: synchronous=NORMAL while building; the rebuild only reads).
      const builder = await open(config, 'NORMAL');
      const t = performance.now();
      let shown = 0;
      const log = await generateLog(builder, {
        events: EVENTS,
        concurrency: store === 'postgres' ? 8 : 1,
        onProgress: (n) => {
          if (n - shown >= 100_000) {
            shown = n;
            console.log(`  built ${n.toLocaleString('en-US')} events (${round(n / ((performance.now() - t) / 1000))}/s, load ${load().load1})`);
          }
        },
      });
      await builder.close();
      report.figure(`log built (${log.units} units, ${log.tasks} tasks, ${log.appends} appends)`, (performance.now() - t) / 1000, 's');
      report.figure('events in the log', log.events);

      const raw = await rawRead(config);
      const rebuilt = await runWorker(config);
      const rate = rebuilt.head / rebuilt.rebuildSeconds;
      const rawRate = raw.rows / raw.seconds;
      report.figure('rebuild of every read model (ReadModelsService path, pages of 1,000)', rate, 'events/s');
      report.figure('rebuild time', rebuilt.rebuildSeconds, 's');
      report.figure('peak RSS of the rebuilding process (maxRSS)', mb(rebuilt.maxRssBytes), 'MB');
      report.figure('V8 heap used after the rebuild', mb(rebuilt.heapUsedBytes), 'MB');
      report.figure('store read + decode only (no fold)', rebuilt.decoded / rebuilt.decodeSeconds, 'events/s');
      report.figure(`raw engine: SELECT position, record, pages of 1,000 (${store === 'sqlite' ? 'node:sqlite' : 'pg'})`, rawRate, 'rows/s');
      report.figure('rebuild ÷ raw read', `${round((rate / rawRate) * 100, 1)} %`);
      // CPU time per event moves less than wall time with the other work on a shared machine.
      report.figure('rebuild CPU time per event (user + system, all threads)', (rebuilt.rebuildCpuSeconds / rebuilt.head) * 1e6, 'µs');
      report.figure('store read + decode only: CPU time per event', (rebuilt.decodeCpuSeconds / rebuilt.decoded) * 1e6, 'µs');
      report.detail('worker', rebuilt);
      report.target('rebuild rate', rate, '>=', 100_000, 'events/s');
      report.check(rebuilt.position === rebuilt.head && rebuilt.head === log.events, 'the rebuild reaches the head of the log', rebuilt);
      report.check(rebuilt.tasks === log.tasks && rebuilt.units === log.units, 'every task and unit is in the rebuilt models', { tasks: [rebuilt.tasks, log.tasks], units: [rebuilt.units, log.units] });
      report.check(raw.rows === log.events, 'the raw read sees every row');

      // The same rebuild in a process started without the heap flags, right after: what they bring on this machine now.
      if (heapFlags('--rebuild-worker').length > 0) {
        const plain = await runWorker(config, '--rebuild-worker', []);
        const plainRate = plain.head / plain.rebuildSeconds;
        report.figure('rebuild without the heap flags (same log, next process)', plainRate, 'events/s');
        report.figure('rebuild without the heap flags ÷ raw read', `${round((plainRate / rawRate) * 100, 1)} %`);
        report.figure('rebuild without the heap flags: CPU time per event (user + system, all threads)', (plain.rebuildCpuSeconds / plain.head) * 1e6, 'µs');
        report.figure('rebuild without the heap flags: peak RSS (maxRSS)', mb(plain.maxRssBytes), 'MB');
        report.detail('worker without the heap flags', plain);
      }

      const durable = await runWorker(config, '--store-worker');
      const durableRate = durable.head / durable.storeRebuildSeconds;
      report.figure(`rebuild into the read-model store (ProjectionWorker from 0, ${durable.readStore})`, durableRate, 'events/s');
      report.figure('rebuild into the read-model store ÷ raw read', `${round((durableRate / rawRate) * 100, 1)} %`);
      report.figure('rebuild into the read-model store: time', durable.storeRebuildSeconds, 's');
      report.figure('rebuild into the read-model store: CPU time per event (user + system, all threads)', (durable.storeRebuildCpuSeconds / durable.head) * 1e6, 'µs');
      report.figure('documents written', durable.documents);
      report.figure('peak RSS of the read-model-store rebuild process (maxRSS)', mb(durable.maxRssBytes), 'MB');
      report.detail('store worker', durable);
      report.check(durable.documents > 0, 'the worker wrote the read-model store', durable);

      // `ledger rebuild`'s compare in a process of its own, so its peak RSS is its own.
      const compare = await runWorker(config, '--compare-worker');
      report.figure('ledger rebuild compare (fold again into shadow tables, compare every document): time', compare.compareSeconds, 's');
      report.figure('ledger rebuild compare: events folded per second of the whole compare', compare.eventsFolded / compare.compareSeconds, 'events/s');
      report.figure('ledger rebuild compare ÷ raw read', `${round((compare.eventsFolded / compare.compareSeconds / rawRate) * 100, 1)} %`);
      report.figure('ledger rebuild compare: CPU time per event (user + system, all threads)', (compare.compareCpuSeconds / compare.head) * 1e6, 'µs');
      report.figure('peak RSS of the ledger rebuild compare process (maxRSS)', mb(compare.maxRssBytes), 'MB');
      report.detail('compare worker', compare);
      report.check(compare.identical && compare.documents === durable.documents, 'the read-model store is identical to a rebuild from 0', compare);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      if (config.schema) {
        await dropSchema(config.schema).catch((e) => console.error(`dropping ${config.schema}: ${e}`));
        await dropSchema(`${config.schema}_read_models`).catch((e) => console.error(`dropping ${config.schema}_read_models: ${e}`));
      }
    }
  });
}
