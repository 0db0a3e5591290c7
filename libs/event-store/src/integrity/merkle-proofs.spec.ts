import fc from 'fast-check';
import { leafHash, nodeHash } from './hash';
import {
  consistencyProof,
  inclusionProof,
  InMemoryMerkleTree,
  MerkleFrontier,
  MerkleReadError,
  rootAt,
  STORED_MIN_LEVEL,
  subtreeRoot,
  verifyConsistency,
  verifyInclusion,
  type MerkleNodeReader,
} from './merkle';
import { NaiveMerkle } from './testing/naive-merkle';

const STORED_MIN_LEAVES = 2 ** STORED_MIN_LEVEL;

function buildTree(size: number): { tree: InMemoryMerkleTree; leaves: Buffer[]; naive: NaiveMerkle; roots: Buffer[] } {
  const tree = new InMemoryMerkleTree();
  const leaves: Buffer[] = [];
  const roots: Buffer[] = [tree.root()];
  for (let i = 0; i < size; i++) {
    const leaf = leafHash(`event ${i}`);
    leaves.push(leaf);
    tree.append(leaf);
    roots.push(tree.root());
  }
  return { tree, leaves, naive: new NaiveMerkle(leaves), roots };
}

function sameHashes(a: readonly Buffer[], b: readonly Buffer[]): boolean {
  return a.length === b.length && a.every((h, i) => h.equals(b[i]));
}

function flipBit(bytes: Uint8Array, bit: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[bit >> 3] ^= 1 << (bit & 7);
  return copy;
}

