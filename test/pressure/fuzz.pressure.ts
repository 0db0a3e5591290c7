/**
 * fuzz — fast-check generates malformed and hostile requests for every operation of the OpenAPI document
 * (/docs/openapi.json), plus unknown routes and methods, and a few requests below HTTP's own rules on a raw socket.
 *
 * Hostile means: wrong types, missing and unknown fields, huge strings and bodies, deep nesting, unicode edge cases
 * (NUL, RTL overrides, lone surrogates as JSON escapes and as raw CESU-8 bytes, invalid UTF-8), prototype-pollution
 * keys, SQL and template fragments, forged actor fields (actorId, actor, by, metadata, role), malformed headers
 * (Idempotency-Key, If-Match, X-Occurred-At, Accept-Language, Content-Type), and expired, revoked, tampered and
 * garbage tokens. Half the requests carry a valid token of some role, so they reach validation and the domain.
 *
 * The promises checked on every answer:
 * - no 5xx, no hang (30 s), the API stays up;
 * - every rejection is a 4xx with a JSON body `{code, message, fields}`;
 * - a rejected command leaves the log byte for byte as it was: no event appended (the ledger's own checkpoint
 *   events excepted) and the root of the tree at the old size unchanged;
 * - an accepted command (a fuzzed request can be valid) records the token's user as its actor, never a body field.
 *
 * FUZZ_RUNS requests per operation (default 30); FUZZ_SEED fixes the generator (printed, to reproduce a run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { STREAM_KINDS } from '@ledger/domain';
import { openStore, storeConfigFromEnv, type LedgerStore, type TreeHead } from '@ledger/event-store';
import { BODY_LIMIT_BYTES } from '../../apps/api/src/shared/json-body';
import { ApiProcess, apiEnvironment, sleep, type StoreKind } from './support/api-process';
import { rawExchange, type Reply } from './support/http';
import { dropSchema, freshSchemaName } from './support/postgres';
import { envNumber, runSuite, type SuiteReport } from './support/report';
import { acknowledgeTasks, expect2xx, issueDirectives, planTasks, seedOrganisation } from './support/seed';

const RUNS = envNumber('FUZZ_RUNS', 30);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2_147_483_647);
const CHECKPOINT_STREAM = 'checkpoint-ledger';

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly params: ReadonlyArray<{ name: string; in: string }>;
  readonly bodySchema?: unknown;
}

interface FuzzRequest {
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly raw?: Buffer;
  /** Who the token belongs to (undefined: no valid token). */
  readonly actorId?: string;
}

// ── hostile values ──────────────────────────────────────────────────────────────────────────────────────────────

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C',
  '\u200F\u0627\u0644\u0639\u0631\u0628\u064A\u0629',
  '\uFEFFbom',
  '\ud800',
  'x\udfffy',
  '\u{1D54F}'.repeat(300),
  'Z\u0335\u0321\u031B\u0334\u0336'.repeat(50),
  "'; DROP TABLE ledger_events; --",
  "1' OR '1'='1",
  '" OR 1=1 --',
  "'); DELETE FROM events; --",
  '$(rm -rf /)',
  '../../../../etc/passwd',
  '%00',
  '${jndi:ldap://127.0.0.1/x}',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'prototype',
  'NaN',
  '-0',
  '1e309',
  'null',
  'true',
  '\r\nX-Injected: 1',
  'đ\u0301\u0323ố',
  'Ǆ\u0130\u0131ß',
];

const FORGED_FIELDS: Record<string, unknown> = {
  actorId: 'admin',
  actor: { id: 'admin', role: 'administrator', unit: 'root' },
  by: { id: 'admin', role: 'administrator', unit: 'root' },
  metadata: { actorId: 'admin', actorRole: 'administrator', actorUnit: 'root', recordedAt: '2000-01-01T00:00:00Z' },
  role: 'administrator',
  actorRole: 'administrator',
  unit: 'root',
  recordedAt: '2000-01-01T00:00:00Z',
  occurredAt: '2000-01-01T00:00:00Z',
  position: 1,
  streamVersion: 1,
  commandId: 'forged',
};

const hugeString = fc.constantFrom(10_000, 100_001, 300_000, 1_100_000).map((n) => 'A'.repeat(n));
const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: hugeString },
);
const deep = (depth: number, array: boolean) => (array ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(-1, 0, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MIN_VALUE) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(JSON.parse('{"__proto__":{"fuzzCanary":"polluted"}}'), { constructor: { prototype: { fuzzCanary: 'polluted' } } }, FORGED_FIELDS) },
);

