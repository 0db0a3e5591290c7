import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import { STREAM_KINDS, userDecider } from '@ledger/domain';
import { SqliteEventStore, type Clock, type LedgerStore, type RecordedEvent } from '@ledger/event-store';
import { createLedgerApp } from '../apps/api/src/bootstrap';
import { CLOCK, LEDGER_STORE } from '../apps/api/src/infrastructure/ledger-store.module';

/**
 * Who may do what, through HTTP on the real application: the first administrator, bearer tokens (valid, missing,
 * garbage, revoked, expired, of a deactivated user), the actor taken from the credential, idempotency, If-Match,
 * and the limit on failed authentications. On SQLite always; on PostgreSQL when reachable (required in CI).
 */

type Env = Record<string, string | undefined>;
type Reply = { status: number; body: any; headers: Headers };

class Running {
  constructor(
    readonly app: INestApplication,
    readonly url: string,
    /** What the application wrote to stdout while starting. */
    readonly printed: string,
  ) {}

  get store(): LedgerStore {
    return this.app.get<LedgerStore>(LEDGER_STORE);
  }

  get clock(): Clock {
    return this.app.get<Clock>(CLOCK);
  }

  async call(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.url + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  async events(streamId: string): Promise<RecordedEvent[]> {
    return this.store.readStream(streamId);
  }
}

const AUTH_ENV = ['LEDGER_STORE', 'LEDGER_DATA_DIR', 'LEDGER_SQLITE_PATH', 'DATABASE_URL', 'LEDGER_PG_SCHEMA', 'LEDGER_ADMIN_UNIT', 'LEDGER_BOOTSTRAP_TOKEN_FILE', 'LEDGER_AUTH_FAILURE_LIMIT', 'LEDGER_AUTH_FAILURE_WINDOW_SECONDS'];

/** Starts the application with `env` (read once, at start), capturing what it prints. */
async function start(env: Env): Promise<Running> {
  const saved = Object.fromEntries(AUTH_ENV.map((name) => [name, process.env[name]]));
  for (const name of AUTH_ENV) delete process.env[name];
  Object.assign(process.env, env);
  const printed: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    const app = await createLedgerApp({ logger: false });
    await app.listen(0, '127.0.0.1');
    return new Running(app, (await app.getUrl()).replace('[::1]', '127.0.0.1'), printed.join(''));
  } finally {
    spy.mockRestore();
    for (const name of AUTH_ENV) delete process.env[name];
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  }
}

const TOKEN_LINE = /^Administrator token \(shown once\): (lgr_\S+)$/gm;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function adminTokenOf(printed: string): string {
  const lines = [...printed.matchAll(TOKEN_LINE)];
  expect(lines).toHaveLength(1);
  return lines[0][1];
}

