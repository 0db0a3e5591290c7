import { Test, type TestingModule } from '@nestjs/testing';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { DeadlineWatcher } from '../apps/api/src/deadlines/deadline-watcher.service';
import { DEADLINE_TICKER } from '../apps/api/src/deadlines/ticker';
import { CLOCK, STORE_CONFIG } from '../apps/api/src/infrastructure/ledger-store.module';
import { ReadModelsService } from '../apps/api/src/read-models/read-models.service';
import { API_CONFIG, apiConfigFromEnv } from '../apps/api/src/shared/api-config';
import { Caller, describeOnEachStore, expectStatus, LedgerTestApp, ManualTicker } from './support/ledger-test-app';

/**
 * The deadline watcher, driven by a fake clock and a hand-fired ticker: in the API (embedded) and in the
 * projector (apps/projector's module, a second process on the same store). Both together record each passed
 * deadline once.
 */
const at = (date: string, time = '09:00:00') => `${date}T${time}+08:00`;

describeOnEachStore('deadline watcher', (store) => {
  let ledger: LedgerTestApp;
  let projector: TestingModule;
  let projectorTicker: ManualTicker;
  let leader: Caller;
  let staff: Caller;

  beforeAll(async () => {
    ledger = await LedgerTestApp.start(store, { now: at('2018-09-01') });
    for (const [unitId, parentId, kind] of [
      ['city', null, 'city'],
      ['zh', 'city', 'district'],
    ] as const) {
      expectStatus(await ledger.admin.post('/v1/units', { unitId, names: { en: unitId }, kind, parentId }), 201);
      expectStatus(await ledger.admin.post(`/v1/units/${unitId}/head`, { personId: `${unitId}-head`, name: `Head of ${unitId}`, postTitle: 'Head', from: '2018-01-01' }), 200);
    }
    leader = await ledger.user('p-mayor', 'leader', 'city');
    staff = await ledger.user('p-zh-staff', 'unit_staff', 'zh');
    const tasks = ['a', 'b', 'c'].map((key) => ({ taskId: `t-${key}`, title: key, assignment: { leadUnitId: 'zh', work: 'w', deadline: '2018-09-30', expectedResult: 'r' } }));
    expectStatus(await leader.post('/v1/directives', { directiveId: 'd-1', documentNumber: 'W-1', kind: 'notice', issuedOn: '2018-09-01', title: 'T', body: 'B', tasks }), 201);
    // t-b is done in time, t-c gets an extension: only t-a's deadline passes on 2018-09-30.
    expectStatus(await staff.post('/v1/tasks/t-b/acknowledgement'), 200);
    expectStatus(await staff.post('/v1/tasks/t-b/completion-report', { narrative: 'Done' }), 200);
    expectStatus(await leader.post('/v1/tasks/t-b/verification', {}), 200);
    expectStatus(await staff.post('/v1/tasks/t-c/acknowledgement'), 200);
    expectStatus(await staff.post('/v1/tasks/t-c/extension-requests', { requestId: 'x', newDeadline: '2018-10-15', reason: 'Delay' }), 200);
    expectStatus(await leader.post('/v1/tasks/t-c/extension-requests/x/grant', {}), 200);

    projectorTicker = new ManualTicker();
    projector = await Test.createTestingModule({ imports: [ProjectorModule] })
      .overrideProvider(STORE_CONFIG)
      .useValue(ledger.storeConfig)
      .overrideProvider(CLOCK)
      .useValue(ledger.clock)
      .overrideProvider(API_CONFIG)
      .useValue({ ...apiConfigFromEnv({}), embeddedProjector: false, readModelPollMs: 20 })
      .overrideProvider(DEADLINE_TICKER)
      .useValue(projectorTicker)
      .compile();
    projector.useLogger(false);
    await projector.init();
  });

  afterAll(async () => {
    await projector?.close();
    await ledger?.close();
  });

  const deadlinesPassed = async (taskId: string) =>
    (await ledger.admin.get(`/v1/tasks/${taskId}/timeline`)).body.items.filter((e: { type: string }) => e.type === 'DeadlinePassed');

  it('starts its ticker in the API (embedded) and in the projector', () => {
    // Two per process: the deadline watcher and, beside it, the referral process manager.
    expect(ledger.ticker.started).toBe(2);
    expect(projectorTicker.started).toBe(2);
  });

  it('records nothing on the deadline day itself', async () => {
    ledger.at(at('2018-09-30', '23:59:00'));
    expect((await ledger.watcher().tick()).marked).toEqual([]);
  });

  it('records the passed deadline once, when both watchers tick together', async () => {
    ledger.at(at('2018-10-01', '00:01:00'));
    const head = await ledger.ledgerStore().headPosition();
    await projector.get(ReadModelsService).waitFor(head);
    await Promise.all([ledger.ticker.fire(), projectorTicker.fire(), ledger.watcher().tick(), projector.get(DeadlineWatcher).tick()]);
    await ledger.readModels().waitFor(await ledger.ledgerStore().headPosition());
    const passed = await deadlinesPassed('t-a');
    expect(passed).toHaveLength(1);
    expect(passed[0]).toMatchObject({ actor: { id: 'system:deadline-watcher', role: 'administrator', unit: 'city' }, occurredAt: '2018-10-01T00:01:00+08:00', data: { deadline: '2018-09-30' } });
    expect(await deadlinesPassed('t-b')).toEqual([]);
    expect(await deadlinesPassed('t-c')).toEqual([]);
    const again = await ledger.ledgerStore().headPosition();
    await projectorTicker.fire();
    await ledger.ticker.fire();
    expect(await ledger.ledgerStore().headPosition()).toBe(again);
  });

  it('records an extended deadline when it passes in turn', async () => {
    ledger.at(at('2018-10-16'));
    await projector.get(ReadModelsService).waitFor(await ledger.ledgerStore().headPosition());
    const sweep = await projector.get(DeadlineWatcher).tick();
    expect(sweep.marked).toEqual(['t-c']);
    await ledger.readModels().waitFor(await ledger.ledgerStore().headPosition());
    expect((await deadlinesPassed('t-c')).map((e: { data: { deadline: string } }) => e.data.deadline)).toEqual(['2018-10-15']);
    const told = await ledger.admin.get('/v1/units/zh/notices?kind=deadline_passed');
    expect(told.body.items.map((n: { taskId: string }) => n.taskId).sort()).toEqual(['t-a', 't-c']);
  });
});
