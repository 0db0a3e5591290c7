import { describeOnEachStore, expectStatus, LedgerTestApp, type StoreUnderTest } from './support/ledger-test-app';

/**
 * Two API instances on one store (as two server processes behind a load balancer would be). Each folds its own read
 * models and follows the log by polling; the second polls so rarely here that it would never see the first's writes
 * within the test on its own. A command sent to it right after the first instance wrote a fact it depends on (a new
 * unit and its head) is judged on that fact: the instance catches up to the log's head before deciding.
 */
describeOnEachStore('two API instances on one store', (store: StoreUnderTest) => {
  const at = (date: string) => `${date}T09:00:00+08:00`;
  let first: LedgerTestApp;
  let second: LedgerTestApp;

  beforeAll(async () => {
    first = await LedgerTestApp.start(store, { now: at('2018-01-02') });
    const admin = first.admin;
    expectStatus(await admin.post('/v1/units', { unitId: 'city', names: { en: 'City' }, kind: 'city', parentId: null }), 201);
    expectStatus(await admin.post('/v1/units', { unitId: 'dist', names: { en: 'District' }, kind: 'district', parentId: 'city' }), 201);
    for (const unitId of ['city', 'dist']) {
      expectStatus(await admin.post(`/v1/units/${unitId}/head`, { personId: `p-${unitId}-head`, name: `Head of ${unitId}`, postTitle: 'Head', from: '2018-01-01' }), 200);
    }
    await first.user('p-mayor', 'leader', 'city');
    second = await LedgerTestApp.start(store, { now: at('2018-01-02'), sharing: first, config: { readModelPollMs: 600_000, embeddedProjector: false } });
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('given a unit and its head just written through the first instance, when the second assigns a task to that unit, then it is accepted with that head responsible', async () => {
    // Given: the first instance registers a ward and appoints its head.
    expectStatus(await first.admin.post('/v1/units', { unitId: 'ward', names: { en: 'Ward' }, kind: 'ward', parentId: 'dist' }), 201);
    expectStatus(await first.admin.post('/v1/units/ward/head', { personId: 'p-ward-head', name: 'Head of ward', postTitle: 'Head', from: '2018-01-01' }), 200);

    // When: the mayor issues a directive through the second instance at once (long before its next poll).
    const mayor = second.as(await first.user('p-mayor', 'leader', 'city'));
    const issued = await mayor.post('/v1/directives', {
      directiveId: 'd-multi',
      issuer: { name: 'Mayor', postTitle: 'Mayor' },
      documentNumber: 'MULTI-2018-1',
      kind: 'directive',
      issuedOn: '2018-01-02',
      meeting: { name: 'Meeting', date: '2018-01-02' },
      title: 'One task for the new ward',
      body: 'One task.',
      tasks: [{ taskId: 't-ward', title: 'Ward task', assignment: { leadUnitId: 'ward', coUnitIds: [], work: 'w', deadline: '2018-06-30', expectedResult: 'r' } }],
    });

    // Then: accepted, and the ward's head answers for the task (the second instance reads its own write at once).
    expectStatus(issued, 201);
    const task = await mayor.get('/v1/tasks/t-ward');
    expectStatus(task, 200);
    expect(task.body.assignment).toMatchObject({ leadUnitId: 'ward', responsible: { unitId: 'ward', personId: 'p-ward-head' } });
  });
});
