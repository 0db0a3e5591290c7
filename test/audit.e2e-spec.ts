import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import { auditStreamId, type Actor } from '@ledger/domain';
import {
  canonicalize,
  fromHex,
  generateEd25519,
  rawPublicKey,
  signEnvelope,
  verifyCheckpoints,
  verifyConsistency,
  verifyInclusion,
  verifyNote,
  type JsonObject,
  type LedgerStore,
} from '@ledger/event-store';
import { publicKeyOf, verifyEvidence } from '@ledger/evidence';
import { standalone } from '@ledger/evidence/testing/run-standalone';
import { LedgerCheckpoints } from '../apps/api/src/audit/ledger-checkpoints.service';
import { IdentityCommands } from '../apps/api/src/auth/identity-commands.service';
import { createLedgerApp } from '../apps/api/src/bootstrap';
import { LEDGER_STORE } from '../apps/api/src/infrastructure/ledger-store.module';
import { loadHengyang2018, type Cast, type Role } from '../apps/cli/src/demo/hengyang-2018';
import { Caller, DATABASE_URL, describeOnEachStore, expectStatus, LedgerTestApp, type StoreUnderTest } from './support/ledger-test-app';

/**
 * Signed checkpoints, proofs and evidence through HTTP, on the real application (AppModule through
 * `createLedgerApp`, configured by environment variables only) with the real first-start administrator token: the
 * Zhuhui unit and a signed sign-off of it, exported as evidence and verified offline by both verifiers against the
 * key the ledger publishes. SQLite always; PostgreSQL when reachable (required by CI / LEDGER_REQUIRE_POSTGRES).
 */

const ENV = [
  'LEDGER_STORE', 'LEDGER_DATA_DIR', 'LEDGER_SQLITE_PATH', 'LEDGER_SQLITE_SYNCHRONOUS', 'DATABASE_URL', 'LEDGER_PG_SCHEMA',
  'LEDGER_ADMIN_UNIT', 'LEDGER_BOOTSTRAP_TOKEN_FILE', 'LEDGER_AUTH_FAILURE_LIMIT', 'LEDGER_ORIGIN', 'LEDGER_CHECKPOINT_KEY_FILE',
  'LEDGER_CHECKPOINT_EVERY_EVENTS', 'LEDGER_CHECKPOINT_EVERY_SECONDS', 'LEDGER_CHECKPOINT_POLL_MS',
];
const ORIGIN = 'hengyang.example/ledger';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

type Reply = { status: number; body: any; text: string; headers: Headers };

class Running {
  constructor(
    readonly app: INestApplication,
    readonly url: string,
    readonly adminToken: string,
  ) {}

  get store(): LedgerStore {
    return this.app.get<LedgerStore>(LEDGER_STORE);
  }

  async call(method: string, path: string, token?: string, body?: unknown): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  }
}

