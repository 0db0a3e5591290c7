/**
 * A helper for profiling the rebuild without regenerating the log each time (bench:rebuild does both, once):
 *
 *   node -r @swc-node/register bench/rebuild-profile.ts generate <dir> [events]   # writes <dir>/ledger.db once
 *   node --max-semi-space-size=64 --cpu-prof -r @swc-node/register bench/rebuild-profile.ts fold <dir>     # folds it as ReadModelsService does
 *
 * `fold` reads the log in pages of 1,000 (PROFILE_PAGE to change) and folds each page with `foldReadModels`, then prints events/s, the time
 * spent reading and decoding apart from folding, CPU time per event (the process's, and the main thread's alone), GC
 * pauses per event and peak RSS (one JSON line). The API and the CLI run with `--max-semi-space-size=64`
 * (NODE_HEAP_FLAGS in test/pressure/support/api-process.ts): give `fold` the same flags to profile what they run.
 * On a shared machine wall time moves a lot from run to run; CPU time per event, and two versions run turn about
 * (LEDGER_PRESSURE_APP_ROOT-style: a `git archive` of the other commit with node_modules linked in), move less.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { isImmutable } from 'immutable';
import { STREAM_KINDS } from '@ledger/domain';
import { canonicalize, openStore, storeConfigFromEnv, type LedgerStore } from '@ledger/event-store';
import { emptyReadModels, foldReadModels, type LedgerReadModels } from '@ledger/projections';
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
  let gcMs = 0;
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const cpu0 = process.cpuUsage();
  const thread0 = process.threadCpuUsage();
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
  const thread = process.threadCpuUsage(thread0);
  // The observer hears of GCs on a later turn of the event loop (the fold never yields to it).
  await new Promise((resolve) => setTimeout(resolve, 50));
  gcObserver.disconnect();
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
    // The main thread's alone (the fold, the read, and the GC pauses; not the GC's helper threads).
    mainThreadCpuMicrosPerEvent: (thread.user + thread.system) / models.position,
    gcPauseMicrosPerEvent: (gcMs * 1000) / models.position,
    load1: Number(loadavg()[0].toFixed(2)),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  };
  // With PROFILE_JSON=1, each model's SHA-256 over its canonical JSON: for comparing two versions of the projections.
  if (process.env.PROFILE_JSON === '1') out.sha256 = modelHashes(models);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/**
 * Per model, the SHA-256 of its canonical JSON (map keys sorted), written in pieces: a top-level Immutable Map or
 * List one entry at a time, so no model (the audit trail holds every event) has to become one string.
 */
function modelHashes(models: LedgerReadModels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, model] of Object.entries(models)) {
    if (field === 'position') continue;
    const hash = createHash('sha256');
    const parts = isImmutable(model) ? { '': model } : (model as Record<string, unknown>);
    for (const name of Object.keys(parts).sort()) {
      const part = parts[name];
      hash.update(`${JSON.stringify(name)}:`);
      if (isImmutable(part) && 'entrySeq' in (part as object)) {
        const entries = [...(part as unknown as { entries(): Iterable<[unknown, unknown]> }).entries()];
        if (!('keySeq' in (part as object)) || typeof entries[0]?.[0] === 'number') for (const [, v] of entries) hash.update(canonical(v)).update(',');
        else for (const [k, v] of entries.sort(([a], [b]) => (String(a) < String(b) ? -1 : 1))) hash.update(`${JSON.stringify(k)}=`).update(canonical(v)).update(',');
      } else hash.update(canonical(part));
      hash.update(';');
    }
    out[field] = hash.digest('hex').slice(0, 16);
  }
  return out;
}

function canonical(value: unknown): string {
  return canonicalize(plain(value) as never);
}

function plain(value: unknown): unknown {
  if (isImmutable(value)) return plain((value as { toJS(): unknown }).toJS());
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  return value;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
