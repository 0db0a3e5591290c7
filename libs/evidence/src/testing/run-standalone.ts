import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvidenceReport } from '../verify-evidence';

export const STANDALONE_VERIFIER = join(__dirname, '..', 'standalone', 'verify-evidence.mjs');

let dir: string | undefined;
process.once('exit', () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the standalone verifier as an outside body would: `node verify-evidence.mjs bundle.json [args]`, in a bare environment. */
export function standalone(text: string, ...args: string[]): { code: number | null; stdout: string; report?: EvidenceReport } {
  dir ??= mkdtempSync(join(tmpdir(), 'ledger-evidence-'));
  const file = join(dir, `bundle-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, text);
  const run = spawnSync(process.execPath, [STANDALONE_VERIFIER, file, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, LANG: 'C' } });
  rmSync(file, { force: true });
  return { code: run.status, stdout: run.stdout + run.stderr, report: args.includes('--json') ? (JSON.parse(run.stdout) as EvidenceReport) : undefined };
}
