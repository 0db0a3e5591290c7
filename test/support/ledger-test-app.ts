import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Role } from '@ledger/domain';
import { storeConfigFromEnv, type LedgerStore, type StoreConfig } from '@ledger/event-store';
import { dropLedgerSchemas } from '@ledger/read-store/testing/postgres-available';
import { TestClock } from '@ledger/event-store/testing/test-clock';
import { AppModule } from '../../apps/api/src/app.module';
import { IDENTITY_CONFIG, identityConfigFromEnv } from '../../apps/api/src/auth/identity.config';
import { createLedgerApp } from '../../apps/api/src/bootstrap';
import { DeadlineWatcher } from '../../apps/api/src/deadlines/deadline-watcher.service';
import { DEADLINE_TICKER, type Ticker } from '../../apps/api/src/deadlines/ticker';
import { CLOCK, LEDGER_STORE, STORE_CONFIG } from '../../apps/api/src/infrastructure/ledger-store.module';
import { ReadModelsService } from '../../apps/api/src/read-models/read-models.service';
import { API_CONFIG, apiConfigFromEnv, type ApiConfig } from '../../apps/api/src/shared/api-config';

/**
 * The end-to-end harness: the real application (AppModule through `createLedgerApp`) on a fresh SQLite file or a
 * fresh PostgreSQL schema, listening on port 0, with the clock and the deadline ticker in the test's hands. Users
 * and their tokens are created through the API itself, from the first-start administrator's token.
 */

export type StoreUnderTest = 'sqlite' | 'postgres';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REQUIRED = Boolean(process.env.CI) || process.env.LEDGER_REQUIRE_POSTGRES === '1' || process.env.LEDGER_REQUIRE_POSTGRES === 'true';

let probed: string | undefined | null = null;
/** Why PostgreSQL cannot be used (undefined when it can). Jest defines tests synchronously: a child process probes. */
export function postgresUnreachable(): string | undefined {
  if (probed !== null) return probed;
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
  probed = probe.status === 0 ? undefined : (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim();
  return probed;
}

/**
 * Runs `suite` once per store: SQLite always; PostgreSQL when reachable. Unreachable PostgreSQL is skipped with
 * a message, unless CI or LEDGER_REQUIRE_POSTGRES is set: then it fails.
 */
export function describeOnEachStore(name: string, suite: (store: StoreUnderTest) => void): void {
  describe(`${name} (SQLite)`, () => suite('sqlite'));
  const unreachable = postgresUnreachable();
  if (unreachable === undefined) {
    describe(`${name} (PostgreSQL)`, () => suite('postgres'));
  } else if (REQUIRED) {
    describe(`${name} (PostgreSQL)`, () => {
      it('reaches PostgreSQL (required by CI / LEDGER_REQUIRE_POSTGRES)', () => {
        throw new Error(`PostgreSQL at ${DATABASE_URL} is unreachable: ${unreachable}`);
      });
    });
  } else {
    console.warn(`PostgreSQL at ${DATABASE_URL} is unreachable (${unreachable}): skipping "${name}" on PostgreSQL. Set LEDGER_REQUIRE_POSTGRES=1 to fail instead.`);
    describe.skip(`${name} (PostgreSQL)`, () => suite('postgres'));
  }
}

/** A ticker the test fires by hand. */
export class ManualTicker implements Ticker {
  private readonly ticks: Array<() => Promise<unknown>> = [];
  start(_intervalMs: number, tick: () => Promise<unknown>): () => void {
    this.ticks.push(tick);
    return () => {
      const i = this.ticks.indexOf(tick);
      if (i >= 0) this.ticks.splice(i, 1);
    };
  }
  async fire(): Promise<void> {
    for (const tick of [...this.ticks]) await tick();
  }
  get started(): number {
    return this.ticks.length;
  }
}

export interface HttpResponse<T = any> {
  readonly status: number;
  readonly body: T;
  readonly text: string;
  readonly headers: Headers;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Sent as is (for malformed JSON). */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
}

/** A caller: a bearer token (or none) and fetch. */
export class Caller {
  constructor(
    private readonly baseUrl: string,
    readonly token: string | null,
  ) {}

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed as T, text, headers: res.headers };
  }

  get<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }

  post<T = any>(path: string, body: unknown = {}, options: Omit<RequestOptions, 'body'> = {}) {
    return this.request<T>('POST', path, { ...options, body });
  }
}

