/**
 * Child process for the crash test: 8 concurrent appenders (so the writer thread commits groups) append 100-event
 * commands until killed, each printing its command id on a line of its own once the append is acknowledged.
 */
import { SqliteEventStore } from './sqlite-event-store';

async function main(): Promise<void> {
  const store = await SqliteEventStore.open({ path: process.argv[2], policy: { streamKinds: new Set(['task']) } });
  await Promise.all(
    Array.from({ length: 8 }, async (_, appender) => {
      for (let i = 0; ; i++) {
        const commandId = `crash-${process.pid}-${appender}-${i}`;
        await store.append({
          streamId: `task-crash-${process.pid}-${appender}-${i % 7}`,
          expectedVersion: 'any',
          events: Array.from({ length: 100 }, (_, k) => ({ type: 'ProgressReported', data: { i, k, pad: 'x'.repeat(200) } })),
          metadata: {
            actorId: 'crash',
            actorRole: 'unit_staff',
            actorUnit: 'zh',
            commandId,
            correlationId: 'c',
            causationId: null,
            occurredAt: '2018-10-10T00:00:00.000Z',
          },
        });
        process.stdout.write(`${commandId}\n`);
      }
    }),
  );
}
void main();
