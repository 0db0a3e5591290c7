import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { systemClock, type LedgerStore } from '@ledger/event-store';
import { apiConfigFromEnv } from '../../../api/src/shared/api-config';
import { planImport, writePlan, type ImportPlan, type RejectedRow } from '../import/import-plan';
import { csvField, IMPORT_COLUMNS, readRows } from '../import/import-rows';
import { cliActor } from './users';

type WithStore = <T>(fn: (store: LedgerStore) => Promise<T>) => Promise<T>;

export interface ImportOptions {
  readonly skipBad?: boolean;
  readonly rejects?: string;
  readonly dryRun?: boolean;
  /** Show the progress bar (default: when stderr is a terminal). */
  readonly progress?: boolean;
}

export interface ImportOutcome {
  readonly exitCode: number;
  readonly plan?: ImportPlan;
  readonly written: number;
  readonly seconds: number;
}

/** `ledger import <file>`: historical units, directives and tasks (see the README for the columns). */
export function registerImportCommand(program: Command, withStore: WithStore): void {
  program
    .command('import')
    .description('import historical units, directives and tasks from CSV or JSON; every row is checked before anything is written')
    .argument('<file>', 'a .csv (header row), .json (array of rows) or .jsonl file with the columns in the README')
    .option('--skip-bad', 'write the good rows and put the bad ones, with the reason, in the rejects file')
    .option('--rejects <file>', 'where --skip-bad writes the rejected rows (CSV; fix them and import the file again)')
    .option('--dry-run', 'check every row and decide every record, but write nothing to the ledger')
    .action(async (file: string, opts: ImportOptions) => {
      if (opts.skipBad && !opts.rejects) throw Object.assign(new Error('--skip-bad needs --rejects <file>'), { code: 'IMPORT.USAGE' });
      process.exitCode = (await withStore((store) => importFile(store, file, opts))).exitCode;
    });
}

/**
 * Reads and checks every row, decides every record through the domain's deciders against the ledger, and only
 * then writes: all of it, or (with --skip-bad) the good rows. A file with a bad row writes nothing and exits 1,
 * naming each bad line. Events are entered as the CLI's local administrator, `occurredAt` the row's date (a late
 * entry: `recordedAt` is now), all with one correlation id for the run.
 */
export async function importFile(store: LedgerStore, file: string, opts: ImportOptions, env: NodeJS.ProcessEnv = process.env): Promise<ImportOutcome> {
  const started = performance.now();
  const showProgress = opts.progress ?? process.stderr.isTTY === true;
  const { timeZoneOffset } = apiConfigFromEnv(env);
  const { rows, problems } = readRows(file, await readFile(file, 'utf8'));
  if (problems.length > 0) {
    for (const p of problems.slice(0, 50)) process.stderr.write(`${p}\n`);
    process.stderr.write(`${basename(file)}: not imported, nothing written\n`);
    return { exitCode: 1, written: 0, seconds: (performance.now() - started) / 1000 };
  }
  const correlationId = `import-${randomUUID()}`;
  const today = todayIn(timeZoneOffset);

  const bar = (label: string) =>
    showProgress
      ? new SingleBar(
          {
            format: `${label.padEnd(10)} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} elapsed, eta {eta_formatted}`,
            stream: process.stderr,
            hideCursor: true,
            etaBuffer: 2000,
            // Asked for on a stream that is not a terminal (a log file, a test): a line now and then instead of redraws.
            noTTYOutput: process.stderr.isTTY !== true,
            notTTYSchedule: 1000,
          },
          Presets.shades_classic,
        )
      : undefined;
  const checking = bar('checking');
  checking?.start(rows.length, 0);
  const plan = await planImport(rows, { store, actor: cliActor(env), timeZoneOffset, today, correlationId }, {
    skipBad: opts.skipBad === true,
    onProgress: checking ? (done) => done % 250 === 0 && checking.update(done) : undefined,
  });
  checking?.update(rows.length);
  checking?.stop();
  const checkedAfter = (performance.now() - started) / 1000;

  if (plan.rejected.length > 0) {
    if (opts.skipBad && opts.rejects) await writeRejects(opts.rejects, plan.rejected);
    if (!opts.skipBad) {
      // The rows at fault first; those refused only because of them after, in brief.
      const bad = plan.rejected.filter((r) => !r.dependent);
      const dependent = plan.rejected.length - bad.length;
      for (const r of bad.slice(0, 50)) for (const reason of r.reasons) process.stderr.write(`${reason}\n`);
      if (bad.length > 50) process.stderr.write(`... and ${bad.length - 50} more bad row(s)\n`);
      const also = dependent > 0 ? ` (and ${dependent} row(s) that depend on them)` : '';
      process.stderr.write(`${basename(file)}: ${bad.length} bad row(s) of ${rows.length}${also}: nothing written (fix them, or use --skip-bad --rejects <file>)\n`);
      return { exitCode: 1, plan, written: 0, seconds: (performance.now() - started) / 1000 };
    }
    process.stderr.write(`${plan.rejected.length} bad row(s) put in ${opts.rejects} with the reason\n`);
  }
  if (opts.dryRun) {
    process.stderr.write(`dry run: ${plan.accepted} row(s) would be imported as ${plan.appends.length} append(s), ${plan.events} event(s); ${plan.alreadyImported} already imported; nothing written\n`);
    return { exitCode: 0, plan, written: 0, seconds: (performance.now() - started) / 1000 };
  }
  const writing = bar('writing');
  writing?.start(plan.appends.length, 0);
  const { written } = await writePlan(store, plan, writing ? (done) => done % 100 === 0 && writing.update(done) : undefined);
  writing?.update(plan.appends.length);
  writing?.stop();
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(
    `imported ${plan.accepted - plan.alreadyImported} row(s) (${written} append(s), ${plan.events} event(s)) in ${seconds.toFixed(1)} s ` +
      `(checked in ${checkedAfter.toFixed(1)} s, written in ${(seconds - checkedAfter).toFixed(1)} s); ` +
      `${plan.alreadyImported} already imported, ${plan.rejected.length} rejected; correlation id ${correlationId}\n`,
  );
  return { exitCode: 0, plan, written, seconds };
}

/** The rejected rows as CSV: the import's columns (so the file can be fixed and imported again) plus line and reason. */
async function writeRejects(path: string, rejected: readonly RejectedRow[]): Promise<void> {
  const header = ['rejected_line', 'rejected_reason', ...IMPORT_COLUMNS];
  const lines = rejected.map((r) => [String(r.line), r.reasons.join(' | '), ...IMPORT_COLUMNS.map((c) => r.raw[c] ?? '')].map(csvField).join(','));
  await writeFile(path, `${[header.join(','), ...lines].join('\n')}\n`, 'utf8');
}

function todayIn(offset: string): string {
  if (offset === 'Z') return systemClock.now().toISOString().slice(0, 10);
  const sign = offset.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  return new Date(systemClock.now().getTime() + minutes * 60_000).toISOString().slice(0, 10);
}
