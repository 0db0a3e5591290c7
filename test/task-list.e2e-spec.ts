import { Caller, describeOnEachStore, expectStatus, LedgerTestApp } from './support/ledger-test-app';

/**
 * GET /v1/tasks answered from the tasks read model's indexes: filters and totals, list order (deadline, then task
 * id), `page`, and the stable cursor (`nextCursor`) that later changes never shift.
 */
const at = (date: string, time = '09:00:00') => `${date}T${time}+08:00`;
const DEADLINES: Record<string, string> = { a1: '2018-03-31', a2: '2018-02-28', a3: '2018-03-31', b1: '2018-02-28', b2: '2018-04-30', c1: '2018-05-31', c2: '2018-02-10' };
const LEAD: Record<string, string> = { a1: 'ua', a2: 'ua', a3: 'ua', b1: 'ub', b2: 'ub', c1: 'uc', c2: 'uc' };
/** List order: deadline, then task id. */
const ORDER = Object.keys(DEADLINES).sort((x, y) => (DEADLINES[x] < DEADLINES[y] ? -1 : DEADLINES[x] > DEADLINES[y] ? 1 : x < y ? -1 : 1));

describeOnEachStore('task list from the indexes', (store) => {
  let ledger: LedgerTestApp;
  let mayor: Caller;
  let inspector: Caller;
  let staffA: Caller;
  let districtLeader: Caller;

  const ids = (res: { body: { items: Array<{ taskId: string }> } }) => res.body.items.map((t) => t.taskId);

  beforeAll(async () => {
    ledger = await LedgerTestApp.start(store, { now: at('2018-01-02') });
    const admin = ledger.admin;
    const units: Array<[string, string | null, string]> = [
      ['city', null, 'city'],
      ['insp', 'city', 'office'],
      ['dist', 'city', 'district'],
      ['ua', 'dist', 'ward'],
      ['ub', 'dist', 'ward'],
      ['uc', 'city', 'district'],
    ];
    for (const [unitId, parentId, kind] of units) expectStatus(await admin.post('/v1/units', { unitId, names: { en: unitId }, kind, parentId }), 201);
    for (const [unitId] of units) expectStatus(await admin.post(`/v1/units/${unitId}/head`, { personId: `p-${unitId}-head`, name: `Head of ${unitId}`, postTitle: 'Head', from: '2018-01-01' }), 200);
    mayor = await ledger.user('p-mayor', 'leader', 'city');
    inspector = await ledger.user('p-inspector', 'inspector', 'insp');
    staffA = await ledger.user('p-ua-staff', 'unit_staff', 'ua');
    districtLeader = await ledger.user('p-dist-leader', 'leader', 'dist');
    const tasks = Object.keys(DEADLINES).map((taskId) => ({
      taskId,
      title: `Task ${taskId}`,
      assignment: { leadUnitId: LEAD[taskId], coUnitIds: taskId === 'c1' ? ['ua'] : [], work: 'w', deadline: DEADLINES[taskId], expectedResult: 'r' },
    }));
    const issued = await mayor.post('/v1/directives', {
      directiveId: 'd-1',
      issuer: { name: 'Mayor', postTitle: 'Mayor' },
      documentNumber: 'TEST-2018-1',
      kind: 'directive',
      issuedOn: '2018-01-02',
      meeting: { name: 'Meeting', date: '2018-01-02' },
      title: 'Seven tasks',
      body: 'Seven tasks for three units.',
      tasks,
    });
    expectStatus(issued, 201);
    ledger.at(at('2018-01-03'));
    for (const taskId of ['a1', 'a2']) expectStatus(await staffA.post(`/v1/tasks/${taskId}/acknowledgement`), 200);
    expectStatus(await staffA.post('/v1/tasks/a1/progress-reports', { percent: 20, narrative: 'Started' }), 200);
  });

  afterAll(async () => {
    await ledger?.close();
  });

  it('lists every task in deadline order, then by task id, with the total', async () => {
    const all = await inspector.get('/v1/tasks?asOf=2018-01-03&pageSize=100');
    expectStatus(all, 200);
    expect(ids(all)).toEqual(ORDER);
    expect(all.body).toMatchObject({ total: 7, page: 1, pageSize: 100, nextCursor: null });
  });

  it('filters by lead unit, co-unit, status and subtree, each with its own total', async () => {
    const lead = await staffA.get('/v1/tasks?unitId=ua&unitRole=lead');
    expect([ids(lead), lead.body.total]).toEqual([['a2', 'a1', 'a3'], 3]);
    const any = await staffA.get('/v1/tasks?unitId=ua');
    expect([ids(any), any.body.total]).toEqual([['a2', 'a1', 'a3', 'c1'], 4]);
    const co = await staffA.get('/v1/tasks?unitId=ua&unitRole=co');
    expect(ids(co)).toEqual(['c1']);
    const inProgress = await staffA.get('/v1/tasks?unitId=ua&unitRole=lead&status=in_progress');
    expect([ids(inProgress), inProgress.body.total]).toEqual([['a1'], 1]);
    const acknowledged = await inspector.get('/v1/tasks?status=acknowledged');
    expect(ids(acknowledged)).toEqual(['a2']);
    const subtree = await districtLeader.get('/v1/tasks?unitId=dist&subtree=true&pageSize=2');
    expect([ids(subtree), subtree.body.total]).toEqual([['a2', 'b1'], 6]);
  });

  it('filters by timeliness on a day and by a deadline range', async () => {
    const overdue = await inspector.get('/v1/tasks?timeliness=not_done_overdue&asOf=2018-03-01');
    expect([ids(overdue), overdue.body.total]).toEqual([['c2', 'a2', 'b1'], 3]);
    const within = await inspector.get('/v1/tasks?timeliness=not_done_within_deadline&asOf=2018-03-01');
    expect(ids(within)).toEqual(['a1', 'a3', 'b2', 'c1']);
    expect(within.body.items.every((t: { timeliness: string; asOf: string }) => t.timeliness === 'not_done_within_deadline' && t.asOf === '2018-03-01')).toBe(true);
    const range = await inspector.get('/v1/tasks?deadlineFrom=2018-02-28&deadlineTo=2018-03-31');
    expect([ids(range), range.body.total]).toEqual([['a2', 'b1', 'a1', 'a3'], 4]);
  });

  it('keeps to the caller\'s read scope: a ward\'s staff sees its own tasks only', async () => {
    const everything = await staffA.get('/v1/tasks?pageSize=100');
    expect([ids(everything), everything.body.total]).toEqual([['a2', 'a1', 'a3', 'c1'], 4]);
    const other = await staffA.get('/v1/tasks?unitId=ub');
    expect([ids(other), other.body.total]).toEqual([[], 0]);
  });

  it('pages with a cursor: each page starts after the last task served, whatever was registered in between', async () => {
    const first = await inspector.get('/v1/tasks?pageSize=3');
    expect(ids(first)).toEqual(ORDER.slice(0, 3));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    // A task due before the cursor and one due after it are registered between two pages.
    const added = await mayor.post('/v1/tasks', { directiveId: 'd-1', taskId: 'z0', title: 'Late addition' });
    expectStatus(added, 201);
    expectStatus(await mayor.post('/v1/tasks/z0/assignment', { leadUnitId: 'ub', coUnitIds: [], work: 'w', deadline: '2018-01-31', expectedResult: 'r' }), 200);
    expectStatus(await mayor.post('/v1/tasks', { directiveId: 'd-1', taskId: 'z9', title: 'Another' }), 201);
    expectStatus(await mayor.post('/v1/tasks/z9/assignment', { leadUnitId: 'ub', coUnitIds: [], work: 'w', deadline: '2018-12-31', expectedResult: 'r' }), 200);
    const seen = ids(first);
    let cursor: string | null = first.body.nextCursor;
    while (cursor !== null) {
      const page = await inspector.get(`/v1/tasks?pageSize=3&cursor=${cursor}`);
      expectStatus(page, 200);
      expect(page.body.total).toBe(9);
      seen.push(...ids(page));
      cursor = page.body.nextCursor;
    }
    expect(seen).toEqual([...ORDER, 'z9']);
    // By page number instead, the task added before the cursor shifts the later pages: b1 comes again.
    const second = await inspector.get('/v1/tasks?pageSize=3&page=2');
    expect(ids(second)).toEqual(['b1', 'a1', 'a3']);
  });

  it('refuses a cursor it did not hand out (400)', async () => {
    for (const bad of ['not-a-cursor!', Buffer.from('2018-01-01 a1').toString('base64url'), 'x'.repeat(401)]) {
      const res = await inspector.get(`/v1/tasks?cursor=${encodeURIComponent(bad)}`);
      expect(res.status).toBe(400);
    }
  });
});
