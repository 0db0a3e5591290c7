import { escapeIdentifier, escapeLiteral, type QueryConfig } from 'pg';
import type { StoredNode } from '../integrity';
import type { StoredRow } from '../record';
import { actorExpression, advisoryLockKey, APPEND_CHANNEL } from './schema';

export const EVENT_COLUMNS = 'position, event_id, stream_id, stream_version, type, command_id, record, leaf_hash';

/** Catching up with at most this many rows appended by other processes beats reloading the frontier. */
export const CATCH_UP_MAX = 10_000;

/**
 * Records travel as one text parameter joined by U+001E, split by the server (`string_to_array`): measured ~15%
 * faster for 100-event appends than a text[] parameter, whose every `"` node-postgres must escape. RFC 8785 writes
 * control characters as \u escapes, so a canonical record never contains the separator.
 */
const RECORD_SEPARATOR = '\u001e';

export interface DeltaRow {
  position: number;
  leaf_hash: Buffer;
  stream_id: string;
  stream_version: number;
}

export interface VersionRow {
  stream_id: string;
  v: number;
}

/** An earlier append's row, tagged with the first event id of its command. */
export interface CommandRow {
  first_id: string;
  position: number;
  event_id: string;
  stream_id: string;
  stream_version: number;
}

export type LedgerSql = ReturnType<typeof ledgerSql>;

/** The SQL of one ledger schema, built once. */
export function ledgerSql(schema: string, maxEventsPerAppend: number) {
  const s = escapeIdentifier(schema);
  const events = `${s}.events`;
  const lockKey = advisoryLockKey('append', schema);
  const list = (values: readonly string[]) => values.map((v) => escapeLiteral(v)).join(', ');
  const versionsOf = (ids: string) =>
    `SELECT id AS stream_id, coalesce((SELECT max(stream_version) FROM ${events} WHERE stream_id = id), 0) AS v FROM unnest(${ids}) AS id`;
  // A command's rows are contiguous from its first event (firstAppends() stops at the first break).
  const firstAppendsOf = (ids: string) =>
    `SELECT f.event_id AS first_id, e.position, e.event_id, e.stream_id, e.stream_version FROM ${events} f ` +
    `JOIN ${events} e ON e.position >= f.position AND e.position < f.position + ${maxEventsPerAppend} AND e.command_id = f.command_id ` +
    `WHERE f.event_id = ANY(${ids}) ORDER BY e.position`;
  const write =
    // The lock is taken once (a materialised CTE), and both INSERTs wait for it (an init-plan gate) before they
    // write a row; it is held until the statement's transaction ends.
    `WITH lock AS MATERIALIZED (SELECT pg_advisory_xact_lock(${lockKey})), ` +
    `ev AS (INSERT INTO ${events} (${EVENT_COLUMNS}) ` +
    `SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::text[], string_to_array($7, E'\\x1e'), $8::bytea[]) ` +
    'WHERE EXISTS (SELECT FROM lock)), ' +
    `nd AS (INSERT INTO ${s}.merkle_nodes (level, idx, hash) SELECT * FROM unnest($9::smallint[], $10::bigint[], $11::bytea[]) ` +
    'WHERE EXISTS (SELECT FROM lock)) ' +
    // Delivered to listeners if and only if the transaction commits.
    `SELECT pg_notify('${APPEND_CHANNEL}', $12) FROM lock`;

  return {
    head: `SELECT coalesce(max(position), 0) AS head FROM ${events}`,

    /**
     * All rows and Merkle nodes of a batch in one statement (data-modifying CTEs always run to completion). Sent on
     * its own it is a whole transaction in one round trip; the locked path sends it between BEGIN and COMMIT.
     */
    write(rows: readonly StoredRow[], nodes: readonly StoredNode[], notice: string): QueryConfig {
      const records = rows.map((r) => r.record);
      for (const r of records) {
        if (r.includes(RECORD_SEPARATOR)) throw new Error('a canonical record cannot contain U+001E');
      }
      return {
        name: 'ledger_append',
        text: write,
        values: [
          rows.map((r) => r.position),
          rows.map((r) => r.eventId),
          rows.map((r) => r.streamId),
          rows.map((r) => r.streamVersion),
          rows.map((r) => r.type),
          rows.map((r) => r.commandId),
          records.join(RECORD_SEPARATOR),
          rows.map((r) => toBuffer(r.leafHash)),
          nodes.map((n) => n.level),
          nodes.map((n) => n.index),
          nodes.map((n) => n.hash),
          notice,
        ],
      };
    },

    /**
     * What the writer reads before planning, in one simple-query round trip (values inlined, as that protocol has no
     * parameters: stream ids matched a pattern and event ids are derived hex, and all are quoted anyway):
     * [BEGIN and the lock, on the locked path;] the rows appended after `head` by other processes; the versions of
     * streams not in the cache; [the earlier appends of the batch's commands]. Under READ COMMITTED every statement
     * takes a fresh snapshot, so on the locked path all of them see everything committed before the lock was granted.
     */
    read(head: number, streams: readonly string[], firstIds: readonly string[], locked: boolean) {
      const parts = locked ? ['BEGIN', `SELECT pg_advisory_xact_lock(${lockKey})`] : [];
      const deltaAt =
        parts.push(`SELECT position, leaf_hash, stream_id, stream_version FROM ${events} WHERE position > ${head} ORDER BY position LIMIT ${CATCH_UP_MAX + 1}`) - 1;
      const versionsAt = streams.length > 0 ? parts.push(versionsOf(`ARRAY[${list(streams)}]::text[]`)) - 1 : -1;
      const firstAppendsAt = firstIds.length > 0 ? parts.push(firstAppendsOf(`ARRAY[${list(firstIds)}]::text[]`)) - 1 : -1;
      return { text: parts.join('; '), deltaAt, versionsAt, firstAppendsAt };
    },

    versions: (streams: readonly string[]): QueryConfig => ({ name: 'ledger_versions', text: versionsOf('$1::text[]'), values: [streams] }),

    firstAppends: (firstIds: readonly string[]): QueryConfig => ({ name: 'ledger_first_appends', text: firstAppendsOf('$1::text[]'), values: [firstIds] }),

    readStream: `SELECT record FROM ${events} WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version LIMIT $3`,
    readAll: `SELECT record FROM ${events} WHERE position >= $1 ORDER BY position LIMIT $2`,
    // The index's own expression, so the planner walks events_by_actor in position order.
    readByActor: `SELECT record FROM ${events} WHERE ${actorExpression(schema)} = $1 AND position BETWEEN $2 AND $3 ORDER BY position LIMIT $4`,
    leafAt: `SELECT leaf_hash FROM ${events} WHERE position = $1`,
    verifyPage: `SELECT ${EVENT_COLUMNS} FROM ${events} WHERE position > $1 ORDER BY position LIMIT $2`,
    allNodes: `SELECT level, idx, hash FROM ${s}.merkle_nodes`,
    loadCheckpoint: `SELECT position FROM ${s}.subscription_checkpoints WHERE name = $1`,
    saveCheckpoint:
      `INSERT INTO ${s}.subscription_checkpoints (name, position, updated_at) VALUES ($1, $2, $3) ` +
      'ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
  };
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
