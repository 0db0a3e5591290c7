import { Worker } from 'node:worker_threads';
import type { StoredNode } from '../integrity';
import type { VerifyReport } from '../port';
import { threadScript } from '../thread-script';
import { MerkleChecker, type CheckedRows } from '../verify';
import type { VerifyChunkRequest, VerifyWorkerData } from './verify-worker';

/** Rows per request to a worker; two requests per worker are kept in flight. */
const VERIFY_CHUNK = 10_000;

/**
 * Verifies positions 1..total with `threads` workers that each read and check ranges in the exported snapshot,
 * while this thread folds their leaves into the Merkle tree strictly in position order.
 */
export async function verifyInWorkers(
  data: VerifyWorkerData,
  total: number,
  nodes: readonly StoredNode[],
  threads: number,
  onProgress?: (checked: number, total: number) => void,
): Promise<VerifyReport> {
  const { script, execArgv } = threadScript(__filename, 'verify-worker');
  const workers = Array.from({ length: threads }, () => new Worker(script, { workerData: data, execArgv, name: 'verify' }));
  const checker = new MerkleChecker(nodes);
  const ready = new Map<number, CheckedRows>();
  let nextToSend = 0;
  let nextToFold = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const send = (w: Worker) => {
        if (nextToSend >= total) return;
        const from = nextToSend;
        nextToSend = Math.min(total, from + VERIFY_CHUNK);
        w.postMessage({ from, to: nextToSend } satisfies VerifyChunkRequest);
      };
      for (const w of workers) {
        w.on('error', reject);
        w.on('exit', (code) => {
          if (nextToFold < total) reject(new Error(`verify worker exited (${code}) before the log was checked`));
        });
        w.on('message', (msg: { from: number; leaves: Uint8Array; positions: Float64Array; problems: CheckedRows['problems'] }) => {
          ready.set(msg.from, { leaves: Buffer.from(msg.leaves.buffer, msg.leaves.byteOffset, msg.leaves.byteLength), positions: msg.positions, problems: msg.problems });
          send(w);
          while (ready.has(nextToFold)) {
            const chunk = ready.get(nextToFold)!;
            ready.delete(nextToFold);
            checker.feed(chunk);
            nextToFold = Math.min(total, nextToFold + VERIFY_CHUNK);
            onProgress?.(checker.eventsChecked, total);
          }
          if (nextToFold >= total) resolve();
        });
        send(w);
        send(w);
      }
    });
  } finally {
    await Promise.all(workers.map(stop));
  }
  return checker.finish();
}

/** Lets the worker close its connection cleanly; terminates it if it does not exit promptly. */
function stop(worker: Worker): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => void worker.terminate(), 1_000);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.postMessage('close');
  });
}
