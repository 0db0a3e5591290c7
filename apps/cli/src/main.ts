#!/usr/bin/env -S node --max-semi-space-size=64
import { Command } from 'commander';
import { STREAM_KINDS } from '@ledger/domain';
import { describeStore, openStore, storeConfigFromEnv, type LedgerStore } from '@ledger/event-store';
import { registerAuditCommands } from './commands/audit';
import { registerCheckpointCommands, verifyLedger, type VerifyOptions } from './commands/checkpoint';
import { registerDemoCommand } from './commands/demo';
import { registerEvidenceCommand } from './commands/evidence';
import { registerImportCommand } from './commands/import';
import { registerRebuildCommand } from './commands/rebuild';
import { registerRuleSetCommands } from './commands/rule-set';
import { registerSignCommands } from './commands/sign';
import { registerVerifyEvidenceCommand } from './commands/verify-evidence';
import { registerUserCommands } from './commands/users';

/**
 * `ledger`: operator and auditor commands against the configured store (same environment variables as the API).
 * Exit codes: 0 ok, 1 verification failed, 2 usage or configuration error.
 */
async function withStore<T>(fn: (store: LedgerStore) => Promise<T>): Promise<T> {
  const config = storeConfigFromEnv();
  const store = await openStore(config, new Set(STREAM_KINDS));
  process.stderr.write(`store: ${describeStore(config)}\n`);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got '${value}'`);
    return n;
  };
}

const program = new Command('ledger').description('Accountability ledger: verify and inspect the tamper-evident log').showHelpAfterError();

program
  .command('verify')
  .description('recompute every leaf hash and stored Merkle node, then check every signed checkpoint; exit 1 naming what fails')
  .option('--json', 'print the report as JSON')
  .option('--against <note-file...>', 'also check checkpoints obtained out of band (signed notes, e.g. a witness copy)')
  .option('--ledger-key <base64>', "the ledger's public key as you know it (base64 of the raw Ed25519 key)")
  .option('--pinned-key <file>', "a file with the ledger's public key an auditor pinned (base64, `ledger checkpoints --public-key` output, or PEM): checkpoints and --against notes must be signed by it, not by a key the database claims")
  .action(async (opts: VerifyOptions) => {
    process.exitCode = await withStore((store) => verifyLedger(store, opts));
  });

program
  .command('head')
  .description('print the current tree size and root hash')
  .action(async () => {
    const head = await withStore((store) => store.treeHead());
    console.log(JSON.stringify(head));
  });

program
  .command('proof')
  .description('inclusion proof of the event at a position, against the tree of the given size (default: current)')
  .argument('<position>', 'global position', positiveInt('position'))
  .option('--size <n>', 'tree size', positiveInt('size'))
  .action(async (position: number, opts: { size?: number }) => {
    const proof = await withStore((store) => store.inclusionProof(position, opts.size));
    console.log(JSON.stringify(proof, null, 2));
  });

program
  .command('consistency')
  .description('consistency proof between two tree sizes')
  .argument('<size1>', 'earlier tree size', positiveInt('size1'))
  .argument('<size2>', 'later tree size', positiveInt('size2'))
  .action(async (size1: number, size2: number) => {
    const proof = await withStore((store) => store.consistencyProof(size1, size2));
    console.log(JSON.stringify({ size1, size2, proof }, null, 2));
  });

registerUserCommands(program, withStore);
registerCheckpointCommands(program, withStore);
registerImportCommand(program, withStore);
registerRebuildCommand(program, withStore);
registerEvidenceCommand(program, withStore);
registerVerifyEvidenceCommand(program);
registerAuditCommands(program, withStore);
registerSignCommands(program, withStore);
registerDemoCommand(program);
registerRuleSetCommands(program, withStore);

program.parseAsync(process.argv).catch((error: unknown) => {
  const e = error as { code?: string; message?: string };
  console.error(`ledger: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`);
  process.exitCode = 2;
});
