/**
 * Child process for the backup tests: appends 20-event commands to the configured store (LEDGER_STORE etc.) from
 * four concurrent appenders until it is killed, printing `committed <command id>` after each commit.
 * Run: node -r @swc-node/register test/deploy/backup-appender.script.ts
 */
import { STREAM_KINDS } from '@ledger/domain';
import { openStore, storeConfigFromEnv } from '@ledger/event-store';

async function main(): Promise<void> {
  const store = await openStore(storeConfigFromEnv(), new Set(STREAM_KINDS));
  const appender = async (w: number) => {
    for (let i = 0; ; i++) {
      const commandId = `backup-${process.pid}-${w}-${i}`;
      await store.append({
        streamId: `task-backup${w}`,
        expectedVersion: 'any',
        events: Array.from({ length: 20 }, (_, n) => ({ type: 'ProgressReported', data: { w, i, n, note: 'x'.repeat(200) } })),
        metadata: { actorId: 'backup-test', actorRole: 'administrator', actorUnit: 'root', commandId, correlationId: commandId, causationId: null, occurredAt: '2024-01-01T00:00:00Z' },
      });
      process.stdout.write(`committed ${commandId}\n`);
    }
  };
  await Promise.all([0, 1, 2, 3].map(appender));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
