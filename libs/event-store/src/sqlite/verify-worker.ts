/**
 * A worker thread for `SqliteEventStore.verify`: reads a range of positions over its own read-only connection and
 * runs the per-row stage (`checkRows`: index columns against the record, leaf hash against the record). The main
 * thread folds the returned leaves into the Merkle tree in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DatabaseSync } from 'node:sqlite';
import { checkChunk } from '../verify';

export interface VerifyChunkRequest {
  readonly from: number;
  readonly to: number;
}

const db = new DatabaseSync((workerData as { path: string }).path, { readOnly: true });
const stmt = db.prepare(
  'SELECT position, event_id, stream_id, stream_version, type, command_id, record, leaf_hash FROM ledger_events WHERE position > ? AND position <= ? ORDER BY position',
);
stmt.setReturnArrays(true);

parentPort!.on('message', (msg: VerifyChunkRequest | 'close') => {
  if (msg === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  const rows = (stmt.all(msg.from, msg.to) as unknown as Array<[number, string, string, number, string, string, string, Uint8Array]>).map((r) => ({
    position: r[0],
    eventId: r[1],
    streamId: r[2],
    streamVersion: r[3],
    type: r[4],
    commandId: r[5],
    record: r[6],
    leafHash: r[7],
  }));
  const checked = checkChunk(rows, msg.from + 1);
  const leaves = new Uint8Array(checked.leaves);
  const subtree = checked.subtree && {
    root: new Uint8Array(checked.subtree.root),
    nodes: checked.subtree.nodes.map((n) => ({ level: n.level, index: n.index, hash: new Uint8Array(n.hash) })),
  };
  parentPort!.postMessage({ from: msg.from, leaves, positions: checked.positions, problems: checked.problems, subtree }, [
    leaves.buffer as ArrayBuffer,
    checked.positions.buffer as ArrayBuffer,
  ]);
});
