import { MerkleFrontier, toHex, type StoredNode } from './integrity';
import type { VerifyProblem, VerifyReport } from './port';
import { recordLeafHash, rowMismatchFast, type StoredRow } from './record';

export interface VerifyInput {
  /** The head position of the snapshot being verified. */
  readonly total: number;
  /** Every stored Merkle node row. */
  readonly storedNodes: readonly StoredNode[];
  /** Rows in position order, in pages. */
  readonly pages: () => Iterable<StoredRow[]> | AsyncIterable<StoredRow[]>;
  readonly onProgress?: (checked: number, total: number) => void;
  /** Stop after this many problems (the first is the one that matters). */
  readonly maxProblems?: number;
}

const key = (level: number, index: number) => `${level}:${index}`;

/**
 * Recomputes the log from its rows, shared by the SQL adapters: positions gap-free from 1, each row's index columns
 * equal to its record, each leaf hash equal to SHA-256(0x00 ‖ record), and every stored subtree root equal to the
 * one recomputed from the leaves — none missing, none extra.
 */
export async function verifyRows(input: VerifyInput): Promise<VerifyReport> {
  const maxProblems = input.maxProblems ?? 20;
  const problems: VerifyProblem[] = [];
  const stored = new Map<string, Buffer>();
  for (const n of input.storedNodes) stored.set(key(n.level, n.index), n.hash);
  const frontier = MerkleFrontier.empty();
  let expected = 1;
  let checked = 0;
  const add = (p: VerifyProblem) => {
    problems.push(p);
  };
  outer: for await (const page of input.pages()) {
    for (const row of page) {
      if (row.position !== expected) {
        add({
          position: expected,
          code: 'POSITION_GAP',
          message: row.position > expected ? `positions ${expected}..${row.position - 1} are missing` : `position ${row.position} repeats or is out of order`,
        });
        if (problems.length >= maxProblems) break outer;
        // Carry on from the row we have so later problems are still reported.
        expected = row.position;
      }
      const mismatch = rowMismatchFast(row);
      if (mismatch) add({ position: row.position, code: 'ROW_MISMATCH', message: mismatch });
      const leaf = recordLeafHash(row.record);
      if (!leaf.equals(row.leafHash)) {
        add({ position: row.position, code: 'LEAF_HASH_MISMATCH', message: `leaf hash ${toHex(row.leafHash)} does not match the record (${toHex(leaf)})` });
      }
      // Feed the recomputed leaf, so a record altered together with its stored hash still fails at its node.
      for (const n of frontier.append(leaf)) {
        const k = key(n.level, n.index);
        const have = stored.get(k);
        const lastPos = (n.index + 1) * 2 ** n.level;
        if (!have) add({ position: lastPos, code: 'NODE_MISSING', message: `Merkle node level ${n.level} index ${n.index} is missing` });
        else if (!have.equals(n.hash)) {
          add({ position: lastPos, code: 'NODE_MISMATCH', message: `Merkle node level ${n.level} index ${n.index} covering positions ${n.index * 2 ** n.level + 1}..${lastPos} does not match the events` });
        }
        stored.delete(k);
      }
      if (problems.length >= maxProblems) break outer;
      expected += 1;
      checked += 1;
      if (input.onProgress && checked % 10_000 === 0) input.onProgress(checked, input.total);
    }
  }
  if (problems.length < maxProblems) {
    // The adapter reads rows and nodes from one snapshot, so a node nobody produced is one the events cannot back:
    // typically the log was truncated under it.
    for (const k of stored.keys()) {
      const [level, index] = k.split(':').map(Number);
      add({ position: (index + 1) * 2 ** level, code: 'NODE_EXTRA', message: `Merkle node level ${level} index ${index} is not backed by the events (positions ${index * 2 ** level + 1}..${(index + 1) * 2 ** level})` });
    }
  }
  input.onProgress?.(checked, input.total);
  problems.sort((a, b) => a.position - b.position);
  return { ok: problems.length === 0, eventsChecked: checked, treeHead: { size: frontier.size, rootHash: toHex(frontier.root()) }, problems };
}