/** Starts the application with `env` (read once, at start) and reads the first-start administrator's token file. */
async function start(env: Record<string, string>): Promise<Running> {
  const saved = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));
  for (const name of ENV) delete process.env[name];
  Object.assign(process.env, env);
  try {
    const app = await createLedgerApp({ logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    return new Running(app, `http://127.0.0.1:${port}`, (await readFile(env.LEDGER_BOOTSTRAP_TOKEN_FILE, 'utf8')).trim());
  } finally {
    for (const name of ENV) delete process.env[name];
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeOnEachStore('signed checkpoints, proofs and evidence through HTTP', (kind: StoreUnderTest) => {
  let ledger: Running;
  let dir: string;
  let schema: string;
  const tokens: Record<string, string> = {};
  const mayorKey = generateEd25519();
  const mayorRaw = rawPublicKey(mayorKey.publicKey);
  const mayorKeyId = createHash('sha256').update(mayorRaw).digest('hex');
  let publicKey: string;
  let signOffStream: string;

  const as = (who: string) => ({
    get: (path: string) => ledger.call('GET', path, tokens[who]),
    post: (path: string, body: unknown) => ledger.call('POST', path, tokens[who], body),
  });
  const expectOk = (reply: Reply, status = 200) => {
    if (reply.status !== status) throw new Error(`expected ${status}, got ${reply.status}: ${reply.text}`);
    return reply;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-audit-e2e-'));
    schema = `ledger_audit_e2e_${randomBytes(6).toString('hex')}`;
    const common = {
      LEDGER_DATA_DIR: dir,
      LEDGER_ADMIN_UNIT: 'city',
      LEDGER_BOOTSTRAP_TOKEN_FILE: join(dir, 'admin.token'),
      LEDGER_AUTH_FAILURE_LIMIT: '100000',
      LEDGER_ORIGIN: ORIGIN,
      // A checkpoint once 10 events are not covered, looked for every 50 ms; never by time within a test run.
      LEDGER_CHECKPOINT_EVERY_EVENTS: '10',
      LEDGER_CHECKPOINT_EVERY_SECONDS: '3600',
      LEDGER_CHECKPOINT_POLL_MS: '50',
    };
    ledger = await start(
      kind === 'sqlite'
        ? { ...common, LEDGER_STORE: 'sqlite', LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' }
        : { ...common, LEDGER_STORE: 'postgres', DATABASE_URL, LEDGER_PG_SCHEMA: schema },
    );
    tokens.admin = ledger.adminToken;
    const users: Array<[string, string, string]> = [
      ['p-auditor', 'auditor', 'audit'],
      ['p-zh-staff', 'unit_staff', 'zh'],
      ['p-commission', 'discipline_commissioner', 'disc'],
      ['p-mayor', 'leader', 'city'],
    ];
    for (const [id, role, unitId] of users) {
      expectOk(await as('admin').post('/v1/users', { id, displayName: id, role, unitId }), 201);
      tokens[id] = expectOk(await as('admin').post(`/v1/users/${id}/tokens`, { label: 'e2e' }), 201).body.token;
    }
    expectOk(await as('admin').post('/v1/units', { unitId: 'city', names: { en: 'Hengyang Municipal Government', zh: '衡阳市人民政府' }, kind: 'city', parentId: null }), 201);
    expectOk(await as('admin').post('/v1/units', { unitId: 'zh', names: { en: 'Zhuhui District', zh: '珠晖区' }, kind: 'district', parentId: 'city' }), 201);

    // The mayor's signing key, registered through the application's own identity service.
    const admin: Actor = { id: 'admin', role: 'administrator', unit: 'city' };
    await ledger.app
      .get(IdentityCommands)
      .execute({ type: 'RegisterUserKey', userId: 'p-mayor', publicKey: mayorRaw.toString('base64'), algorithm: 'ed25519', custody: 'user' }, { actor: admin, idempotencyKey: null, ifMatch: null, correlationId: null });

    // The mayor signs off Zhuhui's record as GET serves it: the statement carries its hash and version.
    const unit = expectOk(await as('p-mayor').get('/v1/units/zh'));
    const version = Number(JSON.parse(unit.headers.get('etag') ?? '"1"'));
    const statement = {
      comment: 'Zhuhui rectification plan reviewed',
      decision: 'approve',
      recordHash: sha256(canonicalize(unit.body as JsonObject)),
      recordStreamId: 'unit-zh',
      recordVersion: version,
      signedAt: new Date().toISOString(),
      signer: 'p-mayor',
    };
    const signature = signEnvelope('application/vnd.accountability-ledger.signoff.v1+json', Buffer.from(canonicalize(statement)), { keyid: mayorKeyId, privateKey: mayorKey.privateKey });
    const signed = expectOk(
      await as('p-mayor').post('/v1/signoffs', { signOffId: 'so-zh-plan', record: { streamId: 'unit-zh', version }, decision: 'approve', comment: statement.comment, signature }),
      201,
    );
    signOffStream = signed.body.streamId;
    publicKey = expectOk(await ledger.call('GET', '/v1/log/public-key')).body.publicKey;
  });

  afterAll(async () => {
    await ledger?.app.close();
    await rm(dir, { recursive: true, force: true });
    if (kind === 'postgres') {
      const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
      try {
        await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await pool.end();
      }
    }
  });

  it('publishes the ledger key without a token, named by its hash and as a note verifier key', async () => {
    const reply = expectOk(await ledger.call('GET', '/v1/log/public-key'));
    expect(reply.body).toMatchObject({ origin: ORIGIN, algorithm: 'ed25519', publicKey });
    expect(reply.body.keyId).toBe(createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex'));
    expect(reply.body.noteVerifierKey).toMatch(new RegExp(`^${ORIGIN.replace(/[./]/g, '\\$&')}\\+[0-9a-f]{8}\\+`));
  });

  it('signs checkpoints by itself once enough events are uncovered, into the log', async () => {
    const latest = await until('an automatic checkpoint', async () => {
      const r = await as('p-auditor').get('/v1/log/checkpoints/latest');
      return r.status === 200 ? r.body : undefined;
    });
    expect(latest).toMatchObject({ origin: ORIGIN, algorithm: 'ed25519', publicKey });
    expect(latest.size).toBeGreaterThanOrEqual(10);
    const parsed = verifyNote(latest.note, ORIGIN, publicKeyOf(publicKey)!);
    expect(parsed.ok && parsed.checkpoint.size).toBe(latest.size);
    const [event] = (await ledger.store.readStream('checkpoint-ledger')).filter((e) => e.position === latest.position);
    expect(event).toMatchObject({ type: 'CheckpointSigned', data: { note: latest.note }, metadata: { actorId: 'system' } });
  });

  it('refuses audit data to other roles, and records nothing for them', async () => {
    for (const path of ['/v1/evidence?stream=unit-zh', '/v1/log/checkpoints/latest', '/v1/log/checkpoints', '/v1/log/proofs/inclusion?position=1', '/v1/log/proofs/consistency?from=1&to=2']) {
      const reply = await as('p-zh-staff').get(path);
      expect([path, reply.status, reply.body.code]).toEqual([path, 403, 'AUTH.ROLE_NOT_ALLOWED']);
    }
    expect(await ledger.store.readStream(auditStreamId('p-zh-staff'))).toEqual([]);
    expect((await ledger.call('GET', '/v1/evidence?stream=unit-zh')).status).toBe(401);
  });

  describe('an evidence export for Zhuhui', () => {
    let text: string;
    beforeAll(async () => {
      const reply = expectOk(await as('p-auditor').get(`/v1/evidence?stream=unit-zh&stream=${signOffStream}`));
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
      text = reply.text;
    });

    it('verifies offline with our verifier and the standalone one, pinned to the published key', () => {
      const report = verifyEvidence(text, { ledgerKey: publicKey });
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      expect(report.counts.envelopes).toBe(1);
      expect(report.checks.find((c) => c.id === 'envelope')?.params).toMatchObject({ signer: 'p-mayor', keyId: mayorKeyId, custody: 'user' });
      expect(standalone(text, '--ledger-key', publicKey).code).toBe(0);
      const bundle = JSON.parse(text);
      expect(bundle.exportedBy).toEqual({ actorId: 'p-auditor', actorRole: 'auditor', actorUnit: 'audit' });
      expect(bundle.approverKeys).toEqual([expect.objectContaining({ userId: 'p-mayor', keyId: mayorKeyId })]);
    });

    it('fails offline once any byte is altered', () => {
      const altered = text.replace(/"leafHash":"(.)/, (_, c: string) => `"leafHash":"${c === '0' ? '1' : '0'}`);
      expect(verifyEvidence(altered, { ledgerKey: publicKey }).checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['event.leaf', 'export.signature']);
      expect(standalone(altered, '--ledger-key', publicKey).code).toBe(1);
    });

    it('records who exported what, and when, in the log', async () => {
      const viewed = (await ledger.store.readStream(auditStreamId('p-auditor'))).filter((e) => e.data.resource === 'evidence');
      expect(viewed).toHaveLength(1);
      expect(viewed[0]).toMatchObject({
        type: 'AuditDataViewed',
        metadata: { actorId: 'p-auditor', actorRole: 'auditor', actorUnit: 'audit' },
        data: {
          viewer: { id: 'p-auditor', role: 'auditor', unit: 'audit' },
          resource: 'evidence',
          subject: { streams: ['unit-zh', signOffStream], eventIds: [], checkpointSize: null },
          channel: 'api',
          route: 'GET /v1/evidence',
        },
      });
      expect(viewed[0].data.credentialId).toMatch(/^[0-9a-f]{24}$/);
    });

    it('is open to the discipline commission too', async () => {
      const reply = expectOk(await as('p-commission').get('/v1/evidence?stream=unit-zh'));
      expect(verifyEvidence(reply.text, { ledgerKey: publicKey }).ok).toBe(true);
      expect((await ledger.store.readStream(auditStreamId('p-commission'))).map((e) => e.data.resource)).toEqual(['evidence']);
    });
  });

  describe('checkpoints and proofs', () => {
    it('serves the latest checkpoint and any past one by size', async () => {
      await ledger.app.get(LedgerCheckpoints).checkpointer.signNow();
      const latest = expectOk(await as('p-auditor').get('/v1/log/checkpoints/latest')).body;
      const listed = expectOk(await as('p-auditor').get('/v1/log/checkpoints')).body.items;
      expect(listed.length).toBeGreaterThanOrEqual(2);
      expect(listed.at(-1)).toEqual(latest);
      const first = listed[0];
      expect(expectOk(await as('p-auditor').get(`/v1/log/checkpoints?size=${first.size}`)).body.items).toEqual([first]);
      expect((await as('p-auditor').get('/v1/log/checkpoints?size=3')).body.code).toBe('CHECKPOINT.NOT_FOUND');
    });

    it('proves an event’s inclusion, by position or by id, against a signed checkpoint', async () => {
      const latest = expectOk(await as('p-auditor').get('/v1/log/checkpoints/latest')).body;
      const [registered] = await ledger.store.readStream('unit-zh');
      for (const query of [`position=${registered.position}`, `eventId=${registered.id}`]) {
        const proof = expectOk(await as('p-auditor').get(`/v1/log/proofs/inclusion?${query}`)).body;
        expect(proof).toMatchObject({ position: registered.position, eventId: registered.id, treeSize: latest.size, checkpoint: latest });
        expect(verifyInclusion(fromHex(proof.leafHash), proof.leafIndex, proof.treeSize, proof.proof.map(fromHex), fromHex(latest.rootHash)).ok).toBe(true);
      }
      const recorded = (await ledger.store.readStream(auditStreamId('p-auditor'))).filter((e) => e.data.resource === 'inclusion-proof');
      expect(recorded.map((e) => e.data.subject)).toEqual([
        { params: {}, query: { position: String(registered.position) } },
        { params: {}, query: { eventId: registered.id } },
      ]);
    });

    it('proves consistency between two signed checkpoints', async () => {
      const [first, ...rest] = expectOk(await as('p-auditor').get('/v1/log/checkpoints')).body.items;
      const last = rest.at(-1);
      const proof = expectOk(await as('p-auditor').get(`/v1/log/proofs/consistency?from=${first.size}&to=${last.size}`)).body;
      expect(proof).toMatchObject({ from: first.size, to: last.size, fromCheckpoint: first, toCheckpoint: last });
      expect(verifyConsistency(first.size, last.size, proof.proof.map(fromHex), fromHex(first.rootHash), fromHex(last.rootHash)).ok).toBe(true);
    });

    it('answers malformed requests with 400 and unknown records with 404', async () => {
      expect((await as('p-auditor').get('/v1/evidence')).body.code).toBe('EVIDENCE.REQUEST_INVALID');
      expect((await as('p-auditor').get('/v1/evidence?stream=unit-nowhere')).body.code).toBe('EVIDENCE.NOT_FOUND');
      expect((await as('p-auditor').get('/v1/evidence?stream=Not%20a%20stream')).status).toBe(400);
      expect((await as('p-auditor').get('/v1/log/proofs/inclusion')).body.code).toBe('PROOF.EVENT_REQUIRED');
      expect((await as('p-auditor').get('/v1/log/proofs/inclusion?position=abc')).body.code).toBe('REQUEST.VALIDATION');
      expect((await as('p-auditor').get('/v1/log/proofs/consistency?from=5&to=2')).body.code).toBe('STORE.BAD_TREE_SIZE');
      expect((await as('p-auditor').get('/v1/log/proofs/inclusion?eventId=00000000-0000-8000-8000-000000000000')).status).toBe(404);
    });
  });

  it('leaves a log whose every leaf, node and checkpoint verifies against the published key', async () => {
    expect((await ledger.store.verify()).ok).toBe(true);
    const report = await verifyCheckpoints(ledger.store, { pinnedKey: publicKey });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, trust: 'pinned', rotations: 0 });
  });
});

/**
 * Done when (issue 5): for the Zhuhui referral of the Hengyang 2018 year, recorded through HTTP by the scenario
 * loader, the evidence bundle of the case verifies offline, and altering any byte of it fails naming what failed.
 */
describeOnEachStore('the Zhuhui referral (Hengyang 2018) as an evidence bundle', (kind: StoreUnderTest) => {
  let ledger: LedgerTestApp;
  let cast: Cast;
  const callers = new Map<string, Caller>();
  const as = (handle: string) => callers.get(handle)!;
  let referral: { integrity: { eventIds: string[] } };
  let text: string;
  let publicKey: string;

  beforeAll(async () => {
    ledger = await LedgerTestApp.start(kind, { now: '2018-01-02T09:00:00+08:00' });
    callers.set('admin', ledger.admin);
    cast = await loadHengyang2018({
      at: (instant) => ledger.at(instant),
      user: async (id: string, role: Role, unitId: string, name: string) => {
        callers.set(id, await ledger.user(id, role, unitId, name));
        return id;
      },
      post: (who, path, body) => as(who).post(path, body ?? {}),
      tick: () => ledger.ticker.fire(),
    });
    const cases = await as(cast.commission).get('/v1/cases?unitId=zh');
    expectStatus(cases, 200);
    expect(cases.body.items.map((c: { caseId: string }) => c.caseId)).toEqual(['ref-o-2018-zh-t4']);
    referral = cases.body.items[0].referral;
    publicKey = (await ledger.anonymous().get('/v1/log/public-key')).body.publicKey;
    const exported = await as(cast.commission).get('/v1/evidence?stream=case-ref-o-2018-zh-t4');
    expectStatus(exported, 200);
    text = exported.text;
  }, 240_000);

  afterAll(async () => {
    await ledger?.close();
  });

  it('holds the case and every event of the referral’s chronology, proven against one signed checkpoint', () => {
    const bundle = JSON.parse(text);
    const ids = new Set(bundle.events.map((e: { record: string }) => JSON.parse(e.record).id));
    expect(referral.integrity.eventIds.length).toBeGreaterThan(5);
    for (const id of referral.integrity.eventIds) expect(ids.has(id)).toBe(true);
    expect(bundle.subject).toEqual({ streams: ['case-ref-o-2018-zh-t4'], eventIds: [] });
    expect(bundle.exportedBy.actorId).toBe(cast.commission);
  });

  it('verifies offline with both verifiers, pinned to the key the ledger publishes, in every language', () => {
    const report = verifyEvidence(text, { ledgerKey: publicKey });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    for (const lang of ['en', 'vi', 'zh']) {
      const outside = standalone(text, '--ledger-key', publicKey, '--lang', lang);
      expect(outside.code).toBe(0);
      expect(outside.stdout.trim().split('\n').at(-1)).toMatch(/^(RESULT: VERIFIED|KẾT QUẢ: ĐÃ KIỂM CHỨNG|结论：验证通过)/);
    }
  });

  it('fails once any byte is altered, naming what failed', () => {
    const bytes = Buffer.from(text, 'utf8');
    for (const at of [17, Math.floor(bytes.length / 3), Math.floor(bytes.length / 2), bytes.length - 5]) {
      const altered = Buffer.from(bytes);
      altered[at] ^= 0x01;
      const report = verifyEvidence(altered.toString('utf8'), { ledgerKey: publicKey });
      expect(report.ok).toBe(false);
      expect(report.checks.some((c) => !c.ok)).toBe(true);
      expect(standalone(altered.toString('utf8'), '--ledger-key', publicKey).code).toBe(1);
    }
    const bundle = JSON.parse(text);
    bundle.events[3].proof[0] = bundle.events[3].proof[0].replace(/^./, (c: string) => (c === 'f' ? 'e' : 'f'));
    const report = verifyEvidence(canonicalize(bundle), { ledgerKey: publicKey });
    expect(report.checks.filter((c) => !c.ok).map((c) => `${c.id}${c.params.n === undefined ? '' : `#${String(c.params.n)}`}`)).toEqual(['event.proof#4', 'export.signature']);
  });
});
