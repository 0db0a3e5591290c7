/**
 * A projection worker in a process of its own, for the crash and scale-out tests: it runs every durable read model
 * against the store named in argv[2] (JSON: a StoreConfig) until it is killed, writing a line per flush it sees.
 */
import { STREAM_KINDS } from '@ledger/domain';
import { openStore, type StoreConfig } from '@ledger/event-store';
import { DURABLE_READ_MODELS } from '@ledger/projections';
import { openReadModelStore, readStoreConfigFrom } from '../config';
import { ProjectionWorker, type AnyProjection } from '../projection-worker';

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as StoreConfig;
  const flushEveryEvents = Number(process.argv[3] ?? 200);
  const log = await openStore(config, new Set(STREAM_KINDS));
  const store = await openReadModelStore(readStoreConfigFrom(config, {}), { leaseMs: Number(process.argv[4] ?? 15_000) });
  const worker = new ProjectionWorker({
    store,
    log,
    projections: Object.values(DURABLE_READ_MODELS) as AnyProjection[],
    owner: `child-${process.pid}`,
    batchSize: 100,
    flushEveryEvents,
    catchUpFlushEvents: flushEveryEvents,
    flushIntervalMs: 60_000,
    pollIntervalMs: 20,
    acquireIntervalMs: 50,
    logger: { log: (m) => process.stdout.write(`${m}\n`), warn: (m) => process.stdout.write(`warn: ${m}\n`) },
  }).start();
  process.on('SIGTERM', () => {
    void worker.stop().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
