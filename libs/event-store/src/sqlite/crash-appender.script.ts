/** Child process for the crash test: appends batches of 100 events until killed, printing after each commit. */
import { SqliteEventStore } from './sqlite-event-store';

async function main(): Promise<void> {
  const store = await SqliteEventStore.open({ path: process.argv[2], policy: { streamKinds: new Set(['task']) } });
  for (let i = 0; ; i++) {
    await store.append({
      streamId: `task-crash-${process.pid}-${i % 7}`,
      expectedVersion: 'any',
      events: Array.from({ length: 100 }, (_, k) => ({ type: 'ProgressReported', data: { i, k, pad: 'x'.repeat(200) } })),
      metadata: {
        actorId: 'crash',
        actorRole: 'unit_staff',
        actorUnit: 'zh',
        commandId: `crash-${process.pid}-${i}`,
        correlationId: 'c',
        causationId: null,
        occurredAt: '2018-10-10T00:00:00.000Z',
      },
    });
    process.stdout.write('.');
  }
}
void main();
