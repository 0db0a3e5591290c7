/**
 * The dependency report of the security suite (issue 7): an inventory of every installed package — name, version,
 * license, production or development, direct or transitive — from `npm ls --all --json --long`, and an attempt at
 * `npm audit`. Where the registry serves no advisories (this one answers the audit endpoint with 405), the audit is
 * reported as "audit service unavailable", with the registry's answer: no advisory data is not a clean bill.
 *
 *   node -r @swc-node/register test/pressure/dependency-report.ts    # writes bench/results/dependencies-<at>.json
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  /** The package's declared license (SPDX expression as written), or null when it declares none. */
  readonly license: string | null;
  /** Needed at run time (`npm ls --omit=dev` lists it). */
  readonly production: boolean;
  /** Named in the root package.json. */
  readonly direct: boolean;
  /** Where it is installed, relative to the repository. */
  readonly path: string;
}

export type AuditCounts = Readonly<Record<'critical' | 'high' | 'moderate' | 'low' | 'info', number>>;

export type AuditOutcome =
  | { readonly status: 'done'; readonly all: AuditCounts; readonly production: AuditCounts; readonly advisories: readonly { name: string; severity: string; direct: boolean; production: boolean }[] }
  /** The registry has no audit service (or it could not be reached): nothing is known about advisories. */
  | { readonly status: 'unavailable'; readonly reason: string }
  /** npm audit ran but said something this report cannot read. */
  | { readonly status: 'failed'; readonly reason: string };

export interface DependencyReport {
  readonly generatedAt: string;
  readonly root: { readonly name: string; readonly version: string };
  readonly totals: { readonly packages: number; readonly production: number; readonly development: number; readonly direct: number };
  /** Production packages by declared license. */
  readonly productionLicenses: Readonly<Record<string, number>>;
  /** Production packages that declare no license. */
  readonly productionWithoutLicense: readonly string[];
  /** What `npm ls` found wrong with the installed tree (missing, invalid or extraneous packages). */
  readonly treeProblems: readonly string[];
  readonly audit: AuditOutcome;
  readonly packages: readonly InstalledPackage[];
}

type LsNode = {
  name?: string;
  version?: string;
  license?: unknown;
  path?: string;
  missing?: boolean;
  dependencies?: Record<string, LsNode>;
  problems?: string[];
};

/** Runs npm in `cwd` and returns its stdout, whatever the exit code (npm ls and audit exit 1 on findings). */
function npm(cwd: string, args: readonly string[]): { stdout: string; stderr: string; status: number | null } {
  const run = spawnSync('npm', [...args], { cwd, encoding: 'utf8', timeout: 180_000, maxBuffer: 256 * 1024 * 1024 });
  return { stdout: run.stdout ?? '', stderr: run.stderr ?? '', status: run.status };
}

function licenseOf(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  // Old package.json forms: { type: 'MIT' } or [{ type: 'MIT' }, …].
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string') return (value as { type: string }).type;
  if (Array.isArray(value)) {
    const types = value.map((entry) => licenseOf(entry)).filter((type): type is string => type !== null);
    return types.length === 0 ? null : types.length === 1 ? types[0] : `(${types.join(' OR ')})`;
  }
  return null;
}

/** npm ls shows only `license`: an older package.json may say `licenses: [{ type }]` instead. */
function declaredLicense(path: string | undefined): string | null {
  if (path === undefined) return null;
  try {
    const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { license?: unknown; licenses?: unknown };
    return licenseOf(manifest.license) ?? licenseOf(manifest.licenses);
  } catch {
    return null;
  }
}

