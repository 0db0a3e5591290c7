/**
 * RFC 9162 §2.1 written as literally as possible (recursion over slices, no stored nodes, no iteration tricks), as
 * the test oracle for merkle.ts. Slow on purpose: only its plainness matters.
 */
import { nodeHash } from '../hash';

export type LeafRange = readonly [start: number, end: number];

/** The largest power of two smaller than n (n > 1), by counting rather than bit tricks. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export class NaiveMerkle {
  private readonly memo = new Map<string, Buffer>();

  constructor(private readonly leaves: readonly Buffer[]) {}

  /** MTH(D[start:end]), memoised so exhaustive tests stay fast. */
  mth(start: number, end: number): Buffer {
    if (end - start === 1) return this.leaves[start];
    const id = `${start}:${end}`;
    let h = this.memo.get(id);
    if (h === undefined) {
      const k = split(end - start);
      h = nodeHash(this.mth(start, start + k), this.mth(start + k, end));
      this.memo.set(id, h);
    }
    return h;
  }

  /** The ranges of PATH(m, D[0:n]), deepest first. */
  pathRanges(m: number, n: number): LeafRange[] {
    const walk = (m: number, start: number, end: number): LeafRange[] => {
      if (end - start === 1) return [];
      const k = split(end - start);
      return m < k
        ? [...walk(m, start, start + k), [start + k, end]]
        : [...walk(m - k, start + k, end), [start, start + k]];
    };
    return walk(m, 0, n);
  }

  path(m: number, n: number): Buffer[] {
    return this.pathRanges(m, n).map(([s, e]) => this.mth(s, e));
  }

  /** The ranges of PROOF(m, D[0:n]) = SUBPROOF(m, D[n], true), deepest first. */
  proofRanges(m: number, n: number): LeafRange[] {
    const sub = (m: number, start: number, end: number, complete: boolean): LeafRange[] => {
      if (m === end - start) return complete ? [] : [[start, end]];
      const k = split(end - start);
      return m <= k
        ? [...sub(m, start, start + k, complete), [start + k, end]]
        : [...sub(m - k, start + k, end, false), [start, start + k]];
    };
    return sub(m, 0, n, true);
  }

  proof(m: number, n: number): Buffer[] {
    return this.proofRanges(m, n).map(([s, e]) => this.mth(s, e));
  }

  /** Which side of the leaf each sibling is on: two (index, size) pairs with equal shapes verify the same proofs. */
  inclusionShape(m: number, n: number): string {
    return this.pathRanges(m, n)
      .map(([s]) => (s > m ? 'R' : 'L'))
      .join('');
  }

  /**
   * Whether size1's root starts the proof, then for each element whether it lies inside the first tree (it feeds
   * both roots) or after it (only the second): what the verifier does with each element.
   */
  consistencyShape(size1: number, size2: number): string {
    const omitted = split(size1 + 1) === size1 ? 'P' : 'N';
    return omitted + this.proofRanges(size1, size2).map(([, e]) => (e <= size1 ? 'L' : 'R')).join('');
  }
}
