import { Map as IMap } from 'immutable';
import type { RecordedEvent } from '@ledger/event-store';
import { ProjectionWorker, type FoldingProjection } from './projection-worker';
import { SqliteReadModelStore } from './sqlite/sqlite-read-model-store';
import { arrayLog } from './testing/read-model-store.contract';

/** One document per event: key k<position>. */
const ManyProjection: FoldingProjection<IMap<string, { at: number }>> = {
  name: 'many',
  eventTypes: new Set(['Put']),
  initialState: () => IMap(),
  evolve: (model, event) => model.set(`k${event.position}`, { at: event.position }),
};

const puts = (count: number): RecordedEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `e-${i + 1}`,
    streamId: 's',
    streamVersion: i + 1,
    position: i + 1,
    type: 'Put',
    schemaVersion: 1,
    data: {},
    metadata: { actorId: 'a', actorRole: 'administrator', actorUnit: 'u', commandId: `c-${i}`, correlationId: 'c', causationId: null, occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z' },
  }));

/** Turns of the event loop (setImmediate callbacks run) while `work` runs. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  await work();
  running = false;
  return turns;
}

describe('projection worker in a process that serves requests (SQLite in memory: no I/O waits of its own)', () => {
  describe('when its first flush compares every document by text (shared models built apart from the stored ones)', () => {
    it('gives the event loop a turn every few hundred documents compared, though it writes almost none', async () => {
      const store = new SqliteReadModelStore({ path: ':memory:' });
      const events = puts(3000);
      const first = new ProjectionWorker({ store, log: arrayLog(events), projections: [ManyProjection], owner: 'w1', batchSize: 5000 });
      while ((await first.runOnce(true)) > 0);
      await first.stop();
      // Folded apart (other objects, equal documents), plus one more event.
      const more = puts(3001);
      const apart = more.reduce((m, e) => ManyProjection.evolve(m, e), ManyProjection.initialState());
      const written: number[] = [];
      const spy = Object.create(store, { flush: { value: (lease: never, request: { changes: unknown[] }) => (written.push(request.changes.length), store.flush(lease, request as never)) } });
      const worker = new ProjectionWorker({ store: spy, log: arrayLog(more), projections: [ManyProjection], owner: 'w2', flushEveryEvents: 1, shared: { position: () => ({ position: 3001, eventId: 'e-3001' }), model: () => apart } });
      const turns = await turnsDuring(() => worker.runOnce(true));
      await worker.stop();
      expect(written).toEqual([1]);
      // 3,000 documents compared, a turn every 256 (a few bytes each: the byte count alone would never yield).
      expect(turns).toBeGreaterThanOrEqual(Math.floor(3000 / 256));
      expect((await store.load('many')).documents).toHaveLength(3001);
      await store.close();
    });
  });
});