/** Every installed package once (by install path), from the JSON trees of `npm ls --all --json --long`. */
export function inventoryOf(root: string, all: LsNode, production: LsNode): Omit<DependencyReport, 'generatedAt' | 'audit'> {
  const productionPaths = new Set<string>();
  const walk = (node: LsNode, visit: (name: string, child: LsNode, depth: number) => void, depth = 0) => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      visit(name, child, depth);
      walk(child, visit, depth + 1);
    }
  };
  walk(production, (name, child) => productionPaths.add(child.path ?? `${name}@${child.version}`));
  const byPath = new Map<string, InstalledPackage>();
  const treeProblems = new Set<string>(all.problems ?? []);
  walk(all, (name, child, depth) => {
    // Optional dependencies and peers that were not installed (other platforms' binaries): npm lists them without a
    // version and reports a real gap in its own `problems`.
    if (child.missing || child.version === undefined) return;
    const key = child.path ?? `${name}@${child.version}`;
    const known = byPath.get(key);
    if (known !== undefined) {
      if (depth === 0 && !known.direct) byPath.set(key, { ...known, direct: true });
      return;
    }
    byPath.set(key, {
      name: child.name ?? name,
      version: child.version,
      license: licenseOf(child.license) ?? declaredLicense(child.path),
      production: productionPaths.has(key),
      direct: depth === 0,
      path: child.path ? relative(root, child.path) : key,
    });
  });
  const packages = [...byPath.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1));
  const productionLicenses: Record<string, number> = {};
  for (const p of packages.filter((entry) => entry.production)) {
    const license = p.license ?? '(none declared)';
    productionLicenses[license] = (productionLicenses[license] ?? 0) + 1;
  }
  return {
    root: { name: all.name ?? '?', version: all.version ?? '?' },
    totals: {
      packages: packages.length,
      production: packages.filter((p) => p.production).length,
      development: packages.filter((p) => !p.production).length,
      direct: packages.filter((p) => p.direct).length,
    },
    productionLicenses: Object.fromEntries(Object.entries(productionLicenses).sort(([a], [b]) => (a < b ? -1 : 1))),
    productionWithoutLicense: packages.filter((p) => p.production && p.license === null).map((p) => `${p.name}@${p.version}`),
    treeProblems: [...treeProblems],
    packages,
  };
}

const ZERO: AuditCounts = { critical: 0, high: 0, moderate: 0, low: 0, info: 0 };

type AuditJson = {
  statusCode?: number;
  message?: string;
  code?: string;
  error?: { code?: string; summary?: string; detail?: string } | string;
  metadata?: { vulnerabilities?: Partial<AuditCounts> & { total?: number } };
  vulnerabilities?: Record<string, { severity: string; isDirect: boolean }>;
};

/** Network failures and HTTP refusals mean the service is not there; anything else unreadable is a failure. */
const UNREACHABLE = /^(E?NOTFOUND|ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ENOAUDIT|E4\d\d|E5\d\d)$/;

/** Reads one `npm audit --json` answer: counts and advisories, or why there are none. */
export function readAudit(stdout: string): { status: 'done'; counts: AuditCounts; advisories: { name: string; severity: string; direct: boolean }[] } | { status: 'unavailable' | 'failed'; reason: string } {
  let parsed: AuditJson;
  try {
    parsed = JSON.parse(stdout) as AuditJson;
  } catch {
    return { status: 'failed', reason: `npm audit printed no JSON: ${stdout.replace(/\s+/g, ' ').trim().slice(0, 200) || 'nothing'}` };
  }
  const error = typeof parsed.error === 'string' ? { summary: parsed.error } : parsed.error;
  const code = parsed.code ?? error?.code;
  if (typeof parsed.statusCode === 'number' && parsed.statusCode >= 400) {
    return { status: 'unavailable', reason: `the registry's audit endpoint answered HTTP ${parsed.statusCode}${parsed.message ? ` (${parsed.message})` : ''}` };
  }
  if (code !== undefined && UNREACHABLE.test(code)) {
    return { status: 'unavailable', reason: `the audit service could not be reached: ${code}${error?.summary ? ` ${error.summary}` : parsed.message ? ` ${parsed.message}` : ''}` };
  }
  if (error !== undefined || parsed.metadata?.vulnerabilities === undefined) {
    return { status: 'failed', reason: `npm audit failed: ${error?.summary || error?.detail || parsed.message || code || 'no vulnerability metadata in its answer'}` };
  }
  const counts = { ...ZERO };
  for (const severity of Object.keys(ZERO) as (keyof AuditCounts)[]) counts[severity] = Number(parsed.metadata.vulnerabilities[severity] ?? 0);
  const advisories = Object.entries(parsed.vulnerabilities ?? {}).map(([name, v]) => ({ name, severity: v.severity, direct: v.isDirect }));
  return { status: 'done', counts, advisories };
}

