import { createHash } from 'node:crypto';
import { escapeIdentifier, type Pool, type PoolClient } from 'pg';
import { EventStoreError } from '../errors';

/**
 * The PostgreSQL schema, created idempotently inside one named schema (default `ledger`), so several ledgers — and
 * every test run — can share a database.
 *
 * Events and Merkle nodes are append-only twice over: triggers refuse UPDATE, DELETE and TRUNCATE even for the
 * owner, and `grantApplicationRole` gives the role the application connects as no UPDATE, DELETE or TRUNCATE
 * privilege at all (so the triggers cannot be dropped or bypassed by it either: only the owner can alter a table).
 * Only subscriber checkpoints are mutable. Needs PostgreSQL 14 or newer (CREATE OR REPLACE TRIGGER).
 */

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): void {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new EventStoreError('STORE.INVALID_SCHEMA', `schema name '${String(schema)}' must match ${SCHEMA_NAME}`, { schema });
  }
}

/** A 64-bit advisory lock key per (purpose, schema), as a signed decimal literal for pg_advisory_xact_lock. */
export function advisoryLockKey(purpose: 'append' | 'migrate', schema: string): string {
  const h = createHash('sha256').update(`ledger.${purpose}:${schema}`).digest();
  return h.readBigInt64BE(0).toString();
}

/** The NOTIFY channel appends announce themselves on; the payload is `<schema>:<head position>`. */
export const APPEND_CHANNEL = 'ledger_appended';

/**
 * The actor of an event, as the by-actor index stores it and `readByActor` matches it: `<schema>.actor_of(record)`.
 * A function (see `actorOfFunction`) rather than the bare `(record::jsonb -> 'metadata' ->> 'actorId')`, because
 * PostgreSQL's JSON functions refuse the escape `\u0000` anywhere in the text (its text type cannot hold U+0000), and
 * an index on the bare cast would make every append whose data holds a NUL character fail — and with it the whole
 * group-commit batch it shares a statement with.
 */
export function actorExpression(schema: string): string {
  return `${escapeIdentifier(schema)}.actor_of(record)`;
}

/**
 * `metadata.actorId` of a canonical record. A NUL escape is dropped before the cast: every `\\` pair is first
 * rewritten as the equivalent `\u005c`, so each backslash left begins an escape of its own and `\u0000` can only be a
 * NUL (the actor itself never holds one: control characters are refused in metadata). Text that is not JSON at all
 * can only be a forged row; its actor is NULL rather than an error, so building the index on a tampered log cannot
 * stop the store from opening and `verify` from naming the row. IMMUTABLE (true: it reads nothing but its argument),
 * as an index needs; catalog names are qualified so a caller's search_path cannot change what it computes. Its body
 * is replaced on every migration: a change to what it computes must come with a REINDEX of events_by_actor.
 * PARALLEL UNSAFE because its EXCEPTION block starts a subtransaction, which a parallel worker (or a parallel index
 * build) may not. `json`, not `jsonb`: it only has to find one member, and skipping the tree jsonb builds makes it
 * about 15 % cheaper per row (measured on 100k ledger-shaped records: 2.7 against 3.3 µs).
 */
function actorOfFunction(schema: string): string {
  return `CREATE OR REPLACE FUNCTION ${escapeIdentifier(schema)}.actor_of(doc text) RETURNS text
     LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL UNSAFE AS $fn$
     BEGIN
       IF pg_catalog.strpos(doc, '\\u0000') > 0 THEN
         doc := pg_catalog.replace(pg_catalog.replace(doc, '\\\\', '\\u005c'), '\\u0000', '');
       END IF;
       RETURN doc::pg_catalog.json OPERATOR(pg_catalog.->) 'metadata' OPERATOR(pg_catalog.->>) 'actorId';
     EXCEPTION WHEN invalid_text_representation OR untranslatable_character OR program_limit_exceeded THEN
       RETURN NULL;
     END
     $fn$`;
}

