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
