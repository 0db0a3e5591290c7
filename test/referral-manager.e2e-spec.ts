import { createHash } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { canonicalize } from '@ledger/event-store';
import { ReferralManager } from '../apps/api/src/deadlines/referral-manager.service';
import { ReadModelsService } from '../apps/api/src/read-models/read-models.service';
import { API_CONFIG } from '../apps/api/src/shared/api-config';
import { LedgerTime } from '../apps/api/src/shared/ledger-time';
import { Caller, describeOnEachStore, expectStatus, LedgerTestApp, ManualTicker, type HttpResponse } from './support/ledger-test-app';

/**
 * The referral process manager beyond missed objectives (issue 4): a unit whose tasks are overdue beyond the
 * threshold of the rule set governing their year (vn-2026: more than 30 days, one task) is referred once per unit,
 * year and ground, with the same contents and attribution as an objective's referral, however often and in however
 * many processes the sweep runs; and every referral carries the unit's and its head's final grades of earlier years
 * and the earlier decisions of the commission, with the events they come from.
 */
describeOnEachStore('referral manager: overdue tasks, prior grades and decisions', (store) => {
  let ledger: LedgerTestApp;
  const who = {} as Record<'leader' | 'appraiser' | 'commissioner' | 'staff', Caller>;
  const at = (day: string, time = '09:00:00') => `${day}T${time}+08:00`;
  const ok = async (res: Promise<HttpResponse>, status = 200) => {
    const r = await res;
    expectStatus(r, status);
    return r;
  };
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  const signOff = async (streamId: string, path: string): Promise<string> => {
    const shown = await ok(who.leader.get(path));
    expect(sha256(canonicalize(shown.body))).toMatch(/^[0-9a-f]{64}$/);
    return (await ok(who.leader.post('/v1/signoffs', { record: { streamId, version: shown.body.version }, decision: 'approve', comment: 'Checked' }), 201)).body.id;
  };
  const settle = async () => ledger.readModels().waitFor(await ledger.ledgerStore().headPosition());
  const task = (taskId: string, leadUnitId: string, deadline: string) => ({ taskId, title: `Task ${taskId}`, assignment: { leadUnitId, work: 'Clear the backlog', deadline, expectedResult: 'Backlog cleared' } });
  const cases = async () => (await ok(ledger.admin.get('/v1/cases'))).body.items as { caseId: string; subjectUnitId: string; referral: any; referredBy: string }[];

  beforeAll(async () => {
    ledger = await LedgerTestApp.start(store, { now: at('2026-01-05') });
    for (const [unitId, parentId, kind] of [['city', null, 'city'], ['w1', 'city', 'ward'], ['w2', 'city', 'ward'], ['w3', 'city', 'ward']] as const) {
      await ok(ledger.admin.post('/v1/units', { unitId, names: { en: unitId }, kind, parentId }), 201);
      await ok(ledger.admin.post(`/v1/units/${unitId}/head`, { personId: `${unitId}-head`, name: `Head of ${unitId}`, postTitle: 'Head', from: '2026-01-01' }));
    }
    who.leader = await ledger.user('r-leader', 'leader', 'city');
    who.appraiser = await ledger.user('r-appraiser', 'appraiser', 'city');
    who.commissioner = await ledger.user('r-commissioner', 'discipline_commissioner', 'city');
    who.staff = await ledger.user('r-staff', 'unit_staff', 'w1');
    const w3Head = await ledger.user('r-w3-head', 'unit_head', 'w3');
    // w1's 2026 is appraised under vn-2026 (which refers overdue tasks); w2 is in no cycle: the default, cn-2019, does not.
    // w3's task is overdue too, but the objective measuring it has an objective cause the commission confirmed.
    await ok(who.appraiser.post('/v1/appraisals', { year: 2026, peerGroup: 'wards', ownerUnitId: 'city', ruleSetId: 'vn-2026', unitIds: ['w1', 'w3'] }), 201);
    await ok(who.leader.post('/v1/directives', { directiveId: 'd-2026', documentNumber: 'W-2026/1', kind: 'notice', issuedOn: '2026-01-05', title: 'Backlog', body: 'Clear it', tasks: [task('t-w1-a', 'w1', '2026-03-31'), task('t-w1-b', 'w1', '2026-06-30'), task('t-w2-a', 'w2', '2026-03-31'), task('t-w3-a', 'w3', '2026-03-31')] }), 201);
    await ok(who.leader.post('/v1/objectives', { objectiveId: 'o-w3', directiveId: 'd-2026', taskIds: ['t-w3-a'], unitId: 'w3', year: 2026, metric: 'Files cleared', unitOfMeasure: 'files', direction: 'higher_is_better', target: 100, weight: 1, deadline: '2026-03-31', tolerance: 0.05 }), 201);
    await ok(who.staff.post('/v1/tasks/t-w1-a/acknowledgement'));
    ledger.at(at('2026-04-10'));
    await ok(who.leader.post('/v1/tasks/t-w1-a/reminders', { channel: 'phone', message: 'Overdue: report now' }));
    await ok(w3Head.post('/v1/objectives/o-w3/cause-claims', { claimId: 'flood-w3', kind: 'objective_cause', cause: 'Flood', description: 'The archive was flooded in March' }));
    ledger.at(at('2026-04-20'));
    await ok(who.commissioner.post('/v1/objectives/o-w3/cause-claims/flood-w3/confirm', { comment: 'Confirmed on site' }));
  }, 120_000);

  afterAll(async () => {
    await ledger?.close();
  });

  it('refers nobody while the overdue task is within the 30 days', async () => {
    ledger.at(at('2026-04-30'));
    await ledger.ticker.fire();
    await settle();
    expect(await cases()).toEqual([]);
  });

  it('refers w1 once for its task overdue more than 30 days, when the sweep runs again and when two managers race', async () => {
    ledger.at(at('2026-05-15'));
    const second = new ReferralManager(ledger.app.get(CommandBus), ledger.app.get(ReadModelsService), ledger.app.get(LedgerTime), ledger.app.get(API_CONFIG), new ManualTicker(), 'always');
    await ledger.watcher().tick(); // the deadline watcher records the passed deadlines first
    await settle();
    const [one, two] = await Promise.all([ledger.app.get(ReferralManager).tick(), second.tick()]);
    // The one that lost the race gets the winner's result back (same command id): both report it, the log holds one.
    expect([...new Set([...one.referredOverdue, ...two.referredOverdue])]).toEqual(['w1/2026']);
    expect([...one.failed, ...two.failed].filter((failure) => failure.code !== 'CASE.ALREADY_REFERRED' && failure.code !== 'STORE.WRONG_EXPECTED_VERSION')).toEqual([]);
    await settle();
    const head = await ledger.ledgerStore().headPosition();
    await ledger.ticker.fire();
    await second.tick();
    expect(await ledger.ledgerStore().headPosition()).toBe(head);

    const all = await cases();
    expect(all.map((entry) => entry.caseId)).toEqual(['ref-tasks-w1-2026']);
    const entry = all[0];
    expect(entry).toMatchObject({ subjectUnitId: 'w1', referredBy: 'system:referral-manager' });
    const referral = entry.referral;
    expect(referral).toMatchObject({
      jurisdiction: 'vn',
      reasons: ['tasks_overdue'],
      subject: { unitId: 'w1', resolvedOn: '2026-03-31', headVacant: false, persons: [{ personId: 'w1-head', responsibility: 'main', basis: 'head_at_deadline' }] },
      failure: {
        kind: 'tasks_overdue',
        asOf: '2026-05-15',
        year: 2026,
        minDaysOverdue: 30,
        tasks: [{ taskId: 't-w1-a', directiveId: 'd-2026', documentNumber: 'W-2026/1', deadline: '2026-03-31', daysOverdue: 45 }],
        source: { directive: { directiveId: 'd-2026', documentNumber: 'W-2026/1' } },
      },
      mitigations: { priorGrades: [], priorDecisions: [] },
      integrity: { ruleSetId: 'vn-2026' },
    });
    expect(referral.chronology.map((step: { on: string; kind: string }) => [step.on, step.kind])).toEqual([
      ['2026-01-05', 'assignment'],
      ['2026-01-05', 'acknowledgement'],
      ['2026-04-10', 'reminder'],
    ]);
    const events = (await ok(ledger.admin.get('/v1/cases/ref-tasks-w1-2026'))).body.eventIds;
    const referred = (await ledger.ledgerStore().readStream('case-ref-tasks-w1-2026'))[0];
    expect(events).toEqual([referred.id]);
    expect(await ledger.ledgerStore().readStream('case-ref-tasks-w1-2026')).toHaveLength(1);
    expect(referred.metadata).toMatchObject({ actorId: 'system:referral-manager', actorRole: 'administrator', actorUnit: 'city', commandId: 'system:referral-manager:refer.tasks.w1.2026' });
    expect(referral.integrity.eventIds.length).toBeGreaterThanOrEqual(4);
  });

  it('carries the unit’s and its head’s final grades of the year before and the commission’s earlier decision', async () => {
    // The 2026 case is decided; the 2026 cycle runs to its final grades.
    ledger.at(at('2026-06-01'));
    await ok(who.commissioner.post('/v1/cases/ref-tasks-w1-2026/investigation', { note: 'Inquiry opened' }));
    await ok(who.commissioner.post('/v1/cases/ref-tasks-w1-2026/statements', { statementId: 'st-1', personId: 'w1-head', statementHash: '4b'.repeat(32), summary: 'Explains the delay' }));
    const caseSignOff = await signOff('case-ref-tasks-w1-2026', '/v1/cases/ref-tasks-w1-2026');
    await ok(who.commissioner.post('/v1/cases/ref-tasks-w1-2026/decision', { signOffId: caseSignOff, decisions: [{ personId: 'w1-head', form: 'reprimand', reason: 'Task overdue' }, { personId: null, form: 'reminder', reason: 'Task overdue' }] }));
    ledger.at(at('2027-01-10'));
    await ok(who.appraiser.post('/v1/appraisals/2026-wards/scoring'));
    await ok(who.appraiser.post('/v1/appraisals/2026-wards/moderation', {}));
    const cycleSignOff = await signOff('appraisal-2026-wards', '/v1/appraisals/2026-wards');
    await ok(who.leader.post('/v1/appraisals/2026-wards/approval', { signOffId: cycleSignOff }));
    await ok(who.appraiser.post('/v1/appraisals/2026-wards/publication'));
    await ok(who.appraiser.post('/v1/appraisals/2026-wards/finalization'));
    const cycle2026 = await ledger.ledgerStore().readStream('appraisal-2026-wards');
    const finalized = cycle2026.find((event) => event.type === 'AppraisalFinalized')!;
    const w1Grade = (finalized.data as { grades: { unitId: string; grade: string; headGrade: string }[] }).grades.find((entry) => entry.unitId === 'w1')!;
    const decided = (await ledger.ledgerStore().readStream('case-ref-tasks-w1-2026')).find((event) => event.type === 'CaseDecided')!;

    // 2027: a new cycle and a new task, overdue by April; the commission refers it itself before the manager runs.
    await ok(who.appraiser.post('/v1/appraisals', { year: 2027, peerGroup: 'wards', ownerUnitId: 'city', ruleSetId: 'vn-2026', unitIds: ['w1'] }), 201);
    await ok(who.leader.post('/v1/directives', { directiveId: 'd-2027', documentNumber: 'W-2027/1', kind: 'notice', issuedOn: '2027-01-10', title: 'Backlog 2027', body: 'Clear it', tasks: [task('t-w1-c', 'w1', '2027-02-28')] }), 201);
    ledger.at(at('2027-04-15'));
    const manual = await ok(who.commissioner.post('/v1/cases/overdue-tasks', { unitId: 'w1', year: 2027 }), 201);
    expect(manual.body).toMatchObject({ id: 'ref-tasks-w1-2027', streamId: 'case-ref-tasks-w1-2027', events: ['CaseReferred'] });
    await ledger.ticker.fire();
    await settle();
    await ledger.ticker.fire();
    await settle();
    expect(await ledger.ledgerStore().readStream('case-ref-tasks-w1-2027')).toHaveLength(1);

    const all = await cases();
    expect(all.map((entry) => entry.caseId)).toEqual(['ref-tasks-w1-2026', 'ref-tasks-w1-2027']);
    expect(all[1].referredBy).toBe('r-commissioner');
    const referral = all[1].referral;
    expect(referral.failure.tasks.map((t: { taskId: string }) => t.taskId)).toEqual(['t-w1-c']);
    expect(referral.mitigations.priorGrades).toEqual([
      { year: 2026, cycleId: '2026-wards', ruleSetId: 'vn-2026', subject: 'head', unitId: 'w1', personId: 'w1-head', grade: w1Grade.headGrade, eventId: finalized.id },
      { year: 2026, cycleId: '2026-wards', ruleSetId: 'vn-2026', subject: 'unit', unitId: 'w1', personId: null, grade: w1Grade.grade, eventId: finalized.id },
    ]);
    expect(referral.mitigations.priorDecisions).toEqual([
      { caseId: 'ref-tasks-w1-2026', decidedOn: '2026-06-01', personId: null, form: 'reminder', eventId: decided.id },
      { caseId: 'ref-tasks-w1-2026', decidedOn: '2026-06-01', personId: 'w1-head', form: 'reprimand', eventId: decided.id },
    ]);
    expect(referral.integrity.eventIds).toEqual(expect.arrayContaining([finalized.id, decided.id]));
  });

  it('never refers w2, whose year no rule set referring overdue tasks governs, nor w3, whose overdue task a confirmed objective cause excuses', async () => {
    expect((await cases()).filter((entry) => entry.subjectUnitId !== 'w1')).toEqual([]);
    const listed = (await ok(ledger.admin.get('/v1/tasks?unitId=w3&asOf=2026-05-15'))).body.items;
    expect(listed.map((item: { taskId: string; timeliness: string }) => [item.taskId, item.timeliness])).toEqual([['t-w3-a', 'not_done_overdue']]);
  });

  it('lets only the commission (or an administrator) refer overdue tasks by hand, once per unit and year, when the threshold is reached', async () => {
    const again = await who.commissioner.post('/v1/cases/overdue-tasks', { unitId: 'w1', year: 2026 });
    expect([again.status, again.body.code]).toEqual([409, 'CASE.ALREADY_REFERRED']);
    const notReferable = await who.commissioner.post('/v1/cases/overdue-tasks', { unitId: 'w2', year: 2026 });
    expect([notReferable.status, notReferable.body.code]).toEqual([422, 'REFERRAL.TASKS_NOT_OVERDUE']);
    const excused = await who.commissioner.post('/v1/cases/overdue-tasks', { unitId: 'w3', year: 2026 });
    expect([excused.status, excused.body.code]).toEqual([422, 'REFERRAL.TASKS_NOT_OVERDUE']);
    expect((await who.staff.post('/v1/cases/overdue-tasks', { unitId: 'w1', year: 2028 })).status).toBe(403);
    const invalid = await who.commissioner.post('/v1/cases/overdue-tasks', { unitId: 'w1', year: 'last' });
    expect([invalid.status, [...new Set(invalid.body.fields.map((f: { field: string }) => f.field))]]).toEqual([400, ['year']]);
    expect((await who.commissioner.post('/v1/cases/overdue-tasks', { unitId: 'nowhere', year: 2026 })).status).toBe(404);
  });

  it('refuses to grade 2018 under cn-2019 with a 422 naming the rule set’s period (DOMAIN.md: a grade is computed by a dated rule set)', async () => {
    const body = { year: 2018, peerGroup: 'wards', ownerUnitId: 'city', ruleSetId: 'cn-2019', unitIds: ['w1'] };
    const en = await who.appraiser.post('/v1/appraisals', body);
    expect([en.status, en.body.code]).toEqual([422, 'APPRAISAL.RULE_SET_NOT_EFFECTIVE']);
    expect(en.body.message).toBe('Rule set cn-2019 governs appraisals from 2019-01-01 to …, not 2018.');
    expect(en.body.fields).toEqual([{ field: 'ruleSetId', reason: en.body.message }]);
    const zh = await who.appraiser.post('/v1/appraisals', body, { headers: { 'accept-language': 'zh' } });
    expect(zh.body.message).toMatch(/考核规则 cn-2019 适用于 2019-01-01/);
  });
});
