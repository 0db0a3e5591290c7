import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { verifyEvidence } from '@ledger/evidence';
import { loadHengyang2018, UNITS, type Role } from '../../apps/cli/src/demo/hengyang-2018';
import { Caller, expectStatus, LedgerTestApp } from '../support/ledger-test-app';
import { ARTIFACTS, buildWeb, openBrowser, screenshot, type Browser } from './browser';

/**
 * The web dashboard in headless chromium against the real app on SQLite, loaded with the Hengyang 2018 year through
 * the same scenario `ledger demo` runs, plus a 2019 appraisal cycle scored and moderated by the personnel
 * department. Each user signs in with their own API token, as a person would.
 */
describe('web dashboard in chromium (SQLite, Hengyang 2018)', () => {
  jest.setTimeout(60_000);
  let ledger: LedgerTestApp;
  let browser: Browser;
  let page: Page;
  const callers = new Map<string, Caller>();
  const token = (id: string) => callers.get(id)!.token!;

  beforeAll(async () => {
    buildWeb();
    ledger = await LedgerTestApp.start('sqlite', { now: '2018-01-02T09:00:00+08:00' });
    callers.set('admin', ledger.admin);
    await loadHengyang2018({
      at: (instant) => ledger.at(instant),
      user: async (id: string, role: Role, unitId: string, name: string) => {
        callers.set(id, await ledger.user(id, role, unitId, name));
        return id;
      },
      post: (who, path, body) => callers.get(who)!.post(path, body ?? {}),
      tick: () => ledger.ticker.fire(),
    });
    ledger.at('2019-01-05T09:00:00+08:00');
    const personnel = callers.get('p-personnel')!;
    expectStatus(await personnel.post('/v1/appraisals', { year: 2019, peerGroup: 'districts', ownerUnitId: 'city', ruleSetId: 'cn-2019', unitIds: [...UNITS] }), 201);
    expectStatus(await personnel.post('/v1/appraisals/2019-districts/scoring'), 200);
    expectStatus(await personnel.post('/v1/appraisals/2019-districts/moderation', {}), 200);
    browser = await openBrowser(ledger.baseUrl);
    page = browser.page;
    page.setDefaultTimeout(10_000);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await ledger?.close();
  });

  async function signIn(userId: string): Promise<void> {
    await page.goto(`${ledger.baseUrl}/#/tasks`);
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await page.locator('#token').fill(token(userId));
    await page.locator('form button[type=submit]').click();
    await page.getByTestId('whoami').waitFor();
  }

  async function setLanguage(lang: 'en' | 'vi' | 'zh'): Promise<void> {
    await page.getByTestId('language').selectOption(lang);
  }

  it('serves the app at / with a Content-Security-Policy, and the JSON index to API clients', async () => {
    const html = await fetch(`${ledger.baseUrl}/`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(await html.text()).toContain('/web/app.js');
    const json = await fetch(`${ledger.baseUrl}/`);
    expect(await json.json()).toMatchObject({ service: 'accountability-ledger' });
  });

  it('refuses a wrong token on the sign-in page, beside the field', async () => {
    await page.goto(`${ledger.baseUrl}/`);
    await page.getByLabel('API token').fill('lgr_000000000000000000000000_not-a-real-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.locator('#token-error'), /token/i);
    expect(await page.locator('#token').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, '01-sign-in');
  });

  it('signs a unit staff member in, shows who they are and only the pages their role may read', async () => {
    await signIn('p-zh-staff');
    await expectText(page.getByTestId('whoami'), /zh staff/);
    const nav = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts();
    expect(nav).toEqual(['Directives and tasks', 'Objectives', 'Appraisal', 'Reports']);
    await page.getByTestId('task-table').waitFor();
    // Read scope: Zhuhui's four tasks, not the other districts'.
    const rows = await page.getByTestId('task-table').locator('tbody tr').count();
    expect(rows).toBe(4);
    await screenshot(page, '02-tasks-list');
  });

  it('filters the task list by timeliness and deadline', async () => {
    await page.getByLabel('Timeliness').selectOption('not_done_overdue');
    await page.getByLabel('Deadline to').fill('2018-11-30');
    await page.getByRole('button', { name: 'Apply' }).click();
    // Polled from the test, not with waitForFunction: a string predicate is eval'd in the page, which its CSP refuses.
    await expectCount(page.getByTestId('task-table').locator('tbody tr'), 1);
    await expectText(page.getByTestId('task-table').locator('tbody'), /t4-zh/);
  });

  it('shows the task page with its 5 clear and its timeline', async () => {
    await page.getByRole('link', { name: /t4-zh/ }).click();
    const five = page.getByTestId('five-clear');
    await expectText(five, /District Head C/);
    await expectText(five, /31 Oct 2018/);
    await expectText(page.getByTestId('timeline'), /Reminder issued \(催办\)/);
    // A staff member reports; verification and sign-off belong to others.
    await page.getByTestId('progress-form').waitFor();
    expect(await page.getByRole('group', { name: 'Verify completion' }).count()).toBe(0);
    expect(await page.getByRole('group', { name: 'Sign off' }).count()).toBe(0);
  });

  it('shows the server\'s validation error beside the percent field, then records a progress report', async () => {
    const form = page.getByTestId('progress-form');
    await form.getByLabel('Percent done').fill('150');
    await form.getByLabel('Narrative').fill('Thirty of fifty parcels rectified');
    await form.getByRole('button', { name: 'Submit' }).click();
    const error = form.locator('.field-error[data-field=percent]');
    await expectText(error, /percent/i);
    expect(await form.getByLabel('Percent done').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, '03-task-validation-error');

    await form.getByLabel('Percent done').fill('60');
    await form.getByRole('button', { name: 'Submit' }).click();
    await expectText(page.getByTestId('timeline'), /Progress reported/);
    const task = await callers.get('p-zh-staff')!.get('/v1/tasks/t4-zh');
    expect(task.body).toMatchObject({ status: 'in_progress', percent: 60 });
    await screenshot(page, '04-task-progress-recorded');
  });

  it('switches language: the page, dates and the server\'s error messages follow, and the choice persists', async () => {
    // The deadline has passed: the ledger refuses the extension request, in the language asked for.
    const ask = async (deadlineLabel: string, reasonLabel: string, legend: string, submit: string) => {
      const form = page.getByRole('group', { name: legend });
      await form.getByLabel(deadlineLabel).fill('2019-03-01');
      await form.getByLabel(reasonLabel).fill('Parcels under litigation');
      await form.getByRole('button', { name: submit }).click();
      return form.locator('[data-code="TASK.EXTENSION_AFTER_DEADLINE"]');
    };
    await expectText(await ask('New deadline', 'Reason', 'Request an extension', 'Submit'), /An extension must be requested by the deadline/);

    await setLanguage('vi');
    await expectText(page.getByRole('navigation').first(), /Chỉ đạo và nhiệm vụ/);
    await expectText(page.getByTestId('five-clear'), /31 thg 10, 2018/);
    await expectText(await ask('Thời hạn mới', 'Lý do', 'Đề nghị gia hạn', 'Gửi'), /Phải đề nghị gia hạn trước khi hết thời hạn/);
    await screenshot(page, '05-task-vi');

    await setLanguage('zh');
    await expectText(page.getByRole('navigation').first(), /指示与督办事项/);
    await expectText(page.getByTestId('five-clear'), /2018年10月31日/);
    await expectText(await ask('新时限', '理由', '申请延期', '提交'), /延期须在时限届满前申请/);
    await screenshot(page, '06-task-zh');

    await page.reload();
    await expectText(page.getByRole('navigation').first(), /指示与督办事项/);
    await setLanguage('en');
    await expectText(page.getByRole('navigation').first(), /Directives and tasks/);
  });

  it('shows the server\'s validation error in Vietnamese beside its field, and names people in the timeline', async () => {
    await setLanguage('vi');
    const form = page.getByTestId('progress-form');
    await form.locator('[name=percent]').fill('150');
    await form.locator('[name=narrative]').fill('Vượt kế hoạch');
    await form.getByRole('button', { name: 'Gửi' }).click();
    const error = form.locator('.field-error[data-field=percent]');
    await expectText(error, /^percent không được lớn hơn 100\.$/);
    expect(await form.locator('[name=percent]').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, '14-task-validation-error-vi');
    // A known head is shown as "name (post title, unit)", the id kept in the title attribute.
    const named = await page.getByTestId('timeline').locator('[data-person]').evaluateAll((els) =>
      els.map((el) => ({ id: el.getAttribute('title'), text: (el as unknown as { textContent: string }).textContent })),
    );
    expect(named.length).toBeGreaterThan(0);
    for (const { id, text } of named) {
      expect(id).toMatch(/^p-/);
      expect(text).not.toContain(id);
      expect(text).toMatch(/\(.+, .+\)$/);
    }
    await setLanguage('en');
  });

  it('works on a narrow screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${ledger.baseUrl}/#/tasks/t4-zh`);
    await page.getByTestId('five-clear').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, '07-task-narrow');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('is keyboard accessible: skip link first, focus reaches the navigation and the form controls', async () => {
    await page.goto(`${ledger.baseUrl}/#/tasks`);
    await page.reload();
    await page.getByTestId('task-table').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.className')).toBe('skip');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Directives and tasks');
    // Every form control has a label.
    const unlabelled = await page.evaluate<string[]>("[...document.querySelectorAll('input, select, textarea')].filter((el) => !el.labels || el.labels.length === 0).map((el) => el.outerHTML)");
    expect(unlabelled).toEqual([]);
  });

  it('offers the inspection office a reminder, not the unit\'s own reports, and records it', async () => {
    await signIn('p-director-of-inspection');
    await page.goto(`${ledger.baseUrl}/#/tasks/t4-hd`);
    const remind = page.getByRole('group', { name: 'Issue a reminder (催办)' });
    await remind.waitFor();
    expect(await page.getByTestId('progress-form').count()).toBe(0);
    expect(await page.getByRole('group', { name: 'Acknowledge' }).count()).toBe(0);
    await remind.getByLabel('Message').fill('Report the flooded parcels by Friday');
    await remind.getByLabel('Channel').selectOption('phone');
    await remind.getByRole('button', { name: 'Submit' }).click();
    await expectText(page.getByTestId('timeline'), /phone: Report the flooded parcels by Friday/);
    const task = await callers.get('admin')!.get('/v1/tasks/t4-hd');
    expect(task.body.reminders).toContainEqual({ on: '2019-01-05', by: 'p-director-of-inspection' });
  });

  it('charts the objectives: target and actual, ratio to plan against the share of the year elapsed', async () => {
    await signIn('p-mayor');
    await page.goto(`${ledger.baseUrl}/#/objectives`);
    await page.getByTestId('objectives-table').waitFor();
    await page.getByTestId('chart-target').waitFor();
    const rows = await page.getByTestId('objectives-table').locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(5);
    // 2018 seen from 2019: as the year closed, the whole year elapsed.
    expect(rows.find((r) => r.startsWith('Zhuhui District'))).toMatch(/82%.*100%.*Missed/s);
    const drawn = await page.getByTestId('chart-pace').evaluate((canvas) => (canvas as unknown as { width: number }).width > 0);
    expect(drawn).toBe(true);
    await screenshot(page, '08-objectives');
  });

  it('fits the objectives table within its card at 1280 px', async () => {
    const wrap = page.getByTestId('objectives-table').locator('xpath=..');
    const [scrollWidth, clientWidth] = await wrap.evaluate((el) => [(el as unknown as { scrollWidth: number }).scrollWidth, (el as unknown as { clientWidth: number }).clientWidth]);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  });

  it('shows a directive with its document number, issuer, meeting, text and its tasks, in three languages', async () => {
    await page.goto(`${ledger.baseUrl}/#/tasks`);
    const link = page.getByTestId('directive-link').first();
    await link.waitFor();
    const documentNumber = await link.innerText();
    await link.click();
    const directivePage = page.getByTestId('directive-page');
    await directivePage.waitFor();
    expect(await page.getByTestId('document-number').innerText()).toBe(documentNumber);
    const issuer = page.getByTestId('issuer').locator('.person');
    expect(await issuer.getAttribute('title')).toMatch(/^p-/);
    await expectText(issuer, /^Mayor.*\(.+, Hengyang Municipal Government\)$/);
    expect((await page.getByTestId('directive-text').innerText()).length).toBeGreaterThan(10);
    const rows = page.getByTestId('directive-tasks').locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(0);
    await expectText(rows.first(), /(Assigned|Acknowledged|In progress|Completion reported|Verified|Returned|Overdue|On time|Late)/);
    await screenshot(page, 'directive-en');
    await setLanguage('vi');
    await expectText(page.getByTestId('directive-facts'), /Số văn bản/);
    await screenshot(page, 'directive-vi');
    await setLanguage('zh');
    await expectText(page.getByTestId('directive-facts'), /文号/);
    await expectText(page.getByTestId('directive-tasks'), /第一责任人/);
    await screenshot(page, 'directive-zh');
    await setLanguage('en');
    // From a task of the directive, back to its page.
    await rows.first().getByRole('link').click();
    await page.getByTestId('five-clear').waitFor();
    const back = page.getByTestId('task-directive-link');
    await expectText(back, new RegExp(documentNumber.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await back.click();
    await directivePage.waitFor();
  });

  it('approves the 2019 district grades with a sign-off (a leader who did not prepare them)', async () => {
    await page.goto(`${ledger.baseUrl}/#/appraisal/2019-districts`);
    await page.getByTestId('appraisal-table').waitFor();
    expect(await page.getByTestId('appraisal-table').locator('tbody tr').count()).toBe(5);
    await expectText(page.getByTestId('cycle-status'), /moderated/);
    await screenshot(page, '09-appraisal-before');
    const form = page.getByTestId('approve-form');
    // The Mayor has no key yet: the ledger creates one it keeps for him, and the approval is signed with it.
    await form.getByRole('button', { name: 'Create my signing key (kept by the ledger)' }).click();
    expect(await form.getByLabel('Sign with my key kept by the ledger').isChecked()).toBe(true);
    await form.getByLabel('Comment').fill('Approved at the council of 5 January');
    await form.getByRole('button', { name: 'Approve' }).click();
    await expectText(page.getByTestId('cycle-status'), /approved/);
    await expectText(page.getByTestId('approval'), /Approved with sign-off/);
    const cycle = await callers.get('p-personnel')!.get('/v1/appraisals/2019-districts');
    expect(cycle.body.status).toBe('approved');
    const signOff = await callers.get('admin')!.get(`/v1/signoffs/${cycle.body.signOffId}`);
    expectStatus(signOff, 200);
    expect(signOff.body).toMatchObject({ decision: 'approve', comment: 'Approved at the council of 5 January' });
    const audit = await callers.get('admin')!.get('/v1/audit/signoffs?record=appraisal-2019-districts');
    expect(audit.body.items[0]).toMatchObject({ approver: { id: 'p-mayor' }, signature: { custody: 'server', verifies: true } });
    expect(await page.getByTestId('approve-form').count()).toBe(0);
    await expectText(page.locator('ul.cards'), /approved/);
    await screenshot(page, '10-appraisal-approved');
  });

  it('lists the monthly inspection notices with their document numbers for the printable reports', async () => {
    await page.goto(`${ledger.baseUrl}/#/reports`);
    await expectText(page.getByRole('region', { name: 'Inspection notices' }), /DEMO-衡督通〔2018〕10号/);
    expect(await page.getByRole('region', { name: 'Inspection notices' }).locator('tbody tr').count()).toBe(4);
    await screenshot(page, '13-reports');
  });

  it('downloads the annual appraisal report and an inspection notice as PDF, and the tasks as CSV', async () => {
    const save = async (click: () => Promise<void>, name: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), click()]);
      const file = join(ARTIFACTS, name);
      await download.saveAs(file);
      return readFile(file);
    };
    await page.getByLabel('Year').fill('2019');
    const appraisal = page.getByTestId('appraisal-report');
    const pdf = await save(() => appraisal.getByRole('button', { name: 'PDF' }).click(), 'appraisal-2019-districts.pdf');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const notice = page.getByRole('row', { name: /DEMO-衡督通〔2018〕10号/ });
    const noticePdf = await save(() => notice.getByRole('button', { name: 'PDF' }).click(), 'notice-n-2018-10.pdf');
    expect(noticePdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const csv = (await save(() => page.getByRole('button', { name: 'Tasks (CSV)' }).click(), 'tasks.csv')).toString('utf8');
    expect(csv.split('\n')[0]).toContain('record');
    expect(csv).toContain('t4-zh');
  });

  it('shows the discipline register: Zhuhui, District Head C with main responsibility, the chronology, and downloads the evidence bundle', async () => {
    await signIn('p-commission-secretary');
    await page.goto(`${ledger.baseUrl}/#/discipline`);
    const entry = page.getByTestId('case');
    await entry.waitFor();
    await expectText(entry, /District Head C/);
    await expectText(entry, /Main leadership responsibility/);
    const chronology = await entry.getByTestId('chronology').locator('li').allInnerTexts();
    expect(chronology).toHaveLength(6);
    expect(chronology[3]).toContain('DEMO-衡督通〔2018〕10号');
    await screenshot(page, '11-discipline');

    const [download] = await Promise.all([page.waitForEvent('download'), entry.getByRole('button', { name: 'Download the evidence bundle' }).click()]);
    const file = join(ARTIFACTS, 'evidence-zh.json');
    await download.saveAs(file);
    // Saved byte for byte: it verifies offline against the ledger's published key, and holds the referral's events.
    const text = await readFile(file, 'utf8');
    const publicKey = await callers.get('admin')!.get('/v1/log/public-key');
    const report = verifyEvidence(text, { ledgerKey: publicKey.body.publicKey });
    expect(report).toMatchObject({ ok: true, keySource: 'pinned' });
    expect(report.counts.events).toBeGreaterThanOrEqual(13);
    expect(text).toContain('ref-o-2018-zh-t4');
  });

  it('answers who approved what, and shows the verification status to the administrator', async () => {
    await signIn('admin');
    await page.goto(`${ledger.baseUrl}/#/audit`);
    await page.getByTestId('verification').waitFor();
    await page.getByRole('button', { name: 'Verify the log now' }).click();
    await expectText(page.getByTestId('verification'), /verified, no problem found/);
    const byRecord = page.getByTestId('audit-by-record');
    await byRecord.getByLabel('Record (stream id)').fill('appraisal-2019-districts');
    await byRecord.getByRole('button', { name: 'Search' }).click();
    await expectText(byRecord, /approve · p-mayor/);
    const byPerson = page.getByTestId('audit-by-person');
    await byPerson.getByLabel('Person (user id)').fill('p-director-of-inspection');
    await byPerson.getByRole('button', { name: 'Search' }).click();
    await expectText(byPerson, /ReminderIssued/);
    // What the record of t4-zh said on 1 October 2018: acknowledged, the October reminder not yet recorded.
    const asOf = page.getByTestId('audit-as-of');
    await asOf.getByLabel('Record (stream id)').fill('task-t4-zh');
    await asOf.getByLabel('At').fill('2018-10-01T12:00');
    await asOf.getByRole('button', { name: 'Search' }).click();
    await expectText(asOf.locator('pre.json'), /"status": "acknowledged"/);
    expect(await asOf.locator('pre.json').innerText()).not.toContain('2018-10-10');
    await screenshot(page, '12-audit');
  });

  it('goes back to the sign-in page when the token is revoked while the tab is open', async () => {
    await signIn('p-hd-staff');
    const me = await callers.get('p-hd-staff')!.get('/v1/me');
    expectStatus(await callers.get('admin')!.post(`/v1/users/p-hd-staff/tokens/${me.body.tokenId}/revoke`, { reason: 'Laptop lost' }), 200);
    await page.getByRole('link', { name: 'Objectives' }).click();
    await page.locator('#token').waitFor();
    expect(await page.evaluate<string | null>("sessionStorage.getItem('ledger.token')")).toBeNull();
  });

  it('made no request to another origin and broke no Content-Security-Policy rule', () => {
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.problems).toEqual([]);
  });
});

/** Waits (up to 10 s) until the locator's text matches. */
async function expectCount(locator: import('playwright-core').Locator, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = -1;
  while (Date.now() < deadline) {
    last = await locator.count();
    if (last === count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`expected ${count} elements, found ${last}`);
}

async function expectText(locator: import('playwright-core').Locator, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      last = (await locator.first().innerText({ timeout: 1000 })) ?? '';
      if (pattern.test(last)) return;
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected text matching ${pattern}, got: ${last.slice(0, 500)}`);
}