export function migrationStatements(schema: string): string[] {
  const s = escapeIdentifier(schema);
  const table = (name: string) => `${s}.${escapeIdentifier(name)}`;
  const events = table('events');
  const nodes = table('merkle_nodes');
  const refuse = `${s}.refuse_change`;
  const guards = (name: string, t: string) => [
    `CREATE OR REPLACE TRIGGER ${escapeIdentifier(`${name}_no_update_delete`)} BEFORE UPDATE OR DELETE ON ${t}
       FOR EACH ROW EXECUTE FUNCTION ${refuse}()`,
    `CREATE OR REPLACE TRIGGER ${escapeIdentifier(`${name}_no_truncate`)} BEFORE TRUNCATE ON ${t}
       FOR EACH STATEMENT EXECUTE FUNCTION ${refuse}()`,
  ];
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    // record is the RFC 8785 canonical envelope; the other columns are indexes that verify checks against it.
    `CREATE TABLE IF NOT EXISTS ${events} (
       position       bigint  NOT NULL,
       event_id       text    NOT NULL,
       stream_id      text    NOT NULL,
       stream_version integer NOT NULL,
       type           text    NOT NULL,
       command_id     text    NOT NULL,
       record         text    NOT NULL,
       leaf_hash      bytea   NOT NULL,
       CONSTRAINT events_pkey PRIMARY KEY (position),
       CONSTRAINT events_event_id_key UNIQUE (event_id),
       CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
     )`,
    // Subtree roots at level >= STORED_MIN_LEVEL: enough to build any prefix root and proof without rehashing.
    `CREATE TABLE IF NOT EXISTS ${nodes} (
       level smallint NOT NULL,
       idx   bigint   NOT NULL,
       hash  bytea    NOT NULL,
       CONSTRAINT merkle_nodes_pkey PRIMARY KEY (level, idx)
     )`,
    `CREATE TABLE IF NOT EXISTS ${table('subscription_checkpoints')} (
       name       text        NOT NULL,
       position   bigint      NOT NULL,
       updated_at timestamptz NOT NULL,
       CONSTRAINT subscription_checkpoints_pkey PRIMARY KEY (name)
     )`,
    // "Everything this actor did" (readByActor), in position order. On an expression, because the record is the
    // hashed canonical text and rows are never updated, so no column can be added and filled in. IF NOT EXISTS: an
    // existing ledger gets it from its next migration, built once (the build holds off appends until it is done).
    actorOfFunction(schema),
    `CREATE INDEX IF NOT EXISTS events_by_actor ON ${events} (${actorExpression(schema)}, position)`,
    `CREATE OR REPLACE FUNCTION ${refuse}() RETURNS trigger LANGUAGE plpgsql AS $fn$
     BEGIN
       RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
         USING ERRCODE = 'raise_exception', HINT = 'the ledger has no update or delete path';
       RETURN NULL;
     END
     $fn$`,
    ...guards('events', events),
    ...guards('merkle_nodes', nodes),
  ];
}

/**
 * Creates or completes the schema. Serialised by an advisory lock, because two processes opening a fresh database
 * at once would otherwise race on the catalog (`CREATE ... IF NOT EXISTS` is not atomic against a concurrent one).
 */
export async function migrate(pool: Pool, schema: string): Promise<void> {
  assertSchemaName(schema);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${advisoryLockKey('migrate', schema)})`);
    for (const sql of migrationStatements(schema)) await client.query(sql);
    await client.query('COMMIT');
  } catch (e) {
    broken = await rollbackQuietly(client, e);
    throw e;
  } finally {
    client.release(broken);
  }
}

/**
 * Grants `role` what the application needs and nothing more: USAGE on the schema; SELECT and INSERT on the
 * append-only tables, with UPDATE, DELETE and TRUNCATE (and TRIGGER, REFERENCES) explicitly revoked from the role
 * and from PUBLIC; SELECT, INSERT and UPDATE on subscriber checkpoints. Run it as the schema's owner after
 * `PostgresEventStore.open` (or `migrate`) has created the tables, then let the application connect as `role`
 * with `migrate: false`. The owner role should not be the one the application uses.
 */
export async function grantApplicationRole(pool: Pool, schema: string, role: string): Promise<void> {
  assertSchemaName(schema);
  const s = escapeIdentifier(schema);
  const r = escapeIdentifier(role);
  const appendOnly = `${s}.events, ${s}.merkle_nodes`;
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
    await client.query(`REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON ${appendOnly} FROM ${r}, PUBLIC`);
    await client.query(`GRANT SELECT, INSERT ON ${appendOnly} TO ${r}`);
    await client.query(`REVOKE DELETE, TRUNCATE, TRIGGER, REFERENCES ON ${s}.subscription_checkpoints FROM ${r}, PUBLIC`);
    await client.query(`GRANT SELECT, INSERT, UPDATE ON ${s}.subscription_checkpoints TO ${r}`);
    await client.query('COMMIT');
  } catch (e) {
    broken = await rollbackQuietly(client, e);
    throw e;
  } finally {
    client.release(broken);
  }
}

/** Rolls back; returns an error (so the caller destroys the connection) when even that fails. */
export async function rollbackQuietly(client: PoolClient, cause: unknown): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch {
    return cause instanceof Error ? cause : new Error(String(cause));
  }
}