/** The behaviour every store must show; `setup` gives the environment of a fresh, empty ledger. */
function describeAuthentication(storeName: string, setup: () => Promise<{ env: Env; cleanup: () => Promise<void> }>): void {
  describe(`authentication and users on ${storeName}`, () => {
    let ledger: Running;
    let cleanup: () => Promise<void>;
    let admin: string;
    let staffToken: string;
    let staffTokenId: string;

    beforeAll(async () => {
      const fresh = await setup();
      cleanup = fresh.cleanup;
      ledger = await start({ ...fresh.env, LEDGER_ADMIN_UNIT: 'city', LEDGER_AUTH_FAILURE_LIMIT: '1000' });
    });

    afterAll(async () => {
      await ledger?.app.close();
      await cleanup?.();
    });

    describe('on first start on an empty ledger', () => {
      it('registers the administrator on the ledger’s own account and prints its token once', async () => {
        admin = adminTokenOf(ledger.printed);
        const events = await ledger.events('user-admin');
        expect(events.map((e) => e.type)).toEqual(['UserRegistered', 'ApiTokenIssued']);
        expect(events.map((e) => [e.metadata.actorId, e.metadata.actorRole, e.metadata.actorUnit])).toEqual([
          ['system', 'administrator', 'city'],
          ['system', 'administrator', 'city'],
        ]);
        expect(events[0].data).toMatchObject({ userId: 'admin', role: 'administrator', unitId: 'city' });
      });

      it('records only the hash of the token’s secret', async () => {
        const [, issued] = await ledger.events('user-admin');
        const secret = admin.slice(admin.lastIndexOf('_', admin.length - 44) + 1);
        expect(secret).toHaveLength(43);
        expect(issued.data.secretSha256).toBe(sha256(secret));
        expect(JSON.stringify(issued)).not.toContain(secret);
      });
    });

    describe('who am I', () => {
      it('answers with the administrator’s id, role and unit', async () => {
        const res = await ledger.call('GET', '/v1/me', { token: admin, headers: { 'accept-language': 'vi' } });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          id: 'admin',
          name: 'Administrator',
          role: 'administrator',
          roleLabel: 'Quản trị hệ thống',
          unit: 'city',
          tokenId: expect.stringMatching(/^[0-9a-f]{24}$/),
        });
      });

      it('refuses a request without a token (401, {code, message, fields})', async () => {
        const res = await ledger.call('GET', '/v1/me');
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ code: 'AUTH.UNAUTHENTICATED', message: expect.any(String), fields: [] });
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      });

      it('refuses garbage, an unknown token, a wrong secret and other schemes', async () => {
        const wrongSecret = admin.slice(0, -43) + 'A'.repeat(43);
        const unknownId = `lgr_${'0'.repeat(24)}_${admin.slice(-43)}`;
        for (const token of ['garbage', wrongSecret, unknownId, `${admin}x`]) {
          const res = await ledger.call('GET', '/v1/me', { token });
          expect({ token, status: res.status, code: res.body.code }).toEqual({ token, status: 401, code: 'AUTH.INVALID_TOKEN' });
        }
        const basic = await ledger.call('GET', '/v1/me', { headers: { authorization: `Basic ${Buffer.from('admin:x').toString('base64')}` } });
        expect(basic.status).toBe(401);
      });

      it('leaves health public', async () => {
        expect((await ledger.call('GET', '/health')).status).toBe(200);
      });
    });

    describe('a user registered by the administrator', () => {
      it('gets a token that acts with their own role and unit', async () => {
        const registered = await ledger.call('POST', '/v1/users', {
          token: admin,
          body: { id: 'p-zh-staff', displayName: 'Wang Fang', role: 'unit_staff', unitId: 'zh' },
        });
        expect(registered.status).toBe(201);
        expect(registered.body).toMatchObject({ id: 'p-zh-staff', role: 'unit_staff', unitId: 'zh', status: 'active', version: 1, tokens: [] });
        expect(registered.headers.get('etag')).toBe('"1"');

        const issued = await ledger.call('POST', '/v1/users/p-zh-staff/tokens', { token: admin, body: { label: 'office laptop' } });
        expect(issued.status).toBe(201);
        expect(issued.body).toEqual({ userId: 'p-zh-staff', tokenId: expect.any(String), token: expect.stringMatching(/^lgr_/), label: 'office laptop', expiresAt: null });
        staffToken = issued.body.token;
        staffTokenId = issued.body.tokenId;

        const me = await ledger.call('GET', '/v1/me', { token: staffToken });
        expect(me.body).toMatchObject({ id: 'p-zh-staff', role: 'unit_staff', unit: 'zh', tokenId: staffTokenId });
      });

      it('is recorded with the administrator as actor, from the credential', async () => {
        const events = await ledger.events('user-p-zh-staff');
        for (const event of events) {
          expect([event.metadata.actorId, event.metadata.actorRole, event.metadata.actorUnit]).toEqual(['admin', 'administrator', 'city']);
          expect(event.data.by).toEqual({ id: 'admin', role: 'administrator', unit: 'city' });
        }
      });

      it('refuses actor fields in a body (400), so nobody can act in another’s name', async () => {
        for (const extra of [{ actorId: 'p-mayor' }, { actor: { id: 'p-mayor', role: 'leader', unit: 'city' } }, { by: { id: 'x' } }]) {
          const res = await ledger.call('POST', '/v1/users', {
            token: staffToken,
            body: { id: 'p-intruder', displayName: 'X', role: 'leader', unitId: 'city', ...extra },
          });
          expect(res.status).toBe(400);
          expect(res.body.code).toBe('REQUEST.VALIDATION');
          expect(res.body.fields.map((f: { field: string }) => f.field)).toContain(Object.keys(extra)[0]);
        }
        const revoke = await ledger.call('POST', `/v1/users/p-zh-staff/tokens/${staffTokenId}/revoke`, {
          token: staffToken,
          body: { reason: 'x', actorRole: 'administrator' },
        });
        expect(revoke.status).toBe(400);
      });

      it('acts in their own role: issues a token for themselves, recorded as themselves', async () => {
        const issued = await ledger.call('POST', '/v1/users/p-zh-staff/tokens', { token: staffToken, body: {} });
        expect(issued.status).toBe(201);
        const events = await ledger.events('user-p-zh-staff');
        const last = events[events.length - 1];
        expect([last.metadata.actorId, last.metadata.actorRole, last.metadata.actorUnit]).toEqual(['p-zh-staff', 'unit_staff', 'zh']);
        expect(last.data.by).toEqual({ id: 'p-zh-staff', role: 'unit_staff', unit: 'zh' });
      });

      it('may not administer users or list them, but may read their own record', async () => {
        const register = await ledger.call('POST', '/v1/users', { token: staffToken, body: { id: 'p-other', displayName: 'Other', role: 'leader', unitId: 'city' } });
        expect([register.status, register.body.code]).toEqual([403, 'USER.ADMINISTRATOR_ONLY']);
        const forAdmin = await ledger.call('POST', '/v1/users/admin/tokens', { token: staffToken, body: {} });
        expect([forAdmin.status, forAdmin.body.code]).toEqual([403, 'USER.ADMINISTRATOR_ONLY']);
        const list = await ledger.call('GET', '/v1/users', { token: staffToken });
        expect([list.status, list.body.code]).toEqual([403, 'AUTH.ROLE_NOT_ALLOWED']);
        expect((await ledger.call('GET', '/v1/users/admin', { token: staffToken })).status).toBe(403);
        const own = await ledger.call('GET', '/v1/users/p-zh-staff', { token: staffToken });
        expect(own.status).toBe(200);
        expect(JSON.stringify(own.body)).not.toMatch(/secret|sha256/i);
      });

      it('lets an auditor list users, without secrets or hashes', async () => {
        await ledger.call('POST', '/v1/users', { token: admin, body: { id: 'p-auditor', displayName: 'Auditor', role: 'auditor', unitId: 'audit' } });
        const auditor = (await ledger.call('POST', '/v1/users/p-auditor/tokens', { token: admin, body: {} })).body.token;
        const list = await ledger.call('GET', '/v1/users', { token: auditor });
        expect(list.status).toBe(200);
        expect(list.body.items.map((u: { id: string }) => u.id)).toEqual(['admin', 'p-auditor', 'p-zh-staff']);
        expect(JSON.stringify(list.body)).not.toMatch(/secret|sha256/i);
        const register = await ledger.call('POST', '/v1/users', { token: auditor, body: { id: 'p-x', displayName: 'X', role: 'leader', unitId: 'city' } });
        expect(register.status).toBe(403);
      });
    });

    describe('a revoked token', () => {
      it('stops working at once when its user revokes it', async () => {
        const revoked = await ledger.call('POST', `/v1/users/p-zh-staff/tokens/${staffTokenId}/revoke`, { token: staffToken, body: { reason: 'Laptop lost' } });
        expect(revoked.status).toBe(200);
        expect(revoked.body.tokens.find((t: { tokenId: string }) => t.tokenId === staffTokenId).revokedAt).toEqual(expect.any(String));
        const me = await ledger.call('GET', '/v1/me', { token: staffToken });
        expect([me.status, me.body.code]).toEqual([401, 'AUTH.INVALID_TOKEN']);
      });

      it('cannot be revoked twice', async () => {
        const again = await ledger.call('POST', `/v1/users/p-zh-staff/tokens/${staffTokenId}/revoke`, { token: admin, body: { reason: 'again' } });
        expect([again.status, again.body.code]).toEqual([409, 'USER.TOKEN_ALREADY_REVOKED']);
      });
    });

    describe('token expiry', () => {
      it('refuses to issue a token that has already expired (422)', async () => {
        const res = await ledger.call('POST', '/v1/users/p-zh-staff/tokens', { token: admin, body: { expiresAt: '2018-10-31T23:59:59+08:00' } });
        expect([res.status, res.body.code]).toEqual([422, 'USER.TOKEN_EXPIRY_NOT_FUTURE']);
      });

      it('accepts a token until its expiry, by the ledger’s clock, and refuses it after', async () => {
        const inAnHour = new Date(ledger.clock.now().getTime() + 3_600_000).toISOString();
        const issued = await ledger.call('POST', '/v1/users/p-zh-staff/tokens', { token: admin, body: { expiresAt: inAnHour } });
        expect(issued.body.expiresAt).toBe(inAnHour);
        expect((await ledger.call('GET', '/v1/me', { token: issued.body.token })).status).toBe(200);

        const later = new Date(Date.parse(inAnHour) + 1000);
        const moved = jest.spyOn(ledger.clock, 'now').mockImplementation(() => later);
        try {
          const me = await ledger.call('GET', '/v1/me', { token: issued.body.token });
          expect([me.status, me.body.code]).toEqual([401, 'AUTH.INVALID_TOKEN']);
          expect((await ledger.call('GET', '/v1/me', { token: admin })).status).toBe(200);
        } finally {
          moved.mockRestore();
        }
      });
    });

    describe('a deactivated user', () => {
      it('loses every token at once', async () => {
        const token = (await ledger.call('POST', '/v1/users/p-zh-staff/tokens', { token: admin, body: {} })).body.token;
        expect((await ledger.call('GET', '/v1/me', { token })).status).toBe(200);
        const res = await ledger.call('POST', '/v1/users/p-zh-staff/deactivate', { token: admin, body: { reason: 'Left the civil service' } });
        expect([res.status, res.body.status]).toEqual([200, 'deactivated']);
        const me = await ledger.call('GET', '/v1/me', { token });
        expect([me.status, me.body.code]).toEqual([401, 'AUTH.INVALID_TOKEN']);
        const issue = await ledger.call('POST', '/v1/users/p-zh-staff/tokens', { token: admin, body: {} });
        expect([issue.status, issue.body.code]).toEqual([409, 'USER.DEACTIVATED']);
      });

      it('is never the administrator by their own hand', async () => {
        const res = await ledger.call('POST', '/v1/users/admin/deactivate', { token: admin, body: { reason: 'testing' } });
        expect([res.status, res.body.code]).toEqual([403, 'USER.SELF_DEACTIVATION']);
      });
    });

    describe('retries and concurrent changes', () => {
      it('registers once for a repeated Idempotency-Key and returns the first result', async () => {
        const request = { token: admin, body: { id: 'p-leader', displayName: 'Mayor', role: 'leader', unitId: 'city' }, headers: { 'idempotency-key': 'register-p-leader' } };
        const first = await ledger.call('POST', '/v1/users', request);
        const second = await ledger.call('POST', '/v1/users', request);
        expect([first.status, second.status]).toEqual([201, 201]);
        expect(second.body).toEqual(first.body);
        expect((await ledger.events('user-p-leader')).map((e) => e.type)).toEqual(['UserRegistered']);
      });

      it('refuses a malformed Idempotency-Key (400)', async () => {
        const res = await ledger.call('POST', '/v1/users', { token: admin, body: { id: 'p-y', displayName: 'Y', role: 'leader', unitId: 'city' }, headers: { 'idempotency-key': 'has spaces' } });
        expect([res.status, res.body.code]).toEqual([400, 'REQUEST.IDEMPOTENCY_KEY_INVALID']);
      });

      it('refuses to replay a token issue, whose secret was shown once', async () => {
        const request = { token: admin, body: {}, headers: { 'idempotency-key': 'token-p-leader' } };
        expect((await ledger.call('POST', '/v1/users/p-leader/tokens', request)).status).toBe(201);
        const again = await ledger.call('POST', '/v1/users/p-leader/tokens', request);
        expect([again.status, again.body.code]).toEqual([409, 'REQUEST.SECRET_NOT_REPEATABLE']);
        expect((await ledger.events('user-p-leader')).map((e) => e.type)).toEqual(['UserRegistered', 'ApiTokenIssued']);
      });

      it('refuses a change based on an old version (If-Match), and applies one based on the current', async () => {
        const current = await ledger.call('GET', '/v1/users/p-leader', { token: admin });
        expect(current.headers.get('etag')).toBe('"2"');
        const body = { role: 'leader', unitId: 'zh', reason: 'Seconded to Zhuhui District' };
        const stale = await ledger.call('POST', '/v1/users/p-leader/role', { token: admin, body, headers: { 'if-match': '"1"' } });
        expect([stale.status, stale.body.code]).toEqual([409, 'STORE.WRONG_EXPECTED_VERSION']);
        const fresh = await ledger.call('POST', '/v1/users/p-leader/role', { token: admin, body, headers: { 'if-match': '"2"' } });
        expect([fresh.status, fresh.body.unitId, fresh.headers.get('etag')]).toEqual([200, 'zh', '"3"']);
      });
    });
  });
}

