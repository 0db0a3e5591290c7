#!/usr/bin/env node
/**
 * Restores the lockfile entries of native packages for other platforms (@swc/core-*, @unrs/resolver-binding-*).
 *
 * Why: the registry reachable from these machines serves only the linux builds of such packages, so `npm install`
 * leaves the other platforms' optional packages out of package-lock.json; `npm ci` then refuses the lockfile as
 * "not in sync" ("Missing: @swc/core-darwin-arm64@ from lock file"). An entry with the package's os/cpu/libc lets
 * `npm ci` see the tree as complete and skip it on a platform mismatch, without fetching anything.
 *
 * Run after any `npm install` that changes dependencies: `npm run lock:fix`.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

function platformOf(name) {
  const m = /-(darwin|linux|win32|android|freebsd|openharmony)-(x64|arm64|arm|ia32|ppc64|s390x|loong64|riscv64)(?:-(gnu|musl|msvc|gnueabihf|musleabihf|eabi))?$/.exec(name);
  if (!m) return undefined;
  const [, os, cpu, abi] = m;
  const entry = { os: [os], cpu: [cpu] };
  if (os === 'linux' && abi) entry.libc = [abi.startsWith('musl') ? 'musl' : 'glibc'];
  return entry;
}

let added = 0;
for (const [path, pkg] of Object.entries(packages)) {
  if (!pkg.optionalDependencies) continue;
  for (const [dep, version] of Object.entries(pkg.optionalDependencies)) {
    const platform = platformOf(dep);
    if (!platform) continue;
    const where = `node_modules/${dep}`;
    if (packages[where] || packages[`${path}/node_modules/${dep}`]) continue;
    packages[where] = { version, ...platform, optional: true };
    added += 1;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log(`lockfile: ${added} platform entries restored`);