/** `npm audit` of all dependencies and of production ones, as one outcome. */
export function attemptAudit(root: string): AuditOutcome {
  const all = readAudit(npm(root, ['audit', '--json']).stdout);
  if (all.status !== 'done') return all;
  const production = readAudit(npm(root, ['audit', '--json', '--omit=dev']).stdout);
  if (production.status !== 'done') return production;
  const inProduction = new Set(production.advisories.map((a) => a.name));
  return {
    status: 'done',
    all: all.counts,
    production: production.counts,
    advisories: all.advisories.map((a) => ({ ...a, production: inProduction.has(a.name) })),
  };
}

/** The whole report for the repository at `root` (npm ls twice, npm audit up to twice). */
export function dependencyReport(root: string, now: () => Date = () => new Date()): DependencyReport {
  const parse = (args: string[]): LsNode => {
    const { stdout, stderr } = npm(root, args);
    try {
      return JSON.parse(stdout) as LsNode;
    } catch {
      throw new Error(`npm ${args.join(' ')} printed no JSON: ${stderr.slice(0, 300)}`);
    }
  };
  const inventory = inventoryOf(root, parse(['ls', '--all', '--json', '--long']), parse(['ls', '--all', '--json', '--long', '--omit=dev']));
  return { generatedAt: now().toISOString(), ...inventory, audit: attemptAudit(root) };
}

/** Writes the report as bench/results/dependencies-<at>.json; returns the file. */
export function writeDependencyReport(root: string, report: DependencyReport): string {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `dependencies-${report.generatedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  return file;
}

/** One line on the audit, never "passed" unless advisories were actually checked. */
export function describeAudit(audit: AuditOutcome): string {
  const fmt = (c: AuditCounts) => `${c.critical} critical, ${c.high} high, ${c.moderate} moderate, ${c.low} low`;
  switch (audit.status) {
    case 'done':
      return `checked: all dependencies ${fmt(audit.all)}; production ${fmt(audit.production)}`;
    case 'unavailable':
      return `audit service unavailable: ${audit.reason}; NOT audited (no advisory data)`;
    case 'failed':
      return `audit failed: ${audit.reason}; NOT audited`;
  }
}

if (require.main === module) {
  const root = join(__dirname, '..', '..');
  const report = dependencyReport(root);
  const file = writeDependencyReport(root, report);
  console.log(`${report.totals.packages} packages installed (${report.totals.production} production, ${report.totals.development} development, ${report.totals.direct} direct)`);
  console.log(`production licenses: ${Object.entries(report.productionLicenses).map(([l, n]) => `${l} ${n}`).join(', ')}`);
  if (report.productionWithoutLicense.length > 0) console.log(`production packages declaring no license: ${report.productionWithoutLicense.join(', ')}`);
  if (report.treeProblems.length > 0) console.log(`npm ls problems: ${report.treeProblems.join('; ')}`);
  console.log(`npm audit: ${describeAudit(report.audit)}`);
  console.log(`written to ${relative(root, file)}`);
  // Exit 0 only when the audit ran and found nothing critical in production: "unavailable" is not a pass.
  process.exitCode = report.audit.status === 'done' && report.audit.production.critical === 0 ? 0 : report.audit.status === 'done' ? 1 : 3;
}
