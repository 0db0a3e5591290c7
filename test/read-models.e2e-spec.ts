import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { Client } from 'pg';
import { rebuild } from '../apps/cli/src/commands/rebuild';
import { DURABLE_PROJECTIONS, ProjectionWorkerService, READ_MODEL_STORE } from '../apps/api/src/read-models/projection-worker.service';
import { ReadModelsService } from '../apps/api/src/read-models/read-models.service';
import { API_CONFIG } from '../apps/api/src/shared/api-config';
import { readModelsToJson, DURABLE_READ_MODELS } from '@ledger/projections';
import { ProjectionWorker, type ReadModelStore } from '@ledger/read-store';
import { Caller, DATABASE_URL, describeOnEachStore, expectStatus, LedgerTestApp } from './support/ledger-test-app';

/**
 * The durable read models through the real application: commands through HTTP, the embedded projection worker
 * writing the read-model store, per-projection lag on /health/ready and /metrics, `ledger rebuild` finding the live
 * tables byte-identical to a rebuild from 0 (and a tampered row when there is one), and an API process hydrating
 * from the store.
 */
const at = (date: string, time = '09:00:00') => `${date}T${time}+08:00`;
const names = Object.values(DURABLE_READ_MODELS).map((p) => p.name);

describeOnEachStore('durable read models', (store) => {
  let ledger: LedgerTestApp;
  let readStore: ReadModelStore;
  const quiet = () => jest.spyOn(console, 'log').mockImplementation(() => undefined);

  async function caughtUp(): Promise<void> {
    const head = await ledger.ledgerStore().headPosition();
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
      const checkpoints = await readStore.checkpoints();
      if (names.every((n) => checkpoints.find((c) => c.projection === n)?.position === head)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the read-model store did not reach ${head}: ${JSON.stringify(await readStore.checkpoints())}`);
  }

  async function tamper(projection: string, collection: string, key: string, doc: string): Promise<void> {
    if (store === 'sqlite') {
      const db = new DatabaseSync(join(ledger.storeConfig.dataDir, 'readmodels.sqlite'));
      db.exec('PRAGMA busy_timeout = 5000');
      db.prepare('UPDATE projection_document SET doc = ? WHERE projection = ? AND collection = ? AND doc_key = ?').run(doc, projection, collection, key);
      db.close();
    } else {
      const client = new Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`UPDATE ${ledger.storeConfig.postgresSchema}_read_models.projection_document SET doc = $1 WHERE projection = $2 AND collection = $3 AND doc_key = $4`, [doc, projection, collection, key]);
      await client.end();
    }
  }

  beforeAll(async () => {
    ledger = await LedgerTestApp.start(store, { now: at('2018-09-01'), config: { embeddedProjector: true } });
    readStore = ledger.app.get(READ_MODEL_STORE);
    for (const [unitId, parentId, kind] of [
      ['city', null, 'city'],
      ['insp', 'city', 'office'],
      ['zh', 'city', 'district'],
      ['hn', 'city', 'district'],
    ] as const) {
      expectStatus(await ledger.admin.post('/v1/units', { unitId, names: { en: unitId }, kind, parentId }), 201);
    }
    expectStatus(await ledger.admin.post('/v1/units/zh/head', { personId: 'p-zh-head', name: 'District Head C', postTitle: 'District Head', from: '2018-01-01' }), 200);
    expectStatus(await ledger.admin.post('/v1/units/hn/head', { personId: 'p-hn-head', name: 'District Head H', postTitle: 'District Head', from: '2018-01-01' }), 200);
    const mayor: Caller = await ledger.user('p-mayor', 'leader', 'city');
    const inspector = await ledger.user('p-inspector', 'inspector', 'insp');
    const staff = await ledger.user('p-zh-staff', 'unit_staff', 'zh');
    ledger.at(at('2018-09-06', '16:00:00'));
    const assignment = (leadUnitId: string) => ({ leadUnitId, work: 'Rectify', deadline: '2018-10-31', expectedResult: 'Rectified' });
    expectStatus(
      await mayor.post('/v1/directives', {
        directiveId: 'd-1',
        documentNumber: 'RM-1',
        kind: 'notice',
        issuedOn: '2018-09-06',
        title: 'Land tasks',
        body: 'Complete the land tasks.',
        tasks: [
          { taskId: 't-zh', title: 'T zh', assignment: assignment('zh') },
          { taskId: 't-hn', title: 'T hn', assignment: assignment('hn') },
        ],
      }),
      201,
    );
    ledger.at(at('2018-09-07'));
    expectStatus(await staff.post('/v1/tasks/t-zh/acknowledgement', {}), 200);
    expectStatus(await staff.post('/v1/tasks/t-zh/progress-reports', { percent: 40, narrative: 'Under way' }), 200);
    expectStatus(await inspector.post('/v1/tasks/t-hn/reminders', { message: 'Report, please', channel: 'phone' }), 200);
    await caughtUp();
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await ledger?.close();
  });

  it('shows each durable projection’s checkpoint, lag and owner on /health/ready, and its lag gauge on /metrics', async () => {
    const head = await ledger.ledgerStore().headPosition();
    const res = await ledger.anonymous().get('/health/ready');
    expectStatus(res, 200);
    const { projections } = res.body.info;
    expect(projections).toMatchObject({ status: 'up', head, gatesReadiness: false });
    expect(Object.keys(projections.items).sort()).toEqual([...names].sort());
    for (const name of names) expect(projections.items[name]).toMatchObject({ position: head, lag: 0, owner: expect.any(String) });
    const metrics = await ledger.anonymous().get('/metrics');
    for (const name of names) expect(metrics.text).toMatch(new RegExp(`^ledger_projection_lag_events\\{projection="${name}"\\} 0$`, 'm'));
    expect(metrics.text).toMatch(/^ledger_projection_lag_events\{projection="read-models"\} 0$/m);
  });

  it('ledger rebuild: the live tables are byte-identical to a rebuild from position 0', async () => {
    quiet();
    const { exitCode, report } = await rebuild(ledger.ledgerStore(), {}, ledger.storeConfig);
    expect(report.projections.map((p) => [p.projection, p.identical])).toEqual(names.map((n) => [n, true]));
    expect((await readStore.load('tasks')).documents.filter((d) => d.collection === 'tasks').map((d) => d.key)).toEqual(['t-hn', 't-zh']);
    expect(exitCode).toBe(0);
  });

  it('ledger rebuild: a tampered document row is reported, with the first differing document; --replace repairs it', async () => {
    quiet();
    const { documents } = await readStore.load('tasks');
    const victim = documents.find((d) => d.key === 't-hn')!;
    // The task's title (its document holds the record and the timeliness events, not the reminder's message).
    expect(victim.doc).toContain('"T hn"');
    await tamper('tasks', victim.collection, victim.key, victim.doc.replace('"T hn"', '"Nothing to report"'));
    const { exitCode, report } = await rebuild(ledger.ledgerStore(), {}, ledger.storeConfig);
    expect(exitCode).toBe(1);
    const tasks = report.projections.find((p) => p.projection === 'tasks')!;
    expect(tasks.identical).toBe(false);
    expect(tasks.liveSha256).not.toBe(tasks.rebuiltSha256);
    expect(tasks.firstDifference).toMatchObject({ collection: victim.collection, key: 't-hn', rebuilt: victim.doc });
    expect(tasks.firstDifference!.live).toContain('Nothing to report');
    expect(report.projections.filter((p) => !p.identical).map((p) => p.projection)).toEqual(['tasks']);

    // --replace takes each projection's lease: with the worker stopped, at once.
    const worker = ledger.app.get(ProjectionWorkerService);
    await worker.stop();
    try {
      expect((await rebuild(ledger.ledgerStore(), { replace: true }, ledger.storeConfig)).report.replaced).toEqual(names);
    } finally {
      worker.start();
    }
    const again = await rebuild(ledger.ledgerStore(), {}, ledger.storeConfig);
    expect(again.exitCode).toBe(0);
    expect((await readStore.load('tasks')).documents.find((d) => d.key === 't-hn')!.doc).toBe(victim.doc);
  });

  it('hydrates a starting API process from the read-model store: the same models as folding the log from 0', async () => {
    await caughtUp();
    // Every model hydrated at the head: the log is followed from there, not read again from position 1.
    const store = ledger.ledgerStore();
    const readFrom: number[] = [];
    const counting = new Proxy(store, {
      get(target, member, receiver) {
        if (member === 'readAll') return (options?: { fromPosition?: number }) => (readFrom.push(options?.fromPosition ?? 1), target.readAll(options));
        const value = Reflect.get(target, member, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const starting = new ReadModelsService(counting, ledger.app.get(API_CONFIG), readStore);
    await starting.onModuleInit();
    try {
      const head = await ledger.ledgerStore().headPosition();
      expect([...starting.hydrated].sort()).toEqual(names.map((n) => `${n}@${head}`).sort());
      expect(starting.current().position).toBe(head);
      // Hydration checks each checkpoint's event (a read of one event at the checkpoint); nothing before it is read.
      expect(Math.min(...readFrom)).toBe(head);
      await ledger.readModels().waitFor(head);
      const hydrated = JSON.parse(readModelsToJson(starting.current()));
      const folded = JSON.parse(readModelsToJson(ledger.readModels().current()));
      for (const field of Object.keys(folded)) expect([field, hydrated[field]]).toEqual([field, folded[field]]);
      const res = await ledger.admin.get('/v1/tasks/t-zh');
      expectStatus(res, 200);
    } finally {
      await starting.onModuleDestroy();
    }
  });

  it('hands its projection worker the models it hydrated: taking the store at their checkpoints, the worker reads no document', async () => {
    await caughtUp();
    const starting = new ReadModelsService(ledger.ledgerStore(), ledger.app.get(API_CONFIG), readStore);
    await starting.onModuleInit();
    const running = ledger.app.get(ProjectionWorkerService);
    await running.stop(); // gives the leases back, at the checkpoints `starting` hydrated from
    try {
      const loads: string[] = [];
      const logs: string[] = [];
      // Every call but `load` goes to the store itself (its own `this`): the lease session the worker opens is the
      // store's, which afterAll closes (an Object.create spy kept it on the spy, left open, and Jest never exited).
      const load = (projection: string, tables?: never) => (loads.push(projection), readStore.load(projection, tables));
      const spy = new Proxy(readStore, {
        get: (target, property) => {
          if (property === 'load') return load;
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }) as ReadModelStore;
      const shared = starting.sharedModels();
      const worker = new ProjectionWorker({ store: spy, log: ledger.ledgerStore(), shared, projections: DURABLE_PROJECTIONS, logger: { log: (m) => logs.push(m), warn: (m) => logs.push(m) } });
      await worker.runOnce(true);
      expect(worker.status().filter((s) => s.owned)).toHaveLength(names.length);
      await worker.stop();
      expect(loads).toEqual([]);
      expect(logs.filter((m) => m.includes('the model this process hydrated at that checkpoint'))).toHaveLength(names.length);
      // Taken once: the service keeps no reference to them after.
      expect(shared.takeHydrated!().size).toBe(0);
      expect((await rebuild(ledger.ledgerStore(), {}, ledger.storeConfig)).exitCode).toBe(0);
    } finally {
      running.start();
      await starting.onModuleDestroy();
    }
  });
});
