/**
 * RFC 6962 / RFC 9162 Merkle tree over the log's leaves 0..n−1: the append-side frontier, proofs read from a store,
 * and the pure verifiers.
 *
 * Storage model: every event row keeps its leaf hash, and the store keeps the root of every complete, aligned
 * subtree of level ≥ STORED_MIN_LEVEL as a row {level, index, hash}. Any node of any tree size is then either such a
 * row or is rebuilt from at most one run of fewer than 2^STORED_MIN_LEVEL leaves plus O(log n) rows, so proofs stay
 * cheap at tens of millions of events while the node table holds only ~n/128 rows.
 *
 * Sizes and indexes are JavaScript numbers (exact up to 2^53−1). Bit operators are 32-bit in JavaScript, so the
 * tree arithmetic below uses division and remainder instead.
 */
import { EMPTY_ROOT, nodeHash } from './hash';
import { failed, PASSED, type ProofCheck } from './proof-check';

export type { ProofCheck } from './proof-check';

export const STORED_MIN_LEVEL = 8;
const STORED_MIN_LEAVES = 2 ** STORED_MIN_LEVEL;
const HASH_BYTES = 32;
/** 2^53 leaves can never be reached, so no tree has more levels than this. */
const MAX_LEVELS = 54;
/** No proof over fewer than 2^64 leaves is longer (RFC 9162: at most ceil(log2 n) + 1 consistency elements). */
const MAX_PROOF_LENGTH = 65;

export interface StoredNode {
  level: number;
  index: number;
  hash: Buffer;
}

export interface MerkleNodeReader {
  /** The leaf hashes of leaves [start, end), in order. */
  leafHashes(start: number, end: number): Promise<Buffer[]>;
  /** For each key, the stored node's hash, or undefined if the store has no such row. */
  storedNodes(keys: ReadonlyArray<{ level: number; index: number }>): Promise<Array<Buffer | undefined>>;
}

/** The store's leaves or node rows do not add up: a missing row, a short read, a hash of the wrong length. */
export class MerkleReadError extends Error {
  readonly code = 'INTEGRITY.MERKLE_READ';

  constructor(message: string) {
    super(message);
    this.name = 'MerkleReadError';
  }
}

/**
 * The right edge of the tree: the roots of the complete subtrees that make up [0, size), one per set bit of size.
 * It is all that appending needs, so a store keeps one in memory and never reads the tree to append.
 */
export class MerkleFrontier {
  private cachedRoot: Buffer | undefined;

