import type { Command } from 'commander';
import { storeConfigFromEnv, type LedgerStore, type StoreConfig } from '@ledger/event-store';
import { DURABLE_READ_MODELS } from '@ledger/projections';
import { openReadModelStore, readStoreConfigFrom, rebuildReadModels, type AnyProjection, type RebuildReport } from '@ledger/read-store';

type WithStore = <T>(fn: (store: LedgerStore) => Promise<T>) => Promise<T>;

export interface RebuildOptions {
  readonly replace?: boolean;
  readonly json?: boolean;
}

/**
 * `ledger rebuild`: every durable read model folded again from position 0 into the shadow tables, compared with the
 * live tables at the live checkpoint (SHA-256 of each side's canonical dump; the first document that differs), and
 * with --replace swapped in under each projection's lease. Exit 0 identical (or replaced), 1 a difference.
 */
export async function rebuild(
  store: LedgerStore,
  options: RebuildOptions,
  config: StoreConfig = storeConfigFromEnv(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ exitCode: number; report: RebuildReport }> {
  const readStore = await openReadModelStore(readStoreConfigFrom(config, env));
  process.stderr.write(`read models: ${readStore.description}\n`);
  try {
    const report = await rebuildReadModels({
      store: readStore,
      log: store,
      projections: Object.values(DURABLE_READ_MODELS) as AnyProjection[],
      replace: options.replace,
      onProgress: process.stderr.isTTY ? (position, end) => process.stderr.write(`\rfolded ${position} / ${end}`) : undefined,
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    if (options.json) console.log(JSON.stringify(report, null, 2));
    else print(report);
    return { exitCode: report.identical || options.replace ? 0 : 1, report };
  } finally {
    await readStore.close();
  }
}

function print(report: RebuildReport): void {
  for (const p of report.projections) {
    const state = p.identical ? 'identical' : 'DIFFERS';
    console.log(`${p.projection.padEnd(18)} at ${String(p.position).padStart(8)}  ${String(p.documents).padStart(7)} documents  ${state}  sha256 ${p.rebuiltSha256}${p.identical ? '' : ` (live ${p.liveSha256})`}`);
    if (p.note) console.log(`  ${p.note}`);
    if (p.firstDifference) {
      const d = p.firstDifference;
      console.log(`  first difference: collection ${JSON.stringify(d.collection)} key ${JSON.stringify(d.key)}`);
      console.log(`    live:    ${d.live ?? '(missing)'}`);
      console.log(`    rebuilt: ${d.rebuilt ?? '(missing)'}`);
    }
  }
  console.log(`${report.eventsFolded} events folded in ${report.seconds.toFixed(2)} s: ${report.identical ? 'the live read models are identical to a rebuild' : 'the live read models differ from a rebuild'}`);
  if (report.replaced.length > 0) console.log(`replaced: ${report.replaced.join(', ')}`);
}

export function registerRebuildCommand(program: Command, withStore: WithStore): void {
  program
    .command('rebuild')
    .description('fold every read model again from position 0 into shadow tables and compare them with the live ones; exit 1 on a difference')
    .option('--replace', 'swap the rebuilt tables in (under each projection\'s lease)')
    .option('--json', 'print the report as JSON')
    .action(async (opts: RebuildOptions) => {
      process.exitCode = (await withStore((store) => rebuild(store, opts))).exitCode;
    });
}
