/**
 * The writer thread of a file-backed `SqliteReadModelStore`: owns a write connection of its own, so a flush's
 * upserts (and the leases' small writes) run here instead of on the event loop that serves requests. Requests are
 * applied one at a time, in the order they were posted; each is one transaction, committed before it is answered.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DatabaseSync } from 'node:sqlite';
import { ReadModelWrites, writerPragmas } from './read-model-writes';
import { toWireError, type FromReadModelWriter, type ReadModelWriterData, type ToReadModelWriter } from './read-model-writer-protocol';

const port = parentPort!;
const options = workerData as ReadModelWriterData;
const post = (msg: FromReadModelWriter) => port.postMessage(msg);

/** Failure injection (tests): a crash in the middle of a flush's transaction, with nothing rolled back by hand. */
const afterDocument =
  options.exitAfterDocuments === undefined
    ? undefined
    : (n: number) => {
        if (n >= options.exitAfterDocuments!) process.exit(1);
      };

function main(): void {
  let db: DatabaseSync;
  let writes: ReadModelWrites;
  try {
    db = new DatabaseSync(options.path);
    // The store created the tables, converted a former layout and switched the file to WAL before starting this thread.
    db.exec(writerPragmas(options.synchronous));
    writes = new ReadModelWrites(db);
  } catch (e) {
    post({ type: 'failed', error: toWireError(e) });
    port.close();
    return;
  }
  // A chain, though a write without a `pause` never yields: the order of the answers is the order of the requests
  // whatever a write does, and `close` comes after every write posted before it.
  let chain = Promise.resolve();
  port.on('message', (msg: ToReadModelWriter) => {
    chain = chain.then(async () => {
      if (msg.type === 'close') {
        db.close();
        post({ type: 'closed' });
        port.close();
        return;
      }
      try {
        post({ type: 'done', id: msg.id, result: await writes.apply(msg.request, undefined, afterDocument) });
      } catch (e) {
        post({ type: 'error', id: msg.id, error: toWireError(e) });
      }
    });
  });
  const pragma = (name: string) => Number(Object.values(db.prepare(`PRAGMA ${name}`).get()!)[0]);
  post({ type: 'ready', settings: { cacheSize: pragma('cache_size'), walAutocheckpoint: pragma('wal_autocheckpoint'), synchronous: pragma('synchronous') } });
}

main();
