#!/usr/bin/env node
/**
 * Runs one pressure suite or benchmark (a .ts file) through @swc-node/register, bounded in time.
 *
 *   node test/pressure/launch.mjs [--hard-limit-s=<seconds>] <file.ts> [--store sqlite|postgres]
 *
 * The suite runs in a process group of its own, so on its hard time limit (--hard-limit-s, else
 * LEDGER_PRESSURE_HARD_LIMIT_S, default 3600) or on Ctrl-C the API processes it started go with it. With LEDGER_PRESSURE_APP_ROOT=<dir> (a checkout of
 * another commit with node_modules linked in) the suite runs from that tree, so the `@ledger/*` libraries, the API
 * and the CLI are that commit's, while the suite's own files and bench/results/ stay here.
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const limitFlag = argv[0]?.startsWith('--hard-limit-s=') ? Number(argv.shift().split('=')[1]) : undefined;
const [file, ...args] = argv;
if (!file) {
  console.error('usage: node test/pressure/launch.mjs [--hard-limit-s=<seconds>] <file.ts> [--store sqlite|postgres]');
  process.exit(2);
}
const appRoot = resolve(process.env.LEDGER_PRESSURE_APP_ROOT ?? repoRoot);
const limitS = limitFlag ?? Number(process.env.LEDGER_PRESSURE_HARD_LIMIT_S ?? 3600);

const child = spawn(process.execPath, ['-r', '@swc-node/register', resolve(repoRoot, file), ...args], {
  cwd: appRoot,
  stdio: 'inherit',
  detached: true,
  env: { ...process.env, LEDGER_PRESSURE_APP_ROOT: appRoot },
});

const killGroup = (signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};
const timer = setTimeout(() => {
  console.error(`${file}: over its hard time limit of ${limitS} s: killing it and the processes it started`);
  killGroup('SIGKILL');
  process.exitCode = 2;
}, limitS * 1000);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killGroup('SIGTERM');
    setTimeout(() => killGroup('SIGKILL'), 10_000).unref();
  });
}
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  // Whatever the suite left behind in its group (an API it could not stop) goes too.
  killGroup('SIGKILL');
  process.exitCode ??= code ?? (signal ? 1 : 0);
});
