/**
 * What a flush costs the thread that calls it, in process and with the writer thread: CPU of the main thread (the
 * kernel's per-thread runtime, /proc, Linux only) and wall time per flush of N task views of a real store, the
 * writers alternated. Not a benchmark of record (nothing is written to bench/results/).
 *
 *   node -r @swc-node/register libs/read-store/src/sqlite/flush-cost.bench.ts <readmodels.sqlite> [N=500] [rounds=6]
 *
 * The store is copied first (flushes move its `tasks` checkpoint). The documents are made as the codec makes them
 * (canonicalize, which builds them by concatenation: ropes that are flattened when first read — by SQLite's bind in
 * process, by the structured clone with a thread), before each measured window.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { canonicalize } from '@ledger/event-store';
import type { DocumentChange } from '../codec';
import { SqliteReadModelStore } from './sqlite-read-model-store';

const FLUSHES = 10;

const mainThreadCpuUs = () => Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const [source, n = '500', rounds = '6'] = process.argv.slice(2);
  if (!source) throw new Error('usage: flush-cost.bench.ts <readmodels.sqlite> [N] [rounds]');
  const dir = mkdtempSync(join(tmpdir(), 'ledger-flush-cost-'));
  const path = join(dir, 'readmodels.sqlite');
  copyFileSync(source, path);
  const N = Number(n);
  try {
    const db = new DatabaseSync(path, { readOnly: true });
    const views = db.prepare(`SELECT doc_key AS key, doc FROM projection_document WHERE projection = 'tasks' AND collection = 'tasks' LIMIT 5000`).all() as Array<{ key: string; doc: string }>;
    db.close();
    if (views.length === 0) throw new Error(`${source} holds no task views`);
    const results = { 'in-process': { cpu: [] as number[], wall: [] as number[] }, thread: { cpu: [] as number[], wall: [] as number[] } };
    let round = 0;
    for (let r = 0; r < Number(rounds); r++) {
      for (const writer of ['in-process', 'thread'] as const) {
        const store = new SqliteReadModelStore({ path, synchronous: 'NORMAL', writer });
        const lease = await store.acquire('tasks', `flush-cost-${writer}`);
        if (!lease) throw new Error('the tasks projection is leased by a running process');
        let position = (await store.checkpoints()).find((c) => c.projection === 'tasks')?.position ?? 0;
        const batches = Array.from({ length: FLUSHES + 1 }, (): DocumentChange[] => {
          round++;
          return Array.from({ length: N }, (_, j) => {
            const view = views[(round * 97 + j * 13) % views.length];
            return { collection: 'tasks', key: view.key, doc: canonicalize({ ...JSON.parse(view.doc), benchRound: round }) };
          });
        });
        const flush = async () => {
          const started = performance.now();
          if (!(await store.flush(lease, { expectedPosition: position, position: position + 1, eventId: null, definition: 'flush-cost', changes: batches.pop()! }))) throw new Error('fenced off');
          position++;
          return performance.now() - started;
        };
        await flush(); // the thread's start, the statements' preparation
        // The kernel brings a running thread's runtime up to date at its ticks: measure a window of flushes whole.
        await new Promise((resolve) => setTimeout(resolve, 20));
        const cpu = mainThreadCpuUs();
        for (let i = 0; i < FLUSHES; i++) {
          results[writer].wall.push(await flush());
          await new Promise((resolve) => setImmediate(resolve));
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
        results[writer].cpu.push((mainThreadCpuUs() - cpu) / FLUSHES);
        await store.release(lease);
        await store.close();
      }
    }
    for (const [writer, r] of Object.entries(results)) {
      console.log(`${writer.padEnd(10)} ${N} task views a flush: main thread ${median(r.cpu).toFixed(0)} µs CPU (median of ${r.cpu.length} windows of ${FLUSHES}), wall ${median(r.wall).toFixed(2)} ms`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