describe('Merkle proofs built from a store', () => {
  describe('given every tree of 1 to 128 leaves', () => {
    const { tree, leaves, naive, roots } = buildTree(128);

    it('has the naive MTH as its root at every size, appended and read back', async () => {
      for (let n = 1; n <= 128; n++) {
        expect(roots[n].equals(naive.mth(0, n))).toBe(true);
        expect((await rootAt(tree, n)).equals(naive.mth(0, n))).toBe(true);
      }
    });

    // Thousands of cases: collect the failures and assert once, since a Jest assertion per case costs more than the
    // proof itself.
    it('builds the naive PATH for every index and size, and each verifies', async () => {
      const failures: string[] = [];
      for (let n = 1; n <= 128; n++) {
        for (let m = 0; m < n; m++) {
          const proof = await inclusionProof(tree, m, n);
          if (!sameHashes(proof, naive.path(m, n))) failures.push(`PATH(${m}, ${n}) differs`);
          const check = verifyInclusion(leaves[m], m, n, proof, roots[n]);
          if (!check.ok) failures.push(`PATH(${m}, ${n}): ${check.reason}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('builds the naive PROOF for every size1 < size2, and each verifies', async () => {
      const failures: string[] = [];
      for (let n = 2; n <= 128; n++) {
        for (let m = 1; m < n; m++) {
          const proof = await consistencyProof(tree, m, n);
          if (!sameHashes(proof, naive.proof(m, n))) failures.push(`PROOF(${m}, ${n}) differs`);
          const check = verifyConsistency(m, n, proof, roots[m], roots[n]);
          if (!check.ok) failures.push(`PROOF(${m}, ${n}): ${check.reason}`);
        }
      }
      expect(failures).toEqual([]);
    });
  });

  describe('given trees that cross the stored level', () => {
    const sizes = [255, 256, 257, 511, 512, 513, 1000, 1024, 1025, 1300];
    const { tree, leaves, naive, roots } = buildTree(1300);

    /**
     * A proof needs the leaves of its own 256-leaf block (siblings below the stored level) and of the tree's last,
     * incomplete block; everything else comes from stored nodes. So at most two blocks are read, which is fewer
     * leaves than the tree holds once it has more than two blocks.
     */
    const expectFewLeafReads = (n: number, leavesRead: number): void => {
      expect(leavesRead).toBeLessThanOrEqual(2 * STORED_MIN_LEAVES);
      if (n > 2 * STORED_MIN_LEAVES) expect(leavesRead).toBeLessThan(n);
    };

    it('stores exactly the complete aligned subtrees of level 8 and above', () => {
      // 1300 leaves: 5 complete 256-leaf subtrees, 2 of 512, 1 of 1024.
      expect(tree.storedNodeCount()).toBe(5 + 2 + 1);
    });

    it('returns the subtrees an append completes, with their naive hashes', () => {
      const frontier = MerkleFrontier.empty();
      const completed: Array<{ level: number; index: number; ok: boolean }> = [];
      for (const leaf of leaves.slice(0, 1024)) {
        for (const node of frontier.append(leaf)) {
          const width = 2 ** node.level;
          completed.push({ level: node.level, index: node.index, ok: node.hash.equals(naive.mth(node.index * width, (node.index + 1) * width)) });
        }
      }
      expect(completed).toEqual([
        { level: 8, index: 0, ok: true },
        { level: 8, index: 1, ok: true },
        { level: 9, index: 0, ok: true },
        { level: 8, index: 2, ok: true },
        { level: 8, index: 3, ok: true },
        { level: 9, index: 1, ok: true },
        { level: 10, index: 0, ok: true },
      ]);
    });

    it.each(sizes)('gives the naive root at size %i while reading fewer leaves than the tree holds', async (n) => {
      tree.resetReads();
      expect((await rootAt(tree, n)).equals(naive.mth(0, n))).toBe(true);
      if (n >= STORED_MIN_LEAVES) {
        expect(tree.reads.leavesRead).toBeLessThan(STORED_MIN_LEAVES);
        expect(tree.reads.nodesRead).toBeGreaterThan(0);
      }
    });

    it.each(sizes)('builds and verifies every inclusion proof at size %i from stored nodes', async (n) => {
      const failures: string[] = [];
      let maxLeavesRead = 0;
      for (let m = 0; m < n; m++) {
        tree.resetReads();
        const proof = await inclusionProof(tree, m, n);
        if (!sameHashes(proof, naive.path(m, n))) failures.push(`PATH(${m}, ${n}) differs`);
        const check = verifyInclusion(leaves[m], m, n, proof, roots[n]);
        if (!check.ok) failures.push(`PATH(${m}, ${n}): ${check.reason}`);
        if (tree.reads.storedNodesCalls > 1 || tree.reads.leafHashesCalls > 2) failures.push(`PATH(${m}, ${n}): too many reads`);
        maxLeavesRead = Math.max(maxLeavesRead, tree.reads.leavesRead);
      }
      expect(failures).toEqual([]);
      expectFewLeafReads(n, maxLeavesRead);
    });

    it.each(sizes)('builds and verifies every consistency proof into size %i from stored nodes', async (n) => {
      const failures: string[] = [];
      let maxLeavesRead = 0;
      for (let m = 1; m < n; m++) {
        tree.resetReads();
        const proof = await consistencyProof(tree, m, n);
        if (!sameHashes(proof, naive.proof(m, n))) failures.push(`PROOF(${m}, ${n}) differs`);
        const check = verifyConsistency(m, n, proof, roots[m], roots[n]);
        if (!check.ok) failures.push(`PROOF(${m}, ${n}): ${check.reason}`);
        if (tree.reads.storedNodesCalls > 1 || tree.reads.leafHashesCalls > 2) failures.push(`PROOF(${m}, ${n}): too many reads`);
        maxLeavesRead = Math.max(maxLeavesRead, tree.reads.leavesRead);
      }
      expect(failures).toEqual([]);
      expectFewLeafReads(n, maxLeavesRead);
    });

    it('reads a stored subtree without touching its leaves', async () => {
      tree.resetReads();
      const root = await subtreeRoot(tree, 512, 1024);
      expect(root.equals(naive.mth(512, 1024))).toBe(true);
      expect(tree.reads).toEqual({ leafHashesCalls: 0, leavesRead: 0, storedNodesCalls: 1, nodesRead: 1 });
    });

    it('computes an unaligned range from its leaves', async () => {
      expect((await subtreeRoot(tree, 3, 1000)).equals(naive.mth(3, 1000))).toBe(true);
    });

    it('loads the frontier at any size with one read of each kind, and it continues like the original', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 1300 }), async (n) => {
          tree.resetReads();
          const loaded = await MerkleFrontier.load(tree, n);
          expect(loaded.size).toBe(n);
          expect(loaded.root().equals(roots[n])).toBe(true);
          expect(tree.reads.storedNodesCalls).toBeLessThanOrEqual(1);
          expect(tree.reads.leafHashesCalls).toBeLessThanOrEqual(1);
          expect(tree.reads.leavesRead).toBeLessThan(STORED_MIN_LEAVES);
          const replay = MerkleFrontier.empty();
          for (const leaf of leaves.slice(0, n)) replay.append(leaf);
          for (const leaf of leaves.slice(n, Math.min(n + 600, 1300))) {
            expect(loaded.append(leaf)).toEqual(replay.append(leaf));
            expect(loaded.root().equals(replay.root())).toBe(true);
          }
        }),
        { numRuns: 60 },
      );
    });

    it('clones a frontier that then evolves independently', () => {
      const a = MerkleFrontier.empty();
      for (const leaf of leaves.slice(0, 300)) a.append(leaf);
      const b = a.clone();
      b.append(leaves[300]);
      expect(a.size).toBe(300);
      expect(a.root().equals(roots[300])).toBe(true);
      expect(b.root().equals(roots[301])).toBe(true);
    });
  });

  describe('given a tree of 10 million leaves', () => {
    // Every 256-leaf block is the same, so the root of any aligned subtree of level ≥ 8 depends only on its level:
    // a consistent tree of any size without hashing it all. Leaves still differ inside a block.
    const block = Array.from({ length: STORED_MIN_LEAVES }, (_, i) => leafHash(`leaf ${i}`));
    const levelRoots: Buffer[] = [];
    {
      let layer = block;
      for (let level = 1; level <= 53 && layer.length >= 1; level++) {
        if (layer.length > 1) {
          const next: Buffer[] = [];
          for (let i = 0; i < layer.length; i += 2) next.push(nodeHash(layer[i], layer[i + 1]));
          layer = next;
        } else {
          layer = [nodeHash(layer[0], layer[0])];
        }
        if (level >= STORED_MIN_LEVEL) levelRoots[level] = layer[0];
      }
    }
    const N = 10_000_000;
    const calls = { leafRanges: [] as Array<[number, number]>, nodeCalls: 0, nodeKeys: 0 };
    const reader: MerkleNodeReader = {
      leafHashes: async (start, end) => {
        calls.leafRanges.push([start, end]);
        return Array.from({ length: end - start }, (_, i) => block[(start + i) % STORED_MIN_LEAVES]);
      },
      storedNodes: async (keys) => {
        calls.nodeCalls++;
        calls.nodeKeys += keys.length;
        return keys.map((k) => ((k.index + 1) * 2 ** k.level <= N ? levelRoots[k.level] : undefined));
      },
    };
    const reset = (): void => {
      calls.leafRanges = [];
      calls.nodeCalls = 0;
      calls.nodeKeys = 0;
    };
    const expectCheapReads = (): void => {
      expect(calls.nodeCalls).toBeLessThanOrEqual(1);
      expect(calls.nodeKeys).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(N)));
      expect(calls.leafRanges.length).toBeLessThanOrEqual(2);
      for (const [start, end] of calls.leafRanges) expect(end - start).toBeLessThanOrEqual(2 * STORED_MIN_LEAVES);
    };

    it.each([0, 1, 255, 256, 4_194_303, 4_194_304, 9_999_743, 9_999_999])(
      'proves leaf %i with O(log n) stored nodes and at most two short leaf reads',
      async (m) => {
        const root = await rootAt(reader, N);
        reset();
        const proof = await inclusionProof(reader, m, N);
        expectCheapReads();
        expect(verifyInclusion(block[m % STORED_MIN_LEAVES], m, N, proof, root)).toEqual({ ok: true });
      },
    );

    it.each([1, 256, 1_000_000, 4_194_304, 9_999_744, 9_999_999])(
      'proves consistency from size %i with O(log n) stored nodes and at most two short leaf reads',
      async (m) => {
        const [root1, root2] = [await rootAt(reader, m), await rootAt(reader, N)];
        reset();
        const proof = await consistencyProof(reader, m, N);
        expectCheapReads();
        expect(verifyConsistency(m, N, proof, root1, root2)).toEqual({ ok: true });
      },
    );

    it('loads the frontier with one read of each kind', async () => {
      reset();
      const frontier = await MerkleFrontier.load(reader, N);
      expect(calls.nodeCalls).toBe(1);
      expect(calls.leafRanges).toEqual([[N - (N % STORED_MIN_LEAVES), N]]);
      expect(frontier.root().equals(await rootAt(reader, N))).toBe(true);
    });
  });

  describe('when the store does not hold what it should', () => {
    const good = buildTree(600).tree;

    it('reports a missing node row', async () => {
      const reader: MerkleNodeReader = {
        leafHashes: (s, e) => good.leafHashes(s, e),
        storedNodes: async (keys) => keys.map(() => undefined),
      };
      await expect(rootAt(reader, 600)).rejects.toThrow(MerkleReadError);
      await expect(MerkleFrontier.load(reader, 600)).rejects.toThrow(/missing/);
    });

    it('reports a short leaf read and a malformed hash', async () => {
      const short: MerkleNodeReader = {
        leafHashes: async (s, e) => (await good.leafHashes(s, e)).slice(1),
        storedNodes: (keys) => good.storedNodes(keys),
      };
      await expect(inclusionProof(short, 3, 600)).rejects.toThrow(MerkleReadError);
      const malformed: MerkleNodeReader = {
        leafHashes: (s, e) => good.leafHashes(s, e),
        storedNodes: async (keys) => keys.map(() => Buffer.alloc(31)),
      };
      await expect(consistencyProof(malformed, 10, 600)).rejects.toThrow(/31 bytes/);
    });

    it('refuses to append a leaf hash that is not 32 bytes', () => {
      expect(() => MerkleFrontier.empty().append(Buffer.alloc(31))).toThrow(RangeError);
    });
  });

  describe('when a proof or its claim is tampered with (property)', () => {
    const SIZE = 300;
    const { tree, leaves, naive, roots } = buildTree(SIZE);
    const inclusionCase = fc
      .integer({ min: 1, max: SIZE })
      .chain((n) => fc.record({ n: fc.constant(n), m: fc.integer({ min: 0, max: n - 1 }) }));
    const consistencyCase = fc
      .integer({ min: 2, max: SIZE })
      .chain((n) => fc.record({ n: fc.constant(n), m: fc.integer({ min: 1, max: n - 1 }) }));

    it('rejects an inclusion proof when any bit of the leaf hash, a proof element or the root flips', async () => {
      await fc.assert(
        fc.asyncProperty(inclusionCase, fc.nat(), fc.integer({ min: 0, max: 255 }), async ({ m, n }, pick, bit) => {
          const proof = await inclusionProof(tree, m, n);
          expect(verifyInclusion(flipBit(leaves[m], bit), m, n, proof, roots[n]).ok).toBe(false);
          expect(verifyInclusion(leaves[m], m, n, proof, flipBit(roots[n], bit)).ok).toBe(false);
          if (proof.length > 0) {
            const bad = [...proof];
            const i = pick % proof.length;
            bad[i] = flipBit(bad[i], bit);
            expect(verifyInclusion(leaves[m], m, n, bad, roots[n]).ok).toBe(false);
          }
        }),
      );
    });

    it('rejects an inclusion proof that is truncated, padded, or altered only in a middle element', async () => {
      await fc.assert(
        fc.asyncProperty(inclusionCase, fc.nat(), async ({ m, n }, pick) => {
          const proof = await inclusionProof(tree, m, n);
          const extra = leaves[pick % SIZE];
          expect(verifyInclusion(leaves[m], m, n, [...proof, extra], roots[n]).ok).toBe(false);
          expect(verifyInclusion(leaves[m], m, n, [extra, ...proof], roots[n]).ok).toBe(false);
          if (proof.length > 0) {
            expect(verifyInclusion(leaves[m], m, n, proof.slice(0, -1), roots[n]).ok).toBe(false);
            expect(verifyInclusion(leaves[m], m, n, proof.slice(1), roots[n]).ok).toBe(false);
          }
          if (proof.length > 2) {
            const bad = [...proof];
            const i = 1 + (pick % (proof.length - 2));
            bad[i] = leafHash(`not ${i}`);
            expect(verifyInclusion(leaves[m], m, n, bad, roots[n]).ok).toBe(false);
          }
        }),
      );
    });

    it('rejects an inclusion proof checked against another index', async () => {
      await fc.assert(
        fc.asyncProperty(inclusionCase, fc.nat(), async ({ m, n }, other) => {
          const m2 = other % (n + 2);
          fc.pre(m2 !== m);
          const proof = await inclusionProof(tree, m, n);
          expect(verifyInclusion(leaves[m], m2, n, proof, roots[n]).ok).toBe(false);
        }),
      );
    });

    it('rejects an inclusion proof checked against another size unless both sizes give the leaf the same path', async () => {
      // RFC 9162 inclusion proofs do not bind the tree size: leaf 0's proof in a tree of 4 also checks as a tree
      // of 3 against the same root. The size is bound by the signed checkpoint that carries the root.
      const proof4 = await inclusionProof(tree, 0, 4);
      expect(verifyInclusion(leaves[0], 0, 3, proof4, roots[4]).ok).toBe(true);
      await fc.assert(
        fc.asyncProperty(inclusionCase, fc.integer({ min: 1, max: SIZE }), async ({ m, n }, n2) => {
          fc.pre(n2 !== n && m < n2);
          const proof = await inclusionProof(tree, m, n);
          const sameShape = naive.inclusionShape(m, n) === naive.inclusionShape(m, n2);
          expect(verifyInclusion(leaves[m], m, n2, proof, roots[n]).ok).toBe(sameShape);
        }),
      );
    });

    it('rejects a consistency proof when any bit of either root or a proof element flips', async () => {
      await fc.assert(
        fc.asyncProperty(consistencyCase, fc.nat(), fc.integer({ min: 0, max: 255 }), async ({ m, n }, pick, bit) => {
          const proof = await consistencyProof(tree, m, n);
          expect(verifyConsistency(m, n, proof, flipBit(roots[m], bit), roots[n]).ok).toBe(false);
          expect(verifyConsistency(m, n, proof, roots[m], flipBit(roots[n], bit)).ok).toBe(false);
          const bad = [...proof];
          const i = pick % proof.length;
          bad[i] = flipBit(bad[i], bit);
          expect(verifyConsistency(m, n, bad, roots[m], roots[n]).ok).toBe(false);
        }),
      );
    });

    it('rejects a consistency proof that is truncated, padded, or altered only in a middle element', async () => {
      await fc.assert(
        fc.asyncProperty(consistencyCase, fc.nat(), async ({ m, n }, pick) => {
          const proof = await consistencyProof(tree, m, n);
          const extra = leaves[pick % SIZE];
          expect(verifyConsistency(m, n, [...proof, extra], roots[m], roots[n]).ok).toBe(false);
          expect(verifyConsistency(m, n, [extra, ...proof], roots[m], roots[n]).ok).toBe(false);
          expect(verifyConsistency(m, n, proof.slice(0, -1), roots[m], roots[n]).ok).toBe(false);
          expect(verifyConsistency(m, n, proof.slice(1), roots[m], roots[n]).ok).toBe(false);
          if (proof.length > 2) {
            const bad = [...proof];
            const i = 1 + (pick % (proof.length - 2));
            bad[i] = leafHash(`not ${i}`);
            expect(verifyConsistency(m, n, bad, roots[m], roots[n]).ok).toBe(false);
          }
        }),
      );
    });

    it('rejects a consistency proof checked against other sizes unless they give the proof the same shape', async () => {
      await fc.assert(
        fc.asyncProperty(
          consistencyCase,
          fc.integer({ min: 1, max: SIZE }),
          fc.integer({ min: 1, max: SIZE }),
          async ({ m, n }, m2, n2) => {
            fc.pre((m2 !== m || n2 !== n) && m2 < n2);
            const proof = await consistencyProof(tree, m, n);
            const sameShape = naive.consistencyShape(m, n) === naive.consistencyShape(m2, n2);
            expect(verifyConsistency(m2, n2, proof, roots[m], roots[n]).ok).toBe(sameShape);
          },
        ),
      );
    });
  });
});
