/**
 * Profiling aid for bench:api (not a benchmark of record): seeds the bench:api workload once into a kept directory,
 * then runs the API on a fresh copy of it — optionally under `node --cpu-prof` — with the mix, or one kind alone, and
 * prints requests/s and p50/p99 per kind. Results are not written to bench/results/.
 *
 *   node -r @swc-node/register bench/api-profile.ts seed <dir>                 # 1,000 units, 50,000 tasks (BENCH_UNITS/BENCH_TASKS)
 *   node -r @swc-node/register bench/api-profile.ts run <dir> [kind|mix] [--prof <profile dir>]
 *
 * BENCH_API_ENV (JSON) adds settings to the API under test; BENCH_API_LOG=<file> keeps what it wrote (with
 * BENCH_API_NODE_FLAGS=--trace-gc: its collections). SQLite only; BENCH_DURATION_S (default 10) and BENCH_CONNECTIONS (default 16) as in bench:api.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { ApiProcess } from '../test/pressure/support/api-process';
import { seedWorkload, type SeededOrg } from '../test/pressure/support/seed';
import { DEFAULT_MIX, Workload, type Context, type Kind } from './api-workload';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function saveOrg(path: string, org: SeededOrg): void {
  const maps = (m: ReadonlyMap<string, unknown>) => [...m.entries()];
  writeFileSync(
    path,
    JSON.stringify({
      ...org,
      parentOf: maps(org.parentOf),
      tokens: { ...org.tokens, districtLeaders: maps(org.tokens.districtLeaders), staff: maps(org.tokens.staff) },
      versions: maps(org.versions),
    }),
  );
}

/** Linux's USER_HZ: /proc's CPU times are in these ticks. */
const TICKS_PER_S = 100;

