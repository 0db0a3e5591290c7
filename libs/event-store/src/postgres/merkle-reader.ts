import { escapeIdentifier, type Pool, type PoolClient } from 'pg';
import { EventStoreError } from '../errors';
import type { MerkleNodeReader } from '../integrity';

export type Queryable = Pool | PoolClient;

/**
 * The Merkle functions' view of the tables: leaf i is the leaf_hash of the event at position i + 1, and stored
 * subtree roots come from merkle_nodes, all asked for in one query.
 */
export function pgMerkleReader(db: Queryable, schema: string): MerkleNodeReader {
  const s = escapeIdentifier(schema);
  const leafSql = `SELECT leaf_hash FROM ${s}.events WHERE position > $1 AND position <= $2 ORDER BY position`;
  const nodeSql =
    `SELECT n.hash FROM unnest($1::smallint[], $2::bigint[]) WITH ORDINALITY AS k(level, idx, ord) ` +
    `LEFT JOIN ${s}.merkle_nodes n ON n.level = k.level AND n.idx = k.idx ORDER BY k.ord`;
  return {
    async leafHashes(start, end) {
      if (end <= start) return [];
      const { rows } = await db.query<[Buffer]>({ name: 'ledger_leaf_hashes', text: leafSql, values: [start, end], rowMode: 'array' });
      if (rows.length !== end - start) {
        throw new EventStoreError('STORE.LOG_INCOMPLETE', `expected ${end - start} leaves from position ${start + 1}, found ${rows.length}`, { start, end });
      }
      return rows.map((r) => r[0]);
    },
    async storedNodes(keys) {
      if (keys.length === 0) return [];
      const { rows } = await db.query<[Buffer | null]>({
        name: 'ledger_stored_nodes',
        text: nodeSql,
        values: [keys.map((k) => k.level), keys.map((k) => k.index)],
        rowMode: 'array',
      });
      return rows.map((r) => r[0] ?? undefined);
    },
  };
}
