import { createHash } from 'node:crypto';
import { canonicalize } from '@ledger/event-store';
import { Caller, describeOnEachStore, expectStatus, LedgerTestApp } from './support/ledger-test-app';

/**
 * The Hengyang 2018 land tasks (../shared/scenarios/hengyang-2018.md) recorded through HTTP, as the offices
 * would have recorded them that autumn: the clock is moved to each day before the act of that day.
 */
const DOCNO = 'DEMO-衡督〔2018〕1号';
const UNITS = ['zx', 'sg', 'zh', 'hn', 'hd'] as const;
type Unit = (typeof UNITS)[number];
const HEADS: Record<Unit, { name: string; postTitle: string }> = {
  zx: { name: 'District Head A', postTitle: 'District Head' },
  sg: { name: 'District Head B', postTitle: 'District Head' },
  zh: { name: 'District Head C', postTitle: 'District Head' },
  hn: { name: 'County Head D', postTitle: 'County Head' },
  hd: { name: 'County Head E', postTitle: 'County Head' },
};
const TASKS = [
  { key: 't1', title: 'T1 cultivated-land compensation balance (耕地占补平衡)', deadline: '2018-12-31' },
  { key: 't2', title: 'T2 urban–rural construction-land increase/decrease linking (城乡建设用地增减挂钩)', deadline: '2018-12-31' },
  { key: 't3', title: 'T3 land expropriation and housing demolition (征地拆迁)', deadline: '2018-12-31' },
  { key: 't4', title: 'T4 rectification of state-owned land supervision (国有土地监管整改)', deadline: '2018-10-31' },
];
const hengyang = (date: string, time = '09:00:00') => `${date}T${time}+08:00`;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describeOnEachStore('Hengyang 2018 through HTTP', (store) => {
  let ledger: LedgerTestApp;
  let mayor: Caller;
  let inspector: Caller;
  let personnel: Caller;
  const staff = {} as Record<Unit, Caller>;

  beforeAll(async () => {
    ledger = await LedgerTestApp.start(store, { now: hengyang('2018-01-02') });
    const admin = ledger.admin;
    const units: Array<[string, string, string, string | null, string]> = [
      ['city', 'Hengyang Municipal Government', '衡阳市人民政府', null, 'city'],
      ['insp', 'Municipal Inspection and Supervision Office', '市政府督查室', 'city', 'office'],
      ['disc', 'Municipal Discipline Inspection and Supervision Commission', '市纪委监委', 'city', 'commission'],
      ['land', 'Municipal Natural Resources Bureau', '市自然资源和规划局', 'city', 'department'],
      ['zx', 'Zhengxiang District', '蒸湘区', 'city', 'district'],
      ['sg', 'Shigu District', '石鼓区', 'city', 'district'],
      ['zh', 'Zhuhui District', '珠晖区', 'city', 'district'],
      ['hn', 'Hengnan County', '衡南县', 'city', 'county'],
      ['hd', 'Hengdong County', '衡东县', 'city', 'county'],
    ];
    for (const [unitId, en, zh, parentId, kind] of units) {
      expectStatus(await admin.post('/v1/units', { unitId, names: { en, zh }, kind, parentId }), 201);
    }
    const heads: Array<[string, string, string, string]> = [
      ['city', 'p-mayor', 'Mayor', 'Mayor of Hengyang'],
      ['insp', 'p-director-of-inspection', 'Director of Inspection', 'Director'],
      ['disc', 'p-commission-secretary', 'Commission Secretary', 'Secretary'],
      ['land', 'p-land-director', 'Bureau Director', 'Director'],
      ...UNITS.map((u): [string, string, string, string] => [u, `p-${u}-head`, HEADS[u].name, HEADS[u].postTitle]),
    ];
    for (const [unitId, personId, name, postTitle] of heads) {
      expectStatus(await admin.post(`/v1/units/${unitId}/head`, { personId, name, postTitle, from: '2018-01-01' }), 200);
    }
    mayor = await ledger.user('p-mayor', 'leader', 'city', 'Mayor');
    inspector = await ledger.user('p-director-of-inspection', 'inspector', 'insp', 'Director of Inspection');
    personnel = await ledger.user('p-personnel', 'appraiser', 'city', 'Organisation Department');
    for (const u of UNITS) staff[u] = await ledger.user(`p-${u}-staff`, 'unit_staff', u, `${u} staff`);
  });

  afterAll(async () => {
    await ledger?.close();
  });

  it('issues DEMO-衡督〔2018〕1号 with its four tasks for five units, each assigned to the unit\'s head', async () => {
    ledger.at(hengyang('2018-09-06', '16:00:00'));
    const tasks = TASKS.flatMap((task) =>
      UNITS.map((unit) => ({
        taskId: `${task.key}-${unit}`,
        title: task.title,
        assignment: { leadUnitId: unit, coUnitIds: ['land'], work: `${task.title}: the work in ${unit}`, deadline: task.deadline, expectedResult: 'Done, with the list of parcels and evidence' },
      })),
    );
    const issued = await mayor.post('/v1/directives', {
      directiveId: 'd-2018-1',
      issuer: { name: 'Mayor', postTitle: 'Mayor of Hengyang' },
      documentNumber: DOCNO,
      kind: 'directive',
      issuedOn: '2018-09-06',
      meeting: { name: 'Municipal land-work dispatch meeting', date: '2018-09-06' },
      title: 'Four land tasks',
      body: 'The districts and counties complete the four land tasks; the inspection office inspects and publishes a notice monthly.',
      tasks,
    });
    expectStatus(issued, 201);
    expect(issued.headers.get('etag')).toBe('"1"');
    expect(issued.body).toMatchObject({ id: 'd-2018-1', documentNumber: DOCNO, events: ['DirectiveIssued'] });
    expect(issued.body.tasks).toHaveLength(20);
    expect(issued.body.tasks[0].events).toEqual(['TaskRegistered', 'TaskAssigned']);

    const directive = await mayor.get('/v1/directives/d-2018-1');
    expectStatus(directive, 200);
    expect(directive.body).toMatchObject({ documentNumber: DOCNO, issuedOn: '2018-09-06', issuer: { personId: 'p-mayor', unitId: 'city' }, status: 'issued' });
    expect(directive.body.taskIds).toHaveLength(20);

    for (const unit of UNITS) {
      const task = await staff[unit].get(`/v1/tasks/t4-${unit}`);
      expectStatus(task, 200);
      expect(task.body.assignment.responsible).toEqual({ unitId: unit, personId: `p-${unit}-head`, ...HEADS[unit] });
      expect(task.body).toMatchObject({ status: 'assigned', deadline: '2018-10-31', assignment: { leadUnitId: unit, coUnitIds: ['land'], assignedOn: '2018-09-06' } });
    }
  });

  it('records acknowledgements and progress from each unit', async () => {
    ledger.at(hengyang('2018-09-07'));
    for (const unit of UNITS) expectStatus(await staff[unit].post(`/v1/tasks/t4-${unit}/acknowledgement`), 200);
    ledger.at(hengyang('2018-09-28'));
    for (const unit of UNITS) {
      expectStatus(await staff[unit].post(`/v1/tasks/t4-${unit}/progress-reports`, { percent: 30, narrative: 'Survey of problem parcels finished' }), 200);
    }
  });

  it('records the 2018-10-10 reminder to Zhuhui District', async () => {
    ledger.at(hengyang('2018-10-10'));
    const reminded = await inspector.post('/v1/tasks/t4-zh/reminders', { message: 'T4 is behind schedule: report the rectification list by 2018-10-20', channel: 'official_document' });
    expectStatus(reminded, 200);
    expect(reminded.body.events).toEqual(['ReminderIssued']);
  });

  it('records Hengnan County\'s extension, requested on 10-25 and granted by the Mayor on 10-28', async () => {
    ledger.at(hengyang('2018-10-25'));
    const requested = await staff.hn.post('/v1/tasks/t4-hn/extension-requests', { requestId: 'ext-hn-1', newDeadline: '2018-12-31', reason: 'Eleven parcels wait for the provincial boundary survey' });
    expectStatus(requested, 200);
    expect(requested.body.requestId).toBe('ext-hn-1');
    ledger.at(hengyang('2018-10-28'));
    const granted = await mayor.post('/v1/tasks/t4-hn/extension-requests/ext-hn-1/grant', { comment: 'Granted: the survey delay is outside the county\'s control' });
    expectStatus(granted, 200);
    expect((await mayor.get('/v1/tasks/t4-hn')).body).toMatchObject({ deadline: '2018-12-31', assignment: { originalDeadline: '2018-10-31' } });
  });

  it('records completion reports of Zhengxiang and Shigu, the inspector\'s sign-offs of exactly what was reported, and the verifications', async () => {
    ledger.at(hengyang('2018-10-29'));
    for (const unit of ['zx', 'sg'] as const) {
      expectStatus(await staff[unit].post(`/v1/tasks/t4-${unit}/completion-report`, { narrative: 'All problem parcels rectified; list attached', evidence: [sha256(`list-${unit}`)] }), 200);
    }
    ledger.at(hengyang('2018-10-30'));
    for (const unit of ['zx', 'sg'] as const) {
      const seen = await inspector.get(`/v1/tasks/t4-${unit}`);
      expectStatus(seen, 200);
      const version = Number(JSON.parse(seen.headers.get('etag')!));
      const signed = await inspector.post('/v1/signoffs', {
        signOffId: `so-t4-${unit}-completion`,
        record: { streamId: `task-t4-${unit}`, version },
        decision: 'approve',
        comment: 'Completion checked against the rectification list',
      });
      expectStatus(signed, 201);
      // "What exactly did they see": the hash of the record as GET served it.
      expect(signed.body.recordHash).toBe(sha256(canonicalize(JSON.parse(seen.text))));
      expect(signed.body.record).toEqual({ type: 'stream-version', streamId: `task-t4-${unit}`, version });
      const verified = await inspector.post(`/v1/tasks/t4-${unit}/verification`, { comment: 'Checked on site' }, { headers: { 'if-match': `"${version}"` } });
      expectStatus(verified, 200);
      expect(verified.headers.get('etag')).toBe(`"${version + 1}"`);
    }
    const signOffs = await ledger.admin.get('/v1/signoffs?streamId=task-t4-zx');
    expectStatus(signOffs, 200);
    expect(signOffs.body.items).toHaveLength(1);
    expect(signOffs.body.items[0]).toMatchObject({ recordAuthorId: 'p-zx-staff', decision: 'approve', by: { id: 'p-director-of-inspection', role: 'inspector', unit: 'insp' } });
  });

  it('has the deadline watcher record the passed deadlines of Zhuhui and Hengdong, once', async () => {
    ledger.at(hengyang('2018-11-01', '00:05:00'));
    await ledger.ticker.fire();
    const zh = await inspector.get('/v1/tasks/t4-zh/timeline');
    const passed = zh.body.items.filter((entry: { type: string }) => entry.type === 'DeadlinePassed');
    expect(passed).toHaveLength(1);
    expect(passed[0]).toMatchObject({ actor: { id: 'system:deadline-watcher', role: 'administrator', unit: 'city' }, data: { deadline: '2018-10-31' } });
    for (const unit of ['hd'] as const) expect((await inspector.get(`/v1/tasks/t4-${unit}`)).body.deadlinesMarked).toEqual(['2018-10-31']);
    for (const unit of ['zx', 'sg', 'hn'] as const) expect((await inspector.get(`/v1/tasks/t4-${unit}`)).body.deadlinesMarked).toEqual([]);
    const before = await ledger.ledgerStore().headPosition();
    await ledger.ticker.fire();
    expect(await ledger.ledgerStore().headPosition()).toBe(before);
  });

  it('refuses Hengdong\'s extension request of 11-05, after the deadline (422)', async () => {
    ledger.at(hengyang('2018-11-05'));
    const refused = await staff.hd.post('/v1/tasks/t4-hd/extension-requests', { newDeadline: '2018-12-31', reason: 'Flood damage' });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('TASK.EXTENSION_AFTER_DEADLINE');
    expect((await staff.hd.get('/v1/tasks/t4-hd')).body.extensionRequests).toEqual([]);
  });

  it('records that District Head C leaves on 11-15 and District Head C2 takes over', async () => {
    ledger.at(hengyang('2018-11-15'));
    const appointed = await personnel.post('/v1/units/zh/head', { personId: 'p-zh-head-c2', name: 'District Head C2', postTitle: 'District Head', from: '2018-11-15', replace: true });
    expectStatus(appointed, 200);
    expect(appointed.body.events).toEqual(['HeadLeft', 'HeadAppointed']);
  });

  describe('asked on 2018-11-20', () => {
    beforeAll(() => ledger.at(hengyang('2018-11-20')));

    it('counts T4 on 2018-11-01: zx and sg done on time, zh overdue, hn within its extended deadline, hd overdue', async () => {
      const list = await inspector.get(`/v1/tasks?documentNumber=${encodeURIComponent(DOCNO)}&asOf=2018-11-01&pageSize=100`);
      expectStatus(list, 200);
      expect(list.body.total).toBe(20);
      const t4 = Object.fromEntries(list.body.items.filter((t: { taskId: string }) => t.taskId.startsWith('t4-')).map((t: { taskId: string; timeliness: string }) => [t.taskId, t.timeliness]));
      expect(t4).toEqual({
        't4-zx': 'done_on_time',
        't4-sg': 'done_on_time',
        't4-zh': 'not_done_overdue',
        't4-hn': 'not_done_within_deadline',
        't4-hd': 'not_done_overdue',
      });
      const overdue = await inspector.get(`/v1/tasks?directiveId=d-2018-1&asOf=2018-11-01&timeliness=not_done_overdue`);
      expect(overdue.body.items.map((t: { taskId: string }) => t.taskId).sort()).toEqual(['t4-hd', 't4-zh']);
      const zhOnly = await inspector.get('/v1/tasks?unitId=zh&unitRole=lead&asOf=2018-11-01');
      expect(zhOnly.body.items.map((t: { taskId: string }) => t.taskId).sort()).toEqual(['t1-zh', 't2-zh', 't3-zh', 't4-zh']);
    });

    it('lists the reminder in Zhuhui\'s T4 timeline, with who, in which role and unit, and both clocks', async () => {
      const timeline = await staff.zh.get('/v1/tasks/t4-zh/timeline');
      expectStatus(timeline, 200);
      expect(timeline.body.items.map((e: { type: string }) => e.type)).toEqual([
        'TaskRegistered',
        'TaskAssigned',
        'TaskAcknowledged',
        'ProgressReported',
        'ReminderIssued',
        'DeadlinePassed',
      ]);
      const reminder = timeline.body.items[4];
      expect(reminder).toMatchObject({
        actor: { id: 'p-director-of-inspection', role: 'inspector', unit: 'insp' },
        occurredAt: '2018-10-10T09:00:00+08:00',
        recordedAt: '2018-10-10T01:00:00.000Z',
        data: { message: 'T4 is behind schedule: report the rectification list by 2018-10-20', channel: 'official_document' },
      });
    });

    it('answers what Zhuhui had been told before 2018-10-31: the assignments and the reminder', async () => {
      const told = await inspector.get('/v1/units/zh/notices?before=2018-10-31');
      expectStatus(told, 200);
      const kinds = told.body.items.map((n: { kind: string; taskId: string }) => `${n.kind}:${n.taskId}`);
      expect(kinds).toContain('reminder:t4-zh');
      expect(kinds.filter((k: string) => k.startsWith('assignment:'))).toHaveLength(4);
      expect(kinds).not.toContain('deadline_passed:t4-zh');
      const reminder = told.body.items.find((n: { kind: string }) => n.kind === 'reminder');
      expect(reminder).toMatchObject({ occurredAt: '2018-10-10T09:00:00+08:00', recordedAt: '2018-10-10T01:00:00.000Z', lateEntry: false, actor: { role: 'inspector' } });
      const after = await inspector.get('/v1/units/zh/notices?kind=deadline_passed');
      expect(after.body.items).toHaveLength(1);
    });

    it('names District Head C as Zhuhui\'s head on 2018-10-31, and District Head C2 after the handover', async () => {
      const onDeadline = await inspector.get('/v1/units/zh/head?on=2018-10-31');
      expectStatus(onDeadline, 200);
      expect(onDeadline.body.head).toMatchObject({ personId: 'p-zh-head', name: 'District Head C', to: '2018-11-15' });
      const handover = await inspector.get('/v1/units/zh/head?on=2018-11-15');
      expect(handover.body.head.name).toBe('District Head C');
      expect(handover.body.tenures.map((t: { name: string }) => t.name)).toEqual(['District Head C', 'District Head C2']);
      const now = await inspector.get('/v1/units/zh/head');
      expect(now.body).toMatchObject({ on: '2018-11-20', head: { name: 'District Head C2' } });
      // The task keeps the head at assignment.
      expect((await inspector.get('/v1/tasks/t4-zh')).body.assignment.responsible.name).toBe('District Head C');
    });

    it('rebuilds the same read models from position 0', async () => {
      const { foldReadModels, emptyReadModels, readModelsToJson } = await import('@ledger/projections');
      const log = ledger.ledgerStore();
      const fold = async () => {
        let models = emptyReadModels();
        for (let from = 1; ; ) {
          const page = await log.readAll({ fromPosition: from, limit: 100 });
          if (page.length === 0) return models;
          models = foldReadModels(models, page);
          from = page[page.length - 1].position + 1;
        }
      };
      const live = ledger.readModels().current();
      const rebuilt = await fold();
      expect(rebuilt.position).toBe(live.position);
      expect(readModelsToJson(rebuilt)).toBe(readModelsToJson(live));
      expect(readModelsToJson(await fold())).toBe(readModelsToJson(rebuilt));
    });
  });
});
