/**
 * The projection thread (started by ProjectionThread, projection-thread.ts): opens its own connections to the log and
 * to the read-model store and runs a ProjectionWorker over them, folding its own models from its checkpoints, until
 * told to stop. Its log lines and its projections' status go to the starting thread as messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore, type LedgerStore, type StoreConfig } from '@ledger/event-store';
import { openReadModelStore } from './config';
import type { ReadModelStore } from './port';
import type { FromProjectionThread, ProjectionThreadData, ToProjectionThread } from './projection-thread';
import { ProjectionWorker, type AnyProjection } from './projection-worker';

const port = parentPort!;
const data = workerData as ProjectionThreadData;
const post = (msg: FromProjectionThread) => port.postMessage(msg);

let log: LedgerStore | undefined;
let store: ReadModelStore | undefined;
let worker: ProjectionWorker | undefined;
let stopping: Promise<void> | undefined;
let stopRequested = false;
let statusTimer: NodeJS.Timeout | undefined;
let lastStatus = '';

function loadProjections(spec: ProjectionThreadData['projections']): AnyProjection[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = (require(spec.module) as Record<string, unknown>)[spec.exportName];
  const list = Array.isArray(exported) ? exported : exported && typeof exported === 'object' ? Object.values(exported) : [];
  if (list.length === 0) throw new Error(`no projections in export ${spec.exportName} of ${spec.module}`);
  return list as AnyProjection[];
}

function postStatus(): void {
  if (!worker) return;
  const projections = worker.status();
  const text = JSON.stringify(projections);
  if (text === lastStatus) return;
  lastStatus = text;
  post({ type: 'status', projections });
}

/**
 * Flush, give the leases back, close both connections (once the start-up under way has finished); then say so (the
 * starting thread ends this one).
 */
function stop(): Promise<void> {
  stopRequested = true;
  stopping ??= (async () => {
    await started.catch(() => undefined);
    if (statusTimer) clearInterval(statusTimer);
    try {
      await worker?.stop();
      postStatus();
    } finally {
      await store?.close().catch(() => undefined);
      await log?.close().catch(() => undefined);
      post({ type: 'stopped' });
    }
  })();
  return stopping;
}

port.on('message', (msg: ToProjectionThread) => {
  if (msg.type === 'stop') void stop();
  else if (msg.type === 'crash') {
    setImmediate(() => {
      throw new Error(msg.message);
    });
  }
});

async function main(): Promise<void> {
  const projections = loadProjections(data.projections);
  // Only reads: a SQLite log gets a connection of this thread's own, not a writer thread of its own.
  const logConfig: StoreConfig = data.log.kind === 'sqlite' ? { ...data.log, sqliteWriter: 'in-process' } : data.log;
  log = await openStore(logConfig, new Set(data.streamKinds));
  store = await openReadModelStore(data.readStore, { leaseMs: data.leaseMs });
  if (stopRequested) return;
  worker = new ProjectionWorker({
    store,
    log,
    projections,
    owner: data.owner,
    flushEveryEvents: data.flushEveryEvents,
    flushIntervalMs: data.flushIntervalMs,
    pollIntervalMs: data.pollIntervalMs,
    acquireIntervalMs: data.acquireIntervalMs,
    logger: { log: (message) => post({ type: 'log', level: 'log', message }), warn: (message) => post({ type: 'log', level: 'warn', message }) },
  }).start();
  post({ type: 'ready' });
  postStatus();
  statusTimer = setInterval(postStatus, data.statusIntervalMs ?? 100);
}

const started = main();
started.catch((error: unknown) => {
  // Thrown as uncaught: the starting thread gets the error itself, and this thread ends.
  setImmediate(() => {
    throw error;
  });
});
