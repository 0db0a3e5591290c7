import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { APP_ROOT, REPO_ROOT, type StoreKind } from './api-process';

/** What a machine looked like when a figure was taken: these 2-core machines are shared, so load travels with it. */
export function load(): { load1: number; load5: number } {
  const [load1, load5] = loadavg();
  return { load1: round(load1, 2), load5: round(load5, 2) };
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

interface Figure {
  readonly name: string;
  readonly value: number | string;
  readonly unit: string;
  readonly load1: number;
}

interface Target {
  readonly name: string;
  readonly value: number;
  readonly goal: string;
  readonly met: boolean;
  readonly load1: number;
}

/**
 * A suite's findings: figures (each with the load average when taken), targets (reported, never fatal), and broken
 * promises (fatal: the suite exits non-zero). `finish` prints them and keeps them in bench/results/ as JSON.
 */
export class SuiteReport {
  private readonly figures: Figure[] = [];
  private readonly targets: Target[] = [];
  private readonly failures: string[] = [];
  private readonly notes: string[] = [];
  private readonly details: Record<string, unknown> = {};
  private readonly startedAt = new Date();
  private readonly startLoad = load();

  constructor(
    readonly suite: string,
    readonly store: StoreKind,
  ) {
    console.log(`\n== ${suite} on ${store === 'sqlite' ? 'SQLite' : 'PostgreSQL'} (load average ${this.startLoad.load1} / ${this.startLoad.load5}, ${availableParallelism()} cores)`);
  }

  figure(name: string, value: number | string, unit = ''): void {
    const f = { name, value: typeof value === 'number' ? round(value, 2) : value, unit, load1: load().load1 };
    this.figures.push(f);
    console.log(`  ${name.padEnd(52)} ${typeof value === 'number' ? fmt(value, value < 100 && !Number.isInteger(value) ? 2 : 0) : value}${unit ? ` ${unit}` : ''}   (load ${f.load1})`);
  }

  /** A target from the issue: reported as met or missed; missing it does not fail the suite. */
  target(name: string, value: number, op: '>=' | '<=' | '==', goal: number, unit = ''): boolean {
    const met = op === '>=' ? value >= goal : op === '<=' ? value <= goal : value === goal;
    const t = { name, value: round(value, 2), goal: `${op} ${goal}${unit ? ` ${unit}` : ''}`, met, load1: load().load1 };
    this.targets.push(t);
    console.log(`  target ${name}: ${fmt(value, value < 100 && !Number.isInteger(value) ? 2 : 0)}${unit ? ` ${unit}` : ''} (${t.goal}): ${met ? 'met' : 'NOT met'}   (load ${t.load1})`);
    return met;
  }

  /** A promise the ledger makes: when it does not hold, the suite fails. */
  check(holds: boolean, promise: string, detail?: unknown): boolean {
    if (!holds) {
      const text = detail === undefined ? promise : `${promise}: ${typeof detail === 'string' ? detail : JSON.stringify(detail).slice(0, 2000)}`;
      this.failures.push(text);
      console.log(`  BROKEN: ${text}`);
    }
    return holds;
  }

  note(text: string): void {
    this.notes.push(text);
    console.log(`  note: ${text}`);
  }

  detail(key: string, value: unknown): void {
    this.details[key] = value;
  }

  get failed(): boolean {
    return this.failures.length > 0;
  }

  /** Prints the verdict, writes bench/results/<suite>-<store>-<timestamp>.json, returns the exit code. */
  finish(error?: unknown): number {
    if (error !== undefined) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.failures.push(`crashed: ${text}`);
      console.log(`  CRASHED: ${text}`);
    }
    const at = this.startedAt.toISOString();
    const result = {
      suite: this.suite,
      store: this.store,
      at,
      finishedAt: new Date().toISOString(),
      node: process.version,
      cores: availableParallelism(),
      commit: measuredCommit(),
      measuredTree: APP_ROOT === REPO_ROOT ? 'working tree' : APP_ROOT,
      loadAtStart: this.startLoad,
      loadAtEnd: load(),
      ok: this.failures.length === 0,
      failures: this.failures,
      figures: this.figures,
      targets: this.targets,
      notes: this.notes,
      details: this.details,
    };
    const dir = join(REPO_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${this.suite}-${this.store}-${at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    const missed = this.targets.filter((t) => !t.met).length;
    console.log(
      `== ${this.suite} on ${this.store}: ${this.failures.length === 0 ? 'PASSED' : `FAILED (${this.failures.length} broken)`}` +
        `${this.targets.length ? `; targets met ${this.targets.length - missed}/${this.targets.length} (missed targets are reported, not fatal)` : ''}; ${file.slice(REPO_ROOT.length + 1)}`,
    );
    return this.failures.length === 0 ? 0 : 1;
  }
}

/** The commit measured: a snapshot's `.commit` file (see README), else this repository's HEAD (plus local edits). */
function measuredCommit(): string | null {
  const marker = join(APP_ROOT, '.commit');
  if (APP_ROOT !== REPO_ROOT && existsSync(marker)) return readFileSync(marker, 'utf8').trim();
  const head = gitHead();
  return APP_ROOT === REPO_ROOT && head ? `${head} (working tree)` : head;
}

function gitHead(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/** `--store postgres` (or LEDGER_PRESSURE_STORE) selects PostgreSQL; SQLite otherwise. */
export function storeFromArgs(argv = process.argv): StoreKind {
  const i = argv.indexOf('--store');
  const value = (i >= 0 ? argv[i + 1] : undefined) ?? argv.find((a) => a.startsWith('--store='))?.slice(8) ?? process.env.LEDGER_PRESSURE_STORE ?? 'sqlite';
  if (value !== 'sqlite' && value !== 'postgres') throw new Error(`--store must be sqlite or postgres, got '${value}'`);
  return value;
}

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got '${raw}'`);
  return n;
}

/**
 * Runs a suite on the store named by `--store`: exit code 0 when every promise held, 1 when one broke or the suite
 * crashed (its figures so far are still written), 2 when it overran its hard time limit.
 */
export function runSuite(suite: string, main: (report: SuiteReport, store: StoreKind) => Promise<void>): void {
  const hardLimitS = envNumber('LEDGER_PRESSURE_HARD_LIMIT_S', 3600);
  const timer = setTimeout(() => {
    console.error(`${suite}: exceeded its hard time limit of ${hardLimitS} s (LEDGER_PRESSURE_HARD_LIMIT_S): exiting`);
    process.exit(2);
  }, hardLimitS * 1000);
  timer.unref();
  const store = storeFromArgs();
  const report = new SuiteReport(suite, store);
  const done = (code: number) => {
    process.exitCode = code;
    // A handle something forgot to close must not keep a finished suite alive.
    setTimeout(() => process.exit(code), 5000).unref();
  };
  main(report, store).then(
    () => done(report.finish()),
    (error: unknown) => done(report.finish(error)),
  );
}
