/**
 * Child process for the crash test in postgres-event-store.int-spec.ts: appends 100-event commands from four
 * concurrent appenders until it is killed. Prints `committed <n>` after each commit so the parent knows the
 * writer is busy. Run: node -r @swc-node/register crash-appender.script.ts (LEDGER_URL, LEDGER_SCHEMA set).
 */
import { PostgresEventStore } from './postgres-event-store';

async function main(): Promise<void> {
  const store = await PostgresEventStore.open({
    connectionString: process.env.LEDGER_URL!,
    schema: process.env.LEDGER_SCHEMA!,
    policy: { streamKinds: new Set(['task']) },
    migrate: false,
  });
  const appender = async (w: number) => {
    for (let i = 0; ; i++) {
      const commandId = `crash-${process.pid}-${w}-${i}`;
      await store.append({
        streamId: `task-crash${w}`,
        expectedVersion: 'any',
        events: Array.from({ length: 100 }, (_, n) => ({ type: 'ProgressReported', data: { w, i, n, note: 'x'.repeat(200) } })),
        metadata: {
          actorId: 'crash-test',
          actorRole: 'tester',
          actorUnit: 'qa',
          commandId,
          correlationId: commandId,
          causationId: null,
          occurredAt: '2024-01-01T00:00:00.000Z',
        },
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
