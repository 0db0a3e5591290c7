/**
 * security — spot checks on the real API process (real clock, real limiter), beyond the end-to-end matrix:
 *
 * - role × endpoint × scope: lists and filters never leak a record outside the caller's read scope; reads and
 *   commands out of scope are 403; the role check comes before existence; auditors never write; a role change or a
 *   deactivation takes effect on the tokens already issued; nobody administers another's tokens;
 * - tokens: expiry by the real clock, revocation through the API and through the CLI while the API runs (how long
 *   until refused), a token in the query string or a cookie is not a credential;
 * - the 401 limit: past LEDGER_AUTH_FAILURE_LIMIT failures one address gets 429 with Retry-After for everything,
 *   valid token or not, X-Forwarded-For does not get around it, another address is unaffected;
 * - secrets: no token, token secret, secret hash or database password appears in any response body or in the API's
 *   stdout/stderr — including the start-up failure on an unreachable database;
 * - dependencies: an inventory of every installed package with version and license (bench/results/dependencies-*.json)
 *   and `npm audit`, summarised, failing only on critical advisories in production dependencies; where the registry
 *   has no audit service the audit is reported as unavailable (not done), never as passed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { dependencyReport, describeAudit, writeDependencyReport } from './dependency-report';
import { ApiProcess, apiEnvironment, freePort, REPO_ROOT, runCli, sleep, type StoreKind } from './support/api-process';
import { Http, type Reply } from './support/http';
import { DATABASE_URL, dropSchema, freshSchemaName, passwordOf } from './support/postgres';
import { envNumber, runSuite, type SuiteReport } from './support/report';
import { acknowledgeTasks, expect2xx, issueDirectives, planTasks, seedOrganisation } from './support/seed';

const LIMIT = envNumber('SECURITY_AUTH_FAILURE_LIMIT', 20);

/** The database URL with a password in it (a canary) when the configured one has none: it must never show. */
function urlWithPassword(): { url: string; password: string } {
  const existing = passwordOf(DATABASE_URL);
  if (existing) return { url: DATABASE_URL, password: existing };
  const canary = `canary-pw-${Math.random().toString(36).slice(2, 10)}`;
  const u = new URL(DATABASE_URL);
  u.password = canary;
  return { url: u.toString(), password: canary };
}

function secretOf(token: string): string {
  return token.split('_').slice(2).join('_');
}