/** What the API logged about its 500s, from Nest's text lines or pino's JSON lines (`context: HttpError`). */
function errorLines(logs: string): string[] {
  const out: string[] = [];
  const lines = logs.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.startsWith('{')) {
      try {
        const entry = JSON.parse(line) as { context?: string; msg?: string };
        if (entry.context === 'HttpError' && entry.msg) out.push(entry.msg.split('\n').slice(0, 2).join(' ').replace(/\s+/g, ' '));
      } catch {
        // not a log line of ours
      }
    } else if (/ERROR \[HttpError\]/.test(line)) {
      out.push(`${line.replace(/^.*ERROR \[HttpError\] /, '')} ${(lines[i + 1] ?? '').trim()}`);
    }
  }
  return out;
}

/** Percent-encodes the UTF-8 bytes of any string (encodeURIComponent throws on a lone surrogate). */
function pct(value: string): string {
  let out = '';
  for (const b of Buffer.from(value, 'utf8')) out += /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/** A header value as a client sending raw UTF-8 would put it on the wire (Node refuses characters above U+00FF). */
function wire(value: string): string {
  return Buffer.from(value, 'utf8').toString('latin1');
}

// ── bodies from the OpenAPI schemas, then broken ───────────────────────────────────────────────────────────────

type Schema = { $ref?: string; allOf?: Schema[]; type?: string; properties?: Record<string, Schema>; items?: Schema; example?: unknown; enum?: unknown[]; format?: string; required?: string[] };

function resolve(schema: Schema | undefined, doc: any): Schema | undefined {
  if (!schema) return undefined;
  if (schema.$ref) return resolve(doc.components.schemas[schema.$ref.split('/').pop()!], doc);
  if (schema.allOf?.length) return { ...resolve(schema.allOf[0], doc), ...schema, allOf: undefined };
  return schema;
}

function exampleOf(schema: Schema | undefined, doc: any, depth = 0): unknown {
  const s = resolve(schema, doc);
  if (!s || depth > 6) return undefined;
  if (s.example !== undefined) return structuredClone(s.example);
  if (s.enum?.length) return s.enum[0];
  switch (s.type) {
    case 'object':
    case undefined:
      if (!s.properties) return {};
      return Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, exampleOf(v, doc, depth + 1)]).filter(([, v]) => v !== undefined));
    case 'array':
      return [exampleOf(s.items, doc, depth + 1)];
    case 'string':
      return s.format === 'date' ? '2018-09-06' : 'text';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    default:
      return null;
  }
}

/** Bodies that are not a request body at all, or break JSON or its encoding: sent to every command once. */
function fixedBodies(example: Record<string, unknown>): Array<{ label: string; raw: Buffer; contentType: string }> {
  return [
    { label: 'deep object nesting', raw: Buffer.from(deep(20_000, false)), contentType: 'application/json' },
    { label: 'deep array nesting', raw: Buffer.from(deep(50_000, true)), contentType: 'application/json' },
    { label: 'truncated JSON', raw: Buffer.from(JSON.stringify(example).slice(0, -3)), contentType: 'application/json' },
    { label: 'NaN literal', raw: Buffer.from('{"percent": NaN}'), contentType: 'application/json' },
    { label: 'huge number literal', raw: Buffer.from('{"percent": 1e400, "version": 123456789012345678901234567890}'), contentType: 'application/json' },
    { label: 'lone surrogate escape', raw: Buffer.from(JSON.stringify(example).replace(/"([^"]*)"(?=[,}])/, '"\\ud800$1"')), contentType: 'application/json' },
    { label: 'CESU-8 surrogate bytes', raw: Buffer.concat([Buffer.from('{"comment":"a'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('b","narrative":"x')]), contentType: 'application/json' },
    { label: 'invalid UTF-8', raw: Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xc0, 0xaf, 0xff, 0xfe]), Buffer.from('"}')]), contentType: 'application/json' },
    { label: 'UTF-16 body', raw: Buffer.from(JSON.stringify(example), 'utf16le'), contentType: 'application/json; charset=utf-16' },
    { label: 'BOM first', raw: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(example))]), contentType: 'application/json' },
    { label: 'duplicate keys', raw: Buffer.from(JSON.stringify(example).replace(/^\{/, '{"title":1,"title":2,')), contentType: 'application/json' },
    { label: 'form body', raw: Buffer.from('percent=10&narrative=x&actorId=admin'), contentType: 'application/x-www-form-urlencoded' },
    { label: 'text body', raw: Buffer.from(JSON.stringify(example)), contentType: 'text/plain' },
    { label: 'wrong charset', raw: Buffer.from(JSON.stringify(example)), contentType: 'application/json; charset=klingon' },
    { label: 'body over 1 MB', raw: Buffer.from(JSON.stringify({ ...example, body: 'B'.repeat(1_200_000) })), contentType: 'application/json' },
    { label: 'empty body', raw: Buffer.alloc(0), contentType: 'application/json' },
  ];
}

