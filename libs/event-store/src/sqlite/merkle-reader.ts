import type { DatabaseSync } from 'node:sqlite';
import type { MerkleNodeReader } from '../integrity';

/**
 * The Merkle functions' view of the tables over one connection (the store's reads, the writer's frontier): leaf i
 * is the leaf_hash of the event at position i + 1, stored subtree roots come from ledger_merkle_nodes by (level, idx).
 */
export function sqliteMerkleReader(db: DatabaseSync): MerkleNodeReader {
  const leaves = db.prepare('SELECT leaf_hash FROM ledger_events WHERE position > ? AND position <= ? ORDER BY position');
  const node = db.prepare('SELECT hash FROM ledger_merkle_nodes WHERE level = ? AND idx = ?');
  return {
    leafHashes: async (start, end) => (leaves.all(start, end) as unknown as Array<{ leaf_hash: Uint8Array }>).map((r) => Buffer.from(r.leaf_hash)),
    storedNodes: async (keys) =>
      keys.map(({ level, index }) => {
        const row = node.get(level, index) as { hash: Uint8Array } | undefined;
        return row ? Buffer.from(row.hash) : undefined;
      }),
  };
}
