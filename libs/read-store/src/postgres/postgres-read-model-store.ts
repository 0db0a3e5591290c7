import { Client, Pool, type PoolClient } from 'pg';
import type { ModelDocument } from '../codec';
import { ReadStoreError, type FlushRequest, type Lease, type ProjectionCheckpoint, type ProjectionSnapshot, type ReadModelStore, type TableSet } from '../port';

export interface PostgresReadModelStoreOptions {
  readonly connectionString: string;
  /** Default `read_models`. */
  readonly schema?: string;
  readonly poolSize?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

type CheckpointRow = { projection: string; position: string; event_id: string | null; definition: string; updated_at: Date; owner: string | null };

const toCheckpoint = (row: CheckpointRow): ProjectionCheckpoint => ({
  projection: row.projection,
  position: Number(row.position),
  eventId: row.event_id,
  definition: row.definition,
  updatedAt: row.updated_at.toISOString(),
  owner: row.owner,
});

/**
 * The read-model store on PostgreSQL: schema `read_models` in the ledger's database by default, or a database of its
 * own (LEDGER_READ_DATABASE_URL; what an EventStoreDB/KurrentDB deployment sets).
 *
 * A lease is a session advisory lock (`pg_try_advisory_lock`) held on one dedicated connection for as long as this
 * process owns the projection: it goes when the process or its connection dies, with no expiry to tune. Taking it
 * also writes the owner onto the checkpoint row, which every flush compares: a former owner whose session was lost
 * (and whose lock someone else now holds) is refused even if it has not noticed yet.
 */
export class PostgresReadModelStore implements ReadModelStore {
  readonly kind = 'postgres' as const;
  readonly description: string;
  private readonly pool: Pool;
  private readonly schema: string;
  private session: Client | undefined;
  private sessionLost = false;
  private readonly held = new Set<string>();
  /** The lease session's application_name (operators can find, and tests end, the session holding the locks). */
  readonly sessionName = `ledger-read-models-lease-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;

  private constructor(private readonly options: PostgresReadModelStoreOptions) {
    this.schema = options.schema ?? 'read_models';
    if (!SCHEMA_NAME.test(this.schema)) throw new ReadStoreError(`read-model schema must match ${SCHEMA_NAME}, got '${this.schema}'`);
    this.pool = new Pool({ connectionString: options.connectionString, max: options.poolSize ?? 4 });
    this.pool.on('error', () => undefined);
    this.description = `PostgreSQL schema ${this.schema}`;
  }

  /**
   * Opens the store. The schema and tables are created on the first write (a worker's lease, a rebuild), so a
   * process that only reads them (an API beside projectors) needs no DDL rights and leaves nothing behind; until
   * then reads find nothing.
   */
  static async open(options: PostgresReadModelStoreOptions): Promise<PostgresReadModelStore> {
    return new PostgresReadModelStore(options);
  }

  private migration: Promise<void> | undefined;

  private ensureTables(): Promise<void> {
    this.migration ??= this.migrate().catch((error: unknown) => {
      this.migration = undefined;
      throw error;
    });
    return this.migration;
  }

  /** Reads before any process created the tables: nothing there yet. */
  private async orNothing<T>(read: () => Promise<T>, nothing: T): Promise<T> {
    try {
      return await read();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '42P01' || code === '3F000') return nothing;
      throw error;
    }
  }

  private table(name: 'checkpoint' | 'document', tables: TableSet = 'live'): string {
    return `${this.schema}.projection_${name}${tables === 'shadow' ? '_shadow' : ''}`;
  }

  private async migrate(): Promise<void> {
    const ddl = (tables: TableSet) => `
      CREATE TABLE IF NOT EXISTS ${this.table('checkpoint', tables)} (
        projection text PRIMARY KEY,
        position bigint NOT NULL,
        event_id text,
        definition text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        owner text
      );
      CREATE TABLE IF NOT EXISTS ${this.table('document', tables)} (
        projection text NOT NULL,
        collection text NOT NULL,
        doc_key text NOT NULL,
        doc text NOT NULL,
        position bigint NOT NULL,
        PRIMARY KEY (projection, collection, doc_key)
      );`;
    // Several processes start at once: one of them creates the schema, the others wait for it.
    await this.inTransaction(async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('ledger-read-models-migrate'))`);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await client.query(ddl('live') + ddl('shadow'));
    });
  }

  private async inTransaction<T>(fn: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(begin);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async sessionClient(): Promise<Client> {
    if (this.session && !this.sessionLost) return this.session;
    if (this.session) await this.session.end().catch(() => undefined);
    this.held.clear();
    const client = new Client({ connectionString: this.options.connectionString, application_name: this.sessionName });
    client.on('error', () => {
      this.sessionLost = true;
    });
    await client.connect();
    this.session = client;
    this.sessionLost = false;
    return client;
  }

  private lockKey(projection: string): [string, string] {
    return [`ledger-read-models:${this.schema}`, projection];
  }

  async acquire(projection: string, owner: string): Promise<Lease | null> {
    await this.ensureTables();
    const session = await this.sessionClient();
    if (!this.held.has(projection)) {
      const { rows } = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked', this.lockKey(projection));
      if (!rows[0].locked) return null;
      this.held.add(projection);
    }
    await this.pool.query(
      `INSERT INTO ${this.table('checkpoint')} (projection, position, event_id, definition, owner) VALUES ($1, 0, NULL, '', $2)
       ON CONFLICT (projection) DO UPDATE SET owner = excluded.owner`,
      [projection, owner],
    );
    return { projection, owner };
  }

  async renew(lease: Lease): Promise<boolean> {
    if (this.sessionLost || !this.session || !this.held.has(lease.projection)) return false;
    try {
      await this.session.query('SELECT 1');
      const { rows } = await this.pool.query<{ owner: string | null }>(`SELECT owner FROM ${this.table('checkpoint')} WHERE projection = $1`, [lease.projection]);
      return rows[0]?.owner === lease.owner;
    } catch {
      return false;
    }
  }

  async release(lease: Lease): Promise<void> {
    await this.pool.query(`UPDATE ${this.table('checkpoint')} SET owner = NULL WHERE projection = $1 AND owner = $2`, [lease.projection, lease.owner]).catch(() => undefined);
    if (this.session && !this.sessionLost && this.held.has(lease.projection)) {
      await this.session.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', this.lockKey(lease.projection)).catch(() => undefined);
    }
    this.held.delete(lease.projection);
  }

  async flush(lease: Lease, request: FlushRequest): Promise<boolean> {
    if (this.sessionLost) return false;
    return this.inTransaction(async (client) => {
      const cas = await client.query(
        `UPDATE ${this.table('checkpoint')} SET position = $1, event_id = $2, definition = $3, updated_at = now() WHERE projection = $4 AND position = $5 AND owner = $6`,
        [request.position, request.eventId, request.definition, lease.projection, request.expectedPosition, lease.owner],
      );
      if (cas.rowCount !== 1) return false;
      const upserts = request.changes.filter((c) => c.doc !== null);
      const deletes = request.changes.filter((c) => c.doc === null);
      if (upserts.length > 0) {
        await client.query(
          `INSERT INTO ${this.table('document')} (projection, collection, doc_key, doc, position)
           SELECT $1, c, k, d, $2 FROM unnest($3::text[], $4::text[], $5::text[]) AS u(c, k, d)
           ON CONFLICT (projection, collection, doc_key) DO UPDATE SET doc = excluded.doc, position = excluded.position`,
          [lease.projection, request.position, upserts.map((c) => c.collection), upserts.map((c) => c.key), upserts.map((c) => c.doc)],
        );
      }
      if (deletes.length > 0) {
        await client.query(
          `DELETE FROM ${this.table('document')} d USING unnest($2::text[], $3::text[]) AS u(c, k) WHERE d.projection = $1 AND d.collection = u.c AND d.doc_key = u.k`,
          [lease.projection, deletes.map((c) => c.collection), deletes.map((c) => c.key)],
        );
      }
      return true;
    });
  }

  async reset(lease: Lease, definition: string): Promise<boolean> {
    if (this.sessionLost) return false;
    return this.inTransaction(async (client) => {
      const cas = await client.query(`UPDATE ${this.table('checkpoint')} SET position = 0, event_id = NULL, definition = $1, updated_at = now() WHERE projection = $2 AND owner = $3`, [definition, lease.projection, lease.owner]);
      if (cas.rowCount !== 1) return false;
      await client.query(`DELETE FROM ${this.table('document')} WHERE projection = $1`, [lease.projection]);
      return true;
    });
  }

  async load(projection: string, tables: TableSet = 'live'): Promise<ProjectionSnapshot> {
    return this.orNothing(() => this.loadSnapshot(projection, tables), { checkpoint: null, documents: [] });
  }

  private async loadSnapshot(projection: string, tables: TableSet): Promise<ProjectionSnapshot> {
    return this.inTransaction(
      async (client) => {
        const { rows } = await client.query<CheckpointRow>(`SELECT * FROM ${this.table('checkpoint', tables)} WHERE projection = $1`, [projection]);
        // Byte order, as SQLite's and the codec's (the database's collation would order keys differently).
        const docs = await client.query<{ collection: string; key: string; doc: string }>({
          text: `SELECT collection, doc_key AS key, doc FROM ${this.table('document', tables)} WHERE projection = $1 ORDER BY collection COLLATE "C", doc_key COLLATE "C"`,
          values: [projection],
        });
        return { checkpoint: rows[0] ? toCheckpoint(rows[0]) : null, documents: docs.rows };
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }

  async checkpoints(tables: TableSet = 'live'): Promise<ProjectionCheckpoint[]> {
    return this.orNothing(async () => {
      const { rows } = await this.pool.query<CheckpointRow>(`SELECT * FROM ${this.table('checkpoint', tables)} ORDER BY projection COLLATE "C"`);
      return rows.map(toCheckpoint);
    }, []);
  }

  async *documentPages(projection: string, tables: TableSet, pageSize = 1000): AsyncGenerator<ModelDocument[]> {
    // Byte order, as load's.
    const columns = `SELECT collection, doc_key AS key, doc FROM ${this.table('document', tables)} WHERE projection = $1`;
    const order = `ORDER BY collection COLLATE "C", doc_key COLLATE "C"`;
    let last: ModelDocument | undefined;
    for (;;) {
      const from = last;
      const rows = await this.orNothing(async () => {
        const result =
          from === undefined
            ? await this.pool.query<ModelDocument>(`${columns} ${order} LIMIT $2`, [projection, pageSize])
            : await this.pool.query<ModelDocument>(`${columns} AND (collection COLLATE "C" > $2 OR (collection = $2 AND doc_key COLLATE "C" > $3)) ${order} LIMIT $4`, [projection, from.collection, from.key, pageSize]);
        return result.rows;
      }, [] as ModelDocument[]);
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < pageSize) return;
      last = rows[rows.length - 1];
    }
  }

  async writeShadow(projection: string, checkpoint: { position: number; eventId: string | null; definition: string }, documents: Iterable<ModelDocument>): Promise<void> {
    await this.ensureTables();
    await this.inTransaction(async (client) => {
      await client.query(`DELETE FROM ${this.table('document', 'shadow')} WHERE projection = $1`, [projection]);
      const insert = (slice: ModelDocument[]) =>
        client.query(
          `INSERT INTO ${this.table('document', 'shadow')} (projection, collection, doc_key, doc, position) SELECT $1, c, k, d, $2 FROM unnest($3::text[], $4::text[], $5::text[]) AS u(c, k, d)`,
          [projection, checkpoint.position, slice.map((d) => d.collection), slice.map((d) => d.key), slice.map((d) => d.doc)],
        );
      let slice: ModelDocument[] = [];
      for (const document of documents) {
        slice.push(document);
        if (slice.length === 5000) {
          await insert(slice);
          slice = [];
        }
      }
      if (slice.length > 0) await insert(slice);
      await client.query(
        `INSERT INTO ${this.table('checkpoint', 'shadow')} (projection, position, event_id, definition) VALUES ($1, $2, $3, $4)
         ON CONFLICT (projection) DO UPDATE SET position = excluded.position, event_id = excluded.event_id, definition = excluded.definition, updated_at = now()`,
        [projection, checkpoint.position, checkpoint.eventId, checkpoint.definition],
      );
    });
  }

  async promoteShadow(lease: Lease): Promise<boolean> {
    return this.inTransaction(async (client) => {
      const cas = await client.query(
        `UPDATE ${this.table('checkpoint')} l SET position = s.position, event_id = s.event_id, definition = s.definition, updated_at = now()
         FROM ${this.table('checkpoint', 'shadow')} s WHERE l.projection = $1 AND s.projection = $1 AND l.owner = $2`,
        [lease.projection, lease.owner],
      );
      if (cas.rowCount !== 1) return false;
      await client.query(`DELETE FROM ${this.table('document')} WHERE projection = $1`, [lease.projection]);
      await client.query(`INSERT INTO ${this.table('document')} SELECT * FROM ${this.table('document', 'shadow')} WHERE projection = $1`, [lease.projection]);
      return true;
    });
  }

  /** A client of the pool, for tests that tamper with a row. */
  rawPool(): Pool {
    return this.pool;
  }

  async close(): Promise<void> {
    if (this.session) await this.session.end().catch(() => undefined);
    this.session = undefined;
    this.held.clear();
    await this.pool.end();
  }
}
