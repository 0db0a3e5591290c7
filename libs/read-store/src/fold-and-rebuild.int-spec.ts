import type { RecordedEvent } from '@ledger/event-store';
import { encodeModel } from './codec';
import { foldPage, ProjectionWorker, type FoldingProjection } from './projection-worker';
import { Map as IMap } from 'immutable';
import { dumpSha256, rebuildReadModels } from './rebuild';
import { definitionOf } from './projection-worker';
import { SqliteReadModelStore } from './sqlite/sqlite-read-model-store';
import { arrayLog, hitEvents, HitsProjection } from './testing/read-model-store.contract';

/** HitsProjection with a page fold that records the positions of every page it is given. */
function withPageFold(): { projection: FoldingProjection<ReturnType<typeof HitsProjection.initialState>>; pages: number[][]; evolved: number[] } {
  const pages: number[][] = [];
  const evolved: number[] = [];
  const projection: FoldingProjection<ReturnType<typeof HitsProjection.initialState>> = {
    ...HitsProjection,
    evolve: (model, event) => (evolved.push(event.position), HitsProjection.evolve(model, event)),
    evolveAll: (model, events) => {
      pages.push(events.map((e) => e.position));
      return events.reduce(HitsProjection.evolve, model);
    },
  };
  return { projection, pages, evolved };
}

const oneByOne = (events: readonly RecordedEvent[]) => events.filter((e) => e.type === 'Hit').reduce(HitsProjection.evolve, HitsProjection.initialState());

describe('foldPage', () => {
  const page = hitEvents(20);

  describe('when the projection has a page fold (evolveAll)', () => {
    it('gives it, in one call, the events of its types after `after` and up to `upTo`, and never calls evolve', () => {
      const { projection, pages, evolved } = withPageFold();
      const model = foldPage(projection, HitsProjection.initialState(), page, 6, 17);
      expect(pages).toEqual([[7, 8, 9, 11, 12, 13, 14, 16, 17]]);
      expect(evolved).toEqual([]);
      expect(encodeModel(model)).toEqual(encodeModel(oneByOne(page.filter((e) => e.position > 6 && e.position <= 17))));
    });

    it('returns the model itself, without a call, when the page holds nothing of its own past `after`', () => {
      const { projection, pages } = withPageFold();
      const model = HitsProjection.initialState();
      expect(foldPage(projection, model, page, 20)).toBe(model);
      expect(foldPage(projection, model, hitEvents(1, 5), 0)).toBe(model);
      expect(pages).toEqual([]);
    });
  });

  describe('when the projection has only evolve', () => {
    it('folds the same events one by one', () => {
      const { projection, evolved } = withPageFold();
      const { evolveAll: _, ...plain } = projection;
      const model = foldPage(plain, HitsProjection.initialState(), page, 6, 17);
      expect(evolved).toEqual([7, 8, 9, 11, 12, 13, 14, 16, 17]);
      expect(encodeModel(model)).toEqual(encodeModel(oneByOne(page.filter((e) => e.position > 6 && e.position <= 17))));
    });
  });
});

describe('projection worker with a page fold', () => {
  it('folds each page in one call, skips what it has folded already (a redelivered page changes nothing), and flushes the one-by-one fold', async () => {
    const store = new SqliteReadModelStore({ path: ':memory:' });
    const events = hitEvents(25);
    const { projection, pages, evolved } = withPageFold();
    const worker = new ProjectionWorker({ store, log: arrayLog(events), projections: [projection], owner: 'w', batchSize: 10 });
    while ((await worker.runOnce(true)) > 0);
    expect(pages).toEqual([
      [1, 2, 3, 4, 6, 7, 8, 9],
      [11, 12, 13, 14, 16, 17, 18, 19],
      [21, 22, 23, 24],
    ]);
    // A page overlapping what was folded: only the events past the projection's position are folded.
    worker.handle(events.slice(15));
    expect(pages).toHaveLength(3);
    const more = hitEvents(30);
    worker.handle(more.slice(20));
    expect(pages[3]).toEqual([26, 27, 28, 29]);
    expect(evolved).toEqual([]);
    await worker.stop();
    expect((await store.load('hits')).documents).toEqual(encodeModel(oneByOne(more)));
    await store.close();
  });
});