/** A body: the schema's example with one of many breakages, or something that is not a request body at all. */
function bodyArbitrary(schema: unknown, doc: any): fc.Arbitrary<{ label: string; raw: Buffer; contentType: string }> {
  const example = (exampleOf(schema as Schema, doc) ?? {}) as Record<string, unknown>;
  const keys = Object.keys(example);
  const json = (label: string, value: unknown) => ({ label, raw: Buffer.from(JSON.stringify(value)), contentType: 'application/json' });
  const withKey = <T>(f: (key: string) => fc.Arbitrary<T>) => (keys.length ? fc.constantFrom(...keys).chain(f) : f('x'));
  return fc.oneof(
    withKey((key) => hostileValue.map((v) => json(`field ${key} hostile`, { ...example, [key]: v }))),
    withKey((key) => fc.constant(json(`field ${key} missing`, Object.fromEntries(Object.entries(example).filter(([k]) => k !== key))))),
    fc.constantFrom(...Object.keys(FORGED_FIELDS)).map((f) => json(`forged ${f}`, { ...example, [f]: FORGED_FIELDS[f] })),
    fc.constantFrom('__proto__', 'constructor', 'prototype').map((k) => ({
      label: `pollution key ${k}`,
      raw: Buffer.from(JSON.stringify(example).replace(/^\{/, `{"${k}":{"fuzzCanary":"polluted","prototype":{"fuzzCanary":"polluted"}},`)),
      contentType: 'application/json',
    })),
    hostileValue.map((v) => json('whole body hostile', v)),
    fc.constantFrom(...fixedBodies(example)),
  );
}

runSuite('fuzz', async (report: SuiteReport, store: StoreKind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-fuzz-'));
  const schema = store === 'postgres' ? freshSchemaName('fuzz') : undefined;
  const base = { store, dataDir, schema };
  let api: ApiProcess | undefined;
  let ledger: LedgerStore | undefined;
  console.log(`  seed ${SEED} (FUZZ_SEED=${SEED} reproduces this run), ${RUNS} requests per operation`);
  report.detail('settings', { seed: SEED, runs: RUNS });
  try {
    // Failures are what is fuzzed here; the 401 limit would turn most of them into 429 (the security suite checks it).
    api = await ApiProcess.start({ ...base, env: { LEDGER_AUTH_FAILURE_LIMIT: '1000000' } });
    const http = api.http;
    const admin = await api.adminToken();
    const org = await seedOrganisation(http, admin, { units: 12, districts: 3, tasks: 0 });
    const tasks = planTasks(org, 30, 30, 'fz-');
    await issueDirectives(http, org, tasks);
    await acknowledgeTasks(http, org, tasks, new Map());
    const tokens: Array<{ label: string; token: string; actorId?: string }> = [
      { label: 'administrator', token: admin, actorId: 'admin' },
      { label: 'leader', token: org.tokens.issuer, actorId: 'p-mayor' },
      { label: 'inspector', token: org.tokens.inspector, actorId: 'p-inspector' },
      { label: 'auditor', token: org.tokens.auditor, actorId: 'p-auditor' },
      { label: 'unit_staff', token: org.tokens.staff.get(tasks[0].leadUnitId)!, actorId: `s-${tasks[0].leadUnitId}` },
    ];
    for (const role of ['unit_head', 'appraiser', 'discipline_commissioner']) {
      const id = `fz-${role.replace(/_/g, '-')}`;
      expect2xx(await http.post('/v1/users', admin, { id, displayName: id, role, unitId: role === 'unit_head' ? tasks[0].leadUnitId : 'city' }), `registering ${id}`);
      tokens.push({ label: role, token: expect2xx(await http.post(`/v1/users/${id}/tokens`, admin, {}), 'token').body.token, actorId: id });
    }
    // Expired, revoked and tampered tokens of a real user.
    const victim = `s-${tasks[0].leadUnitId}`;
    const expiring = expect2xx(await http.post(`/v1/users/${victim}/tokens`, admin, { expiresAt: new Date(Date.now() + 3000).toISOString().replace(/\.\d{3}Z$/, 'Z') }), 'expiring token').body;
    const revoked = expect2xx(await http.post(`/v1/users/${victim}/tokens`, admin, { label: 'to revoke' }), 'token to revoke').body;
    expect2xx(await http.post(`/v1/users/${victim}/tokens/${revoked.tokenId}/revoke`, admin, { reason: 'fuzz' }), 'revoking');
    // The user the /v1/users/{id}/… operations name: fuzzed requests may legitimately deactivate or re-role them.
    expect2xx(await http.post('/v1/users', admin, { id: 'fz-target', displayName: 'Fuzz target', role: 'unit_staff', unitId: tasks[0].leadUnitId }), 'registering fz-target');
    const targetToken = expect2xx(await http.post('/v1/users/fz-target/tokens', admin, {}), 'token of fz-target').body;
    const signOff = expect2xx(await http.post('/v1/signoffs', org.tokens.signer, { record: { streamId: `task-${tasks[1].taskId}` }, decision: 'approve' }), 'sign-off').body;
    const extension = expect2xx(await http.post(`/v1/tasks/${tasks[2].taskId}/extension-requests`, org.tokens.staff.get(tasks[2].leadUnitId)!, { newDeadline: '2099-12-31', reason: 'fuzz' }), 'extension request').body;
    await sleep(3500);
    const valid = tokens[4].token;
    const flip = (t: string, at: number) => t.slice(0, at) + (t[at] === 'A' ? 'B' : 'A') + t.slice(at + 1);
    const badTokens: Array<{ label: string; header: string | undefined }> = [
      { label: 'no token', header: undefined },
      { label: 'expired token', header: `Bearer ${expiring.token}` },
      { label: 'revoked token', header: `Bearer ${revoked.token}` },
      { label: 'secret tampered', header: `Bearer ${flip(valid, valid.length - 1)}` },
      { label: 'token id tampered', header: `Bearer ${flip(valid, 6)}` },
      { label: 'token truncated', header: `Bearer ${valid.slice(0, -5)}` },
      { label: 'token extended', header: `Bearer ${valid}x` },
      { label: 'another user’s id, this secret', header: `Bearer ${valid.replace(/^lgr_[^_]+_/, `lgr_${revoked.tokenId}_`)}` },
      { label: 'lower-case scheme', header: `bearer ${valid}` },
      { label: 'basic scheme', header: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
      { label: 'scheme only', header: 'Bearer' },
      { label: 'two tokens', header: `Bearer ${valid} ${valid}` },
      { label: 'token of 600 chars', header: `Bearer ${'a'.repeat(600)}` },
      { label: 'SQL in token', header: "Bearer lgr_' OR 1=1 --" },
      { label: 'JWT-looking garbage', header: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.' },
    ];
    const doc = (await http.get('/docs/openapi.json')).body;
    const operations: Operation[] = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, params: op.parameters ?? [], bodySchema: op.requestBody?.content?.['application/json']?.schema })),
    );
    report.figure('operations in the OpenAPI document', operations.length);

    const real: Record<string, string> = {
      id: 'fz-target',
      tokenId: targetToken.tokenId,
      unitId: tasks[0].leadUnitId,
      personId: `h-${tasks[0].leadUnitId}`,
      directiveId: tasks[0].directiveId,
      taskId: tasks[3].taskId,
      requestId: extension.requestId ?? 'ext-1',
      signOffId: signOff.id,
    };
    const pathValue = fc.oneof(
      { weight: 3, arbitrary: fc.constant<string | undefined>(undefined) },
      { weight: 2, arbitrary: hostileString.filter((s) => s.length < 1000) },
    );
    const headerValue = fc.oneof(fc.constantFrom(...NASTY_STRINGS.filter((s) => !/[\r\n\u0000]/.test(s) && s.length < 2000)), fc.string({ maxLength: 120 }).filter((s) => /^[\x20-\x7e]*$/.test(s))).map(wire);
    const requests: FuzzRequest[] = [];
    for (const op of operations) {
      const pathParams = op.params.filter((p) => p.in === 'path').map((p) => p.name);
      const queryParams = op.params.filter((p) => p.in === 'query').map((p) => p.name);
      const arb = fc.record({
        auth: fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom(...tokens).map((t) => ({ label: t.label, header: `Bearer ${t.token}` as string | undefined, actorId: t.actorId })) },
          { weight: 5, arbitrary: fc.constantFrom(...badTokens).map((t) => ({ ...t, actorId: undefined as string | undefined })) },
        ),
        pathValues: fc.tuple(...pathParams.map(() => pathValue)),
        query: fc.array(fc.tuple(fc.constantFrom(...(queryParams.length ? queryParams : ['q']), '__proto__', 'constructor[prototype][x]', 'pageSize'), fc.oneof(hostileString.filter((s) => s.length < 300), fc.constantFrom('-1', '0', '1e9', '9999999999999999999999', 'true', '[]', '{}'))), { maxLength: 4 }),
        body: op.method === 'POST' ? bodyArbitrary(op.bodySchema, doc) : fc.constant(undefined),
        header: fc.option(fc.tuple(fc.constantFrom('idempotency-key', 'if-match', 'x-occurred-at', 'accept-language', 'x-correlation-id', 'content-type'), headerValue), { freq: 2 }),
      });
      for (const r of fc.sample(arb, { numRuns: RUNS, seed: SEED + requests.length })) {
        let path = op.path;
        pathParams.forEach((name, i) => {
          const v = r.pathValues[i];
          path = path.replace(`{${name}}`, v === undefined ? real[name] ?? 'x' : pct(v));
        });
        const qs = r.query.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&');
        const headers: Record<string, string> = {};
        if (r.auth.header !== undefined) headers.authorization = r.auth.header;
        if (r.body) headers['content-type'] = r.body.contentType;
        if (r.header) headers[r.header[0]] = r.header[1];
        requests.push({
          label: `${op.method} ${op.path} [${r.auth.label}${r.body ? `; ${r.body.label}` : ''}${r.header ? `; header ${r.header[0]}` : ''}${r.query.length ? '; query' : ''}]`,
          method: op.method,
          path: qs ? `${path}?${qs}` : path,
          headers,
          raw: r.body?.raw,
          actorId: r.auth.actorId,
        });
      }
    }
    // Every command once with each fixed breakage, as the administrator (who passes every role check).
    for (const op of operations.filter((o) => o.method === 'POST')) {
      const path = op.params.filter((p) => p.in === 'path').reduce((acc, p) => acc.replace(`{${p.name}}`, real[p.name] ?? 'x'), op.path);
      for (const body of fixedBodies((exampleOf(op.bodySchema as Schema, doc) ?? {}) as Record<string, unknown>)) {
        requests.push({ label: `${op.method} ${op.path} [administrator; ${body.label}]`, method: op.method, path, headers: { authorization: `Bearer ${admin}`, 'content-type': body.contentType }, raw: body.raw, actorId: 'admin' });
      }
    }
    // Routes and methods nobody declared.
    for (const [method, path] of [
      ['PUT', `/v1/tasks/${real.taskId}`],
      ['DELETE', `/v1/tasks/${real.taskId}`],
      ['PATCH', `/v1/units/${real.unitId}`],
      ['DELETE', '/v1/users/admin'],
      ['POST', '/v1/events'],
      ['GET', '/v1/tasks/%ED%A0%80'],
      ['GET', '/v1/tasks/%ZZ'],
      ['GET', '/v1/units/%00'],
      ['GET', `/v1/tasks/${'x'.repeat(10_000)}`],
      ['GET', '/v1/tasks/..%2F..%2Fhealth'],
      ['OPTIONS', '/v1/tasks'],
      ['TRACE', '/v1/tasks'],
      ['HEAD', '/v1/tasks'],
    ]) {
      for (const t of [tokens[0], undefined]) {
        requests.push({ label: `${method} ${path.slice(0, 60)} [${t ? t.label : 'no token'}]`, method, path, headers: t ? { authorization: `Bearer ${t.token}` } : {}, actorId: t?.actorId });
      }
    }
    report.figure('generated requests', requests.length);

    ledger = await openStore(storeConfigFromEnv(apiEnvironment(base)), new Set(STREAM_KINDS));
    const reader = ledger;
    let head: TreeHead = await reader.treeHead();
    const violations: Array<{ label: string; problem: string; status?: number; body?: string }> = [];
    const statuses = new Map<number, number>();
    const codes = new Map<string, number>();
    let accepted = 0;
    let rejected = 0;
    let unsendable = 0;
    let closedWhileSending = 0;
    /**
     * The log after a write: after a rejection, nothing appended and the tree at its old size unchanged; after an
     * acceptance, every new event recorded as the token's user. Then the baseline moves to the new size.
     */
    const checkLog = async (req: { label: string; actorId?: string }, ok: boolean, status: number, i: number): Promise<void> => {
      const size = await reader.headPosition();
      const appended = size > head.size ? (await reader.readAll({ fromPosition: head.size + 1, limit: 10_000 })).filter((e) => e.streamId !== CHECKPOINT_STREAM) : [];
      if (!ok && appended.length > 0) violations.push({ label: req.label, problem: `rejected with ${status || 'a closed connection'} but appended ${appended.map((e) => e.type).join(', ')}` });
      if (ok) {
        const foreign = appended.filter((e) => e.metadata.actorId !== req.actorId);
        if (foreign.length > 0) violations.push({ label: req.label, problem: `accepted events recorded as ${foreign.map((e) => e.metadata.actorId).join(', ')}, not the token's user ${req.actorId}` });
      }
      if (i % 25 === 0 || !ok) {
        const before = await reader.treeHead(head.size);
        if (before.rootHash !== head.rootHash) violations.push({ label: req.label, problem: `the tree of size ${head.size} changed: ${head.rootHash} → ${before.rootHash}` });
      }
      if (size !== head.size) head = await reader.treeHead(size);
    };
    const started = performance.now();
    for (const [i, req] of requests.entries()) {
      const writes = req.method !== 'GET' && req.method !== 'HEAD';
      // The baseline is taken just before each command: audited reads before it append their own records.
      if (writes) {
        const size = await reader.headPosition();
        if (size !== head.size) head = await reader.treeHead(size);
      }
      let res: Reply | undefined;
      try {
        res = await http.request(req.method, req.path, { headers: req.headers, raw: req.raw, timeoutMs: 30_000 });
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'ERR_INVALID_CHAR' || code === 'ERR_UNESCAPED_CHARACTERS' || code === 'ERR_INVALID_HTTP_TOKEN') {
          unsendable++;
          continue;
        }
        // A body over the API's limit is refused before it is read: 413 with `Connection: close` (Fastify closes a
        // connection whose body it will not read). The client, still sending, may meet the closed socket before it
        // reads the 413: a refusal too, as long as nothing was written and the API is still up.
        if ((code === 'EPIPE' || code === 'ECONNRESET') && req.raw !== undefined && req.raw.length > BODY_LIMIT_BYTES && api.running) {
          closedWhileSending++;
          rejected++;
          if (writes) await checkLog(req, false, 0, i);
          continue;
        }
        violations.push({ label: req.label, problem: `no answer: ${e instanceof Error ? e.message : String(e)}` });
        if (!api.running) {
          violations.push({ label: req.label, problem: 'the API died' });
          break;
        }
        continue;
      }
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const ok = res.status >= 200 && res.status < 300;
      if (res.status >= 500) violations.push({ label: req.label, problem: '5xx', status: res.status, body: res.text.slice(0, 300) });
      if (!ok) {
        rejected++;
        const b = res.body as { code?: unknown; message?: unknown; fields?: unknown } | undefined;
        const shaped =
          req.method === 'HEAD'
            ? true
            : typeof b === 'object' && b !== null && typeof b.code === 'string' && b.code.length > 0 && typeof b.message === 'string' && b.message.length > 0 && Array.isArray(b.fields) && b.fields.every((f: any) => typeof f?.field === 'string');
        if (res.status >= 400 && res.status < 500 && !shaped) violations.push({ label: req.label, problem: 'rejection without {code, message, fields}', status: res.status, body: res.text.slice(0, 300) });
        if (res.status < 400) violations.push({ label: req.label, problem: 'neither accepted nor a 4xx', status: res.status, body: res.text.slice(0, 300) });
        if (typeof b?.code === 'string') codes.set(b.code, (codes.get(b.code) ?? 0) + 1);
      } else accepted++;
      if (writes) await checkLog(req, ok, res.status, i);
    }
    const seconds = (performance.now() - started) / 1000;

    // Requests below HTTP's rules: answered by Node's parser before the application (report their shape).
    const rawCases: Array<[string, Buffer]> = [
      ['NUL in a header', Buffer.from(`GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\u0000b\r\nConnection: close\r\n\r\n`, 'latin1')],
      ['header name with a space', Buffer.from('GET /v1/me HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\nConnection: close\r\n\r\n')],
      ['Content-Length and Transfer-Encoding', Buffer.from('POST /v1/units HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n')],
      ['negative Content-Length', Buffer.from('POST /v1/units HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n')],
      ['invalid UTF-8 in the path', Buffer.concat([Buffer.from('GET /v1/tasks/'), Buffer.from([0xed, 0xa0, 0x80, 0xff]), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')])],
      ['garbage request line', Buffer.from('\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n', 'latin1')],
      ['HTTP/0.9', Buffer.from('GET /v1/me\r\n\r\n')],
      ['header of 100 kB', Buffer.from(`GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\nConnection: close\r\n\r\n`)],
      ['request line of 20 kB', Buffer.from(`GET /v1/tasks/${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)],
    ];
    const rawResults: Array<{ case: string; status: number; jsonBody: boolean }> = [];
    for (const [name, bytes] of rawCases) {
      const before = await reader.headPosition();
      const r = await rawExchange(api.port, bytes).catch((e: unknown) => ({ status: 0, head: String(e), body: '' }));
      let jsonBody = false;
      try {
        const b = JSON.parse(r.body);
        jsonBody = typeof b.code === 'string' && typeof b.message === 'string' && Array.isArray(b.fields);
      } catch {
        jsonBody = false;
      }
      rawResults.push({ case: name, status: r.status, jsonBody });
      if (r.status >= 500) violations.push({ label: `raw: ${name}`, problem: '5xx', status: r.status });
      if ((await reader.headPosition()) !== before) violations.push({ label: `raw: ${name}`, problem: 'appended' });
    }
    report.detail('rawProtocol', rawResults);
    const unshapedRaw = rawResults.filter((r) => r.status >= 400 && !r.jsonBody);
    if (unshapedRaw.length) {
      report.note(`${unshapedRaw.length} of ${rawResults.length} requests that break HTTP itself are refused by Node's parser before the application, with ${[...new Set(unshapedRaw.map((r) => r.status))].join('/')} and no {code, message, fields} body (${unshapedRaw.map((r) => r.case).join('; ')}); a 'clientError' handler in bootstrap could give them the API's error body`);
    }

    // Unicode edge cases inside an otherwise valid command: what is accepted, what refused (reported), never a 5xx.
    const probeTask = tasks[5];
    const probeToken = org.tokens.staff.get(probeTask.leadUnitId)!;
    const probes: Array<[string, Buffer]> = [
      ['lone surrogate (JSON escape)', Buffer.from('{"percent": 5, "narrative": "a\\ud800b"}')],
      ['lone surrogate (CESU-8 bytes)', Buffer.concat([Buffer.from('{"percent": 5, "narrative": "a'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('b"}')])],
      ['invalid UTF-8 bytes', Buffer.concat([Buffer.from('{"percent": 5, "narrative": "a'), Buffer.from([0xc0, 0xaf, 0xff]), Buffer.from('b"}')])],
      ['NUL character', Buffer.from('{"percent": 5, "narrative": "a\\u0000b"}')],
      ['RTL override', Buffer.from('{"percent": 5, "narrative": "\u202Eevil\u202C"}')],
      ['non-characters U+FFFE, U+10FFFF', Buffer.from('{"percent": 5, "narrative": "\\ufffe\\udbff\\udfff"}')],
    ];
    const probeResults: Array<{ probe: string; status: number; code?: string; stored?: string }> = [];
    for (const [name, raw] of probes) {
      const before = await reader.headPosition();
      const r = await http.request('POST', `/v1/tasks/${probeTask.taskId}/progress-reports`, { token: probeToken, raw });
      const after = await reader.headPosition();
      let stored: string | undefined;
      if (after > before) {
        const [event] = await reader.readAll({ fromPosition: after, limit: 1 });
        stored = JSON.stringify((event.data as { narrative?: string }).narrative);
      }
      probeResults.push({ probe: name, status: r.status, code: r.body?.code, stored });
      if (r.status >= 500) violations.push({ label: `probe: ${name}`, problem: '5xx', status: r.status, body: r.text.slice(0, 300) });
      if (r.status >= 400 && after !== before) violations.push({ label: `probe: ${name}`, problem: `rejected with ${r.status} but appended` });
      console.log(`  unicode probe ${name}: ${r.status}${r.body?.code ? ` ${r.body.code}` : ''}${stored ? `, stored as ${stored}` : ''}`);
    }
    report.detail('unicodeProbes', probeResults);
    const replaced = probeResults.filter((p) => p.stored?.includes('\\ufffd') || p.stored?.includes('\ufffd'));
    if (replaced.length) {
      report.note(`body bytes that are not UTF-8 (${replaced.map((p) => p.probe).join(', ')}) are accepted and stored with U+FFFD in their place (the JSON body parser decodes leniently), while a lone surrogate written as a JSON escape is refused (STORE.NOT_I_JSON): I-JSON asks for both to be refused`);
    }

    // After all that: the API is up, answers a clean request, and nothing leaked into objects it serves.
    const clean = await Promise.all([http.get('/v1/me', valid), http.get(`/v1/tasks/${real.taskId}`, admin), http.get('/v1/units', admin), http.get('/health')]);
    report.check(clean.every((r) => r.status === 200), 'the API still answers clean requests after the fuzzing', clean.map((r) => r.status));
    report.check(clean.every((r) => !r.text.includes('fuzzCanary')), 'no prototype pollution visible in later answers');
    const verify = await reader.verify();
    report.check(verify.ok, 'the log verifies after the fuzzing', verify.problems.slice(0, 3));

    report.figure('requests sent', requests.length + rawCases.length);
    report.figure('requests/s', requests.length / seconds, 'req/s');
    report.figure('rejected / accepted', `${rejected} / ${accepted}`);
    report.figure('generated requests node:http would not send (skipped)', unsendable);
    report.figure('bodies over the limit refused by closing the connection before the 413 was read', closedWhileSending);
    report.detail('statuses', Object.fromEntries([...statuses.entries()].sort((a, b) => a[0] - b[0])));
    report.detail('codes', Object.fromEntries([...codes.entries()].sort((a, b) => b[1] - a[1])));
    console.log(`  statuses: ${[...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`);
    console.log(`  codes: ${[...codes.entries()].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([c, n]) => `${c}×${n}`).join(' ')}`);
    report.detail('violations', violations.slice(0, 100));
    const serverErrors = errorLines(api.logs());
    if (serverErrors.length) {
      report.detail('serverErrors', serverErrors.slice(0, 20));
      const causes = new Map<string, string[]>();
      for (const e of serverErrors) {
        const route = /^(\S+ \S+): /.exec(e)?.[1] ?? '?';
        const cause = e.replace(/^\S+ \S+: /, '').split(/\s+at\s/)[0].replace(/\s+/g, ' ').trim();
        causes.set(cause, [...(causes.get(cause) ?? []), route]);
      }
      report.detail('serverErrorCauses', Object.fromEntries([...causes].map(([c, routes]) => [c, [...new Set(routes)]])));
      for (const [cause, routes] of causes) report.note(`500 ${routes.length}×: ${cause} (e.g. ${[...new Set(routes)].slice(0, 3).join(', ')})`);
    }
    const byProblem = new Map<string, typeof violations>();
    for (const v of violations) byProblem.set(v.problem.split(':')[0], [...(byProblem.get(v.problem.split(':')[0]) ?? []), v]);
    for (const [problem, list] of byProblem) console.log(`  ${list.length} × ${problem}: e.g. ${list.slice(0, 3).map((v) => `${v.label} → ${v.status ?? ''} ${v.body ?? ''}`).join(' | ')}`);
    report.check(!violations.some((v) => v.problem === '5xx' || v.problem.startsWith('no answer') || v.problem === 'the API died'), 'no 5xx, no hang, the API stays up', violations.filter((v) => v.problem === '5xx' || v.problem.startsWith('no answer')).slice(0, 5));
    report.check(!violations.some((v) => v.problem.startsWith('rejection without') || v.problem.startsWith('neither')), 'every rejection is a 4xx with {code, message, fields}', violations.filter((v) => v.problem.startsWith('rejection without') || v.problem.startsWith('neither')).slice(0, 5));
    report.check(!violations.some((v) => v.problem.startsWith('rejected with') || v.problem.startsWith('the tree')), 'rejected requests leave the log byte for byte unchanged', violations.filter((v) => v.problem.startsWith('rejected with') || v.problem.startsWith('the tree')).slice(0, 5));
    report.check(!violations.some((v) => v.problem.startsWith('accepted events recorded as')), 'accepted requests are recorded as the token’s user, whatever the body says', violations.filter((v) => v.problem.startsWith('accepted')).slice(0, 5));
  } finally {
    await ledger?.close();
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (schema) await dropSchema(schema).catch((e) => console.error(`dropping ${schema}: ${e}`));
  }
});