  private constructor(
    private count: number,
    /** levels[L] is the root of the frontier's subtree of 2^L leaves; present exactly when bit L of size is 1. */
    private readonly levels: Array<Buffer | undefined>,
  ) {}

  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, new Array<Buffer | undefined>(MAX_LEVELS).fill(undefined));
  }

  /**
   * Rebuild the frontier of a tree of `size` leaves with one storedNodes call (the subtrees of level ≥
   * STORED_MIN_LEVEL) and one leafHashes call (the fewer than 2^STORED_MIN_LEVEL leaves after them).
   */
  static async load(reader: MerkleNodeReader, size: number): Promise<MerkleFrontier> {
    assertSize(size, 'size');
    const frontier = MerkleFrontier.empty();
    const keys: Array<{ level: number; index: number }> = [];
    let start = 0;
    for (let level = MAX_LEVELS - 1; level >= STORED_MIN_LEVEL; level--) {
      const width = 2 ** level;
      if (size - start >= width) {
        keys.push({ level, index: start / width });
        start += width;
      }
    }
    const [nodes, leaves] = await Promise.all([
      keys.length > 0 ? reader.storedNodes(keys) : Promise.resolve([]),
      start < size ? reader.leafHashes(start, size) : Promise.resolve([]),
    ]);
    checkNodes(keys, nodes);
    checkLeaves(start, size, leaves);
    keys.forEach((key, i) => {
      frontier.levels[key.level] = nodes[i];
    });
    frontier.count = start;
    // The tail is shorter than 2^STORED_MIN_LEVEL and starts on a multiple of it, so replaying it completes no
    // stored subtree: nothing returned here is lost.
    for (const leaf of leaves) frontier.append(leaf);
    return frontier;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Add the next leaf hash. Returns the subtrees of level ≥ STORED_MIN_LEVEL that it completed, for the store to
   * insert in the same transaction as the event. Amortised one node hash per leaf.
   */
  append(leaf: Buffer): StoredNode[] {
    if (leaf.length !== HASH_BYTES) throw new RangeError(`leaf hash must be ${HASH_BYTES} bytes, got ${leaf.length}`);
    if (this.count >= Number.MAX_SAFE_INTEGER) throw new RangeError('tree is full');
    const completed: StoredNode[] = [];
    let hash = leaf;
    let level = 0;
    // Binary increment of size: each carry merges the frontier's subtree at that level with the new one.
    let rest = this.count;
    while (rest % 2 === 1) {
      hash = nodeHash(this.levels[level] as Buffer, hash);
      this.levels[level] = undefined;
      level++;
      rest = (rest - 1) / 2;
      if (level >= STORED_MIN_LEVEL) completed.push({ level, index: rest, hash });
    }
    this.levels[level] = hash;
    this.count++;
    this.cachedRoot = undefined;
    return completed;
  }

  /**
   * Add the root of a complete subtree of 2^level leaves, computed elsewhere (a verify worker hashing a chunk).
   * The tree's size must be a multiple of 2^level, so the subtree is aligned: the result is the same as appending its
   * leaves one by one, and so are the returned stored nodes above `level` (those at or below it are the caller's).
   */
  appendSubtree(root: Buffer, level: number): StoredNode[] {
    if (root.length !== HASH_BYTES) throw new RangeError(`subtree root must be ${HASH_BYTES} bytes, got ${root.length}`);
    const width = 2 ** level;
    if (!Number.isInteger(level) || level < 0 || level >= MAX_LEVELS || this.count % width !== 0) {
      throw new RangeError(`a subtree of level ${level} is not aligned at size ${this.count}`);
    }
    const completed: StoredNode[] = [];
    let hash = root;
    let at = level;
    let rest = this.count / width;
    while (rest % 2 === 1) {
      hash = nodeHash(this.levels[at] as Buffer, hash);
      this.levels[at] = undefined;
      at++;
      rest = (rest - 1) / 2;
      if (at >= STORED_MIN_LEVEL) completed.push({ level: at, index: rest, hash });
    }
    this.levels[at] = hash;
    this.count += width;
    this.cachedRoot = undefined;
    return completed;
  }

  /** The RFC 6962 root of the current size: the frontier's subtrees folded from the smallest up. */
  root(): Buffer {
    if (this.cachedRoot !== undefined) return this.cachedRoot;
    let root: Buffer | undefined;
    for (const hash of this.levels) {
      if (hash !== undefined) root = root === undefined ? hash : nodeHash(hash, root);
    }
    this.cachedRoot = root ?? EMPTY_ROOT;
    return this.cachedRoot;
  }

  clone(): MerkleFrontier {
    const copy = new MerkleFrontier(this.count, this.levels.slice());
    copy.cachedRoot = this.cachedRoot;
    return copy;
  }
}

/** MTH(D[start:end]); cheap (stored rows plus one short leaf run) when the range is a node of the RFC 6962 tree. */
export async function subtreeRoot(reader: MerkleNodeReader, start: number, end: number): Promise<Buffer> {
  assertSize(start, 'start');
  assertSize(end, 'end');
  if (start > end) throw new RangeError(`start ${start} is after end ${end}`);
  if (start === end) return EMPTY_ROOT;
  const [root] = await hashRanges(reader, [[start, end]]);
  return root;
}

/** The RFC 6962 root of the first `size` leaves. */
export async function rootAt(reader: MerkleNodeReader, size: number): Promise<Buffer> {
  return subtreeRoot(reader, 0, size);
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]): the sibling subtree roots from the leaf up to the root. */
export async function inclusionProof(reader: MerkleNodeReader, leafIndex: number, treeSize: number): Promise<Buffer[]> {
  assertSize(leafIndex, 'leafIndex');
  assertSize(treeSize, 'treeSize');
  if (leafIndex >= treeSize) throw new RangeError(`leaf index ${leafIndex} is not below tree size ${treeSize}`);
  const ranges: Range[] = [];
  let lo = 0;
  let hi = treeSize;
  // Walk down from the root, collecting the other half at each split; the proof lists them bottom-up.
  while (hi - lo > 1) {
    const mid = lo + largestPowerOfTwoBelow(hi - lo);
    if (leafIndex < mid) {
      ranges.push([mid, hi]);
      hi = mid;
    } else {
      ranges.push([lo, mid]);
      lo = mid;
    }
  }
  ranges.reverse();
  return hashRanges(reader, ranges);
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) for 0 < m ≤ n (empty when m = n). */
export async function consistencyProof(reader: MerkleNodeReader, size1: number, size2: number): Promise<Buffer[]> {
  assertSize(size1, 'size1');
  assertSize(size2, 'size2');
  if (size1 === 0) throw new RangeError('no consistency proof from the empty tree');
  if (size1 > size2) throw new RangeError(`size1 ${size1} is larger than size2 ${size2}`);
  const ranges: Range[] = [];
  let lo = 0;
  let hi = size2;
  let m = size1;
  // SUBPROOF(m, D[lo:hi], b), unrolled; `complete` is b: whether D[0:size1] is a complete subtree seen so far.
  let complete = true;
  for (;;) {
    if (m === hi - lo) {
      if (!complete) ranges.push([lo, hi]);
      break;
    }
    const k = largestPowerOfTwoBelow(hi - lo);
    if (m <= k) {
      ranges.push([lo + k, hi]);
      hi = lo + k;
    } else {
      ranges.push([lo, lo + k]);
      lo += k;
      m -= k;
      complete = false;
    }
  }
  ranges.reverse();
  return hashRanges(reader, ranges);
}

