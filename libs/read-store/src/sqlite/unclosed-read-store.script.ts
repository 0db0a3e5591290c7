/** Child process for the writer-thread test: flushes and exits without closing the store (the thread must not keep it alive). */
import { SqliteReadModelStore } from './sqlite-read-model-store';

async function main(): Promise<void> {
  const store = new SqliteReadModelStore({ path: process.argv[2], synchronous: 'NORMAL' });
  const lease = (await store.acquire('p', 'w'))!;
  for (let i = 0; i < 3; i++) await store.flush(lease, { expectedPosition: i, position: i + 1, eventId: `e-${i + 1}`, definition: '', changes: [{ collection: 'c', key: 'k', doc: String(i) }] });
  process.stdout.write(`flushed ${(await store.checkpoints())[0].position} (${store.writer})\n`);
}
void main();