/** CPU time (user + system, in ticks) of a process's main thread and of the whole process, from /proc. */
function cpuTicks(pid: number): { main: number; process: number } {
  // Fields after the parenthesised name: utime and stime are the 12th and 13th.
  const times = (stat: string) => {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  return { main: times(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')), process: times(readFileSync(`/proc/${pid}/stat`, 'utf8')) };
}

function loadOrg(path: string): SeededOrg {
  const raw = JSON.parse(readFileSync(path, 'utf8'));
  return {
    ...raw,
    parentOf: new Map(raw.parentOf),
    tokens: { ...raw.tokens, districtLeaders: new Map(raw.tokens.districtLeaders), staff: new Map(raw.tokens.staff) },
    versions: new Map(raw.versions),
  };
}

async function seed(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const dataDir = join(dir, 'data');
  const api = await ApiProcess.start({ store: 'sqlite', dataDir, env: { LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' } });
  try {
    const org = await seedWorkload(api.http, await api.adminToken(), { units: Number(process.env.BENCH_UNITS ?? 1000), tasks: Number(process.env.BENCH_TASKS ?? 50_000) }, (what, s) => console.log(`  seeded ${what} in ${s.toFixed(1)} s`));
    saveOrg(join(dir, 'org.json'), org);
  } finally {
    await api.stop();
  }
}

/** One line of the API's memory: its RSS, and the main thread's V8 heap as its own /metrics reports it (MB). */
async function sampleMemory(baseUrl: string, started: number, rss: number): Promise<void> {
  try {
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    const value = (name: string) => {
      const match = new RegExp(`^${name} ([0-9.e+]+)`, 'm').exec(text);
      return match ? (Number(match[1]) / 1048576).toFixed(0) : '?';
    };
    const space = (name: string) => {
      const match = new RegExp(`^ledger_process_nodejs_heap_space_size_used_bytes\\{space="${name}"\\} ([0-9.e+]+)`, 'm').exec(text);
      return match ? (Number(match[1]) / 1048576).toFixed(0) : '?';
    };
    const t = ((performance.now() - started) / 1000).toFixed(0);
    console.log(`  t=${t}s rss ${(rss / 1048576).toFixed(0)} MB  heap used ${value('ledger_process_nodejs_heap_size_used_bytes')} / total ${value('ledger_process_nodejs_heap_size_total_bytes')} MB (old ${space('old')}, new ${space('new')})  external ${value('ledger_process_nodejs_external_memory_bytes')} MB`);
  } catch (error) {
    console.log(`  memory sample failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function run(dir: string, which: string, profileDir: string | undefined): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-api-profile-'));
  cpSync(join(dir, 'data'), dataDir, { recursive: true });
  const org = loadOrg(join(dir, 'org.json'));
  const env: Record<string, string> = {};
  if (profileDir) env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${resolve(profileDir)}`;
  // Extra settings for the API under test, e.g. BENCH_API_ENV='{"LEDGER_EMBEDDED_PROJECTOR":"false"}'.
  Object.assign(env, JSON.parse(process.env.BENCH_API_ENV ?? '{}') as Record<string, string>);
  const api = await ApiProcess.start({ store: 'sqlite', dataDir, env });
  try {
    const mix = which === 'mix' ? DEFAULT_MIX : DEFAULT_MIX.map(([k]) => [k, k === which ? 1 : 0] as const);
    const workload = new Workload(org, Math.random, mix);
    const byKind = new Map<Kind, number[]>();
    /** Response body characters by kind (what the API writes per request). */
    const bodyChars = new Map<Kind, number>();
    const cpuBefore = cpuTicks(api.pid);
    const started = performance.now();
    const instance = autocannon({
      url: api.baseUrl,
      connections: CONNECTIONS,
      duration: DURATION_S,
      timeout: 30,
      requests: [
        {
          setupRequest: (req: any, context: Context) => ({ ...req, ...workload.next(context) }),
          onResponse: (status: number, body: string, context: Context) => {
            if (context.kind) bodyChars.set(context.kind, (bodyChars.get(context.kind) ?? 0) + (body?.length ?? 0));
            workload.answered(context, status, body);
          },
        } as any,
      ],
    });
    (instance as any).on('response', (client: any, _s: number, _b: number, ms: number) => {
      const kind = (client.requestIterator?.context as Context | undefined)?.kind;
      if (!kind) return;
      if (!byKind.has(kind)) byKind.set(kind, []);
      byKind.get(kind)!.push(ms);
    });
    // BENCH_SAMPLE_S=<s>: the API's memory every s seconds (RSS, V8 heap used and total, external), from /metrics.
    const sampleS = Number(process.env.BENCH_SAMPLE_S ?? 0);
    const sampler = sampleS > 0 ? setInterval(() => void sampleMemory(api.baseUrl, started, api.memory().rss), sampleS * 1000) : undefined;
    const result = await instance;
    if (sampler) clearInterval(sampler);
    const cpuAfter = cpuTicks(api.pid);
    const seconds = (performance.now() - started) / 1000;
    const all = [...byKind.values()].flat().sort((a, b) => a - b);
    console.log(`${which}: ${(all.length / seconds).toFixed(0)} req/s  ${(result.throughput.average / 1048576).toFixed(1)} MB/s out  p50 ${percentile(all, 50).toFixed(1)} ms  p99 ${percentile(all, 99).toFixed(1)} ms  errors ${result.errors + result.timeouts}  non2xx ${result.non2xx}  load ${loadavg()[0].toFixed(2)}  rss ${(api.memory().rss / 1048576).toFixed(0)} MB`);
    // CPU per request, which the other work on a shared machine changes far less than requests/s: the API's event loop
    // (its main thread) is what bounds the mix, the process adds the writer, reader and read-model threads and GC.
    const perRequest = (ticks: number) => ((ticks / TICKS_PER_S) * 1e6) / all.length;
    console.log(`  CPU per request: main thread ${perRequest(cpuAfter.main - cpuBefore.main).toFixed(0)} µs, whole API process ${perRequest(cpuAfter.process - cpuBefore.process).toFixed(0)} µs`);
    for (const [kind, list] of byKind) {
      list.sort((a, b) => a - b);
      const kb = (bodyChars.get(kind) ?? 0) / list.length / 1024;
      console.log(`  ${kind.padEnd(9)} ${(list.length / seconds).toFixed(0).padStart(6)} req/s  p50 ${percentile(list, 50).toFixed(1)}  p99 ${percentile(list, 99).toFixed(1)}  body ${kb.toFixed(1)} k chars`);
    }
    if (workload.samples.length > 0) console.log('refused:', workload.samples.slice(0, 3));
    // BENCH_API_LOG=<file>: what the API wrote (its last 64 MB), e.g. with BENCH_API_NODE_FLAGS=--trace-gc.
    if (process.env.BENCH_API_LOG) writeFileSync(process.env.BENCH_API_LOG, api.logs());
  } finally {
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const [mode, dir, which = 'mix', flag, profileDir] = process.argv.slice(2);
if (mode === 'seed' && dir) {
  seed(dir).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else if (mode === 'run' && dir) {
  run(dir, which, flag === '--prof' ? profileDir : undefined).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  console.error('usage: api-profile.ts seed <dir> | run <dir> [kind|mix] [--prof <dir>]');
  process.exit(2);
}
