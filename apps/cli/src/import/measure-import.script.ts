/**
 * Measures `ledger import` of a synthetic file: `node -r @swc-node/register apps/cli/src/import/measure-import.script.ts [rows]`
 * (default 100 000) on a fresh SQLite ledger in a temporary directory (or the store LEDGER_STORE etc. name).
 * Prints the file size, the time to check and to write, and the log's verification.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STREAM_KINDS } from '@ledger/domain';
import { openStore, storeConfigFromEnv } from '@ledger/event-store';
import { importFile } from '../commands/import';
import { sampleImportRows, toCsv } from './import-sample';

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 100_000);
  const dir = await mkdtemp(join(tmpdir(), 'ledger-import-measure-'));
  const env = { ...process.env, LEDGER_DATA_DIR: process.env.LEDGER_DATA_DIR ?? dir };
  const file = join(dir, 'history.csv');
  await writeFile(file, toCsv(sampleImportRows(rows, { objectives: true })));
  const store = await openStore(storeConfigFromEnv(env), new Set(STREAM_KINDS));
  try {
    const outcome = await importFile(store, file, { progress: process.stderr.isTTY }, env);
    const verifyStarted = performance.now();
    const report = await store.verify();
    console.log(JSON.stringify({
      rows,
      store: store.kind,
      fileBytes: (await stat(file)).size,
      appends: outcome.plan?.appends.length,
      events: outcome.plan?.events,
      importSeconds: Number(outcome.seconds.toFixed(1)),
      rowsPerSecond: Math.round(rows / outcome.seconds),
      verified: report.ok,
      verifySeconds: Number(((performance.now() - verifyStarted) / 1000).toFixed(1)),
    }));
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