export interface StartOptions {
  /** Where the clock starts (ISO instant). */
  readonly now?: string;
  readonly config?: Partial<ApiConfig>;
  /**
   * A second instance of the API on the store of `sharing` (as a second server process would be): same log, same
   * administrator; its own read models, following the log by polling. Closing it leaves the store to `sharing`.
   */
  readonly sharing?: LedgerTestApp;
}

export class LedgerTestApp {
  private readonly callers = new Map<string, Caller>();

  private constructor(
    readonly app: INestApplication,
    readonly store: StoreUnderTest,
    readonly baseUrl: string,
    readonly clock: TestClock,
    readonly ticker: ManualTicker,
    readonly admin: Caller,
    /** Where the store is: a second process (the projector) opens the same one. */
    readonly storeConfig: StoreConfig,
    private readonly cleanup: () => Promise<void>,
    private readonly env: NodeJS.ProcessEnv,
    private readonly adminToken: string,
  ) {}

  static async start(store: StoreUnderTest, options: StartOptions = {}): Promise<LedgerTestApp> {
    const sharing = options.sharing;
    const dir = await mkdtemp(join(tmpdir(), 'ledger-e2e-'));
    const schema = `e2e_${randomBytes(6).toString('hex')}`;
    const env: NodeJS.ProcessEnv = sharing
      ? sharing.env
      : store === 'sqlite'
        ? { LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: dir, LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' }
        : { LEDGER_STORE: 'postgres', DATABASE_URL, LEDGER_PG_SCHEMA: schema };
    const tokenFile = join(dir, 'admin.token');
    const clock = new TestClock(options.now ?? '2018-01-02T01:00:00.000Z');
    const ticker = new ManualTicker();
    const storeConfig = storeConfigFromEnv(env);
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(STORE_CONFIG)
      .useValue(storeConfig)
      .overrideProvider(CLOCK)
      .useValue(clock)
      .overrideProvider(API_CONFIG)
      .useValue({ ...apiConfigFromEnv({}), embeddedProjector: true, readModelPollMs: 50, ...options.config })
      .overrideProvider(DEADLINE_TICKER)
      .useValue(ticker)
      .overrideProvider(IDENTITY_CONFIG)
      .useValue({ ...identityConfigFromEnv({ LEDGER_ADMIN_UNIT: 'city', LEDGER_BOOTSTRAP_TOKEN_FILE: tokenFile }), authFailureLimit: 100_000 })
      .compile();
    const app = await createLedgerApp({ module: moduleRef, logger: false });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    const baseUrl = `http://127.0.0.1:${address.port}`;
    const adminToken = sharing ? sharing.adminToken : (await readFile(tokenFile, 'utf8')).trim();
    const cleanup = async () => {
      await rm(dir, { recursive: true, force: true });
      if (store === 'postgres' && !sharing) await dropLedgerSchemas(schema, DATABASE_URL);
    };
    return new LedgerTestApp(app, store, baseUrl, clock, ticker, new Caller(baseUrl, adminToken), storeConfig, cleanup, env, adminToken);
  }

  /** The same caller (the same token) speaking to this instance. */
  as(caller: Caller): Caller {
    return new Caller(this.baseUrl, caller.token);
  }

  /** A caller without a token. */
  anonymous(): Caller {
    return new Caller(this.baseUrl, null);
  }

  /** Registers a user with a role and a unit through the API (as the administrator) and returns them with a token. */
  async user(id: string, role: Role, unitId: string, displayName = id): Promise<Caller> {
    const known = this.callers.get(id);
    if (known) return known;
    const registered = await this.admin.post('/v1/users', { id, displayName, role, unitId });
    if (registered.status !== 201) throw new Error(`registering ${id}: ${registered.status} ${registered.text}`);
    const issued = await this.admin.post(`/v1/users/${id}/tokens`, { label: 'e2e' });
    if (issued.status !== 201) throw new Error(`issuing a token for ${id}: ${issued.status} ${issued.text}`);
    const caller = new Caller(this.baseUrl, issued.body.token as string);
    this.callers.set(id, caller);
    return caller;
  }

  /** Moves the clock to an instant (ISO 8601 with offset). */
  at(instant: string): void {
    this.clock.set(instant);
  }

  watcher(): DeadlineWatcher {
    return this.app.get(DeadlineWatcher);
  }

  readModels(): ReadModelsService {
    return this.app.get(ReadModelsService);
  }

  ledgerStore(): LedgerStore {
    return this.app.get(LEDGER_STORE);
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.cleanup();
  }
}

/** Asserts a status, showing the body when it differs. */
export function expectStatus(res: HttpResponse, status: number): void {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
}
