import { timelineEntryOf } from '@ledger/projections';
import { Caller, describeOnEachStore, expectStatus, LedgerTestApp } from './support/ledger-test-app';

/**
 * The hot reads served from prebuilt JSON (GET /v1/tasks, /v1/tasks/:id, its timeline, a unit's notices): the bytes
 * and headers of a serialised object (JSON content type, length, ETag of the version), and never the body cached for
 * a task's previous view once a command has changed it.
 */
const at = (date: string, time = '09:00:00') => `${date}T${time}+08:00`;
const TITLE = 'Rectify "parcels" — 国有土地监管整改 😀 Chỉnh đốn \\ \u2028';

describeOnEachStore('task reads as prebuilt JSON', (store) => {
  let ledger: LedgerTestApp;
  let inspector: Caller;
  let staff: Caller;
  let mayor: Caller;

  /** A JSON response exactly as Fastify serialises an object: no whitespace, UTF-8, its length, the JSON type. */
  function expectJson(res: { status: number; text: string; body: unknown; headers: Headers }): void {
    expectStatus(res, 200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(res.text, 'utf8')));
    expect(res.text).toBe(JSON.stringify(res.body));
  }

  beforeAll(async () => {
    ledger = await LedgerTestApp.start(store, { now: at('2018-01-02'), config: { allowBackdating: true } });
    const admin = ledger.admin;
    for (const [unitId, parentId, kind] of [['city', null, 'city'], ['insp', 'city', 'office'], ['ua', 'city', 'district']] as const) {
      expectStatus(await admin.post('/v1/units', { unitId, names: { en: unitId, zh: `单位${unitId}` }, kind, parentId }), 201);
      expectStatus(await admin.post(`/v1/units/${unitId}/head`, { personId: `p-${unitId}-head`, name: `Head of ${unitId}`, postTitle: 'Head', from: '2018-01-01' }), 200);
    }
    mayor = await ledger.user('p-mayor', 'leader', 'city');
    inspector = await ledger.user('p-inspector', 'inspector', 'insp');
    staff = await ledger.user('p-ua-staff', 'unit_staff', 'ua');
    const issued = await mayor.post('/v1/directives', {
      directiveId: 'd-1',
      issuer: { name: 'Mayor', postTitle: 'Mayor' },
      documentNumber: 'TEST-衡督〔2018〕1号',
      kind: 'directive',
      issuedOn: '2018-01-02',
      meeting: { name: 'Meeting', date: '2018-01-02' },
      title: 'Two tasks',
      body: 'Two tasks for one unit.',
      tasks: ['t1', 't2'].map((taskId) => ({ taskId, title: `${TITLE} ${taskId}`, assignment: { leadUnitId: 'ua', coUnitIds: [], work: TITLE, deadline: '2018-03-31', expectedResult: 'r' } })),
    });
    expectStatus(issued, 201);
    ledger.at(at('2018-01-03'));
  });

  afterAll(async () => {
    await ledger?.close();
  });

  it('serves a task, its timeline, the list and the notices with the headers of a serialised object', async () => {
    const task = await staff.get('/v1/tasks/t1');
    expectJson(task);
    expect(task.body).toMatchObject({ taskId: 't1', title: `${TITLE} t1`, version: 2 });
    expect(task.headers.get('etag')).toBe('"2"');
    const timeline = await staff.get('/v1/tasks/t1/timeline');
    expectJson(timeline);
    expect(Object.keys(timeline.body)).toEqual(['taskId', 'version', 'items']);
    expect([timeline.headers.get('etag'), timeline.body.items.length]).toEqual(['"2"', 2]);
    const list = await staff.get('/v1/tasks?asOf=2018-01-03');
    expectJson(list);
    expect(Object.keys(list.body)).toEqual(['items', 'page', 'pageSize', 'total', 'asOf', 'nextCursor']);
    expect(list.headers.get('etag')).toBeNull();
    expect(list.body.items[0]).toEqual({ ...task.body, documentNumber: 'TEST-衡督〔2018〕1号', asOf: '2018-01-03', timeliness: 'not_done_within_deadline' });
    const notices = await staff.get('/v1/units/ua/notices');
    expectJson(notices);
    expect(Object.keys(notices.body)).toEqual(['unitId', 'before', 'recordedBefore', 'items']);
    expect(notices.headers.get('etag')).toBeNull();
    expect(notices.body.items.map((n: { kind: string; taskId: string }) => [n.kind, n.taskId])).toEqual([
      ['assignment', 't1'],
      ['assignment', 't2'],
    ]);
  });

  it('answers a HEAD of a task with the GET headers and no body', async () => {
    const res = await staff.request('HEAD', '/v1/tasks/t1');
    expectStatus(res, 200);
    expect([res.text, res.headers.get('content-type'), res.headers.get('etag')]).toEqual(['', 'application/json; charset=utf-8', '"2"']);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(0);
  });

  it('shows a changed task at its new version on the next read, never the body of the view it replaced', async () => {
    const before = [await staff.get('/v1/tasks/t1'), await staff.get('/v1/tasks/t1/timeline'), await staff.get('/v1/tasks?asOf=2018-01-03')];
    expectStatus(await staff.post('/v1/tasks/t1/acknowledgement'), 200);
    const task = await staff.get('/v1/tasks/t1');
    expectJson(task);
    expect([task.headers.get('etag'), task.body.version, task.body.status, task.body.acknowledgedOn]).toEqual(['"3"', 3, 'acknowledged', '2018-01-03']);
    expect(task.text).not.toBe(before[0].text);
    const timeline = await staff.get('/v1/tasks/t1/timeline');
    expect([timeline.headers.get('etag'), timeline.body.version, timeline.body.items.length, timeline.body.items[2].type]).toEqual(['"3"', 3, 3, 'TaskAcknowledged']);
    const list = await staff.get('/v1/tasks?asOf=2018-01-03');
    expect(list.body.items.map((item: { taskId: string; version: number; status: string }) => [item.taskId, item.version, item.status])).toEqual([
      ['t1', 3, 'acknowledged'],
      ['t2', 2, 'assigned'],
    ]);
    expect(list.body.items[1]).toEqual(before[2].body.items[1]);
    expect(before[1].body.items).toHaveLength(2);

    expectStatus(await inspector.post('/v1/tasks/t1/reminders', { message: '催办: report by 01-20 ✓', channel: 'phone' }), 200);
    const notices = await staff.get('/v1/units/ua/notices');
    expectJson(notices);
    expect(notices.body.items.map((n: { kind: string; taskId: string }) => [n.kind, n.taskId])).toEqual([
      ['assignment', 't1'],
      ['assignment', 't2'],
      ['reminder', 't1'],
    ]);
    expect(notices.body.items[2].details.message).toBe('催办: report by 01-20 ✓');
    const reminded = await staff.get('/v1/tasks/t1');
    expect([reminded.headers.get('etag'), reminded.body.reminders.length]).toEqual(['"4"', 1]);
  });

  it('serves a timeline read from the log exactly as the task\'s stream folds into entries, late entries, extensions and a return for redo included', async () => {
    // t2 through most kinds of events; a reminder given on 01-05 entered on 01-09 (a late entry, dated before the
    // progress report recorded before it).
    ledger.at(at('2018-01-04'));
    expectStatus(await staff.post('/v1/tasks/t2/acknowledgement'), 200);
    ledger.at(at('2018-01-06'));
    expectStatus(await staff.post('/v1/tasks/t2/progress-reports', { percent: 30, narrative: '三成 ✓ "quoted"' }), 200);
    ledger.at(at('2018-01-09'));
    expectStatus(await inspector.post('/v1/tasks/t2/reminders', { message: 'By phone', channel: 'phone' }, { headers: { 'x-occurred-at': at('2018-01-05') } }), 200);
    ledger.at(at('2018-01-10'));
    const extension = { requestId: 'ext-t2', newDeadline: '2018-04-30', reason: 'Survey pending' };
    const requested = await staff.post('/v1/tasks/t2/extension-requests', extension, { headers: { 'idempotency-key': 'ext-t2-key' } });
    expectStatus(requested, 200);
    expect(requested.body.requestId).toBe('ext-t2');
    expectStatus(await mayor.post('/v1/tasks/t2/extension-requests/ext-t2/grant', { newDeadline: '2018-04-30' }), 200);
    expectStatus(await staff.post('/v1/tasks/t2/completion-report', { narrative: 'Done' }), 200);
    expectStatus(await inspector.post('/v1/tasks/t2/return-for-redo', { reason: 'Evidence missing' }), 200);

    const timeline = await staff.get('/v1/tasks/t2/timeline');
    expectJson(timeline);
    const stream = await ledger.ledgerStore().readStream('task-t2');
    // The body the view's kept timeline gave: a trace and the data of each event of the stream, in order.
    expect(timeline.text).toBe(JSON.stringify({ taskId: 't2', version: stream.length, items: stream.map(timelineEntryOf) }));
    expect(timeline.headers.get('etag')).toBe(`"${stream.length}"`);
    expect(timeline.body.items.map((e: { type: string }) => e.type)).toEqual(['TaskRegistered', 'TaskAssigned', 'TaskAcknowledged', 'ProgressReported', 'ReminderIssued', 'ExtensionRequested', 'ExtensionGranted', 'CompletionReported', 'TaskReturnedForRedo']);
    expect(timeline.body.items[4]).toMatchObject({ actor: { id: 'p-inspector', role: 'inspector', unit: 'insp' }, occurredAt: at('2018-01-05'), recordedAt: '2018-01-09T01:00:00.000Z' });
    // The task's timeliness on a day before its last event, folded from the events the view keeps for it.
    const within = await staff.get('/v1/tasks?asOf=2018-01-09&timeliness=not_done_within_deadline');
    expect(within.body.items.map((item: { taskId: string }) => item.taskId)).toEqual(['t1', 't2']);
    // A replayed extension request answers with the id the first one recorded (read from the log), whatever it names.
    const replayed = await staff.post('/v1/tasks/t2/extension-requests', { ...extension, requestId: 'ext-other' }, { headers: { 'idempotency-key': 'ext-t2-key' } });
    expectStatus(replayed, 200);
    expect([replayed.body.requestId, replayed.body.eventIds]).toEqual(['ext-t2', requested.body.eventIds]);
  });
});
