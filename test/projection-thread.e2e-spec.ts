import { DURABLE_READ_MODELS } from '@ledger/projections';
import type { ReadModelStore } from '@ledger/read-store';
import { ProjectionWorkerService, READ_MODEL_STORE } from '../apps/api/src/read-models/projection-worker.service';
import { describeOnEachStore, expectStatus, LedgerTestApp } from './support/ledger-test-app';

/**
 * The API's embedded projection worker on its own thread (LEDGER_EMBEDDED_PROJECTOR_THREAD=true), through the
 * real application: commands through HTTP reach the read-model store, the service reports the thread's projections,
 * /health/ready shows a thread that died and was replaced, and stop() gives every lease back.
 */
const names = Object.values(DURABLE_READ_MODELS).map((p) => p.name);

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describeOnEachStore('embedded projection worker on a thread', (store) => {
  let ledger: LedgerTestApp;
  let worker: ProjectionWorkerService;
  let readStore: ReadModelStore;
  let units = 0;

  const addUnit = async () => {
    const unitId = `u${++units}`;
    expectStatus(await ledger.admin.post('/v1/units', { unitId, names: { en: unitId }, kind: 'district', parentId: 'city' }), 201);
  };
  const flushedAtHead = async () => {
    const head = await ledger.ledgerStore().headPosition();
    return until(`every projection flushed at ${head} by the thread`, () => {
      const status = worker.status();
      return status.length === names.length && status.every((s) => s.owned && s.flushedPosition === head) ? head : undefined;
    });
  };

  beforeAll(async () => {
    ledger = await LedgerTestApp.start(store, { config: { embeddedProjector: true, embeddedProjectorThread: true } });
    worker = ledger.app.get(ProjectionWorkerService);
    readStore = ledger.app.get(READ_MODEL_STORE);
    expectStatus(await ledger.admin.post('/v1/units', { unitId: 'city', names: { en: 'city' }, kind: 'city', parentId: null }), 201);
  });

  afterAll(async () => {
    await ledger?.close();
  });

  it('writes what the API appends through a thread, and the service reports its projections', async () => {
    await addUnit();
    const head = await flushedAtHead();
    expect(worker.running).toBe(true);
    expect(worker.threadStatus()).toMatchObject({ state: 'running', restarts: 0, lastError: null });
    const checkpoints = await readStore.checkpoints();
    expect(checkpoints.map((c) => [c.position, c.owner])).toEqual(names.map(() => [head, worker.owner]));
    const ready = await ledger.anonymous().get('/health/ready');
    expectStatus(ready, 200);
    for (const name of names) {
      expect(ready.body.info.projections.items[name]).toMatchObject({ position: head, lag: 0, owner: worker.owner });
      expect(ready.body.info.projections.items[name].thread).toBeUndefined();
    }
  });

  it('replaces a thread that died, and /health/ready says so', async () => {
    worker.crashThread('a bug in the projection thread');
    await until('a replacement thread', () => {
      const s = worker.threadStatus();
      return s?.state === 'running' && s.restarts === 1 ? s : undefined;
    });
    await addUnit();
    const head = await flushedAtHead();
    // /health/ready reads the checkpoints through a quarter-second cache: ask until it has the head.
    const ready = await until('/health/ready at the head', async () => {
      const res = await ledger.anonymous().get('/health/ready');
      return res.status === 200 && names.every((n) => res.body.info.projections.items[n].position === head) ? res : undefined;
    });
    for (const name of names) {
      expect(ready.body.info.projections.items[name]).toMatchObject({
        position: head,
        owner: worker.owner,
        thread: { state: 'running', restarts: 1, lastError: 'a bug in the projection thread' },
      });
    }
  });

  it('gives every lease back when stopped (what `ledger rebuild --replace` needs), and starts again', async () => {
    await worker.stop();
    expect(worker.running).toBe(false);
    expect((await readStore.checkpoints()).map((c) => c.owner)).toEqual(names.map(() => null));
    worker.start();
    await addUnit();
    await flushedAtHead();
    expect(worker.threadStatus()).toMatchObject({ state: 'running', restarts: 0 });
  });
});
