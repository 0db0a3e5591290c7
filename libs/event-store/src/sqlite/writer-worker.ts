/**
 * The writer thread of a file-backed `SqliteEventStore`: owns the write connection, so hashing, inserts, Merkle
 * nodes and the commit's fsync run here instead of on the API's event loop. Everything that arrived while a group
 * was being committed becomes the next group — one transaction, one sync — so groups grow with the load.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DatabaseSync } from 'node:sqlite';
import { MAX_GROUP, SqliteLogWriter } from './sqlite-log-writer';
import { fromWire, toWireError, type FromWriter, type ToWriter, type WireAppend, type WireOutcome, type WriterWorkerData } from './writer-protocol';

const port = parentPort!;
const options = workerData as WriterWorkerData;
const post = (msg: FromWriter) => port.postMessage(msg);

async function main(): Promise<void> {
  let db: DatabaseSync;
  let writer: SqliteLogWriter;
  try {
    db = new DatabaseSync(options.path);
    // The store created the schema and switched the file to WAL before starting this thread.
    db.exec(`PRAGMA synchronous = ${options.synchronous}; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;`);
    writer = await SqliteLogWriter.open(db, { streamCacheSize: options.streamCacheSize, groupCommit: options.groupCommit });
    if (options.exitWhenWriting?.stage === 'inserting') {
      // A temporary trigger lives in this connection only: the thread ends from inside the INSERT, as a crash mid-commit.
      db.function('ledger_test_exit', () => process.exit(1));
      db.exec(`CREATE TEMP TRIGGER ledger_test_exit AFTER INSERT ON ledger_events WHEN NEW.position = ${Number(options.exitWhenWriting.position)} BEGIN SELECT ledger_test_exit(); END`);
    }
  } catch (e) {
    post({ type: 'failed', error: toWireError(e) });
    port.close();
    return;
  }
  const queue: WireAppend[] = [];
  let running = false;
  let closing = false;
  let closed = false;

  const pump = async () => {
    if (running) return;
    running = true;
    try {
      while (queue.length > 0) {
        const group = queue.splice(0, MAX_GROUP);
        const outcomes = await writer.write(group.map((w) => ({ prepared: fromWire(w), recordedAt: w.recordedAt })));
        const exit = options.exitWhenWriting;
        if (exit?.stage === 'answering' && outcomes.some((o) => o.ok && !o.result.duplicate && o.result.lastPosition >= exit.position)) process.exit(1);
        post({
          type: 'appended',
          outcomes: outcomes.map((o, i): WireOutcome => (o.ok ? { id: group[i].id, result: o.result } : { id: group[i].id, error: toWireError(o.error) })),
        });
        // Let the messages that arrived during that commit in, so they join the next group.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      running = false;
    }
    if (closing && !closed) {
      closed = true;
      db.close();
      post({ type: 'closed' });
      port.close();
    }
  };

  port.on('message', (msg: ToWriter) => {
    if (msg.type === 'append') {
      for (const a of msg.appends) queue.push(a);
    } else {
      closing = true;
    }
    // After this turn's messages are all queued, not on the first of them.
    setImmediate(() => void pump());
  });
  post({ type: 'ready' });
}

void main();
