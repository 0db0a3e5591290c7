import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { REPORT_LANGUAGES, renderEvidenceReport, reportLanguage, verifyEvidence } from '@ledger/evidence';

/**
 * `ledger verify-evidence <file>`: checks an evidence bundle with no database and no network (it opens no store)
 * and prints what was verified in the user's language. Exit 0 when every check passes, 1 otherwise.
 */
export function registerVerifyEvidenceCommand(program: Command): void {
  program
    .command('verify-evidence')
    .description('verify an evidence bundle offline: leaves, inclusion proofs, checkpoint and export signatures, approvers’ signatures')
    .argument('<file>', 'the bundle, exactly as exported')
    .option('--ledger-key <base64>', "the ledger's public key as you know it; without it the key in the bundle is used (integrity, not identity)")
    .addOption(new Option('--lang <lang>', 'language of the report (default: from LANG)').choices([...REPORT_LANGUAGES]))
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: { ledgerKey?: string; lang?: string; json?: boolean }) => {
      const report = verifyEvidence(await readFile(file, 'utf8'), { ledgerKey: opts.ledgerKey });
      if (opts.json) console.log(JSON.stringify(report, null, 2));
      else for (const line of renderEvidenceReport(report, reportLanguage(opts.lang))) console.log(line);
      process.exitCode = report.ok ? 0 : 1;
    });
}
