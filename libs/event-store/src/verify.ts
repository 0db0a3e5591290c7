import { MerkleFrontier, toHex, type StoredNode } from './integrity';
import type { VerifyProblem, VerifyReport } from './port';
import { recordLeafHash, rowMismatchFast, type StoredRow } from './record';

/**
 * `verify` in two stages, so the expensive first one can run on several threads:
 * 1. per row (order-free): the row's index columns agree with its record, and its stored leaf hash equals
 *    SHA-256(0x00 ‖ record) — `checkRows`;
 * 2. in position order: positions are gap-free from 1, and every stored subtree root equals the one recomputed
 *    from the recomputed leaves — none missing, none extra — `MerkleChecker`.
 */

export interface CheckedRows {
  /** The recomputed leaf hashes, 32 bytes each, in the order of `positions`. */
  readonly leaves: Buffer;
  readonly positions: Float64Array;
  readonly problems: VerifyProblem[];
}

export function checkRows(rows: readonly StoredRow[]): CheckedRows {
  const leaves = Buffer.allocUnsafe(rows.length * 32);
  const positions = new Float64Array(rows.length);
  const problems: VerifyProblem[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    positions[i] = row.position;
    const mismatch = rowMismatchFast(row);
    if (mismatch) problems.push({ position: row.position, code: 'ROW_MISMATCH', message: mismatch });
    const leaf = recordLeafHash(row.record);
    leaf.copy(leaves, i * 32);
    if (!leaf.equals(row.leafHash)) {
      problems.push({
        position: row.position,
        code: 'LEAF_HASH_MISMATCH',
        message: `stored leaf hash ${toHex(Buffer.from(row.leafHash))} does not match the record (${toHex(leaf)})`,
      });
    }
  }
  return { leaves, positions, problems };
}

const key = (level: number, index: number) => level * 2 ** 40 + index;

/** Workers hash whole aligned subtrees of this many leaves (2^14), so the ordered stage only folds their roots. */
export const VERIFY_CHUNK_LEVEL = 14;
export const VERIFY_CHUNK = 2 ** VERIFY_CHUNK_LEVEL;

/** A chunk of checked rows, plus, when it is a complete gap-free aligned subtree, its root and stored-level nodes. */
export interface CheckedChunk extends CheckedRows {
  /** The first position of the chunk (a multiple of VERIFY_CHUNK, plus 1). */
  readonly firstPosition: number;
  readonly subtree?: { readonly root: Buffer; readonly nodes: readonly StoredNode[] };
}

/** The per-row stage and, for a full gap-free chunk, the Merkle subtree over it (runs on a worker thread). */
export function checkChunk(rows: readonly StoredRow[], firstPosition: number): CheckedChunk {
  const checked = checkRows(rows);
  const full =
    rows.length === VERIFY_CHUNK &&
    (firstPosition - 1) % VERIFY_CHUNK === 0 &&
    checked.positions[0] === firstPosition &&
    checked.positions[rows.length - 1] === firstPosition + VERIFY_CHUNK - 1;
  if (!full) return { ...checked, firstPosition };
  const local = MerkleFrontier.empty();
  const nodes: StoredNode[] = [];
  const base = firstPosition - 1;
  for (let i = 0; i < rows.length; i++) {
    for (const n of local.append(checked.leaves.subarray(i * 32, i * 32 + 32))) {
      nodes.push({ level: n.level, index: base / 2 ** n.level + n.index, hash: n.hash });
    }
  }
  return { ...checked, firstPosition, subtree: { root: local.root(), nodes } };
}

export class MerkleChecker {
  private readonly stored = new Map<number, Buffer>();
  private readonly frontier = MerkleFrontier.empty();
  private expected = 1;
  private checked = 0;
  readonly problems: VerifyProblem[] = [];

  constructor(storedNodes: readonly StoredNode[]) {
    for (const n of storedNodes) this.stored.set(key(n.level, n.index), n.hash);
  }

  get eventsChecked(): number {
    return this.checked;
  }

