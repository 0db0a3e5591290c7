import { createHash } from 'node:crypto';
import { List, Map as IMap } from 'immutable';
import { STREAM_KINDS } from '@ledger/domain';
import { canonicalize, type RecordedEvent } from '@ledger/event-store';
import { SqliteEventStore } from '@ledger/event-store/sqlite/sqlite-event-store';
import { DURABLE_READ_MODELS } from '@ledger/projections';
import { generateLog } from '../../../../bench/ledger-log-generator';
import { decodeModel, encodeModel, encodeValue, type ModelDocument } from '../codec';
import type { FlushRequest, Lease, ReadModelStore } from '../port';
import { definitionOf, ProjectionWorker, type FoldingProjection, type LogSource } from '../projection-worker';
import { rebuildReadModels } from '../rebuild';

/** What each adapter's suite provides: fresh stores over one shared database, and adapter-specific handles. */
export interface ReadStoreHarness {
  /** A new connection (another "process") to the same, initially empty, read-model store. */
  open(): Promise<ReadModelStore>;
  /** Makes `store`'s leases lapse as a crash would: SQLite: the lease expires; PostgreSQL: its session dies. */
  loseLeases(store: ReadModelStore): Promise<void>;
  /** Overwrites one live document row behind the store's back. */
  tamper(store: ReadModelStore, projection: string, collection: string, key: string, doc: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** A small projection: per key, how many Hit events and the last position; and a list of every key seen. */
type HitsModel = { readonly byKey: IMap<string, { count: number; last: number }>; readonly seen: List<string> };
export const HitsProjection: FoldingProjection<HitsModel> = {
  name: 'hits',
  eventTypes: new Set(['Hit']),
  initialState: () => ({ byKey: IMap(), seen: List() }),
  evolve: (model, event) => {
    const key = String(event.data.key);
    const before = model.byKey.get(key);
    return { byKey: model.byKey.set(key, { count: (before?.count ?? 0) + 1, last: event.position }), seen: model.seen.push(key) };
  },
};

export function hitEvents(count: number, from = 1): RecordedEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const position = from + i;
    return {
      id: `e-${position}`,
      streamId: `hit-${position % 7}`,
      streamVersion: 1,
      position,
      type: position % 5 === 0 ? 'Other' : 'Hit',
      schemaVersion: 1,
      data: { key: `k${position % 11}` },
      metadata: { actorId: 'a', actorRole: 'administrator', actorUnit: 'u', commandId: `c-${position}`, correlationId: 'c', causationId: null, occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z' },
    };
  });
}

export function arrayLog(events: RecordedEvent[]): LogSource {
  return {
    readAll: async ({ fromPosition, limit }) => events.filter((e) => e.position >= fromPosition).slice(0, limit),
    headPosition: async () => events.length,
  };
}

const hitsAt = (events: RecordedEvent[], position: number) => {
  let model = HitsProjection.initialState();
  for (const e of events) if (e.position <= position && e.type === 'Hit') model = HitsProjection.evolve(model, e);
  return encodeModel(model);
};