// ── SQLite ──────────────────────────────────────────────────────────────────────────────────────────────────────
const tempDirs: string[] = [];
async function sqliteLedger(): Promise<{ env: Env; dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ledger-auth-e2e-'));
  tempDirs.push(dir);
  return { dir, env: { LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: dir }, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
afterAll(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describeAuthentication('SQLite', sqliteLedger);

describe('first start on SQLite, and the starts after it', () => {
  it('shows the administrator token only on the first start; it still works after a restart', async () => {
    const { env } = await sqliteLedger();
    const first = await start(env);
    const token = adminTokenOf(first.printed);
    await first.app.close();

    const second = await start(env);
    try {
      expect(second.printed).not.toContain('lgr_');
      const me = await second.call('GET', '/v1/me', { token });
      expect([me.status, me.body.id]).toEqual([200, 'admin']);
      expect((await second.events('user-admin')).map((e) => e.type)).toEqual(['UserRegistered', 'ApiTokenIssued']);
    } finally {
      await second.app.close();
    }
  });

  it('finishes a first start that stopped between registering the administrator and issuing its token', async () => {
    const { env, dir } = await sqliteLedger();
    const store = await SqliteEventStore.open({ path: join(dir, 'ledger.db'), policy: { streamKinds: new Set(STREAM_KINDS) } });
    const system = { id: 'system', role: 'administrator' as const, unit: 'root' };
    const events = userDecider.decide(
      { type: 'RegisterUser', userId: 'admin', displayName: 'Administrator', role: 'administrator', unitId: 'root', now: '2018-09-06T09:00:00+08:00', actor: system },
      userDecider.initialState(),
    );
    await store.append({
      streamId: 'user-admin',
      expectedVersion: 'no-stream',
      events,
      metadata: { actorId: 'system', actorRole: 'administrator', actorUnit: 'root', commandId: 'crashed', correlationId: 'crashed', causationId: null, occurredAt: '2018-09-06T01:00:00Z' },
    });
    await store.close();

    const ledger = await start(env);
    try {
      const token = adminTokenOf(ledger.printed);
      expect((await ledger.call('GET', '/v1/me', { token })).body.id).toBe('admin');
      expect((await ledger.events('user-admin')).map((e) => e.type)).toEqual(['UserRegistered', 'ApiTokenIssued']);
    } finally {
      await ledger.app.close();
    }
  });

  it('writes the token to LEDGER_BOOTSTRAP_TOKEN_FILE, readable by its owner only, instead of printing it', async () => {
    const { env, dir } = await sqliteLedger();
    const file = join(dir, 'admin.token');
    const ledger = await start({ ...env, LEDGER_BOOTSTRAP_TOKEN_FILE: file });
    try {
      expect(ledger.printed).not.toContain('lgr_');
      expect(ledger.printed).toContain(`Administrator token written to ${file}`);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const token = (await readFile(file, 'utf8')).trim();
      expect((await ledger.call('GET', '/v1/me', { token })).body.id).toBe('admin');
    } finally {
      await ledger.app.close();
    }
  });
});

describe('repeated authentication failures from one address', () => {
  it('are refused with 429 and Retry-After once over the limit, valid token or not', async () => {
    const { env } = await sqliteLedger();
    const ledger = await start({ ...env, LEDGER_AUTH_FAILURE_LIMIT: '3', LEDGER_AUTH_FAILURE_WINDOW_SECONDS: '60' });
    try {
      const admin = adminTokenOf(ledger.printed);
      expect((await ledger.call('GET', '/v1/me', { token: admin })).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await ledger.call('GET', '/v1/me', { token: `guess-${i}` })).status).toBe(401);
      const refused = await ledger.call('GET', '/v1/me', { token: 'guess-4' });
      expect([refused.status, refused.body.code]).toEqual([429, 'AUTH.TOO_MANY_FAILURES']);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await ledger.call('GET', '/v1/me', { token: admin })).status).toBe(429);
      expect((await ledger.call('GET', '/health')).status).toBe(200);

      const later = new Date(ledger.clock.now().getTime() + 61_000);
      const moved = jest.spyOn(ledger.clock, 'now').mockImplementation(() => later);
      try {
        expect((await ledger.call('GET', '/v1/me', { token: admin })).status).toBe(200);
      } finally {
        moved.mockRestore();
      }
    } finally {
      await ledger.app.close();
    }
  });
});

