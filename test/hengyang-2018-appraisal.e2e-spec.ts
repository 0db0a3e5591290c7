import { loadHengyang2018, objectiveId, UNITS, type Cast, type Role } from '../apps/cli/src/demo/hengyang-2018';
import { auditStreamId } from '@ledger/domain';
import { Caller, describeOnEachStore, expectStatus, LedgerTestApp } from './support/ledger-test-app';

/**
 * The Hengyang 2018 year through HTTP, objectives to referral (issue 4): the scenario's "Expected outcome at year
 * close" asserted exactly, on SQLite and PostgreSQL.
 */
describeOnEachStore('Hengyang 2018: objectives, inspections, appraisal and the referral', (store) => {
  let ledger: LedgerTestApp;
  let cast: Cast;
  const callers = new Map<string, Caller>();
  const as = (handle: string) => callers.get(handle)!;

  beforeAll(async () => {
    ledger = await LedgerTestApp.start(store, { now: '2018-01-02T09:00:00+08:00' });
    callers.set('admin', ledger.admin);
    cast = await loadHengyang2018({
      at: (instant) => ledger.at(instant),
      user: async (id: string, role: Role, unitId: string, name: string) => {
        callers.set(id, await ledger.user(id, role, unitId, name));
        return id;
      },
      post: (who, path, body) => as(who).post(path, body ?? {}),
      tick: () => ledger.ticker.fire(),
    });
  }, 240_000);

  afterAll(async () => {
    await ledger?.close();
  });

  it('flags exactly one unit: Zhuhui, for the T4 objective (target 50, actual 41, 82%, deadline 2018-10-31)', async () => {
    const register = await as(cast.commission).get('/v1/cases');
    expectStatus(register, 200);
    expect(register.body.items).toHaveLength(1);
    const [entry] = register.body.items;
    expect(entry).toMatchObject({ subjectUnitId: 'zh', objectiveId: objectiveId('zh'), open: true, status: 'referred', referredBy: 'system:referral-manager' });
    expect(entry.referral.failure).toMatchObject({ target: 50, actual: 41, ratioToPlan: 0.82, deadline: '2018-10-31', outcome: 'missed', source: { directive: { documentNumber: 'DEMO-衡督〔2018〕1号' } } });
    expect(entry.referral.integrity.ruleSetId).toBe('cn-2019');
  });

  it('records who looked at the discipline case, and when', async () => {
    expectStatus(await as(cast.commission).get('/v1/cases/ref-o-2018-zh-t4'), 200);
    const viewed = (await ledger.ledgerStore().readStream(auditStreamId(cast.commission))).filter((e) => e.data.resource === 'discipline-case');
    expect(viewed.length).toBeGreaterThanOrEqual(1);
    expect(viewed[viewed.length - 1]).toMatchObject({
      type: 'AuditDataViewed',
      data: { resource: 'discipline-case', subject: { caseId: 'ref-o-2018-zh-t4' }, viewer: { id: cast.commission }, route: 'GET /v1/cases/:caseId' },
    });
  });

  it('names District Head C (head at the deadline), not C2, with main leadership responsibility', async () => {
    const { body } = await as(cast.commission).get('/v1/cases?unitId=zh');
    expect(body.items[0].referral.subject).toEqual({
      unitId: 'zh',
      resolvedOn: '2018-10-31',
      headVacant: false,
      persons: [expect.objectContaining({ personId: 'p-zh-head', name: 'District Head C', responsibility: 'main', basis: 'head_at_deadline' })],
    });
  });

  it('lists, in order: the assignment, the acknowledgement, the reminder, the October notice, the interview, the evaluation', async () => {
    const { body } = await as(cast.commission).get('/v1/cases?unitId=zh');
    const chronology = body.items[0].referral.chronology as { on: string; kind: string; summary: string; beforeDeadline: boolean }[];
    expect(chronology.map(({ on, kind }) => ({ on, kind }))).toEqual([
      { on: '2018-09-06', kind: 'assignment' },
      { on: '2018-09-08', kind: 'acknowledgement' },
      { on: '2018-10-10', kind: 'reminder' },
      { on: '2018-10-15', kind: 'inspection_notice' },
      { on: '2018-10-20', kind: 'interview' },
      { on: '2018-12-31', kind: 'evaluation' },
    ]);
    expect(chronology[3].summary).toContain('DEMO-衡督通〔2018〕10号');
    expect(chronology.map((entry) => entry.beforeDeadline)).toEqual([true, true, true, true, true, false]);
  });

  it('does not flag Hengnan (met at the extended deadline) nor Hengdong (excused); the late request did not move hd\'s deadline', async () => {
    const dashboard = await as(cast.personnel).get('/v1/objectives/dashboard?year=2018&asOf=2018-12-31');
    expectStatus(dashboard, 200);
    const outcomes = Object.fromEntries(dashboard.body.items.map((row: { unitId: string; outcome: string }) => [row.unitId, row.outcome]));
    expect(outcomes).toEqual({ zx: 'exceeded', sg: 'met', zh: 'missed', hn: 'met', hd: 'excused' });
    const hd = dashboard.body.items.find((row: { unitId: string }) => row.unitId === 'hd');
    expect(hd.deadline).toBe('2018-10-31');
    expect(dashboard.body.items.find((row: { unitId: string }) => row.unitId === 'hn').deadline).toBe('2018-12-31');
    // A second tick refers nothing more.
    const before = await ledger.ledgerStore().headPosition();
    await ledger.ticker.fire();
    expect(await ledger.ledgerStore().headPosition()).toBe(before);
  });

  it('classifies T4 on 2018-11-01 as the scenario says', async () => {
    const list = await as(cast.inspector).get('/v1/tasks?directiveId=d-2018-1&asOf=2018-11-01&pageSize=100');
    const t4 = Object.fromEntries(list.body.items.filter((t: { taskId: string }) => t.taskId.startsWith('t4-')).map((t: { taskId: string; timeliness: string }) => [t.taskId, t.timeliness]));
    expect(t4).toEqual({ 't4-zx': 'done_on_time', 't4-sg': 'done_on_time', 't4-zh': 'not_done_overdue', 't4-hn': 'not_done_within_deadline', 't4-hd': 'not_done_overdue' });
  });

  it('tells Zhuhui of the October notice and the interview before the deadline', async () => {
    const told = await as(cast.inspector).get('/v1/units/zh/notices?before=2018-10-31');
    expectStatus(told, 200);
    const kinds = told.body.items.map((n: { kind: string }) => n.kind);
    expect(kinds).toEqual(expect.arrayContaining(['reminder', 'inspection_notice', 'interview']));
  });

  it('serves the appraisal of Zhuhui for 2018: tasks by timeliness, objectives by outcome, findings, with evidence', async () => {
    const appraisal = await as(cast.personnel).get('/v1/appraisals/units/zh/2018');
    expectStatus(appraisal, 200);
    expect(appraisal.body).toMatchObject({
      unitId: 'zh',
      ruleSetId: null,
      objectives: { total: 1, byOutcome: { missed: 1 } },
      findings: { criticism: 1 },
      tasks: { total: 4, byTimeliness: { not_done_overdue: 1, not_done_within_deadline: 3 } },
    });
    expect(appraisal.body.evidenceEventIds.length).toBeGreaterThan(0);
  });

  it('scores a cycle from the facts the appraisal read model builds (the client sends none)', async () => {
    ledger.at('2019-01-05T09:00:00+08:00');
    expectStatus(await as(cast.personnel).post('/v1/appraisals', { year: 2019, peerGroup: 'districts', ownerUnitId: 'city', ruleSetId: 'cn-2019', unitIds: [...UNITS] }), 201);
    const scored = await as(cast.personnel).post('/v1/appraisals/2019-districts/scoring');
    expectStatus(scored, 200);
    const cycle = await as(cast.personnel).get('/v1/appraisals/2019-districts');
    expect(cycle.body.results).toHaveLength(5);
    expect(cycle.body.results[0]).toMatchObject({ ruleSetId: 'cn-2019', proposedGrade: expect.any(String) });
  });

  it('authorizes the new endpoints: appraisers score, the commission runs cases, auditors read, others 403', async () => {
    const auditor = await ledger.user('p-auditor', 'auditor', 'city', 'Auditor');
    expectStatus(await auditor.get('/v1/cases'), 200);
    expectStatus(await auditor.get('/v1/objectives/dashboard'), 200);
    expectStatus(await auditor.get('/v1/appraisals/units/zh/2018'), 200);
    expect((await auditor.post('/v1/appraisals/2019-districts/scoring')).status).toBe(403);
    expect((await as(cast.staff.zh).post('/v1/appraisals/2019-districts/moderation', {})).status).toBe(403);
    expect((await as(cast.commission).post('/v1/appraisals/2019-districts/moderation', {})).status).toBe(403);
    expect((await as(cast.inspector).post('/v1/cases/ref-o-2018-zh-t4/investigation', {})).status).toBe(403);
    expectStatus(await as(cast.commission).post('/v1/cases/ref-o-2018-zh-t4/investigation', { note: 'Inquiry opened' }), 200);
    expect((await as(cast.staff.zh).post('/v1/objectives/o-2018-zh-t4/cause-claims/x/confirm', {})).status).toBe(403);
  });

  it('rebuilds identical read models from position 0', async () => {
    const { foldReadModels, emptyReadModels, readModelsToJson } = await import('@ledger/projections');
    const log = ledger.ledgerStore();
    const fold = async (limit: number) => {
      let models = emptyReadModels();
      for (let from = 1; ; ) {
        const page = await log.readAll({ fromPosition: from, limit });
        if (page.length === 0) return models;
        models = foldReadModels(models, page);
        from = page[page.length - 1].position + 1;
      }
    };
    const live = ledger.readModels().current();
    const rebuilt = await fold(100);
    expect(rebuilt.position).toBe(live.position);
    expect(rebuilt.cases.size).toBe(1);
    expect(readModelsToJson(rebuilt)).toBe(readModelsToJson(live));
    expect(readModelsToJson(await fold(7))).toBe(readModelsToJson(rebuilt));
  });
});
