/**
 * A worker thread for `PostgresEventStore.verify`: reads ranges of positions over its own connection, inside the
 * snapshot the main thread exported, and runs the per-row stage (`checkRows`: index columns and leaf hash against
 * the record). Parsing the rows is most of the cost, so it happens here too. The main thread folds the returned
 * leaves into the Merkle tree in position order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Client, escapeIdentifier } from 'pg';
import type { StoredRow } from '../record';
import { checkRows } from '../verify';
import { ledgerTypes } from './pg-types';

export interface VerifyWorkerData {
  readonly connectionString: string;
  readonly schema: string;
  readonly snapshot: string;
}

export interface VerifyChunkRequest {
  readonly from: number;
  readonly to: number;
}

type RowArray = [number, string, string, number, string, string, string, Buffer];

const { connectionString, schema, snapshot } = workerData as VerifyWorkerData;
const client = new Client({ connectionString, types: ledgerTypes });
const sql =
  'SELECT position, event_id, stream_id, stream_version, type, command_id, record, leaf_hash ' +
  `FROM ${escapeIdentifier(schema)}.events WHERE position > $1 AND position <= $2 ORDER BY position`;
const ready = client
  .connect()
  .then(() => client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`));
// Chunks are answered in the order they arrive; the connection runs one query at a time anyway.
let queue: Promise<unknown> = ready;

parentPort!.on('message', (msg: VerifyChunkRequest | 'close') => {
  if (msg === 'close') {
    queue = queue.then(() => client.end()).then(() => parentPort!.close());
    return;
  }
  queue = queue.then(async () => {
    const { rows } = await client.query<RowArray>({ name: 'verify_chunk', text: sql, values: [msg.from, msg.to], rowMode: 'array' });
    const stored = rows.map(
      (r): StoredRow => ({ position: r[0], eventId: r[1], streamId: r[2], streamVersion: r[3], type: r[4], commandId: r[5], record: r[6], leafHash: r[7] }),
    );
    const checked = checkRows(stored);
    const leaves = new Uint8Array(checked.leaves);
    parentPort!.postMessage({ from: msg.from, leaves, positions: checked.positions, problems: checked.problems }, [
      leaves.buffer as ArrayBuffer,
      checked.positions.buffer as ArrayBuffer,
    ]);
  });
  // An unhandled failure would be silent in a worker: crash it, so the main thread's 'error' listener rejects.
  queue.catch((e: unknown) => {
    setImmediate(() => {
      throw e;
    });
  });
});
