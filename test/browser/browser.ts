import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Headless Debian chromium driven by playwright-core (no browser download): a fresh profile per suite, no network
 * beyond the app under test. The dashboard is built first (esbuild, well under a second) so the app serves the
 * current web/ sources.
 */
export const CHROMIUM = process.env.LEDGER_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(__dirname, 'artifacts');
const ROOT = join(__dirname, '..', '..');

export function buildWeb(): void {
  execFileSync(process.execPath, [join(ROOT, 'web', 'build.mjs')], { cwd: ROOT, stdio: 'pipe', env: { ...process.env, NODE_OPTIONS: '' } });
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Requests the page made to any other origin than the app's (must stay empty). */
  readonly foreignRequests: string[];
  /** Console errors and Content-Security-Policy violations (must stay empty). */
  readonly problems: string[];
  close(): Promise<void>;
}

export async function openBrowser(baseUrl: string): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (the browser tests use Debian's chromium)`);
  await mkdir(ARTIFACTS, { recursive: true });
  const profile = await mkdtemp(join(tmpdir(), 'ledger-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    acceptDownloads: true,
    locale: 'en-GB',
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const origin = new URL(baseUrl).origin;
  const foreignRequests: string[] = [];
  const problems: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:')) foreignRequests.push(url);
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // A string: this file is type-checked without the DOM library.
  await page.addInitScript("document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));");
  return {
    context,
    page,
    foreignRequests,
    problems,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
