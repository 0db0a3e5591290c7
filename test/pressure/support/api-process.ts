import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Http } from './http';
import { collectAndMeasure, inspectorUrl, type LiveMemory } from './live-memory';
import { DATABASE_URL } from './postgres';

/** The repository root (this file is test/pressure/support/api-process.ts). */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/**
 * The tree the API and the CLI are run from: this repository, or LEDGER_PRESSURE_APP_ROOT (a checkout of another
 * commit with node_modules linked in: `git archive <commit> | tar -x -C <dir>`), to measure a commit while the
 * working tree is being edited.
 */
export const APP_ROOT = resolve(process.env.LEDGER_PRESSURE_APP_ROOT ?? REPO_ROOT);

export type StoreKind = 'sqlite' | 'postgres';

/**
 * V8 flags the API and the CLI run with, as `npm start` and the CLI's bin start them. A young generation of up to
 * 64 MB a semi-space (V8's default is smaller) means fewer scavenges while the read models are folded at start-up
 * (every event kept is copied out of the young generation, and each scavenge also walks the old-to-new references):
 * bench:rebuild at 1,000,000 events, 7-12 % less CPU time per event.
 */
export const NODE_HEAP_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/** More Node/V8 flags for the API under test, for experiments (`BENCH_API_NODE_FLAGS='--flag=1 --other'`). */
const EXTRA_API_FLAGS: readonly string[] = (process.env.BENCH_API_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '');

export interface ApiStartOptions {
  readonly store: StoreKind;
  /** The data directory (SQLite file, bootstrap token, checkpoint key); the caller creates and removes it. */
  readonly dataDir: string;
  /** PostgreSQL schema (with `store: 'postgres'`). */
  readonly schema?: string;
  /** Extra environment for the API (LEDGER_* settings). */
  readonly env?: Record<string, string>;
  /** Port to listen on; default: a free one. */
  readonly port?: number;
  /** How long start-up (including the read models' fold of the log) may take. */
  readonly startTimeoutMs?: number;
  /** Keep at most this many bytes of the API's output (default 64 MB). */
  readonly maxOutputBytes?: number;
  /**
   * Start the API with its inspector on a free loopback port, so `liveMemory()` can collect garbage in it and read
   * what it holds. For measuring only.
   */
  readonly inspect?: boolean;
}

/** The environment the API runs with: only what it needs, never the caller's secrets. */
export function apiEnvironment(options: Pick<ApiStartOptions, 'store' | 'dataDir' | 'schema' | 'env'>, port?: number): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? options.dataDir,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    HOST: '127.0.0.1',
    LEDGER_STORE: options.store,
    LEDGER_DATA_DIR: options.dataDir,
    LEDGER_BOOTSTRAP_TOKEN_FILE: join(options.dataDir, 'admin.token'),
  };
  if (port !== undefined) env.PORT = String(port);
  if (options.store === 'postgres') {
    env.DATABASE_URL = DATABASE_URL;
    if (!options.schema) throw new Error('a PostgreSQL run needs a schema of its own');
    env.LEDGER_PG_SCHEMA = options.schema;
  }
  return { ...env, ...(options.env ?? {}) };
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * The real API (apps/api/src/main.ts, run from source through @swc-node/register: the same module graph `npm start`
 * builds) in a child process, so it can be measured (RSS from /proc), killed with SIGKILL and restarted, and its
 * stdout and stderr searched for secrets.
 */
export class ApiProcess {
  private output: Buffer[] = [];
  private outputBytes = 0;
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined;
  /** The inspector's WebSocket address (with `inspect: true`), found in the start of the output. */
  private inspector: string | undefined;
  private outputStart = '';
  readonly http: Http;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly options: ApiStartOptions,
    readonly startedAt: number,
  ) {
    this.http = new Http(this.baseUrl);
    const keep = (chunk: Buffer) => {
      // The inspector's address is printed once, first thing; the kept output may drop it later. Looked for in the
      // output's first 4 KB only (a chunk may split the line).
      if (options.inspect && this.inspector === undefined && this.outputStart.length < 4096) {
        this.outputStart += chunk.toString('utf8', 0, 4096);
        this.inspector = inspectorUrl(this.outputStart);
      }
      this.output.push(chunk);
      this.outputBytes += chunk.length;
      const max = options.maxOutputBytes ?? 64 * 1024 * 1024;
      while (this.outputBytes > max && this.output.length > 1) this.outputBytes -= this.output.shift()!.length;
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolveExit) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        resolveExit(this.exitCode);
      }),
    );
  }

  static async start(options: ApiStartOptions): Promise<ApiProcess> {
    const port = options.port ?? (await freePort());
    const inspect = options.inspect ? ['--inspect=127.0.0.1:0'] : [];
    const child = spawn(process.execPath, [...NODE_HEAP_FLAGS, ...EXTRA_API_FLAGS, ...inspect, '-r', '@swc-node/register', join(APP_ROOT, 'apps/api/src/main.ts')], {
      cwd: APP_ROOT,
      env: apiEnvironment(options, port),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const api = new ApiProcess(child, port, options, performance.now());
    await api.waitUntilHealthy(options.startTimeoutMs ?? 180_000);
    return api;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Everything the process wrote to stdout and stderr so far. */
  logs(): string {
    return Buffer.concat(this.output).toString('utf8');
  }

  private async waitUntilHealthy(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (!this.running) throw new Error(`the API exited (code ${this.exitCode}) before it was healthy:\n${this.logs().slice(-4000)}`);
      try {
        const res = await this.http.request('GET', '/health', { timeoutMs: 2000 });
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    await this.kill();
    throw new Error(`the API was not healthy within ${timeoutMs} ms:\n${this.logs().slice(-4000)}`);
  }

  /** The first-start administrator's token (written by the API to the bootstrap token file). */
  async adminToken(): Promise<string> {
    return (await readFile(join(this.options.dataDir, 'admin.token'), 'utf8')).trim();
  }

  /** Resident set size now and its peak (VmHWM), in bytes, from /proc. */
  memory(): { rss: number; peak: number } {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
      return { rss: kb('VmRSS'), peak: kb('VmHWM') };
    } catch {
      return { rss: 0, peak: 0 };
    }
  }

  /**
   * A full garbage collection in the API, then what it still holds (V8's heap, RSS): what the process needs, without
   * the garbage V8 has not collected yet. Needs `inspect: true`; pauses the API while it collects.
   */
  async liveMemory(): Promise<LiveMemory> {
    const url = this.inspector;
    if (!url) throw new Error('the API was not started with inspect: true (no inspector address in its output)');
    return collectAndMeasure(url);
  }

  /** SIGTERM (the API's shutdown hooks close the store after in-flight appends), then SIGKILL if it hangs. */
  async stop(timeoutMs = 20_000): Promise<number | null> {
    this.http.close();
    if (!this.running) return this.exitCode ?? null;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([this.exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)))]);
    clearTimeout(timer);
    if (code === 'timeout') return this.kill();
    return code;
  }

  /** SIGKILL: no shutdown hook runs, as in a power cut of the process. */
  async kill(): Promise<number | null> {
    this.http.close();
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs the `ledger` CLI (apps/cli/src/main.ts, from source) with the API's store settings; bounded in time. */
export function runCli(
  args: readonly string[],
  options: Pick<ApiStartOptions, 'store' | 'dataDir' | 'schema' | 'env'>,
  timeoutMs = 300_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [...NODE_HEAP_FLAGS, '-r', '@swc-node/register', join(APP_ROOT, 'apps/cli/src/main.ts'), ...args], {
      cwd: APP_ROOT,
      env: apiEnvironment(options),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