runSuite('security', async (report: SuiteReport, store: StoreKind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-security-'));
  const schema = store === 'postgres' ? freshSchemaName('security') : undefined;
  const db = urlWithPassword();
  const env = { LEDGER_AUTH_FAILURE_LIMIT: String(LIMIT), ...(store === 'postgres' ? { DATABASE_URL: db.url } : {}) };
  const base = { store, dataDir, schema, env };
  let api: ApiProcess | undefined;
  const bodies: string[] = [];
  const secrets = new Map<string, string>();
  const keep = (label: string, token: string) => {
    secrets.set(`${label} (token)`, token);
    secrets.set(`${label} (secret)`, secretOf(token));
    secrets.set(`${label} (secret's SHA-256)`, createHash('sha256').update(secretOf(token), 'utf8').digest('hex'));
    return token;
  };
  const recorded = (http: Http): Http => {
    const request = http.request.bind(http);
    http.request = (async (...args: Parameters<Http['request']>) => {
      const res = await request(...args);
      bodies.push(res.text);
      return res;
    }) as Http['request'];
    return http;
  };
  const outcomes: Array<{ check: string; status: number; expected: string; ok: boolean }> = [];
  const expectStatus = (check: string, res: Reply, expected: number | number[], code?: string) => {
    const statuses = Array.isArray(expected) ? expected : [expected];
    const ok = statuses.includes(res.status) && (code === undefined || res.body?.code === code);
    outcomes.push({ check, status: res.status, expected: `${statuses.join('/')}${code ? ` ${code}` : ''}`, ok });
    report.check(ok, check, `${res.status} ${res.text.slice(0, 200)}`);
  };
  try {
    api = await ApiProcess.start(base);
    const http = recorded(api.http);
    // Expected 401s come from their own address, so they do not count against the one the other checks use.
    const refused = recorded(new Http(api.baseUrl, { localAddress: '127.0.0.3' }));
    const admin = keep('administrator', await api.adminToken());
    const org = await seedOrganisation(http, admin, { units: 12, districts: 3, tasks: 0 });
    const tasks = planTasks(org, 40, 40, 'sec-');
    await issueDirectives(http, org, tasks);
    await acknowledgeTasks(http, org, tasks, new Map());
    for (const [label, token] of Object.entries({ issuer: org.tokens.issuer, signer: org.tokens.signer, inspector: org.tokens.inspector, auditor: org.tokens.auditor })) keep(label, token);
    for (const [unit, token] of org.tokens.staff) keep(`staff of ${unit}`, token);
    for (const [unit, token] of org.tokens.districtLeaders) keep(`leader of ${unit}`, token);

    // ── role × endpoint × scope ────────────────────────────────────────────────────────────────────────────────
    const [d1, d2] = org.districts;
    const inD1 = tasks.find((t) => t.leadUnitId.startsWith(`${d1}-`))!;
    const inD2 = tasks.find((t) => t.leadUnitId.startsWith(`${d2}-`))!;
    const staffD1 = org.tokens.staff.get(inD1.leadUnitId)!;
    const leaderD1 = org.tokens.districtLeaders.get(d1)!;
    const inScope = (unit: string, root: string) => unit === root || unit.startsWith(`${root}-`);

    const lists = [
      `/v1/tasks?pageSize=500`,
      `/v1/tasks?unitId=${inD2.leadUnitId}&pageSize=500`,
      `/v1/tasks?unitId=${d2}&subtree=true&pageSize=500`,
      `/v1/tasks?directiveId=${inD2.directiveId}&pageSize=500`,
      `/v1/tasks?documentNumber=PRESSURE-${inD2.directiveId}&pageSize=500`,
      `/v1/tasks?unitId=city&subtree=true&unitRole=co&pageSize=500`,
    ];
    let leaked = 0;
    for (const path of lists) {
      const res = await http.get(path, staffD1);
      const items = (res.body?.items ?? []) as Array<{ assignment: { leadUnitId: string; coUnitIds: string[] } }>;
      const outside = items.filter((t) => !inScope(t.assignment.leadUnitId, inD1.leadUnitId) && !t.assignment.coUnitIds.some((c) => inScope(c, inD1.leadUnitId)));
      leaked += outside.length;
      report.check(res.status === 200 && outside.length === 0, `a ward's staff list (${path}) holds only tasks of their ward`, { status: res.status, outside: outside.length });
    }
    const leaderList = await http.get(`/v1/tasks?pageSize=500`, leaderD1);
    const leaderOutside = (leaderList.body?.items ?? []).filter((t: any) => !inScope(t.assignment.leadUnitId, d1) && !t.assignment.coUnitIds.some((c: string) => inScope(c, d1)));
    report.check(leaderList.status === 200 && leaderOutside.length === 0, 'a district leader’s list holds only tasks of their district', { status: leaderList.status, outside: leaderOutside.length });
    const signoff = expect2xx(await http.post('/v1/signoffs', org.tokens.signer, { record: { streamId: `task-${inD2.taskId}` }, decision: 'approve' }), 'sign-off').body;
    const signoffs = await http.get(`/v1/signoffs?streamId=task-${inD2.taskId}`, staffD1);
    report.check(signoffs.status === 200 && signoffs.body.items.length === 0, 'a sign-off of an out-of-scope task is not in the staff’s sign-off list', signoffs.text.slice(0, 200));
    expectStatus('reading an out-of-scope sign-off is 403', await http.get(`/v1/signoffs/${signoff.id}`, staffD1), 403);
    expectStatus('reading an out-of-scope task is 403', await http.get(`/v1/tasks/${inD2.taskId}`, staffD1), 403, 'AUTH.OUT_OF_SCOPE');
    expectStatus('reading an out-of-scope timeline is 403', await http.get(`/v1/tasks/${inD2.taskId}/timeline`, staffD1), 403);
    expectStatus('reading what another unit was told is 403', await http.get(`/v1/units/${inD2.leadUnitId}/notices`, staffD1), 403);
    expectStatus('reading who heads another unit is 403', await http.get(`/v1/units/${inD2.leadUnitId}/head`, staffD1), 403);
    expectStatus('a district leader reminding another district’s task is 403', await http.post(`/v1/tasks/${inD2.taskId}/reminders`, leaderD1, { message: 'x', channel: 'phone' }), 403, 'AUTH.OUT_OF_SCOPE');
    expectStatus('staff reporting progress on another ward’s task is 403', await http.post(`/v1/tasks/${inD2.taskId}/progress-reports`, staffD1, { percent: 1, narrative: 'x' }), 403, 'AUTH.OUT_OF_SCOPE');
    expectStatus('the role check comes before existence (staff reminding an unknown task: 403)', await http.post('/v1/tasks/no-such-task/reminders', staffD1, { message: 'x', channel: 'phone' }), 403, 'AUTH.ROLE_NOT_ALLOWED');
    expectStatus('an auditor never writes (reminder: 403)', await http.post(`/v1/tasks/${inD1.taskId}/reminders`, org.tokens.auditor, { message: 'x', channel: 'phone' }), 403, 'AUTH.ROLE_NOT_ALLOWED');
    expectStatus('an auditor reads everything', await http.get(`/v1/tasks/${inD2.taskId}/timeline`, org.tokens.auditor), 200);
    expectStatus('staff backdating with X-Occurred-At is 403', await http.post(`/v1/tasks/${inD1.taskId}/progress-reports`, staffD1, { percent: 1, narrative: 'x' }, { 'x-occurred-at': '2020-01-01T09:00:00+08:00' }), 403, 'AUTH.BACKDATING_NOT_ALLOWED');
    expectStatus('staff listing users is 403', await http.get('/v1/users', staffD1), 403);
    expectStatus('staff reading another user is 403', await http.get(`/v1/users/p-mayor`, staffD1), 403);
    expectStatus('staff issuing a token for another user is 403', await http.post('/v1/users/p-mayor/tokens', staffD1, {}), 403);
    expectStatus('staff changing their own role is 403', await http.post(`/v1/users/s-${inD1.leadUnitId}/role`, staffD1, { role: 'administrator', unitId: 'root', reason: 'x' }), 403);
    expectStatus('an administrator deactivating themselves is 403', await http.post('/v1/users/admin/deactivate', admin, { reason: 'x' }), 403);
    const mayorTokens = (await http.get('/v1/users/p-mayor', admin)).body.tokens as Array<{ tokenId: string }>;
    expectStatus('staff revoking another user’s token is 403', await http.post(`/v1/users/p-mayor/tokens/${mayorTokens[0].tokenId}/revoke`, staffD1, { reason: 'x' }), 403);

    // A role change and a deactivation take effect on tokens already issued.
    expect2xx(await http.post('/v1/users', admin, { id: 'sec-mover', displayName: 'Mover', role: 'unit_staff', unitId: inD1.leadUnitId }), 'mover');
    const mover = keep('mover', expect2xx(await http.post('/v1/users/sec-mover/tokens', admin, {}), 'mover token').body.token);
    expectStatus('staff may report progress on their ward’s task', await http.post(`/v1/tasks/${inD1.taskId}/progress-reports`, mover, { percent: 2, narrative: 'before the move' }), 200);
    expect2xx(await http.post('/v1/users/sec-mover/role', admin, { role: 'auditor', unitId: inD1.leadUnitId, reason: 'moved to audit' }), 'role change');
    expectStatus('after a role change to auditor the same token may not write', await http.post(`/v1/tasks/${inD1.taskId}/progress-reports`, mover, { percent: 3, narrative: 'after the move' }), 403);
    expect2xx(await http.post('/v1/users/sec-mover/deactivate', admin, { reason: 'left' }), 'deactivation');
    expectStatus('a deactivated user’s token is refused', await refused.get('/v1/me', mover), 401);

    // ── tokens: expiry, revocation (API and CLI), where a token is not accepted ─────────────────────────────────
    const victim = `s-${inD1.leadUnitId}`;
    const expiresAt = new Date(Date.now() + 4000);
    const expiring = expect2xx(await http.post(`/v1/users/${victim}/tokens`, admin, { label: 'expiring', expiresAt: expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z') }), 'expiring token').body;
    keep('expiring', expiring.token);
    expectStatus('a token works before its expiry', await http.get('/v1/me', expiring.token), 200);
    await sleep(Math.max(0, Date.parse(expiring.expiresAt) - Date.now()) + 1200);
    expectStatus('the same token is refused after its expiry (real clock)', await refused.get('/v1/me', expiring.token), 401, 'AUTH.INVALID_TOKEN');

    const refusedWithin = async (token: string, limitMs: number): Promise<number> => {
      const t = performance.now();
      while (performance.now() - t < limitMs) {
        if ((await refused.get('/v1/me', token)).status === 401) return performance.now() - t;
        await sleep(100);
      }
      return Infinity;
    };
    const viaApi = expect2xx(await http.post(`/v1/users/${victim}/tokens`, admin, { label: 'api revoke' }), 'token').body;
    keep('revoked through the API', viaApi.token);
    expectStatus('a fresh token works', await http.get('/v1/me', viaApi.token), 200);
    expect2xx(await http.post(`/v1/users/${victim}/tokens/${viaApi.tokenId}/revoke`, admin, { reason: 'security check' }), 'revoke');
    const apiDelay = await refusedWithin(viaApi.token, 5000);
    report.figure('revoked through the API: refused after', apiDelay === Infinity ? 'never (5 s)' : Math.round(apiDelay), 'ms');
    report.check(apiDelay < 1000, 'a token revoked through the API is refused at once (< 1 s)', apiDelay);

    const viaCli = expect2xx(await http.post(`/v1/users/${victim}/tokens`, admin, { label: 'cli revoke' }), 'token').body;
    keep('revoked with the CLI', viaCli.token);
    expectStatus('a fresh token works', await http.get('/v1/me', viaCli.token), 200);
    const cli = await runCli(['user', 'revoke', victim, viaCli.tokenId, '--reason', 'security check'], base, 60_000);
    bodies.push(cli.stdout, cli.stderr);
    report.check(cli.code === 0, '`ledger user revoke` succeeds while the API runs', cli.stderr.slice(0, 300));
    const cliDelay = await refusedWithin(viaCli.token, 10_000);
    report.figure('revoked with the CLI: refused by the running API after', cliDelay === Infinity ? 'never (10 s)' : Math.round(cliDelay), 'ms');
    report.check(cliDelay < 5000, 'a token revoked with the CLI is refused by the running API within seconds', cliDelay);

    const live = expect2xx(await http.post(`/v1/users/${victim}/tokens`, admin, { label: 'live' }), 'token').body.token as string;
    keep('live', live);
    // A token of its own, so that where it ends up is attributable to this one request.
    const inQuery = expect2xx(await http.post(`/v1/users/${victim}/tokens`, admin, { label: 'sent in a query string' }), 'token').body.token as string;
    secrets.set('token sent in a query string (token)', inQuery);
    secrets.set('token sent in a query string (secret)', secretOf(inQuery));
    expectStatus('a token in the query string is not a credential', await refused.get(`/v1/me?access_token=${encodeURIComponent(inQuery)}`), 401);
    expectStatus('a token in a cookie is not a credential', await refused.request('GET', '/v1/me', { headers: { cookie: `token=${live}; Authorization=Bearer ${live}` } }), 401);

    // ── the 401 limit ───────────────────────────────────────────────────────────────────────────────────────────
    const attacker = recorded(new Http(api.baseUrl, { localAddress: '127.0.0.2' }));
    const bystander = recorded(new Http(api.baseUrl, { localAddress: '127.0.0.4' }));
    const guesses: number[] = [];
    for (let i = 0; i < LIMIT + 5; i++) guesses.push((await attacker.get('/v1/me', `lgr_${'0'.repeat(24)}_guess${i}`)).status);
    const firstBlocked = guesses.indexOf(429);
    report.figure('failed authentications before 429 (one address)', firstBlocked < 0 ? `none of ${guesses.length}` : firstBlocked);
    report.check(firstBlocked === LIMIT && guesses.slice(0, LIMIT).every((s) => s === 401), `the first ${LIMIT} guesses get 401, then 429`, guesses.join(','));
    const blocked = await attacker.get('/v1/me', live);
    expectStatus('past the limit, even a valid token from that address gets 429', blocked, 429, 'AUTH.TOO_MANY_FAILURES');
    report.check(Number(blocked.headers['retry-after']) > 0, '429 carries Retry-After', blocked.headers['retry-after']);
    expectStatus('X-Forwarded-For does not get around the limit', await attacker.request('GET', '/v1/me', { token: live, headers: { 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '203.0.113.7' } }), 429);
    expectStatus('another address is not affected', await bystander.get('/v1/me', live), 200);
    expectStatus('public routes stay open to the blocked address', await attacker.get('/health'), 200);
    attacker.close();
    bystander.close();
    refused.close();

    // ── secrets ─────────────────────────────────────────────────────────────────────────────────────────────────
    const users = await http.get('/v1/users', admin);
    report.check(users.status === 200 && !/secret|hash/i.test(Object.keys(users.body.items[0].tokens[0] ?? {}).join(',')), 'user listings carry no secret or hash field', Object.keys(users.body.items[0].tokens[0] ?? {}));
    // Errors that could echo what they were given.
    await http.request('GET', '/v1/me', { headers: { authorization: `Bearer ${live}x` } });
    await http.request('POST', `/v1/tasks/${inD1.taskId}/progress-reports`, { headers: { authorization: `Bearer ${live.slice(0, -1)}` }, body: { percent: 1, narrative: 'x' } });
    if (store === 'postgres') secrets.set('DATABASE_URL password', db.password);
    // The start-up failure on an unreachable database must not print its URL's password.
    const badPort = await freePort();
    const badUrl = `postgres://ledger:${db.password}-unreachable@127.0.0.1:${badPort}/nowhere`;
    secrets.set('unreachable DATABASE_URL password', `${db.password}-unreachable`);
    const failed = spawnSync(process.execPath, ['-r', '@swc-node/register', join(process.env.LEDGER_PRESSURE_APP_ROOT ?? REPO_ROOT, 'apps/api/src/main.ts')], {
      cwd: process.env.LEDGER_PRESSURE_APP_ROOT ?? REPO_ROOT,
      env: { ...apiEnvironment({ store: 'postgres', dataDir, schema: 'security_unreachable' }, await freePort()), DATABASE_URL: badUrl, PGCONNECT_TIMEOUT: '3' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const failedOutput = `${failed.stdout}\n${failed.stderr}`;
    report.check(failed.status !== 0, 'the API refuses to start on an unreachable database', failed.status);
    await api.stop();
    const logs = `${api.logs()}\n${failedOutput}`;
    const everything = bodies.join('\n');
    const leaks: string[] = [];
    const queryLeaks: string[] = [];
    for (const [label, secret] of secrets) {
      if (secret.length < 8) continue;
      const line = logs.split('\n').find((l) => l.includes(secret));
      if (line !== undefined) (label.startsWith('token sent in a query string') ? queryLeaks : leaks).push(`${label} in the API's output: ${line.split(secret).join('<secret>').slice(0, 300)}`);
      // A token's own issue response shows it once, by design: look in every other body.
      const inBodies = bodies.filter((b) => b.includes(secret) && !(label.endsWith('(token)') && b.includes('"tokenId"') && b.includes('"token"')) && !(label.endsWith('(secret)') && b.includes('"token"')));
      if (inBodies.length) leaks.push(`${label} in ${inBodies.length} response bod${inBodies.length === 1 ? 'y' : 'ies'}`);
    }
    report.figure('secrets looked for (tokens, secrets, their hashes, database passwords)', secrets.size);
    report.figure('response bodies and log bytes searched', `${bodies.length} bodies, ${logs.length + everything.length} bytes`);
    report.check(leaks.length === 0, 'no secret in any response body or in the API’s stdout/stderr', leaks.slice(0, 10));
    report.check(queryLeaks.length === 0, 'a token a client wrongly puts in a query string is not written to the logs either', queryLeaks.slice(0, 2));
    report.detail('scopeChecks', outcomes);
    report.figure('scope and role spot checks', `${outcomes.filter((o) => o.ok).length}/${outcomes.length} as expected; ${leaked} out-of-scope items in lists`);
    api = undefined;

    // ── dependency report: inventory with licenses, and npm audit where the registry serves advisories ──────────
    const dependencies = dependencyReport(REPO_ROOT);
    const inventoryFile = writeDependencyReport(REPO_ROOT, dependencies);
    report.detail('dependencies', { file: relative(REPO_ROOT, inventoryFile), ...dependencies, packages: undefined });
    report.figure('installed packages (production / development / direct)', `${dependencies.totals.packages} (${dependencies.totals.production} / ${dependencies.totals.development} / ${dependencies.totals.direct})`);
    report.figure('production licenses', Object.entries(dependencies.productionLicenses).map(([license, n]) => `${license} ${n}`).join(', '));
    report.figure('dependency inventory', relative(REPO_ROOT, inventoryFile));
    if (dependencies.productionWithoutLicense.length > 0) report.note(`production packages that declare no license: ${dependencies.productionWithoutLicense.join(', ')}`);
    if (dependencies.treeProblems.length > 0) report.note(`npm ls finds the installed tree differs from package.json: ${dependencies.treeProblems.slice(0, 10).join('; ')}`);
    report.figure('dependency audit (npm audit)', describeAudit(dependencies.audit));
    const audit = dependencies.audit;
    if (audit.status === 'done') {
      for (const v of audit.advisories.filter((a) => a.production && (a.severity === 'critical' || a.severity === 'high'))) report.note(`production dependency ${v.name}: ${v.severity}${v.direct ? ' (direct)' : ''}`);
      report.check(audit.production.critical === 0, 'no critical advisory in production dependencies', audit.advisories.filter((a) => a.production && a.severity === 'critical'));
    } else {
      // Not a pass: nothing is known about advisories. The inventory above is what can be checked elsewhere.
      report.note(`dependency audit NOT done: ${describeAudit(audit)}; run \`npm audit --omit=dev\` where the registry serves advisories, against the inventory in ${relative(REPO_ROOT, inventoryFile)}`);
    }
  } finally {
    await api?.kill();
    rmSync(dataDir, { recursive: true, force: true });
    if (schema) await dropSchema(schema).catch((e) => console.error(`dropping ${schema}: ${e}`));
  }
});
