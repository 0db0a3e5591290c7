import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { describeIfPostgres, DATABASE_URL } from '../testing/postgres-available';
import type { ReadModelStore } from '../port';
import { readModelStoreContract } from '../testing/read-model-store.contract';
import { PostgresReadModelStore } from './postgres-read-model-store';

async function sql(text: string, values: unknown[] = []): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

describeIfPostgres('PostgreSQL read-model store', () => {
  readModelStoreContract('PostgreSQL', async () => {
    const schema = `rm_${randomBytes(6).toString('hex')}`;
    return {
      open: () => PostgresReadModelStore.open({ connectionString: DATABASE_URL, schema }),
      // A crash ends the session, and with it the advisory locks.
      loseLeases: async (store: ReadModelStore) => {
        await sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [(store as PostgresReadModelStore).sessionName]);
        await new Promise((r) => setTimeout(r, 100));
      },
      tamper: async (_store, projection, collection, key, doc) =>
        sql(`UPDATE ${schema}.projection_document SET doc = $1 WHERE projection = $2 AND collection = $3 AND doc_key = $4`, [doc, projection, collection, key]),
      cleanup: () => sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
    };
  });
});
