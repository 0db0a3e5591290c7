import { CN_2019, ruleSetHash, type RuleSet } from '@ledger/domain';
import { CN_HENGYANG_2018 } from '../apps/cli/src/demo/cn-hengyang-2018';
import { flaggingRuleSetFor } from '../apps/api/src/cases/refer-case.command';
import { Caller, describeOnEachStore, expectStatus, LedgerTestApp } from './support/ledger-test-app';

/**
 * Rule sets as data (issue 4, DOMAIN.md "Grading is a versioned rule set"): published through the API, listed with
 * the built-in ones, corrected under a new id, withdrawn; a cycle opened under a published rule set records it
 * whole with its canonical hash and keeps grading by it after the withdrawal. On SQLite and PostgreSQL.
 */
describeOnEachStore('rule sets published in the ledger', (store) => {
  let ledger: LedgerTestApp;
  let personnel: Caller;
  let inspector: Caller;
  let mayor: Caller;

  beforeAll(async () => {
    ledger = await LedgerTestApp.start(store, { now: '2019-01-03T09:00:00+08:00' });
    for (const [unitId, parentId, kind] of [['city', null, 'city'], ['insp', 'city', 'office'], ['zh', 'city', 'district'], ['hn', 'city', 'county']] as const) {
      expectStatus(await ledger.admin.post('/v1/units', { unitId, names: { en: unitId }, kind, parentId }), 201);
    }
    personnel = await ledger.user('p-personnel', 'appraiser', 'city', 'Organisation Department');
    inspector = await ledger.user('p-inspector', 'inspector', 'insp', 'Director of Inspection');
    mayor = await ledger.user('p-mayor', 'leader', 'city', 'Mayor');
  }, 120_000);

  afterAll(async () => {
    await ledger?.close();
  });

  it('lists the built-in rule sets of a fresh ledger, and serves each whole with its canonical hash', async () => {
    const list = await mayor.get('/v1/rule-sets');
    expectStatus(list, 200);
    expect(list.body.items.map((entry: { ruleSetId: string; status: string }) => [entry.ruleSetId, entry.status])).toEqual([
      ['vn-2026', 'built_in'],
      ['vn-2020', 'built_in'],
      ['cn-2019', 'built_in'],
    ]);
    const one = await mayor.get('/v1/rule-sets/cn-2019');
    expectStatus(one, 200);
    expect(one.body).toMatchObject({ ruleSetId: 'cn-2019', status: 'built_in', hash: ruleSetHash(CN_2019), ruleSet: CN_2019 });
    expect((await mayor.get('/v1/rule-sets/cn-2031')).body.code).toBe('RULESET.NOT_FOUND');
  });

  it('refuses an unusable rule set with 400 and every problem with its JSON path, in the caller\'s language', async () => {
    const { bands: _bands, ...noBands } = CN_HENGYANG_2018;
    const res = await personnel.post('/v1/rule-sets', { ...noBands, effective: { from: '2018-02-30', to: null }, quota: { ...CN_2019.quota, maxShare: '30%' }, note: 'x' }, { headers: { 'accept-language': 'zh' } });
    expectStatus(res, 400);
    expect(res.body.code).toBe('RULESET.INVALID');
    expect(res.body.message).toContain('考核规则不可用');
    expect(res.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['bands', 'effective.from', 'note', 'quota.maxShare']);
    const semantic = await personnel.post('/v1/rule-sets', { ...CN_HENGYANG_2018, gates: [{ ...CN_2019.gates[0], grade: 'outstanding' }] });
    expectStatus(semantic, 400);
    expect(semantic.body.fields).toEqual([{ field: 'gates[0].grade', reason: 'gates[0] names grade "outstanding", not on the unit scale' }]);
    expectStatus(await personnel.post('/v1/rule-sets', [CN_HENGYANG_2018]), 400);
  });

  it('publishes a rule set as data (the organisation department), once: an id already published or built in is refused', async () => {
    expect((await inspector.post('/v1/rule-sets', CN_HENGYANG_2018)).status).toBe(403);
    expect((await mayor.post('/v1/rule-sets', CN_HENGYANG_2018)).status).toBe(403);
    const res = await personnel.post('/v1/rule-sets', CN_HENGYANG_2018);
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ id: 'cn-hengyang-2018', streamId: 'ruleset-cn-hengyang-2018', version: 1, events: ['RuleSetPublished'] });
    const again = await personnel.post('/v1/rule-sets', CN_HENGYANG_2018);
    expect([again.status, again.body.code]).toEqual([409, 'RULESET.ALREADY_PUBLISHED']);
    const builtIn = await ledger.admin.post('/v1/rule-sets', CN_2019);
    expect([builtIn.status, builtIn.body.code]).toEqual([409, 'RULESET.BUILT_IN']);
    const orphan = await personnel.post('/v1/rule-sets', { ...CN_HENGYANG_2018, id: 'cn-hengyang-2018.2', supersedes: 'cn-hengyang-2017' });
    expect([orphan.status, orphan.body.code, orphan.body.fields[0]?.field]).toEqual([422, 'RULESET.SUPERSEDES_UNKNOWN', 'supersedes']);
    const one = await inspector.get('/v1/rule-sets/cn-hengyang-2018');
    expectStatus(one, 200);
    expect(one.body).toMatchObject({ status: 'published', hash: ruleSetHash(CN_HENGYANG_2018), publishedBy: { id: 'p-personnel', role: 'appraiser' }, ruleSet: CN_HENGYANG_2018 });
  });

  it('opens a cycle under the published rule set, recording it whole with its hash, and grades by it', async () => {
    expectStatus(await personnel.post('/v1/appraisals', { year: 2018, peerGroup: 'districts', ownerUnitId: 'city', ruleSetId: 'cn-hengyang-2018', unitIds: ['zh', 'hn'] }), 201);
    const cycle = await personnel.get('/v1/appraisals/2018-districts');
    expect(cycle.body).toMatchObject({ ruleSetId: 'cn-hengyang-2018', ruleSetHash: ruleSetHash(CN_HENGYANG_2018), ruleSet: CN_HENGYANG_2018 });
    const events = await ledger.ledgerStore().readStream('appraisal-2018-districts');
    expect(events[0].data).toMatchObject({ ruleSetId: 'cn-hengyang-2018', ruleSetHash: ruleSetHash(CN_HENGYANG_2018) });
    // The referral manager flags the cycle's units by the rule set the cycle recorded.
    expect(flaggingRuleSetFor(ledger.readModels().current(), 'zh', 2018)).toEqual(CN_HENGYANG_2018);
    // The shipped cn-2019 cannot grade 2018.
    const cn2019 = await personnel.post('/v1/appraisals', { year: 2018, peerGroup: 'counties', ownerUnitId: 'city', ruleSetId: 'cn-2019', unitIds: ['hn'] });
    expect([cn2019.status, cn2019.body.code]).toEqual([422, 'APPRAISAL.RULE_SET_NOT_EFFECTIVE']);
    const unknown = await personnel.post('/v1/appraisals', { year: 2018, peerGroup: 'counties', ownerUnitId: 'city', ruleSetId: 'cn-hengyang-2017', unitIds: ['hn'] });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'APPRAISAL.RULE_SET_UNKNOWN']);
  });

  it('publishes a correction under a new id; withdraws the old one: no new cycle under it, the open cycle keeps it', async () => {
    const correction: RuleSet = { ...CN_HENGYANG_2018, id: 'cn-hengyang-2018.1', supersedes: 'cn-hengyang-2018', bands: [{ grade: 'excellent', when: [{ metric: 'score', op: '>=', value: 92 }] }, ...CN_HENGYANG_2018.bands.slice(1)] };
    const published = await ledger.admin.post('/v1/rule-sets', correction);
    expectStatus(published, 201);
    expect(published.body.streamId).toBe('ruleset-cn-hengyang-2018-v1');
    expect((await inspector.post('/v1/rule-sets/cn-hengyang-2018/withdrawal', { reason: 'x' })).status).toBe(403);
    expectStatus(await personnel.post('/v1/rule-sets/cn-hengyang-2018/withdrawal', { reason: 'Superseded by cn-hengyang-2018.1' }), 200);
    const again = await personnel.post('/v1/rule-sets/cn-hengyang-2018/withdrawal', { reason: 'Twice' });
    expect([again.status, again.body.code]).toEqual([409, 'RULESET.ALREADY_WITHDRAWN']);
    expect((await personnel.post('/v1/rule-sets/cn-2019/withdrawal', { reason: 'Built in' })).status).toBe(404);

    const list = await mayor.get('/v1/rule-sets');
    expect(list.body.items.slice(3).map((e: { ruleSetId: string; status: string; supersedes: string | null }) => [e.ruleSetId, e.status, e.supersedes])).toEqual([
      ['cn-hengyang-2018', 'withdrawn', null],
      ['cn-hengyang-2018.1', 'published', 'cn-hengyang-2018'],
    ]);
    const refused = await personnel.post('/v1/appraisals', { year: 2018, peerGroup: 'counties', ownerUnitId: 'city', ruleSetId: 'cn-hengyang-2018', unitIds: ['hn'] });
    expect([refused.status, refused.body.code]).toEqual([422, 'APPRAISAL.RULE_SET_WITHDRAWN']);
    expectStatus(await personnel.post('/v1/appraisals', { year: 2018, peerGroup: 'counties', ownerUnitId: 'city', ruleSetId: 'cn-hengyang-2018.1', unitIds: ['hn'] }), 201);

    // The cycle opened before the withdrawal scores under the rules it recorded.
    expectStatus(await personnel.post('/v1/appraisals/2018-districts/scoring'), 200);
    const cycle = await personnel.get('/v1/appraisals/2018-districts');
    expect(cycle.body.results.map((r: { ruleSetId: string }) => r.ruleSetId)).toEqual(['cn-hengyang-2018', 'cn-hengyang-2018']);
    expect(cycle.body.ruleSetHash).toBe(ruleSetHash(CN_HENGYANG_2018));
  });
});
