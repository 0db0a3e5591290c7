/**
 * The actor of an event, as the by-actor index stores it. `readByActor` must spell the expression exactly like this
 * (SQLite matches an expression index by the expression's text form), so both take it from here.
 *
 * json_extract raises an error on text that is not JSON, and an index raises it on every write of such a row and when
 * it is built. Records written by the store are always JSON; one that is not was forged in the file, and if the index
 * failed on it the store could not open that file to let `verify` name the row. json_valid makes such a row's actor
 * NULL instead (about 0.3 µs more per row on the 154k-event seed).
 */
export const ACTOR_EXPRESSION = `iif(json_valid(record), json_extract(record, '$.metadata.actorId'), NULL)`;

/**
 * `readByActor`'s query (actor, first and last position, limit), kept beside the index it is written for. INDEXED BY,
 * because once the database has statistics (ANALYZE, `PRAGMA optimize`) the planner may prefer a rowid range scan when
 * an actor is common, reading every event in the bounds. The index reads only the actor's events within them, never
 * more rows than that scan, and needs no sort; and were it missing, preparing the statement fails at open rather than
 * every query silently scanning the log.
 */
export const READ_BY_ACTOR_SQL = `SELECT record FROM ledger_events INDEXED BY ledger_events_by_actor WHERE ${ACTOR_EXPRESSION} = ? AND position BETWEEN ? AND ? ORDER BY position LIMIT ?`;

/**
 * The embedded store's schema. Events and Merkle nodes are append-only: triggers refuse UPDATE and DELETE, and the
 * code has no statement that updates or deletes them. Only subscriber checkpoints are mutable.
 */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS ledger_events (
  position       INTEGER PRIMARY KEY,
  event_id       TEXT    NOT NULL UNIQUE,
  stream_id      TEXT    NOT NULL,
  stream_version INTEGER NOT NULL,
  type           TEXT    NOT NULL,
  command_id     TEXT    NOT NULL,
  record         TEXT    NOT NULL,
  leaf_hash      BLOB    NOT NULL,
  UNIQUE (stream_id, stream_version)
);
-- "Everything this actor did" (readByActor). An expression index, because the record is the hashed canonical text
-- and events are never updated, so no column can be added and filled in. IF NOT EXISTS: a log created before the
-- index gets it, built once, the first time a store opens it.
CREATE INDEX IF NOT EXISTS ledger_events_by_actor ON ledger_events (${ACTOR_EXPRESSION}, position);
CREATE TABLE IF NOT EXISTS ledger_merkle_nodes (
  level INTEGER NOT NULL,
  idx   INTEGER NOT NULL,
  hash  BLOB    NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ledger_subscriptions (
  name       TEXT PRIMARY KEY,
  position   INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS ledger_events_no_update BEFORE UPDATE ON ledger_events
BEGIN SELECT RAISE(ABORT, 'ledger_events is append-only: UPDATE refused'); END;
CREATE TRIGGER IF NOT EXISTS ledger_events_no_delete BEFORE DELETE ON ledger_events
BEGIN SELECT RAISE(ABORT, 'ledger_events is append-only: DELETE refused'); END;
CREATE TRIGGER IF NOT EXISTS ledger_merkle_nodes_no_update BEFORE UPDATE ON ledger_merkle_nodes
BEGIN SELECT RAISE(ABORT, 'ledger_merkle_nodes is append-only: UPDATE refused'); END;
CREATE TRIGGER IF NOT EXISTS ledger_merkle_nodes_no_delete BEFORE DELETE ON ledger_merkle_nodes
BEGIN SELECT RAISE(ABORT, 'ledger_merkle_nodes is append-only: DELETE refused'); END;
`;
