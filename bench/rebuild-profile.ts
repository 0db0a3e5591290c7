/**
 * A helper for profiling the rebuild without regenerating the log each time (bench:rebuild does both, once):
 *
 *   node -r @swc-node/register bench/rebuild-profile.ts generate <dir> [events]   # writes <dir>/ledger.db once
 *   node --cpu-prof -r @swc-node/register bench/rebuild-profile.ts fold <dir>     # folds it as ReadModelsService does
 *
 * `fold` reads the log in pages of 1,000 (PROFILE_PAGE to change) and folds each page with `foldReadModels`, then prints events/s, the time
 * spent reading and decoding apart from folding, and peak RSS (one JSON line).
 */
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { STREAM_KINDS } from '@ledger/domain';
import { openStore, storeConfigFromEnv, type LedgerStore } from '@ledger/event-store';
import { emptyReadModels, foldReadModels, readModelsToJson } from '@ledger/projections';
import { generateLog } from './ledger-log-generator';

async function open(dir: string, synchronous = 'FULL'): Promise<LedgerStore> {
  return openStore(storeConfigFromEnv({ LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: dir, LEDGER_SQLITE_SYNCHRONOUS: synchronous }), new Set(STREAM_KINDS));
}

async function main(): Promise<void> {
  const [mode, dir, events] = process.argv.slice(2);
  if (mode === 'generate') {
    mkdirSync(dir, { recursive: true });
    const store = await open(dir, 'NORMAL');
    const log = await generateLog(store, { events: Number(events ?? 200_000) });
    await store.close();
    process.stdout.write(`${JSON.stringify(log)}\n`);
    return;
  }
  if (mode !== 'fold') throw new Error('usage: rebuild-profile.ts generate|fold <dir> [events]');
  const store = await open(dir);
  let models = emptyReadModels();
  let readMs = 0;
  let foldMs = 0;
  const cpu0 = process.cpuUsage();
  for (let from = 1; ; ) {
    const t0 = performance.now();
    const page = await store.readAll({ fromPosition: from, limit: Number(process.env.PROFILE_PAGE ?? 1000) });
    const t1 = performance.now();
    readMs += t1 - t0;
    if (page.length === 0) break;
    models = foldReadModels(models, page);
    foldMs += performance.now() - t1;
    from = page[page.length - 1].position + 1;
  }
  const cpu = process.cpuUsage(cpu0);
  await store.close();
  const total = (readMs + foldMs) / 1000;
  const out: Record<string, unknown> = {
    events: models.position,
    eventsPerSecond: Math.round(models.position / total),
    readSeconds: readMs / 1000,
    foldSeconds: foldMs / 1000,
    foldMicrosPerEvent: (foldMs * 1000) / models.position,
    // CPU time of the process (every thread, GC helpers included): steadier than wall time on a shared machine.
    cpuMicrosPerEvent: (cpu.user + cpu.system) / models.position,
    load1: Number(loadavg()[0].toFixed(2)),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  };
  // With PROFILE_JSON=1, the canonical JSON's length and hash: for comparing two versions of the projections.
  if (process.env.PROFILE_JSON === '1') {
    const json = readModelsToJson(models);
    const { createHash } = await import('node:crypto');
    out.json = { length: json.length, sha256: createHash('sha256').update(json).digest('hex') };
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