  /** Feeds one checked chunk, in position order: by its subtree root when it has one and the tree is aligned. */
  feedChunk(chunk: CheckedChunk): void {
    if (!chunk.subtree || this.expected !== chunk.firstPosition) {
      this.feed(chunk);
      return;
    }
    for (const p of chunk.problems) this.problems.push(p);
    for (const n of chunk.subtree.nodes) this.compareNode(n);
    for (const n of this.frontier.appendSubtree(chunk.subtree.root, VERIFY_CHUNK_LEVEL)) this.compareNode(n);
    this.expected += VERIFY_CHUNK;
    this.checked += VERIFY_CHUNK;
  }

  private compareNode(n: StoredNode): void {
    const k = key(n.level, n.index);
    const have = this.stored.get(k);
    const first = n.index * 2 ** n.level + 1;
    const last = (n.index + 1) * 2 ** n.level;
    if (!have) this.problems.push({ position: last, code: 'NODE_MISSING', message: `Merkle node level ${n.level} index ${n.index} (positions ${first}..${last}) is missing` });
    else if (!have.equals(n.hash)) {
      this.problems.push({ position: last, code: 'NODE_MISMATCH', message: `Merkle node level ${n.level} index ${n.index} (positions ${first}..${last}) does not match the events` });
    }
    this.stored.delete(k);
  }

  /** Feeds one checked page, in position order. */
  feed(page: CheckedRows): void {
    for (const p of page.problems) this.problems.push(p);
    const { leaves, positions } = page;
    for (let i = 0; i < positions.length; i++) {
      const position = positions[i];
      if (position !== this.expected) {
        this.problems.push({
          position: this.expected,
          code: 'POSITION_GAP',
          message:
            position > this.expected
              ? `positions ${this.expected}..${position - 1} are missing`
              : `position ${position} repeats or is out of order`,
        });
        // A gap shifts every later leaf, so the Merkle comparison below it would only repeat the same finding.
        this.expected = position;
      }
      // The recomputed leaf is fed, so a record altered together with its stored hash still fails at its node.
      for (const n of this.frontier.append(leaves.subarray(i * 32, i * 32 + 32))) this.compareNode(n);
      this.expected += 1;
      this.checked += 1;
    }
  }

  /** Completes the report. The adapter read rows and nodes from one snapshot, so a node no event produced is one
   * the events cannot back — typically the log was truncated under it. */
  finish(): VerifyReport {
    for (const k of this.stored.keys()) {
      const level = Math.floor(k / 2 ** 40);
      const index = k - level * 2 ** 40;
      this.problems.push({
        position: (index + 1) * 2 ** level,
        code: 'NODE_EXTRA',
        message: `Merkle node level ${level} index ${index} (positions ${index * 2 ** level + 1}..${(index + 1) * 2 ** level}) is not backed by the events`,
      });
    }
    // Past the first few, problems are consequences of the first (a gap shifts every later node).
    const problems = [...this.problems].sort((a, b) => a.position - b.position).slice(0, 100);
    return { ok: problems.length === 0, eventsChecked: this.checked, treeHead: { size: this.frontier.size, rootHash: toHex(this.frontier.root()) }, problems };
  }
}

export interface VerifyInput {
  /** The head position of the snapshot being verified. */
  readonly total: number;
  /** Every stored Merkle node row. */
  readonly storedNodes: readonly StoredNode[];
  /** Rows in position order, in pages. */
  readonly pages: () => Iterable<StoredRow[]> | AsyncIterable<StoredRow[]>;
  readonly onProgress?: (checked: number, total: number) => void;
}

/** Single-threaded verify over pages of rows; adapters with a faster path feed `MerkleChecker` themselves. */
export async function verifyRows(input: VerifyInput): Promise<VerifyReport> {
  const checker = new MerkleChecker(input.storedNodes);
  for await (const page of input.pages()) {
    checker.feed(checkRows(page));
    input.onProgress?.(checker.eventsChecked, input.total);
  }
  return checker.finish();
}
