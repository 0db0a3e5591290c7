import { describeOnEachStore, expectStatus, LedgerTestApp } from '../support/ledger-test-app';
import { buildWeb } from './browser';

/** The dashboard's files and its one read endpoint through HTTP, on SQLite and PostgreSQL. */
describeOnEachStore('web dashboard serving', (store) => {
  let ledger: LedgerTestApp;

  beforeAll(async () => {
    buildWeb();
    ledger = await LedgerTestApp.start(store);
  }, 60_000);

  afterAll(async () => {
    await ledger?.close();
  });

  it('answers a browser at / with the app, without a token, under a CSP that allows no other origin', async () => {
    const res = await fetch(`${ledger.baseUrl}/`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
    expect(csp).not.toMatch(/https?:|unsafe-inline|unsafe-eval/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).toContain('<script defer src="/web/app.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('still answers API clients at / with the JSON index', async () => {
    const res = await ledger.anonymous().get('/');
    expectStatus(res, 200);
    expect(res.body).toEqual({ service: 'accountability-ledger', docs: '/docs', health: '/health' });
  });

  it('serves the script and the stylesheet, and nothing outside dist/web', async () => {
    const script = await fetch(`${ledger.baseUrl}/web/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await script.text()).length).toBeGreaterThan(10_000);
    const css = await fetch(`${ledger.baseUrl}/web/app.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    for (const path of ['/web/..%2Fpackage.json', '/web/%2e%2e/package.json', '/web/.hidden.js', '/web/missing.js']) {
      const res = await fetch(`${ledger.baseUrl}${path}`);
      expect([401, 404]).toContain(res.status);
    }
  });

  it('reports the last verification to auditors: none, then the result of POST /v1/log/verify', async () => {
    expect((await ledger.anonymous().get('/v1/web/verification')).status).toBe(401);
    const staff = await ledger.user('p-web-staff', 'unit_staff', 'city');
    const staffRes = await staff.get('/v1/web/verification');
    expect(staffRes.status).toBe(403);
    expect(staffRes.body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
    const auditor = await ledger.user('p-web-auditor', 'auditor', 'city');
    const before = await auditor.get('/v1/web/verification');
    expectStatus(before, 200);
    expect(before.body).toEqual({ lastVerify: null });
    const verified = await ledger.admin.post('/v1/log/verify', {});
    expectStatus(verified, 200);
    const after = await auditor.get('/v1/web/verification');
    expect(after.body.lastVerify).toMatchObject({ ok: true, eventsChecked: verified.body.log.eventsChecked });
    expect(Date.parse(after.body.lastVerify.finishedAt)).not.toBeNaN();
  });
});
