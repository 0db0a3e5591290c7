import { spawnSync } from 'node:child_process';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REQUIRED = Boolean(process.env.CI) || process.env.LEDGER_REQUIRE_POSTGRES === '1' || process.env.LEDGER_REQUIRE_POSTGRES === 'true';

/** Why PostgreSQL cannot be used, or undefined. Jest defines tests synchronously, so a child process probes. */
function unreachable(): string | undefined {
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `const { Client } = require('pg');
       const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
       c.connect().then(() => c.query('SELECT 1')).then(() => c.end()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });`,
      DATABASE_URL,
    ],
    { cwd: __dirname, encoding: 'utf8', timeout: 10_000, env: { ...process.env, NODE_OPTIONS: '' } },
  );
  return probe.status === 0 ? undefined : (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim();
}

/** `describe` when PostgreSQL answers; skipped with a message otherwise, or failing under CI / LEDGER_REQUIRE_POSTGRES. */
export function describeIfPostgres(name: string, suite: () => void): void {
  const why = unreachable();
  if (why === undefined) return describe(name, suite);
  if (REQUIRED) {
    return describe(name, () => {
      it('reaches PostgreSQL (required by CI / LEDGER_REQUIRE_POSTGRES)', () => {
        throw new Error(`PostgreSQL at ${DATABASE_URL} is unreachable: ${why}`);
      });
    });
  }
  console.warn(`PostgreSQL at ${DATABASE_URL} is unreachable (${why}): skipping "${name}". Set LEDGER_REQUIRE_POSTGRES=1 to fail instead.`);
  describe.skip(name, suite);
}

/** Drops a test ledger's PostgreSQL schemas: the log's (`schema`) and its read models' (`<schema>_read_models`). */
export async function dropLedgerSchemas(schema: string, connectionString = DATABASE_URL): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS ${schema}_read_models CASCADE`);
  } finally {
    await client.end();
  }
}