export function readModelStoreContract(name: string, harness: () => Promise<ReadStoreHarness>): void {
  describe(`read-model store contract: ${name}`, () => {
    let h: ReadStoreHarness;
    const opened: ReadModelStore[] = [];
    const open = async () => {
      const store = await h.open();
      opened.push(store);
      return store;
    };

    beforeEach(async () => {
      h = await harness();
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close().catch(() => undefined);
      await h.cleanup();
    });

    describe('leases and fenced flushes', () => {
      it('finds nothing in a store nobody has written yet (a reader needs no tables, and creates none)', async () => {
        const store = await open();
        expect(await store.load('p')).toEqual({ checkpoint: null, documents: [] });
        expect(await store.checkpoints()).toEqual([]);
        expect(await store.checkpoints('shadow')).toEqual([]);
      });

      it('writes documents and checkpoint together, and reads them back as one snapshot', async () => {
        const store = await open();
        const lease = (await store.acquire('p', 'w1'))!;
        expect(lease).not.toBeNull();
        expect(await store.reset(lease, 'p@1')).toBe(true);
        const ok = await store.flush(lease, { expectedPosition: 0, position: 3, eventId: 'e-3', definition: 'p@1', changes: [{ collection: 'c', key: 'b', doc: '{"n":2}' }, { collection: 'c', key: 'a', doc: '1' }] });
        expect(ok).toBe(true);
        await store.flush(lease, { expectedPosition: 3, position: 5, eventId: 'e-5', definition: 'p@1', changes: [{ collection: 'c', key: 'a', doc: null }, { collection: '', key: '', doc: '"x"' }] });
        const snapshot = await store.load('p');
        expect(snapshot.checkpoint).toMatchObject({ projection: 'p', position: 5, eventId: 'e-5', definition: 'p@1', owner: 'w1' });
        expect(snapshot.documents).toEqual([
          { collection: '', key: '', doc: '"x"' },
          { collection: 'c', key: 'b', doc: '{"n":2}' },
        ]);
      });

      it('writes a large flush (thousands of documents, written in slices) whole, or refuses it whole', async () => {
        const store = await open();
        const lease = (await store.acquire('p', 'w1'))!;
        await store.reset(lease, 'p@1');
        const changes = Array.from({ length: 2345 }, (_, i) => ({ collection: 'c', key: `k${String(i).padStart(5, '0')}`, doc: String(i) }));
        expect(await store.flush(lease, { expectedPosition: 0, position: 9, eventId: 'e-9', definition: 'p@1', changes })).toBe(true);
        expect(await store.flush(lease, { expectedPosition: 0, position: 10, eventId: 'e-10', definition: 'p@1', changes: changes.map((c) => ({ ...c, doc: 'x' })) })).toBe(false);
        const snapshot = await store.load('p');
        expect(snapshot.checkpoint!.position).toBe(9);
        expect(snapshot.documents).toEqual(changes);
      });

      it('refuses a flush whose expected position is not the checkpoint (a redelivered batch writes nothing)', async () => {
        const store = await open();
        const lease = (await store.acquire('p', 'w1'))!;
        await store.reset(lease, 'p@1');
        expect(await store.flush(lease, { expectedPosition: 0, position: 2, eventId: 'e-2', definition: 'p@1', changes: [{ collection: 'c', key: 'a', doc: '1' }] })).toBe(true);
        expect(await store.flush(lease, { expectedPosition: 0, position: 2, eventId: 'e-2', definition: 'p@1', changes: [{ collection: 'c', key: 'a', doc: '2' }] })).toBe(false);
        expect((await store.load('p')).documents).toEqual([{ collection: 'c', key: 'a', doc: '1' }]);
      });

      it('gives a projection to one owner at a time, and to the next once the first releases it', async () => {
        const a = await open();
        const b = await open();
        const leaseA = await a.acquire('p', 'A');
        expect(leaseA).not.toBeNull();
        expect(await b.acquire('p', 'B')).toBeNull();
        await a.release(leaseA!);
        expect(await b.acquire('p', 'B')).not.toBeNull();
        expect(await a.acquire('p', 'A')).toBeNull();
      });

      it('fences off an owner whose lease lapsed once another took it: its flush and reset are refused', async () => {
        const a = await open();
        const b = await open();
        const leaseA = (await a.acquire('p', 'A'))!;
        await a.reset(leaseA, 'p@1');
        expect(await a.flush(leaseA, { expectedPosition: 0, position: 1, eventId: 'e-1', definition: 'p@1', changes: [{ collection: 'c', key: 'a', doc: '1' }] })).toBe(true);
        await h.loseLeases(a);
        const leaseB = (await b.acquire('p', 'B'))!;
        expect(leaseB).not.toBeNull();
        // A wakes up and writes what it folded meanwhile: refused, though its expected position is still right.
        expect(await a.flush(leaseA, { expectedPosition: 1, position: 2, eventId: 'e-2', definition: 'p@1', changes: [{ collection: 'c', key: 'a', doc: 'stale' }] })).toBe(false);
        expect(await a.reset(leaseA, 'p@1')).toBe(false);
        expect(await a.renew(leaseA)).toBe(false);
        expect(await b.flush(leaseB, { expectedPosition: 1, position: 2, eventId: 'e-2', definition: 'p@1', changes: [{ collection: 'c', key: 'a', doc: '2' }] })).toBe(true);
        expect((await b.load('p')).documents).toEqual([{ collection: 'c', key: 'a', doc: '2' }]);
      });

      it('keeps shadow tables apart from the live ones, and swaps them in under the lease', async () => {
        const store = await open();
        const lease = (await store.acquire('p', 'w1'))!;
        await store.reset(lease, 'p@1');
        await store.flush(lease, { expectedPosition: 0, position: 4, eventId: 'e-4', definition: 'p@1', changes: [{ collection: 'c', key: 'a', doc: 'live' }] });
        await store.writeShadow('p', { position: 4, eventId: 'e-4', definition: 'p@1' }, [{ collection: 'c', key: 'a', doc: 'rebuilt' }, { collection: 'c', key: 'z', doc: '0' }]);
        expect((await store.load('p')).documents).toEqual([{ collection: 'c', key: 'a', doc: 'live' }]);
        expect((await store.load('p', 'shadow')).checkpoint).toMatchObject({ position: 4, definition: 'p@1' });
        expect(await store.promoteShadow(lease)).toBe(true);
        expect((await store.load('p')).documents).toEqual([{ collection: 'c', key: 'a', doc: 'rebuilt' }, { collection: 'c', key: 'z', doc: '0' }]);
        expect((await store.checkpoints()).map((c) => [c.projection, c.position])).toEqual([['p', 4]]);
      });
      it('reads a projection page by page in (collection, key) byte order, whatever the page size, and nothing of one never written', async () => {
        const store = await open();
        const keys = ['b', 'a', 'B', 'a-1', 'é', 'z', 'a0'];
        function* documents() {
          for (const key of keys) yield { collection: 'c', key, doc: JSON.stringify(key) };
          yield { collection: '', key: 'root', doc: '0' };
          yield { collection: 'd', key: '', doc: '1' };
        }
        await store.writeShadow('p', { position: 1, eventId: 'e-1', definition: 'p@1' }, documents());
        const whole = (await store.load('p', 'shadow')).documents;
        expect(whole).toHaveLength(9);
        for (const size of [1, 2, 4, 9, 1000]) {
          const pages: ModelDocument[][] = [];
          for await (const page of store.documentPages('p', 'shadow', size)) pages.push(page);
          expect(pages.flat()).toEqual(whole);
          expect(pages.every((page) => page.length <= size)).toBe(true);
        }
        const none: ModelDocument[][] = [];
        for await (const page of store.documentPages('q', 'shadow')) none.push(page);
        for await (const page of store.documentPages('p', 'live')) none.push(page);
        expect(none).toEqual([]);
      });
    });

    describe('the projection worker', () => {
      const events = hitEvents(500);

      it('folds the log from its checkpoint and flushes documents equal to a fold from 0', async () => {
        const store = await open();
        const worker = new ProjectionWorker({ store, log: arrayLog(events), projections: [HitsProjection], owner: 'w', batchSize: 64, flushEveryEvents: 100 });
        while ((await worker.runOnce(true)) > 0);
        const snapshot = await store.load('hits');
        expect(snapshot.checkpoint).toMatchObject({ position: 500, eventId: 'e-500', definition: definitionOf(HitsProjection) });
        expect(snapshot.documents).toEqual(hitsAt(events, 500));
        await worker.stop();
      });

      it('with shared models (folded elsewhere in the process) folds nothing itself and writes exactly what they hold', async () => {
        const store = await open();
        const fold = (upTo: number) => events.slice(0, upTo).reduce((m, e) => (HitsProjection.eventTypes.has(e.type) ? HitsProjection.evolve(m, e) : m), HitsProjection.initialState());
        let shared = { position: 0, model: HitsProjection.initialState() };
        const reads: number[] = [];
        const log: LogSource = { ...arrayLog(events), readAll: async (o) => (reads.push(o.fromPosition), arrayLog(events).readAll(o)) };
        const worker = new ProjectionWorker({
          store,
          log,
          projections: [HitsProjection],
          owner: 'w',
          flushEveryEvents: 1,
          shared: { position: () => ({ position: shared.position, eventId: shared.position === 0 ? null : `e-${shared.position}` }), model: () => shared.model },
        });
        await worker.runOnce(true);
        shared = { position: 300, model: fold(300) };
        await worker.runOnce(true);
        expect((await store.load('hits')).checkpoint).toMatchObject({ position: 300, eventId: 'e-300' });
        expect((await store.load('hits')).documents).toEqual(hitsAt(events, 300));
        // Behind the store (a process that has not caught up yet): nothing is written backwards.
        shared = { position: 200, model: fold(200) };
        await worker.runOnce(true);
        expect((await store.load('hits')).checkpoint!.position).toBe(300);
        shared = { position: 500, model: fold(500) };
        await worker.stop();
        expect((await store.load('hits')).documents).toEqual(hitsAt(events, 500));
        expect(reads).toEqual([]);
      });

      it('with shared models built apart from the stored ones, the first flush writes only documents whose text changed', async () => {
        const store = await open();
        const first = new ProjectionWorker({ store, log: arrayLog(events.slice(0, 400)), projections: [HitsProjection], owner: 'w1', batchSize: 1000 });
        while ((await first.runOnce(true)) > 0);
        await first.stop();
        // Another process folded the same log itself (equal values, other objects), then one more event for key k1.
        const folded = events.slice(0, 400).reduce((m, e) => (HitsProjection.eventTypes.has(e.type) ? HitsProjection.evolve(m, e) : m), HitsProjection.initialState());
        const next = hitEvents(1, 401)[0];
        const after = HitsProjection.evolve(folded, next);
        const changed: string[] = [];
        const spy: ReadModelStore = Object.create(store, {
          flush: { value: (lease: never, request: { changes: Array<{ collection: string; key: string }> }) => (changed.push(...request.changes.map((c) => `${c.collection}/${c.key}`)), store.flush(lease, request as never)) },
        });
        const worker = new ProjectionWorker({ store: spy, log: arrayLog([...events.slice(0, 400), next]), projections: [HitsProjection], owner: 'w2', flushEveryEvents: 1, shared: { position: () => ({ position: 401, eventId: 'e-401' }), model: () => after } });
        await worker.runOnce(true);
        await worker.stop();
        expect(changed.sort()).toEqual([`byKey/${String(next.data.key)}`, 'seen/']);
        expect((await store.load('hits')).documents).toEqual(hitsAt([...events.slice(0, 400), next], 401));
      });

      describe('with shared models hydrated from this store', () => {
        /** A store at position 400, the model this process decoded from it then, and a spy on what the worker reads and writes. */
        const hydratedAt400 = async () => {
          const store = await open();
          const first = new ProjectionWorker({ store, log: arrayLog(events.slice(0, 400)), projections: [HitsProjection], owner: 'w1', batchSize: 1000 });
          while ((await first.runOnce(true)) > 0);
          await first.stop();
          const { checkpoint, documents } = await store.load('hits');
          const hydrated = { checkpoint: checkpoint!, model: decodeModel(HitsProjection.initialState(), documents) };
          const loads: string[] = [];
          const changed: string[] = [];
          const spy: ReadModelStore = Object.create(store, {
            load: { value: (projection: string, tables?: never) => (loads.push(projection), store.load(projection, tables)) },
            flush: { value: (lease: never, request: { changes: Array<{ collection: string; key: string }> }) => (changed.push(...request.changes.map((c) => `${c.collection}/${c.key}`)), store.flush(lease, request as never)) },
          });
          return { store, spy, hydrated, loads, changed };
        };
        const next = hitEvents(1, 401)[0];

        it('at the checkpoint the store is still at, starts from that model without reading the documents, and diffs by reference', async () => {
          const { store, spy, hydrated, loads, changed } = await hydratedAt400();
          // Folded on from the hydrated model; and k3 replaced by an equal value, which only a diff by reference writes.
          const folded = HitsProjection.evolve(hydrated.model, next);
          const after = { ...folded, byKey: folded.byKey.set('k3', { ...folded.byKey.get('k3')! }) };
          let taken = 0;
          const worker = new ProjectionWorker({
            store: spy,
            log: arrayLog([...events.slice(0, 400), next]),
            projections: [HitsProjection],
            owner: 'w2',
            flushEveryEvents: 1,
            shared: { position: () => ({ position: 401, eventId: 'e-401' }), model: () => after, takeHydrated: () => (taken++, new Map([['hits', hydrated]])) },
          });
          await worker.runOnce(true);
          await worker.stop();
          expect(taken).toBe(1);
          expect(loads).toEqual([]);
          expect(changed.sort()).toEqual([`byKey/${String(next.data.key)}`, 'byKey/k3', 'seen/'].sort());
          expect((await store.load('hits')).documents).toEqual(hitsAt([...events.slice(0, 400), next], 401));
        });

        it('once the store has moved past that checkpoint, reads the documents and compares them by text', async () => {
          const { store, spy, hydrated, loads, changed } = await hydratedAt400();
          // Another worker wrote up to 450 since; this process's models were folded on from its hydrated model to 451.
          const other = new ProjectionWorker({ store, log: arrayLog(events.slice(0, 450)), projections: [HitsProjection], owner: 'w3', batchSize: 1000 });
          while ((await other.runOnce(true)) > 0);
          await other.stop();
          const after = events.slice(400, 451).reduce((m, e) => (HitsProjection.eventTypes.has(e.type) ? HitsProjection.evolve(m, e) : m), hydrated.model);
          const worker = new ProjectionWorker({
            store: spy,
            log: arrayLog(events),
            projections: [HitsProjection],
            owner: 'w2',
            flushEveryEvents: 1,
            shared: { position: () => ({ position: 451, eventId: 'e-451' }), model: () => after, takeHydrated: () => new Map([['hits', hydrated]]) },
          });
          await worker.runOnce(true);
          await worker.stop();
          expect(loads).toEqual(['hits']);
          // Only what event 451 changed: by text, though every value is another object than the store's decoded ones.
          expect(changed.sort()).toEqual([`byKey/${String(events[450].data.key)}`, 'seen/']);
          expect((await store.load('hits')).documents).toEqual(hitsAt(events, 451));
        });

        it('forgets the hydrated models after keepHydratedMs, and then reads the documents', async () => {
          const { spy, hydrated, loads } = await hydratedAt400();
          const worker = new ProjectionWorker({
            store: spy,
            log: arrayLog(events.slice(0, 400)),
            projections: [HitsProjection],
            owner: 'w2',
            keepHydratedMs: 0,
            shared: { position: () => ({ position: 400, eventId: 'e-400' }), model: () => hydrated.model, takeHydrated: () => new Map([['hits', hydrated]]) },
          });
          await worker.runOnce(true);
          await worker.stop();
          expect(loads).toEqual(['hits']);
        });
      });

      it('changes nothing when a batch is delivered twice (idempotent)', async () => {
        const store = await open();
        // It owns the projection, and is handed batches by hand.
        const worker = new ProjectionWorker({ store, log: arrayLog([]), projections: [HitsProjection], owner: 'w' });
        await worker.runOnce(true);
        const batch = events.slice(0, 200);
        worker.handle(batch);
        await worker.flushAll();
        const once = await store.load('hits');
        worker.handle(batch);
        worker.handle(events.slice(150, 200));
        await worker.flushAll();
        expect(await store.load('hits')).toEqual(once);
        expect(once.documents).toEqual(hitsAt(events, 200));
        // And once flushed, a new worker resuming from the checkpoint does not fold them again either.
        await worker.stop();
        const again = new ProjectionWorker({ store, log: arrayLog(events.slice(0, 200)), projections: [HitsProjection], owner: 'w2' });
        await again.runOnce(true);
        again.handle(batch);
        await again.flushAll();
        expect((await store.load('hits')).documents).toEqual(once.documents);
        await again.stop();
      });

      it('resumes after a crash from its checkpoint, losing and duplicating nothing', async () => {
        const first = await open();
        const crashed = new ProjectionWorker({ store: first, log: arrayLog(events), projections: [HitsProjection], owner: 'crashed', batchSize: 50, flushEveryEvents: 100 });
        for (let i = 0; i < 6; i++) await crashed.runOnce(i === 0);
        const at = (await first.load('hits')).checkpoint!.position;
        expect(at).toBeGreaterThan(0);
        expect(at).toBeLessThan(crashed.status()[0].position!);
        // Folded past its checkpoint in memory, then gone without flushing or releasing.
        await h.loseLeases(first);
        const second = new ProjectionWorker({ store: await open(), log: arrayLog(events), projections: [HitsProjection], owner: 'next', batchSize: 64 });
        while ((await second.runOnce(true)) > 0);
        expect((await first.load('hits')).documents).toEqual(hitsAt(events, 500));
        await second.stop();
      });

      it('runs each projection on one of two workers; the other takes over when the first dies; the first is then fenced off', async () => {
        const storeA = await open();
        const storeB = await open();
        const log = arrayLog(events);
        const a = new ProjectionWorker({ store: storeA, log, projections: [HitsProjection], owner: 'A', batchSize: 100, flushEveryEvents: 100 });
        const b = new ProjectionWorker({ store: storeB, log, projections: [HitsProjection], owner: 'B', batchSize: 100, flushEveryEvents: 100 });
        await a.runOnce(true);
        await b.runOnce(true);
        expect(a.status()[0].owned).toBe(true);
        expect(b.status()[0].owned).toBe(false);
        await a.runOnce(true);
        await h.loseLeases(storeA);
        await b.runOnce(true);
        expect(b.status()[0].owned).toBe(true);
        // A, unaware, folds on and tries to flush: fenced off, it drops the projection.
        await a.runOnce(true);
        expect(a.status()[0].owned).toBe(false);
        while ((await b.runOnce(true)) > 0);
        expect((await storeB.load('hits')).documents).toEqual(hitsAt(events, 500));
        await b.stop();
      });

      it('rebuilds a projection from 0 when its definition changed', async () => {
        const store = await open();
        const w1 = new ProjectionWorker({ store, log: arrayLog(events), projections: [HitsProjection], owner: 'w' });
        while ((await w1.runOnce(true)) > 0);
        await w1.stop();
        const changed: FoldingProjection<HitsModel> = { ...HitsProjection, version: '2', evolve: (m, e) => (Number(String(e.data.key).slice(1)) % 2 === 0 ? HitsProjection.evolve(m, e) : m) };
        const w2 = new ProjectionWorker({ store, log: arrayLog(events), projections: [changed], owner: 'w' });
        while ((await w2.runOnce(true)) > 0);
        const snapshot = await store.load('hits');
        expect(snapshot.checkpoint!.definition).toBe(definitionOf(changed));
        let expected = changed.initialState();
        for (const e of events) if (e.type === 'Hit') expected = changed.evolve(expected, e);
        expect(snapshot.documents).toEqual(encodeModel(expected));
        await w2.stop();
      });

      it('starts again from 0 when the checkpoint names an event the log does not have (another log)', async () => {
        const store = await open();
        const w1 = new ProjectionWorker({ store, log: arrayLog(events), projections: [HitsProjection], owner: 'w' });
        while ((await w1.runOnce(true)) > 0);
        await w1.stop();
        const other = hitEvents(300).map((e) => ({ ...e, id: `other-${e.position}` }));
        const w2 = new ProjectionWorker({ store, log: arrayLog(other), projections: [HitsProjection], owner: 'w' });
        while ((await w2.runOnce(true)) > 0);
        expect((await store.load('hits')).documents).toEqual(hitsAt(other, 300));
        await w2.stop();
      });
    });

    describe('Lists stored in pages (a List longer than LIST_PAGE_SIZE at a key of a split Map)', () => {
      const events = hitEvents(600);
      /** Per key, every Hit (appended); an Other event pops an item off one key's List, or every 100th deletes the key. */
      type ListsModel = { readonly byKey: IMap<string, List<{ readonly p: number }>> };
      const ListsProjection: FoldingProjection<ListsModel> = {
        name: 'lists',
        eventTypes: new Set(['Hit', 'Other']),
        initialState: () => ({ byKey: IMap() }),
        evolve: (model, event) => {
          if (event.type === 'Hit') return { byKey: model.byKey.update(String(event.data.key), List(), (list) => list.push({ p: event.position })) };
          const key = `k${event.position % 11}`;
          if (event.position % 100 === 0) return { byKey: model.byKey.delete(key) };
          return model.byKey.has(key) ? { byKey: model.byKey.update(key, (list) => list!.pop()) } : model;
        },
      };
      const listsAt = (position: number) => encodeModel(events.filter((e) => e.position <= position).reduce(ListsProjection.evolve, ListsProjection.initialState()));

      it('writes the pages that changed, never one the store already holds, and the store holds a fold from 0 after every flush', async () => {
        const store = await open();
        let flushes = 0;
        let written = 0;
        const flush = async (lease: Lease, request: FlushRequest) => {
          const held = new Map((await store.load('lists')).documents.map((d) => [`${d.collection}\u0000${d.key}`, d.doc]));
          for (const change of request.changes) expect(held.get(`${change.collection}\u0000${change.key}`) ?? null).not.toBe(change.doc);
          const ok = await store.flush(lease, request);
          expect((await store.load('lists')).documents).toEqual(listsAt(request.position));
          flushes++;
          written += request.changes.filter((c) => c.doc !== null).length;
          return ok;
        };
        // Every other method called on the store itself (so what it opens, it closes).
        const spy = new Proxy(store, { get: (target, name) => (name === 'flush' ? flush : (Reflect.get(target, name) as unknown) instanceof Function ? (Reflect.get(target, name) as (...a: unknown[]) => unknown).bind(target) : Reflect.get(target, name)) });
        const worker = new ProjectionWorker({ store: spy, log: arrayLog(events), projections: [ListsProjection], owner: 'w', batchSize: 7, flushEveryEvents: 7 });
        while ((await worker.runOnce(true)) > 0);
        await worker.stop();
        const snapshot = await store.load('lists');
        expect(snapshot.checkpoint).toMatchObject({ position: 600, definition: definitionOf(ListsProjection) });
        expect(snapshot.documents).toEqual(listsAt(600));
        expect(snapshot.documents.some((d) => d.collection === `byKey#`)).toBe(true);
        // Seven events a flush touch a few Lists: a page or two and a head each, not every page of every List.
        expect(flushes).toBeGreaterThan(80);
        expect(written / flushes).toBeLessThan(12);
        expect(encodeModel(decodeModel(ListsProjection.initialState(), snapshot.documents))).toEqual(listsAt(600));
        const report = await rebuildReadModels({ store, log: arrayLog(events), projections: [ListsProjection] });
        expect(report.projections[0]).toMatchObject({ identical: true, documents: snapshot.documents.length });
      });

      it('rebuilds from 0, rather than reading, a store written before List pages (under the definition the codec then had)', async () => {
        const store = await open();
        // As the codec before List pages wrote it: each List one document, under a definition without the codec format.
        const before = `lists@1#${createHash('sha256').update(JSON.stringify(encodeModel(ListsProjection.initialState()))).digest('hex').slice(0, 16)}`;
        expect(definitionOf(ListsProjection)).not.toBe(before);
        const lease = (await store.acquire('lists', 'old'))!;
        await store.reset(lease, before);
        const whole = events.slice(0, 300).reduce(ListsProjection.evolve, ListsProjection.initialState());
        const changes = [...whole.byKey].map(([key, list]) => ({ collection: 'byKey', key, doc: canonicalize(encodeValue(list)) }));
        expect(await store.flush(lease, { expectedPosition: 0, position: 300, eventId: 'e-300', definition: before, changes })).toBe(true);
        await store.release(lease);
        const warnings: string[] = [];
        const worker = new ProjectionWorker({ store, log: arrayLog(events), projections: [ListsProjection], owner: 'w', logger: { log: () => undefined, warn: (m) => void warnings.push(m) } });
        while ((await worker.runOnce(true)) > 0);
        await worker.stop();
        expect(warnings).toEqual([expect.stringMatching(/rebuilding from the start: its definition changed/)]);
        expect((await store.load('lists')).documents).toEqual(listsAt(600));
      });
    });

    describe('rebuild', () => {
      it('finds nothing to differ on an empty log with no live tables, and a difference once the log has events the live tables lack', async () => {
        const store = await open();
        expect((await rebuildReadModels({ store, log: arrayLog([]), projections: [HitsProjection] })).identical).toBe(true);
        const report = await rebuildReadModels({ store, log: arrayLog(hitEvents(10)), projections: [HitsProjection] });
        expect(report.identical).toBe(false);
        expect(report.projections[0]).toMatchObject({ position: 10, note: 'no live tables yet', firstDifference: { collection: 'byKey', live: null } });
      });
    });

    describe('every read model over a real log', () => {
      it('flushes documents that decode to the models folded in memory, and rebuilds them byte for byte', async () => {
        const eventStore = await SqliteEventStore.open({ path: ':memory:', policy: { streamKinds: new Set(STREAM_KINDS) } });
        try {
          await generateLog(eventStore, { events: 3000, units: 30 });
          const head = await eventStore.headPosition();
          const projections = Object.values(DURABLE_READ_MODELS) as FoldingProjection[];
          const store = await open();
          const worker = new ProjectionWorker({ store, log: eventStore, projections, owner: 'w', batchSize: 700, flushEveryEvents: 1000 });
          while ((await worker.runOnce(true)) > 0);
          await worker.stop();
          const tasks = await store.load('tasks');
          expect(tasks.checkpoint!.position).toBe(head);
          let folded: unknown = DURABLE_READ_MODELS.tasks.initialState();
          for (let from = 1; from <= head; from += 1000) {
            for (const e of await eventStore.readAll({ fromPosition: from, limit: 1000 })) {
              if (DURABLE_READ_MODELS.tasks.eventTypes.has(e.type)) folded = DURABLE_READ_MODELS.tasks.evolve(folded as never, e);
            }
          }
          expect(encodeModel(decodeModel(DURABLE_READ_MODELS.tasks.initialState(), tasks.documents))).toEqual(encodeModel(folded));

          const report = await rebuildReadModels({ store, log: eventStore, projections });
          expect(report.projections.map((p) => [p.projection, p.identical])).toEqual(projections.map((p) => [p.name, true]));
          expect(report.identical).toBe(true);

          const victim = tasks.documents[7];
          await h.tamper(store, 'tasks', victim.collection, victim.key, `${victim.doc.slice(0, -1)},"tampered":true}`);
          const tampered = await rebuildReadModels({ store, log: eventStore, projections });
          expect(tampered.identical).toBe(false);
          const diff = tampered.projections.find((p) => p.projection === 'tasks')!;
          expect(diff.identical).toBe(false);
          expect(diff.firstDifference).toMatchObject({ collection: victim.collection, key: victim.key, rebuilt: victim.doc });
          expect(tampered.projections.filter((p) => !p.identical).map((p) => p.projection)).toEqual(['tasks']);

          const replaced = await rebuildReadModels({ store, log: eventStore, projections, replace: true });
          expect(replaced.replaced).toHaveLength(projections.length);
          expect((await rebuildReadModels({ store, log: eventStore, projections })).identical).toBe(true);
        } finally {
          await eventStore.close();
        }
      }, 60_000);
    });
  });
}
