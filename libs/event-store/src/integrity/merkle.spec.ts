import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMPTY_ROOT, fromHex, leafHash, toHex } from './hash';
import {
  consistencyProof,
  inclusionProof,
  InMemoryMerkleTree,
  MerkleFrontier,
  rootAt,
  rootFromInclusionProof,
  subtreeRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle';
import { NaiveMerkle } from './testing/naive-merkle';

interface InclusionVector {
  id?: string;
  desc?: string;
  leaf_index: number | string;
  tree_size: number | string;
  leaf_hash_hex: string;
  proof_hex: string[];
  root_hex: string;
  valid: boolean;
}

interface ConsistencyVector {
  id?: string;
  desc?: string;
  size1: number | string;
  size2: number | string;
  root1_hex: string;
  root2_hex: string;
  proof_hex: string[];
  valid: boolean;
}

interface MerkleVectors {
  reference_tree: {
    leaf_inputs_hex: string[];
    leaf_hashes_hex: string[];
    node_hashes_hex_by_level: string[][];
    roots_hex_by_size: string[];
  };
  inclusion_proofs: InclusionVector[];
  consistency_proofs: ConsistencyVector[];
  derived: { inclusion_proofs: InclusionVector[]; consistency_proofs: ConsistencyVector[] };
}

const vectors = JSON.parse(
  readFileSync(join(__dirname, 'testvectors', 'merkle-rfc6962.json'), 'utf8'),
) as MerkleVectors;
const ref = vectors.reference_tree;

/** The uint64 index 2^64−1 is stored as a decimal string; everything else is a JSON number. */
const index = (v: number | string): number | bigint => (typeof v === 'string' ? BigInt(v) : v);

const referenceTree = (): InMemoryMerkleTree =>
  InMemoryMerkleTree.fromLeafHashes(ref.leaf_inputs_hex.map((hex) => leafHash(fromHex(hex))));

/** A happy-path vector is over the reference tree when its root is one of the reference roots. */
const isOverReferenceTree = (size: number, rootHex: string): boolean =>
  size >= 1 && size <= 8 && ref.roots_hex_by_size[size] === rootHex;

describe('the RFC 6962 Merkle tree', () => {
  describe('given the reference tree of 8 leaves', () => {
    it('hashes every leaf input to its reference leaf hash', () => {
      expect(ref.leaf_inputs_hex.map((hex) => toHex(leafHash(fromHex(hex))))).toEqual(ref.leaf_hashes_hex);
    });

    it('gives the reference root for every size 0..8, appending', () => {
      const frontier = MerkleFrontier.empty();
      const roots = [toHex(frontier.root())];
      for (const hex of ref.leaf_hashes_hex) {
        frontier.append(fromHex(hex));
        roots.push(toHex(frontier.root()));
      }
      expect(roots).toEqual(ref.roots_hex_by_size);
    });

    it('gives the reference root for every size 0..8, reading back and with the naive MTH', async () => {
      const tree = referenceTree();
      const naive = new NaiveMerkle(ref.leaf_hashes_hex.map(fromHex));
      for (let size = 0; size <= 8; size++) {
        expect(toHex(await rootAt(tree, size))).toBe(ref.roots_hex_by_size[size]);
        if (size > 0) expect(toHex(naive.mth(0, size))).toBe(ref.roots_hex_by_size[size]);
        expect(toHex((await MerkleFrontier.load(tree, size)).root())).toBe(ref.roots_hex_by_size[size]);
      }
    });

    it('gives every reference node hash as a subtree root', async () => {
      const tree = referenceTree();
      for (const [level, hashes] of ref.node_hashes_hex_by_level.entries()) {
        for (const [i, hex] of hashes.entries()) {
          expect(toHex(await subtreeRoot(tree, i * 2 ** level, (i + 1) * 2 ** level))).toBe(hex);
        }
      }
    });

    it('gives the empty root for the empty tree', async () => {
      expect(MerkleFrontier.empty().root().equals(EMPTY_ROOT)).toBe(true);
      expect((await rootAt(referenceTree(), 0)).equals(EMPTY_ROOT)).toBe(true);
    });
  });

  describe.each([
    ['transparency-dev', vectors.inclusion_proofs],
    ['derived', vectors.derived.inclusion_proofs],
  ] as const)('given the %s inclusion vectors', (_source, list) => {
    it.each(list.map((v) => [v.id ?? `${v.leaf_index} in ${v.tree_size}`, v.valid ? 'accepts' : 'rejects', v] as const))(
      '%s: %s it',
      (_id, _verdict, v) => {
        const result = verifyInclusion(
          fromHex(v.leaf_hash_hex),
          index(v.leaf_index),
          index(v.tree_size),
          v.proof_hex.map(fromHex),
          fromHex(v.root_hex),
        );
        expect(result.ok).toBe(v.valid);
        if (!result.ok) expect(result.reason).toEqual(expect.any(String));
      },
    );

    it('builds exactly the proof of every valid vector over the reference tree', async () => {
      const tree = referenceTree();
      for (const v of list.filter((x) => x.valid && isOverReferenceTree(Number(x.tree_size), x.root_hex))) {
        const proof = await inclusionProof(tree, Number(v.leaf_index), Number(v.tree_size));
        expect(proof.map(toHex)).toEqual(v.proof_hex);
      }
    });
  });

  describe.each([
    ['transparency-dev', vectors.consistency_proofs],
    ['derived', vectors.derived.consistency_proofs],
  ] as const)('given the %s consistency vectors', (_source, list) => {
    it.each(list.map((v) => [v.id ?? `${v.size1} to ${v.size2}`, v.valid ? 'accepts' : 'rejects', v] as const))(
      '%s: %s it',
      (_id, _verdict, v) => {
        const result = verifyConsistency(
          index(v.size1),
          index(v.size2),
          v.proof_hex.map(fromHex),
          fromHex(v.root1_hex),
          fromHex(v.root2_hex),
        );
        expect(result.ok).toBe(v.valid);
      },
    );

    it('builds exactly the proof of every valid vector over the reference tree', async () => {
      const tree = referenceTree();
      for (const v of list.filter((x) => x.valid && isOverReferenceTree(Number(x.size2), x.root2_hex))) {
        const proof = await consistencyProof(tree, Number(v.size1), Number(v.size2));
        expect(proof.map(toHex)).toEqual(v.proof_hex);
      }
    });
  });

  describe('when verifying an inclusion proof at the edges', () => {
    const leaves = ref.leaf_hashes_hex.map(fromHex);
    const root = fromHex(ref.roots_hex_by_size[8]);
    let proof: Buffer[];
    beforeAll(async () => {
      proof = await inclusionProof(referenceTree(), 5, 8);
    });

    it('accepts the correct proof and returns its root', () => {
      expect(verifyInclusion(leaves[5], 5, 8, proof, root)).toEqual({ ok: true });
      expect(verifyInclusion(leaves[5], 5n, 8n, proof, root)).toEqual({ ok: true });
      const computed = rootFromInclusionProof(leaves[5], 5, 8, proof);
      expect(computed.ok && computed.root.equals(root)).toBe(true);
    });

    it('rejects a leaf hash that is not 32 bytes', () => {
      expect(verifyInclusion(leaves[5].subarray(0, 31), 5, 8, proof, root)).toMatchObject({ ok: false, reason: expect.stringMatching(/32/) });
    });

    it('rejects an index equal to or above the size', () => {
      expect(verifyInclusion(leaves[5], 8, 8, proof, root).ok).toBe(false);
      expect(verifyInclusion(leaves[5], 2n ** 64n - 1n, 8, proof, root).ok).toBe(false);
      expect(verifyInclusion(leaves[0], 0, 0, [], EMPTY_ROOT).ok).toBe(false);
    });

    it('rejects a negative or fractional index or size', () => {
      expect(verifyInclusion(leaves[5], -1, 8, proof, root).ok).toBe(false);
      expect(verifyInclusion(leaves[5], 5.5, 8, proof, root).ok).toBe(false);
      expect(verifyInclusion(leaves[5], 5, 8.5, proof, root).ok).toBe(false);
      expect(verifyInclusion(leaves[5], -1n, 8n, proof, root).ok).toBe(false);
    });

    it('rejects tree sizes beyond 2^53−1 rather than computing with rounded numbers', () => {
      expect(verifyInclusion(leaves[5], 5, 2n ** 60n, proof, root)).toMatchObject({ ok: false, reason: expect.stringMatching(/2\^53/) });
    });

    it('rejects a proof element that is not 32 bytes', () => {
      const bad = [...proof];
      bad[1] = Buffer.concat([bad[1], Buffer.of(0)]);
      expect(verifyInclusion(leaves[5], 5, 8, bad, root).ok).toBe(false);
    });

    it('accepts a leaf that is the whole tree with an empty proof', () => {
      expect(verifyInclusion(leaves[0], 0, 1, [], leaves[0])).toEqual({ ok: true });
    });
  });

  describe('when verifying a consistency proof at the edges', () => {
    const root = (n: number): Buffer => fromHex(ref.roots_hex_by_size[n]);

    it('rejects size1 = 0, even with an empty proof', () => {
      expect(verifyConsistency(0, 8, [], EMPTY_ROOT, root(8)).ok).toBe(false);
      expect(verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT).ok).toBe(false);
    });

    it('rejects size1 > size2', () => {
      expect(verifyConsistency(8, 7, [], root(8), root(7)).ok).toBe(false);
    });

    it('accepts equal sizes only with an empty proof and byte-identical roots', () => {
      expect(verifyConsistency(8, 8, [], root(8), root(8))).toEqual({ ok: true });
      expect(verifyConsistency(8, 8, [root(8)], root(8), root(8)).ok).toBe(false);
      expect(verifyConsistency(8, 8, [], root(8), root(7)).ok).toBe(false);
      expect(verifyConsistency(8n, 8n, [], root(8), root(8))).toEqual({ ok: true });
    });

    it('rejects an empty proof between different sizes', () => {
      expect(verifyConsistency(4, 8, [], root(4), root(8)).ok).toBe(false);
    });

    it('rejects roots that are not 32 bytes', () => {
      expect(verifyConsistency(3, 8, [root(1)], root(3).subarray(1), root(8)).ok).toBe(false);
    });
  });

  describe('when building proofs with bad arguments', () => {
    it('refuses an index outside the tree and an impossible consistency request', async () => {
      const tree = referenceTree();
      await expect(inclusionProof(tree, 8, 8)).rejects.toThrow(RangeError);
      await expect(inclusionProof(tree, -1, 8)).rejects.toThrow(RangeError);
      await expect(consistencyProof(tree, 0, 8)).rejects.toThrow(RangeError);
      await expect(consistencyProof(tree, 5, 4)).rejects.toThrow(RangeError);
      await expect(subtreeRoot(tree, 5, 4)).rejects.toThrow(RangeError);
      await expect(rootAt(tree, 9)).rejects.toThrow(RangeError);
    });

    it('returns an empty consistency proof for equal sizes', async () => {
      expect(await consistencyProof(referenceTree(), 5, 5)).toEqual([]);
    });
  });
});
