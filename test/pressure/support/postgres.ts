import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The PostgreSQL server the suites use (the tests' default); each run gets a schema of its own, dropped after. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function freshSchemaName(suite: string): string {
  return `pressure_${suite.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
}

/** Runs `fn` with one connection, closed afterwards. */
export async function withPg<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Why PostgreSQL cannot be used, or undefined when it can. */
export async function postgresUnreachable(): Promise<string | undefined> {
  try {
    await withPg((c) => c.query('SELECT 1'));
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export async function dropSchema(schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`refusing to drop '${schema}'`);
  await withPg((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
}

/** The password in a connection string, if it has one (so a suite can look for it in logs and bodies). */
export function passwordOf(url: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password || undefined;
  } catch {
    return undefined;
  }
}