export type RootFromProof = { ok: true; root: Buffer } | { ok: false; reason: string };

/** The root that an inclusion proof implies (RFC 9162 §2.1.3.2 without the final comparison). */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  leafIndex: number | bigint,
  treeSize: number | bigint,
  proof: readonly Uint8Array[],
): RootFromProof {
  if (leafHash.length !== HASH_BYTES) return failed(`leaf hash is ${leafHash.length} bytes, expected ${HASH_BYTES}`);
  const index = asIndex(leafIndex);
  const size = asIndex(treeSize);
  if (index === undefined) return failed('leaf index is not a non-negative integer');
  if (size === undefined) return failed('tree size is not a non-negative integer');
  if (index >= size) return failed(`leaf index ${index} is not below tree size ${size}`);
  if (typeof size === 'bigint') return failed('tree sizes beyond 2^53−1 are not supported');
  const badElement = checkProofElements(proof);
  if (badElement !== undefined) return failed(badElement);

  let fn = index as number;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash.buffer, leafHash.byteOffset, leafHash.byteLength);
  for (const p of proof) {
    if (sn === 0) return failed('proof is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        // The leaf is the last one in an incomplete level: skip the levels where it has no right sibling.
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return failed('proof is shorter than the path to the root');
  return { ok: true, root: r };
}

/** RFC 9162 §2.1.3.2, plus: the leaf hash must be 32 bytes and the index below the size. */
export function verifyInclusion(
  leafHash: Uint8Array,
  leafIndex: number | bigint,
  treeSize: number | bigint,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): ProofCheck {
  const computed = rootFromInclusionProof(leafHash, leafIndex, treeSize, proof);
  if (!computed.ok) return computed;
  if (!equalBytes(computed.root, root)) return failed('proof does not lead to the expected root');
  return PASSED;
}

/**
 * RFC 9162 §2.1.4.2, with the edge rules RFC 9162 leaves open: size1 = 0 fails (an empty tree has nothing to be
 * consistent with), size1 > size2 fails, and size1 = size2 holds only with an empty proof and identical roots.
 */
export function verifyConsistency(
  size1: number | bigint,
  size2: number | bigint,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): ProofCheck {
  const first = asIndex(size1);
  const second = asIndex(size2);
  if (first === undefined) return failed('size1 is not a non-negative integer');
  if (second === undefined) return failed('size2 is not a non-negative integer');
  if (first === 0) return failed('size1 is 0: there is no consistency proof from the empty tree');
  if (first > second) return failed(`size1 ${first} is larger than size2 ${second}`);
  if (first === second) {
    if (proof.length !== 0) return failed('sizes are equal but the proof is not empty');
    if (!equalBytes(root1, root2)) return failed('sizes are equal but the roots differ');
    return PASSED;
  }
  if (typeof second === 'bigint') return failed('tree sizes beyond 2^53−1 are not supported');
  if (proof.length === 0) return failed('proof is empty');
  if (root1.length !== HASH_BYTES || root2.length !== HASH_BYTES) return failed(`roots must be ${HASH_BYTES} bytes`);
  const badElement = checkProofElements(proof);
  if (badElement !== undefined) return failed(badElement);

  // When size1 is a power of two, its root is itself a node of the second tree and starts the path (step 2); the
  // proof then omits it, so it is read from root1 instead of copying the proof into a new array.
  const startsWithRoot1 = isPowerOfTwo(first as number);
  const path = (i: number): Uint8Array => (startsWithRoot1 ? (i === 0 ? root1 : proof[i - 1]) : proof[i]);
  const length = startsWithRoot1 ? proof.length + 1 : proof.length;

  let fn = (first as number) - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  const seed = path(0);
  let fr: Buffer = Buffer.from(seed.buffer, seed.byteOffset, seed.byteLength);
  let sr = fr;
  for (let i = 1; i < length; i++) {
    const c = path(i);
    if (sn === 0) return failed('proof is longer than needed');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return failed('proof is shorter than needed');
  if (!equalBytes(fr, root1)) return failed('proof does not lead to root1');
  if (!equalBytes(sr, root2)) return failed('proof does not lead to root2');
  return PASSED;
}

/**
 * A whole tree in memory that stores node rows exactly as a store does (by feeding a MerkleFrontier), so proofs
 * built from it exercise the same read pattern. For tests and offline verification of an exported log.
 */
export class InMemoryMerkleTree implements MerkleNodeReader {
  /** What the proof functions asked for, so tests can check that they use stored nodes instead of leaves. */
  readonly reads = { leafHashesCalls: 0, leavesRead: 0, storedNodesCalls: 0, nodesRead: 0 };
  private readonly leaves: Buffer[] = [];
  /** nodes[level - STORED_MIN_LEVEL][index] */
  private readonly nodes: Buffer[][] = [];
  private readonly frontier = MerkleFrontier.empty();

  static fromLeafHashes(leafHashes: Iterable<Buffer>): InMemoryMerkleTree {
    const tree = new InMemoryMerkleTree();
    for (const leaf of leafHashes) tree.append(leaf);
    return tree;
  }

  get size(): number {
    return this.frontier.size;
  }

  /** Append a leaf hash; returns the node rows it completed (already stored here). */
  append(leaf: Buffer): StoredNode[] {
    const completed = this.frontier.append(leaf);
    this.leaves.push(leaf);
    for (const node of completed) {
      const row = (this.nodes[node.level - STORED_MIN_LEVEL] ??= []);
      row[node.index] = node.hash;
    }
    return completed;
  }

  root(): Buffer {
    return this.frontier.root();
  }

  /** Number of node rows held, to compare with what a store would hold. */
  storedNodeCount(): number {
    return this.nodes.reduce((sum, row) => sum + row.length, 0);
  }

  resetReads(): void {
    this.reads.leafHashesCalls = 0;
    this.reads.leavesRead = 0;
    this.reads.storedNodesCalls = 0;
    this.reads.nodesRead = 0;
  }

  leafHashes(start: number, end: number): Promise<Buffer[]> {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || end > this.size) {
      return Promise.reject(new RangeError(`leaves [${start}, ${end}) are outside [0, ${this.size})`));
    }
    this.reads.leafHashesCalls++;
    this.reads.leavesRead += end - start;
    return Promise.resolve(this.leaves.slice(start, end));
  }

  storedNodes(keys: ReadonlyArray<{ level: number; index: number }>): Promise<Array<Buffer | undefined>> {
    this.reads.storedNodesCalls++;
    this.reads.nodesRead += keys.length;
    return Promise.resolve(keys.map((k) => this.nodes[k.level - STORED_MIN_LEVEL]?.[k.index]));
  }
}

type Range = readonly [start: number, end: number];

/**
 * The hashes of several node ranges with one storedNodes call and as few leafHashes calls as the ranges allow:
 * first every range is split as MTH splits it, down to stored rows or short leaf runs, and the reads are collected;
 * then the same split is replayed over what was read.
 */
async function hashRanges(reader: MerkleNodeReader, ranges: readonly Range[]): Promise<Buffer[]> {
  const keys: Array<{ level: number; index: number }> = [];
  const slotOf = new Map<string, number>();
  const runs: Array<[number, number]> = [];
  const plan = (start: number, end: number): void => {
    const n = end - start;
    const level = storedLevel(start, n);
    if (level !== undefined) {
      const id = `${level}/${start / n}`;
      if (!slotOf.has(id)) {
        slotOf.set(id, keys.length);
        keys.push({ level, index: start / n });
      }
    } else if (n <= STORED_MIN_LEAVES) {
      runs.push([start, end]);
    } else {
      const k = largestPowerOfTwoBelow(n);
      plan(start, start + k);
      plan(start + k, end);
    }
  };
  for (const [start, end] of ranges) plan(start, end);

  const chunks = mergeRuns(runs);
  const [nodes, leafChunks] = await Promise.all([
    keys.length > 0 ? reader.storedNodes(keys) : Promise.resolve([]),
    Promise.all(chunks.map(([start, end]) => reader.leafHashes(start, end))),
  ]);
  checkNodes(keys, nodes);
  chunks.forEach(([start, end], i) => checkLeaves(start, end, leafChunks[i]));

  const leafAt = (i: number): Buffer => {
    for (let c = 0; c < chunks.length; c++) {
      const [start, end] = chunks[c];
      if (i >= start && i < end) return leafChunks[c][i - start];
    }
    throw new Error(`leaf ${i} was not read`); // unreachable: every run was read
  };
  const fromLeaves = (start: number, end: number): Buffer => {
    if (end - start === 1) return leafAt(start);
    const k = largestPowerOfTwoBelow(end - start);
    return nodeHash(fromLeaves(start, start + k), fromLeaves(start + k, end));
  };
  const compute = (start: number, end: number): Buffer => {
    const n = end - start;
    const level = storedLevel(start, n);
    if (level !== undefined) return nodes[slotOf.get(`${level}/${start / n}`) as number] as Buffer;
    if (n <= STORED_MIN_LEAVES) return fromLeaves(start, end);
    const k = largestPowerOfTwoBelow(n);
    return nodeHash(compute(start, start + k), compute(start + k, end));
  };
  return ranges.map(([start, end]) => compute(start, end));
}

/** Sort leaf runs and merge those that overlap, touch, or are one leaf apart (a proof skips its own leaf). */
function mergeRuns(runs: Array<[number, number]>): Array<[number, number]> {
  runs.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of runs) {
    const last = merged[merged.length - 1];
    if (last !== undefined && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** The level of the stored row for [start, start + n), if the range is a complete, aligned subtree that is stored. */
function storedLevel(start: number, n: number): number | undefined {
  if (n < STORED_MIN_LEAVES || !isPowerOfTwo(n) || start % n !== 0) return undefined;
  return Math.round(Math.log2(n));
}

function checkNodes(keys: ReadonlyArray<{ level: number; index: number }>, nodes: ReadonlyArray<Buffer | undefined>): void {
  if (nodes.length !== keys.length) {
    throw new MerkleReadError(`asked for ${keys.length} stored nodes, got ${nodes.length}`);
  }
  for (let i = 0; i < keys.length; i++) {
    const node = nodes[i];
    if (node === undefined) throw new MerkleReadError(`stored node (level ${keys[i].level}, index ${keys[i].index}) is missing`);
    if (node.length !== HASH_BYTES) {
      throw new MerkleReadError(`stored node (level ${keys[i].level}, index ${keys[i].index}) is ${node.length} bytes`);
    }
  }
}

function checkLeaves(start: number, end: number, leaves: readonly Buffer[]): void {
  if (leaves.length !== end - start) {
    throw new MerkleReadError(`asked for leaves [${start}, ${end}), got ${leaves.length}`);
  }
  for (let i = 0; i < leaves.length; i++) {
    if (leaves[i].length !== HASH_BYTES) throw new MerkleReadError(`leaf hash ${start + i} is ${leaves[i].length} bytes`);
  }
}

function checkProofElements(proof: readonly Uint8Array[]): string | undefined {
  if (proof.length > MAX_PROOF_LENGTH) return `proof has ${proof.length} elements, more than any tree needs`;
  for (let i = 0; i < proof.length; i++) {
    if (proof[i].length !== HASH_BYTES) return `proof element ${i} is ${proof[i].length} bytes, expected ${HASH_BYTES}`;
  }
  return undefined;
}

/** A safe integer as a number, a larger one as a bigint (only to compare it), anything else undefined. */
function asIndex(v: number | bigint): number | bigint | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'bigint') {
    if (v < 0n) return undefined;
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  return undefined;
}

function assertSize(v: number, name: string): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative safe integer, got ${v}`);
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && largestPowerOfTwoAtMost(n) === n;
}

function largestPowerOfTwoAtMost(n: number): number {
  if (n < 0x80000000) return 2 ** (31 - Math.clz32(n));
  let p = 2 ** Math.floor(Math.log2(n));
  // Math.log2 may round across a power of two for values just below it; correct by one step either way.
  if (p > n) p /= 2;
  else if (p * 2 <= n) p *= 2;
  return p;
}

/** The k of RFC 9162's split: the largest power of two smaller than n (n ≥ 2). */
function largestPowerOfTwoBelow(n: number): number {
  return largestPowerOfTwoAtMost(n - 1);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
