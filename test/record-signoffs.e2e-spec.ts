import { createHash } from 'node:crypto';
import { canonicalize } from '@ledger/event-store';
import { evolveTaskView } from '@ledger/projections';
import { heldTaskView, signedViewOf } from '../apps/api/src/signoffs/record-sign-off.command';
import { Caller, expectStatus, LedgerTestApp, type HttpResponse } from './support/ledger-test-app';

/**
 * Sign-offs of the records of issue 4 that need one: an objective's revision, an appraisal cycle's approval and a
 * case's decision. Each is signed by someone other than the record's latest author, then approved with it; the
 * sign-off's recordHash is SHA-256 of the RFC 8785 canonical JSON of exactly what GET served.
 */
describe('sign-offs of objectives, appraisal cycles and cases', () => {
  let ledger: LedgerTestApp;
  const who = {} as Record<'leader' | 'head' | 'staff' | 'appraiser' | 'commissioner', Caller>;

  const ok = async (res: Promise<HttpResponse>, status = 200) => {
    const r = await res;
    expectStatus(r, status);
    return r;
  };
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

  /** Signs `streamId` as the leader and checks the hash against the GET body at that moment. */
  async function signOff(streamId: string, getPath: string): Promise<string> {
    const shown = await ok(who.leader.get(getPath));
    const signed = await ok(who.leader.post('/v1/signoffs', { record: { streamId, version: shown.body.version }, decision: 'approve', comment: 'Checked' }), 201);
    expect(signed.body.recordHash).toBe(sha256(canonicalize(shown.body)));
    const stored = await ok(who.leader.get(`/v1/signoffs/${signed.body.id}`));
    expect(stored.body).toMatchObject({ recordHash: signed.body.recordHash, record: { streamId, version: shown.body.version }, decision: 'approve' });
    return signed.body.id;
  }

  beforeAll(async () => {
    ledger = await LedgerTestApp.start('sqlite', { now: '2018-09-01T09:00:00+08:00' });
    for (const [unitId, parentId, kind] of [['city', null, 'city'], ['zh', 'city', 'district']] as const) {
      await ok(ledger.admin.post('/v1/units', { unitId, names: { en: unitId }, kind, parentId }), 201);
      await ok(ledger.admin.post(`/v1/units/${unitId}/head`, { personId: `${unitId}-head`, name: `Head of ${unitId}`, postTitle: 'Head', from: '2018-01-01' }));
    }
    who.leader = await ledger.user('s-leader', 'leader', 'city');
    who.head = await ledger.user('s-head', 'unit_head', 'zh');
    who.staff = await ledger.user('s-staff', 'unit_staff', 'zh');
    who.appraiser = await ledger.user('s-appraiser', 'appraiser', 'city');
    who.commissioner = await ledger.user('s-commissioner', 'discipline_commissioner', 'city');
    await ok(who.leader.post('/v1/letters', { letterId: 'l-zh', year: 2018, upperUnitId: 'city', lowerUnitId: 'zh', title: 'Letter', objectiveIds: ['o-rev', 'o-miss'] }), 201);
    const objective = (objectiveId: string, deadline: string) => ({ objectiveId, letterId: 'l-zh', unitId: 'zh', year: 2018, metric: 'Parcels', unitOfMeasure: 'parcels', direction: 'higher_is_better', target: 50, weight: 1, deadline, tolerance: 0.05 });
    await ok(who.leader.post('/v1/objectives', objective('o-rev', '2018-12-31')), 201);
    await ok(who.leader.post('/v1/objectives', objective('o-miss', '2018-09-05')), 201);
    ledger.at('2018-09-10T09:00:00+08:00');
  });

  afterAll(async () => {
    await ledger?.close();
  });

  it('signs a task as GET serves it, from the task the read model holds moved on by what its stream gained since', async () => {
    await ok(who.leader.post('/v1/directives', {
      directiveId: 'd-sign',
      issuer: { name: 'Leader', postTitle: 'Deputy mayor' },
      documentNumber: 'DEMO-签〔2018〕1号',
      kind: 'directive',
      issuedOn: '2018-09-10',
      title: 'Parcels',
      body: 'Rectify the parcels.',
      tasks: [{ taskId: 't-sign', title: 'Parcels', assignment: { leadUnitId: 'zh', coUnitIds: [], work: 'Rectify', deadline: '2018-12-31', expectedResult: 'Done' } }],
    }), 201);
    await ok(who.staff.post('/v1/tasks/t-sign/acknowledgement'));
    for (const percent of [20, 45, 70]) await ok(who.staff.post('/v1/tasks/t-sign/progress-reports', { percent, narrative: `${percent} % rectified` }));
    // The usual case: the read model holds the task at its last version.
    await signOff('task-t-sign', '/v1/tasks/t-sign');

    // A read model behind the stream (another process appended a moment ago) by any number of events: moved on by
    // them, it signs what folding the whole stream signs.
    const store = ledger.ledgerStore();
    const events = await store.readStream('task-t-sign');
    const models = ledger.readModels().current();
    const whole = { version: events[events.length - 1].streamVersion, signed: signedViewOf('task', events, models) };
    const held = models.tasks.tasks.get('t-sign')!;
    let view: typeof held | undefined;
    for (let k = 1; k <= events.length; k++) {
      view = evolveTaskView(view, events[k - 1]);
      const behind = { ...models, tasks: { ...models.tasks, tasks: models.tasks.tasks.set('t-sign', view!) } };
      expect(await heldTaskView(store, 't-sign', 'task-t-sign', behind)).toEqual(whole);
    }
    expect(view).toEqual(held);
    // A task the model does not hold is read from its stream.
    const without = { ...models, tasks: { ...models.tasks, tasks: models.tasks.tasks.delete('t-sign') } };
    expect(await heldTaskView(store, 't-sign', 'task-t-sign', without)).toBeUndefined();
  });

  it('records a sign-off id once: a second request naming it, one after the other or at the same time, is refused and the stream keeps one event', async () => {
    const shown = await ok(who.leader.get('/v1/tasks/t-sign'));
    const body = (signOffId: string) => ({ signOffId, record: { streamId: 'task-t-sign', version: shown.body.version }, decision: 'approve', comment: 'Checked' });
    // A new sign-off is decided on the empty state the models imply: its stream is not read.
    const reads = jest.spyOn(ledger.ledgerStore(), 'readStream');
    try {
      await ok(who.leader.post('/v1/signoffs', body('so-once')), 201);
      expect(reads.mock.calls.map(([streamId]) => streamId)).not.toContain('signoff-so-once');
    } finally {
      reads.mockRestore();
    }
    // One after the other: the second finds the sign-off in the models and decides on its stream.
    const again = await who.leader.post('/v1/signoffs', body('so-once'));
    expectStatus(again, 409);
    expect(again.body.code).toBe('SIGNOFF.ALREADY_RECORDED');
    // At the same time: both decide on the empty state the models imply (no stream read); the append that comes
    // second finds the stream there, is judged again on it, and is refused the same way — never a 5xx.
    const both = await Promise.all([who.leader.post('/v1/signoffs', body('so-race')), who.leader.post('/v1/signoffs', body('so-race'))]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(both.find((r) => r.status === 409)!.body.code).toBe('SIGNOFF.ALREADY_RECORDED');
    for (const id of ['so-once', 'so-race']) {
      expect((await ledger.ledgerStore().readStream(`signoff-${id}`)).map((e) => e.type)).toEqual(['SignOffRecorded']);
    }
  });

  it('approves an objective revision with a leader\'s sign-off of the objective', async () => {
    await ok(who.head.post('/v1/objectives/o-rev/revisions', { revisionId: 'rev-1', newTarget: 45, reason: 'Parcels transferred' }));
    const signOffId = await signOff('objective-o-rev', '/v1/objectives/o-rev');
    await ok(who.leader.post('/v1/objectives/o-rev/revisions/rev-1/approve', { signOffId }));
    expect((await ok(who.leader.get('/v1/objectives/o-rev'))).body.target).toBe(45);
  });

  it('refuses the proposer\'s own sign-off of the objective', async () => {
    await ok(who.head.post('/v1/objectives/o-rev/revisions', { revisionId: 'rev-2', newTarget: 40, reason: 'More parcels transferred' }));
    const own = await who.head.post('/v1/signoffs', { record: { streamId: 'objective-o-rev' }, decision: 'approve' });
    expect([own.status, own.body.code]).toEqual([403, 'SIGNOFF.SELF_APPROVAL']);
  });

  it('approves an appraisal cycle with a sign-off by someone who did not prepare it', async () => {
    await ok(who.appraiser.post('/v1/appraisals', { year: 2019, peerGroup: 'districts', ownerUnitId: 'city', ruleSetId: 'cn-2019', unitIds: ['zh'] }), 201);
    await ok(who.appraiser.post('/v1/appraisals/2019-districts/scoring'));
    await ok(who.appraiser.post('/v1/appraisals/2019-districts/moderation', {}));
    const signOffId = await signOff('appraisal-2019-districts', '/v1/appraisals/2019-districts');
    await ok(who.leader.post('/v1/appraisals/2019-districts/approval', { signOffId }));
    expect((await ok(who.leader.get('/v1/appraisals/2019-districts'))).body).toMatchObject({ status: 'approved', signOffId });
  });

  it('decides a case with a sign-off of the case, and names a sign-off of another record as invalid', async () => {
    await ok(who.staff.post('/v1/objectives/o-miss/actuals', { period: '2018-09', asOf: '2018-09-05', value: 10, source: 'Parcel register' }));
    await ok(who.appraiser.post('/v1/objectives/o-miss/evaluation', { basis: 'deadline' }));
    const caseId: string = (await ok(who.commissioner.post('/v1/cases', { objectiveId: 'o-miss' }), 201)).body.id;
    await ok(who.commissioner.post(`/v1/cases/${caseId}/investigation`, { note: 'Inquiry opened' }));
    await ok(who.commissioner.post(`/v1/cases/${caseId}/statements`, { statementId: 'st-1', personId: 'zh-head', statementHash: '4b'.repeat(32), summary: 'Explains the delay' }));
    const decision = { decisions: [{ personId: null, form: 'self_examination', reason: 'Objective missed' }] };
    const wrong = await who.commissioner.post(`/v1/cases/${caseId}/decision`, { ...decision, signOffId: (await ok(who.leader.get('/v1/signoffs?streamId=objective-o-rev'))).body.items[0].signOffId });
    expect([wrong.status, wrong.body.code]).toEqual([422, 'RECORD.APPROVAL_SIGNOFF_INVALID']);
    const signOffId = await signOff(`case-${caseId}`, `/v1/cases/${caseId}`);
    await ok(who.commissioner.post(`/v1/cases/${caseId}/decision`, { ...decision, signOffId }));
    expect((await ok(who.commissioner.get(`/v1/cases/${caseId}`))).body).toMatchObject({ status: 'decided', record: { decidedBy: 's-commissioner' } });
  });
});
