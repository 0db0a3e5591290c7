/**
 * verify:all — every pressure suite and API benchmark, one after the other, on SQLite and then on PostgreSQL, with
 * short default durations (each overridable by its own variable). Each suite writes its figures to
 * bench/results/<suite>-<store>-<timestamp>.json; this run adds bench/results/verify-all-<timestamp>.json with the
 * exit code, duration and load of each. Exits non-zero if any suite failed (a broken promise or a crash); missed
 * performance targets are reported by the suites, not counted here.
 *
 *   npm run verify:all                       (both stores)
 *   npm run verify:all -- --only sqlite      (or postgres)
 *   npm run verify:all -- --suites tamper,fuzz
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, type StoreKind } from './support/api-process';
import { DATABASE_URL, postgresUnreachable } from './support/postgres';
import { envNumber, load, round } from './support/report';

/** Short defaults for a full run; a variable already set wins. */
const SHORT: Record<string, string> = {
  BENCH_UNITS: '1000',
  BENCH_TASKS: '10000',
  BENCH_DURATION_S: '10',
  BENCH_WARMUP_S: '3',
  BENCH_EVENTS: '200000',
  CRASH_KILLS: '20',
  FUZZ_RUNS: '20',
};

const SUITES: ReadonlyArray<{ name: string; file: string }> = [
  { name: 'tamper', file: 'test/pressure/tamper.pressure.ts' },
  { name: 'fuzz', file: 'test/pressure/fuzz.pressure.ts' },
  { name: 'security', file: 'test/pressure/security.pressure.ts' },
  { name: 'crash', file: 'test/pressure/crash.pressure.ts' },
  { name: 'rebuild', file: 'bench/rebuild.bench.ts' },
  { name: 'api', file: 'bench/api.bench.ts' },
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
}

function run(file: string, store: StoreKind, limitS: number): Promise<number> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, LEDGER_PRESSURE_HARD_LIMIT_S: String(limitS) };
    for (const [k, v] of Object.entries(SHORT)) env[k] ??= v;
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(REPO_ROOT, file), '--store', store], { cwd: process.cwd(), env, stdio: 'inherit', detached: true });
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    };
    const timer = setTimeout(() => {
      console.error(`${file} --store ${store}: over ${limitS} s, killed`);
      killGroup();
    }, (limitS + 30) * 1000);
    // Stopped from outside (Ctrl-C, the launcher's limit): the running suite and its API go too.
    const stop = () => {
      killGroup();
      process.exit(130);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      clearTimeout(timer);
      killGroup();
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function main(): Promise<void> {
  const only = arg('only') as StoreKind | undefined;
  const wanted = arg('suites')?.split(',');
  const stores: StoreKind[] = only ? [only] : ['sqlite', 'postgres'];
  const suites = SUITES.filter((s) => !wanted || wanted.includes(s.name));
  const limitS = envNumber('LEDGER_PRESSURE_SUITE_LIMIT_S', 1800);
  const started = new Date();
  const runs: Array<{ suite: string; store: StoreKind; exitCode: number; seconds: number; loadBefore: number; loadAfter: number }> = [];
  for (const store of stores) {
    if (store === 'postgres') {
      const unreachable = await postgresUnreachable();
      if (unreachable) {
        console.error(`PostgreSQL at ${DATABASE_URL} is unreachable (${unreachable}): every PostgreSQL suite fails`);
        for (const s of suites) runs.push({ suite: s.name, store, exitCode: 1, seconds: 0, loadBefore: load().load1, loadAfter: load().load1 });
        continue;
      }
    }
    for (const s of suites) {
      const loadBefore = load().load1;
      const t = performance.now();
      const exitCode = await run(s.file, store, limitS);
      runs.push({ suite: s.name, store, exitCode, seconds: round((performance.now() - t) / 1000, 1), loadBefore, loadAfter: load().load1 });
    }
  }
  console.log('\n== verify:all');
  for (const r of runs) console.log(`  ${r.exitCode === 0 ? 'passed' : `FAILED (exit ${r.exitCode})`.padEnd(6)}  ${r.suite.padEnd(9)} ${r.store.padEnd(9)} ${String(r.seconds).padStart(7)} s   load ${r.loadBefore} → ${r.loadAfter}`);
  const failed = runs.filter((r) => r.exitCode !== 0);
  const dir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const at = started.toISOString();
  writeFileSync(join(dir, `verify-all-${at.replace(/[:.]/g, '-')}.json`), JSON.stringify({ at, finishedAt: new Date().toISOString(), defaults: SHORT, runs, ok: failed.length === 0 }, null, 2) + '\n');
  console.log(failed.length === 0 ? '== every suite passed' : `== ${failed.length} of ${runs.length} suite runs failed`);
  process.exitCode = failed.length === 0 ? 0 : 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
