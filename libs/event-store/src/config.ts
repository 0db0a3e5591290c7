import { resolve, join } from 'node:path';
import { EventStoreError } from './errors';
import type { Clock, LedgerStore } from './port';
import { systemClock } from './port';
import type { AppendPolicy } from './record';

export type StoreKind = 'sqlite' | 'postgres' | 'eventstoredb';

/** Store configuration, read from the environment in one place (see the README's table). */
export interface StoreConfig {
  readonly kind: StoreKind;
  /** Where the embedded store keeps its file (and the ledger its keys). */
  readonly dataDir: string;
  readonly sqlitePath: string;
  readonly sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Where the embedded store writes: on its writer thread (default) or on the event loop ('in-process'). */
  readonly sqliteWriter: 'thread' | 'in-process';
  readonly databaseUrl?: string;
  readonly postgresSchema: string;
  readonly eventStoreUrl?: string;
  readonly maxEventBytes: number;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new EventStoreError('CONFIG.INVALID', `${name} must be a positive integer, got '${raw}'`);
  return n;
}

export function storeConfigFromEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): StoreConfig {
  const kind = (env.LEDGER_STORE ?? 'sqlite') as StoreKind;
  if (!['sqlite', 'postgres', 'eventstoredb'].includes(kind)) {
    throw new EventStoreError('CONFIG.INVALID', `LEDGER_STORE must be sqlite, postgres or eventstoredb, got '${kind}'`);
  }
  const dataDir = resolve(cwd, env.LEDGER_DATA_DIR ?? 'data');
  const sync = (env.LEDGER_SQLITE_SYNCHRONOUS ?? 'FULL').toUpperCase();
  if (sync !== 'FULL' && sync !== 'NORMAL') throw new EventStoreError('CONFIG.INVALID', `LEDGER_SQLITE_SYNCHRONOUS must be FULL or NORMAL`);
  const writer = env.LEDGER_SQLITE_WRITER || 'thread';
  if (writer !== 'thread' && writer !== 'in-process') throw new EventStoreError('CONFIG.INVALID', `LEDGER_SQLITE_WRITER must be thread or in-process`);
  if (kind === 'postgres' && !env.DATABASE_URL) throw new EventStoreError('CONFIG.INVALID', 'LEDGER_STORE=postgres needs DATABASE_URL');
  if (kind === 'eventstoredb' && !env.EVENTSTORE_URL) throw new EventStoreError('CONFIG.INVALID', 'LEDGER_STORE=eventstoredb needs EVENTSTORE_URL');
  return {
    kind,
    dataDir,
    sqlitePath: env.LEDGER_SQLITE_PATH ? resolve(cwd, env.LEDGER_SQLITE_PATH) : join(dataDir, 'ledger.db'),
    sqliteSynchronous: sync,
    sqliteWriter: writer,
    databaseUrl: env.DATABASE_URL,
    postgresSchema: env.LEDGER_PG_SCHEMA ?? 'ledger',
    eventStoreUrl: env.EVENTSTORE_URL,
    maxEventBytes: intFrom(env, 'LEDGER_MAX_EVENT_BYTES', 256 * 1024),
  };
}

/** Where the store lives, for the start-up banner (never prints credentials). */
export function describeStore(config: StoreConfig): string {
  switch (config.kind) {
    case 'sqlite':
      return `SQLite file ${config.sqlitePath}`;
    case 'postgres':
      return `PostgreSQL ${redact(config.databaseUrl!)} (schema ${config.postgresSchema})`;
    case 'eventstoredb':
      return `EventStoreDB/KurrentDB ${redact(config.eventStoreUrl!)}`;
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Opens the configured adapter; the database drivers load only for the kind in use. */
export async function openStore(config: StoreConfig, streamKinds: ReadonlySet<string>, clock: Clock = systemClock): Promise<LedgerStore> {
  const policy: AppendPolicy = { streamKinds, maxEventBytes: config.maxEventBytes };
  switch (config.kind) {
    case 'sqlite': {
      const { SqliteEventStore } = await import('./sqlite/sqlite-event-store');
      return SqliteEventStore.open({ path: config.sqlitePath, policy, clock, synchronous: config.sqliteSynchronous, writer: config.sqliteWriter });
    }
    case 'postgres': {
      const { PostgresEventStore } = await import('./postgres/postgres-event-store');
      return PostgresEventStore.open({ connectionString: config.databaseUrl!, schema: config.postgresSchema, policy, clock });
    }
    case 'eventstoredb': {
      const { EventStoreDbEventStore } = await import('./eventstoredb/eventstoredb-event-store');
      return EventStoreDbEventStore.open({ connectionString: config.eventStoreUrl!, policy, clock });
    }
  }
}
