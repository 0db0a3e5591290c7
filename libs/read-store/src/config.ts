import { join } from 'node:path';
import type { StoreConfig } from '@ledger/event-store';
import { ReadStoreError, type ReadModelStore } from './port';

export type ReadStoreConfig =
  | {
      readonly kind: 'sqlite';
      readonly path: string;
      readonly synchronous: 'FULL' | 'NORMAL';
      /** LEDGER_READ_STORE_WRITER, when set: where a file's writes run (see SqliteReadModelStoreOptions.writer). */
      readonly writer?: 'thread' | 'in-process';
    }
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly schema: string };

/**
 * Where the read models live, from the event store's configuration and the environment:
 * - SQLite ledger: `readmodels.sqlite` in LEDGER_DATA_DIR (`:memory:` beside an in-memory ledger);
 * - PostgreSQL ledger: schema `read_models` of DATABASE_URL (`<LEDGER_PG_SCHEMA>_read_models` when the ledger's
 *   schema is not the default `ledger`, so ledgers sharing a database never share read models);
 * - LEDGER_READ_DATABASE_URL: a PostgreSQL database of their own, whatever the ledger (what an
 *   EventStoreDB/KurrentDB deployment sets; without it, that deployment keeps them in SQLite in LEDGER_DATA_DIR);
 * - LEDGER_READ_SCHEMA overrides the schema name;
 * - LEDGER_READ_STORE_WRITER (SQLite file): `thread` or `in-process`; unset, a store opened on the main thread writes
 *   on a writer thread, one opened on a worker thread (the projection thread) in process.
 */
export function readStoreConfigFrom(store: StoreConfig, env: NodeJS.ProcessEnv = process.env): ReadStoreConfig {
  const schema = env.LEDGER_READ_SCHEMA || (store.kind === 'postgres' && store.postgresSchema !== 'ledger' ? `${store.postgresSchema}_read_models` : 'read_models');
  if (env.LEDGER_READ_DATABASE_URL) return { kind: 'postgres', connectionString: env.LEDGER_READ_DATABASE_URL, schema };
  if (store.kind === 'postgres') {
    if (!store.databaseUrl) throw new ReadStoreError('LEDGER_STORE=postgres needs DATABASE_URL');
    return { kind: 'postgres', connectionString: store.databaseUrl, schema };
  }
  const path = store.kind === 'sqlite' && store.sqlitePath === ':memory:' ? ':memory:' : join(store.dataDir, 'readmodels.sqlite');
  // NORMAL, whatever the log's setting: read models are disposable (rebuilt from the log), and a flush's documents and
  // checkpoint commit in one WAL transaction, so a power cut can only lose the last flushes — the worker then folds
  // those positions again. An fsync per flush and per lease renewal would stall the API's event loop for nothing.
  const writer = env.LEDGER_READ_STORE_WRITER || undefined;
  if (writer !== undefined && writer !== 'thread' && writer !== 'in-process') throw new ReadStoreError(`LEDGER_READ_STORE_WRITER must be 'thread' or 'in-process', got '${writer}'`);
  // An in-memory store has one connection, so nothing to choose.
  return { kind: 'sqlite', path, synchronous: 'NORMAL', ...(writer !== undefined && path !== ':memory:' ? { writer } : {}) };
}

export async function openReadModelStore(config: ReadStoreConfig, options: { leaseMs?: number } = {}): Promise<ReadModelStore> {
  if (config.kind === 'sqlite') {
    const { mkdirSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    const { SqliteReadModelStore } = await import('./sqlite/sqlite-read-model-store');
    return new SqliteReadModelStore({ path: config.path, synchronous: config.synchronous, leaseMs: options.leaseMs, writer: config.writer });
  }
  const { PostgresReadModelStore } = await import('./postgres/postgres-read-model-store');
  return PostgresReadModelStore.open({ connectionString: config.connectionString, schema: config.schema });
}