describe('ledger rebuild', () => {
  async function storeAt(events: RecordedEvent[]): Promise<SqliteReadModelStore> {
    const store = new SqliteReadModelStore({ path: ':memory:' });
    const worker = new ProjectionWorker({ store, log: arrayLog(events), projections: [HitsProjection], owner: 'w', batchSize: 100 });
    while ((await worker.runOnce(true)) > 0);
    await worker.stop();
    return store;
  }

  it('folds with the page fold up to the live checkpoint only, and finds the tables identical', async () => {
    const events = hitEvents(40);
    const store = await storeAt(events.slice(0, 30));
    const { projection, pages } = withPageFold();
    const report = await rebuildReadModels({ store, log: arrayLog(events), projections: [projection] });
    expect(report.identical).toBe(true);
    expect(report.projections[0]).toMatchObject({ position: 30, documents: encodeModel(oneByOne(events.slice(0, 30))).length });
    expect(pages.flat().at(-1)).toBe(29);
    expect((await store.load('hits', 'shadow')).checkpoint).toMatchObject({ position: 30, eventId: 'e-30' });
    await store.close();
  });

  it('names the first differing document, read again from the live tables after the rebuilt ones were written', async () => {
    const events = hitEvents(30);
    const store = await storeAt(events);
    store.rawDatabase().prepare(`UPDATE projection_document SET doc = ? WHERE projection = 'hits' AND collection = 'byKey' AND doc_key = 'k3'`).run('{"count":0,"last":0}');
    const report = await rebuildReadModels({ store, log: arrayLog(events), projections: [HitsProjection] });
    expect(report.identical).toBe(false);
    expect(report.projections[0].note).toBeUndefined();
    expect(report.projections[0].firstDifference).toEqual({ collection: 'byKey', key: 'k3', live: '{"count":0,"last":0}', rebuilt: expect.stringContaining('"count":') });
    await store.close();
  });

  it('says so when a worker flushed the live tables during the rebuild, and names the first difference against them as they are now', async () => {
    const events = hitEvents(31);
    const store = await storeAt(events.slice(0, 30));
    store.rawDatabase().prepare(`UPDATE projection_document SET doc = ? WHERE projection = 'hits' AND collection = 'byKey' AND doc_key = 'k3'`).run('{"count":0,"last":0}');
    // A worker that moves the live tables to 31 while the rebuilt ones are written.
    const moving = Object.create(store, {
      writeShadow: {
        value: async (...args: Parameters<SqliteReadModelStore['writeShadow']>) => {
          const worker = new ProjectionWorker({ store, log: arrayLog(events), projections: [HitsProjection], owner: 'other', batchSize: 100 });
          while ((await worker.runOnce(true)) > 0);
          await worker.stop();
          return store.writeShadow(...args);
        },
      },
    }) as SqliteReadModelStore;
    const report = await rebuildReadModels({ store: moving, log: arrayLog(events), projections: [HitsProjection] });
    expect(report.identical).toBe(false);
    expect(report.projections[0].position).toBe(30);
    expect(report.projections[0].note).toMatch(/moved from position 30 to 31 during the rebuild/);
    expect(report.projections[0].firstDifference).toMatchObject({ collection: 'byKey' });
    await store.close();
  });

  /** One document per event, keyed by the event's `data.key`. */
  const KeysProjection: FoldingProjection<IMap<string, number>> = {
    name: 'keys',
    eventTypes: new Set(['Hit']),
    initialState: () => IMap(),
    evolve: (model, event) => model.set(String(event.data.key), event.position),
  };
  const keyed = (keys: string[]) => hitEvents(keys.length).map((e, i) => ({ ...e, type: 'Hit', data: { key: keys[i] } }));

  describe.each([
    ['2,500 documents (the shadow tables read back over three pages)', Array.from({ length: 2500 }, (_, i) => `k${i}`)],
    // UTF-8 (the store's order) puts U+E000 before U+1F600; UTF-16 (the dump's) after it.
    ['keys the store orders otherwise than the dump (a private-use character and an astral one)', ['a', '\u{E000}', '\u{1F600}', 'b', '\u{FFFD}x']],
  ])('with %s', (_, keys) => {
    it('hashes the rebuilt tables as the dump of every document sorted, and finds them identical to the live ones', async () => {
      const events = keyed(keys);
      const store = new SqliteReadModelStore({ path: ':memory:' });
      const worker = new ProjectionWorker({ store, log: arrayLog(events), projections: [KeysProjection], owner: 'w', batchSize: 1000 });
      while ((await worker.runOnce(true)) > 0);
      await worker.stop();
      const report = await rebuildReadModels({ store, log: arrayLog(events), projections: [KeysProjection] });
      const model = events.reduce(KeysProjection.evolve, KeysProjection.initialState());
      expect(report.projections[0]).toMatchObject({ identical: true, documents: keys.length, rebuiltSha256: dumpSha256(definitionOf(KeysProjection), events.length, encodeModel(model)) });
      expect(report.projections[0].liveSha256).toBe(report.projections[0].rebuiltSha256);
      await store.close();
    });
  });
});
