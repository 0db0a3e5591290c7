/** Child process for the writer-thread test: appends and exits without closing the store (the thread must not keep it alive). */
import { SqliteEventStore } from './sqlite-event-store';

async function main(): Promise<void> {
  const store = await SqliteEventStore.open({ path: process.argv[2], policy: { streamKinds: new Set(['task']) } });
  for (let i = 0; i < 3; i++) {
    await store.append({
      streamId: 'task-unclosed',
      expectedVersion: 'any',
      events: [{ type: 'Hit', data: { i } }],
      metadata: { actorId: 'u', actorRole: 'administrator', actorUnit: 'root', commandId: `unclosed-${i}`, correlationId: 'c', causationId: null, occurredAt: '2026-01-01T00:00:00Z' },
    });
  }
  process.stdout.write(`appended ${await store.headPosition()}\n`);
}
void main();