// ── PostgreSQL ──────────────────────────────────────────────────────────────────────────────────────────────────
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const POSTGRES_REQUIRED = Boolean(process.env.CI) || Boolean(process.env.LEDGER_REQUIRE_POSTGRES);

/** Jest collects tests synchronously, so reachability is asked of a short-lived child process. */
function postgresProblem(): string | undefined {
  const probe = spawnSync(
    process.execPath,
    ['-e', "const { Client } = require('pg'); const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 }); c.connect().then(() => c.end()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });", DATABASE_URL],
    { cwd: __dirname, encoding: 'utf8', timeout: 10_000, env: { ...process.env, NODE_OPTIONS: '' } },
  );
  return probe.status === 0 ? undefined : (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim();
}

const pgProblem = postgresProblem();
if (pgProblem === undefined) {
  describeAuthentication('PostgreSQL', async () => {
    const schema = `ledger_auth_e2e_${randomBytes(6).toString('hex')}`;
    return {
      env: { LEDGER_STORE: 'postgres', DATABASE_URL, LEDGER_PG_SCHEMA: schema },
      cleanup: async () => {
        const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
        try {
          await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await pool.end();
        }
      },
    };
  });
} else if (POSTGRES_REQUIRED) {
  describe('authentication and users on PostgreSQL', () => {
    it('reaches PostgreSQL (required by CI / LEDGER_REQUIRE_POSTGRES)', () => {
      throw new Error(`PostgreSQL at ${DATABASE_URL} is unreachable: ${pgProblem}`);
    });
  });
} else {
  console.warn(`PostgreSQL at ${DATABASE_URL} is unreachable (${pgProblem}): skipping the PostgreSQL authentication e2e. Set LEDGER_REQUIRE_POSTGRES=1 to fail instead.`);
}
