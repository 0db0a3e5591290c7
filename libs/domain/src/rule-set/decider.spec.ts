import { AUTHORIZATION } from '../authorization/permissions';
import { ruleSetHash, ruleSetIssues, type RuleSet } from '../appraisal/rule-set';
import { CN_2019 } from '../appraisal/rule-sets';
import type { Actor } from '../shared/actor';
import { ruleSetStreamId } from '../shared/streams';
import { DeciderSpecification } from '../testing/decider-spec';
import type { RuleSetCommand } from './commands';
import { RULE_SET_DECIDER_ROLES, ruleSetDecider } from './decider';
import type { RuleSetPublished, RuleSetWithdrawn } from './events';

const personnel: Actor = { id: 'p-personnel', role: 'appraiser', unit: 'city' };
const admin: Actor = { id: 'admin', role: 'administrator', unit: 'city' };
const at = (day: string) => `${day}T09:00:00+08:00`;
const by = (actor: Actor) => ({ id: actor.id, role: actor.role, unit: actor.unit });
const spec = DeciderSpecification.for(ruleSetDecider);

const HENGYANG: RuleSet = {
  ...CN_2019,
  id: 'cn-hengyang-2018',
  name: { en: 'Hengyang 2018', vi: 'Hành Dương 2018', zh: '衡阳市2018年' },
  effective: { from: '2018-01-01', to: '2018-12-31' },
};
const KNOWN = ['vn-2026', 'vn-2020', 'cn-2019'];
const publish: RuleSetCommand = { type: 'PublishRuleSet', ruleSetId: HENGYANG.id, now: at('2019-01-03'), actor: personnel, ruleSet: HENGYANG, knownRuleSetIds: KNOWN };
const published: RuleSetPublished = {
  type: 'RuleSetPublished',
  data: { ruleSetId: HENGYANG.id, ruleSet: HENGYANG, hash: ruleSetHash(HENGYANG), supersedes: null, at: at('2019-01-03'), by: by(personnel) },
};
const withdraw: RuleSetCommand = { type: 'WithdrawRuleSet', ruleSetId: HENGYANG.id, now: at('2019-02-01'), actor: admin, reason: 'The 优秀 threshold was mistyped' };
const withdrawn: RuleSetWithdrawn = {
  type: 'RuleSetWithdrawn',
  data: { ruleSetId: HENGYANG.id, reason: 'The 优秀 threshold was mistyped', at: at('2019-02-01'), by: by(admin) },
};

describe('rule-set decider', () => {
  describe('PublishRuleSet', () => {
    it('publishes a valid rule set whole, with the SHA-256 of its canonical form', () => {
      spec.given([]).when(publish).then([published]);
    });

    it('publishes a correction under a new id that supersedes a known one', () => {
      const correction: RuleSet = { ...HENGYANG, id: 'cn-hengyang-2018.1', supersedes: 'cn-hengyang-2018' };
      spec
        .given([])
        .when({ ...publish, ruleSetId: correction.id, ruleSet: correction, knownRuleSetIds: [...KNOWN, 'cn-hengyang-2018'] })
        .then([{ type: 'RuleSetPublished', data: { ...published.data, ruleSetId: correction.id, ruleSet: correction, hash: ruleSetHash(correction), supersedes: 'cn-hengyang-2018' } }]);
    });

    it('refuses an id already published, a built-in id, a superseded id the ledger does not know', () => {
      spec.given([published]).when(publish).thenThrows('RULESET.ALREADY_PUBLISHED', { field: 'id' });
      spec.given([published, withdrawn]).when(publish).thenThrows('RULESET.ALREADY_PUBLISHED');
      spec.given([]).when({ ...publish, ruleSetId: 'cn-2019', ruleSet: CN_2019 }).thenThrows('RULESET.BUILT_IN');
      spec
        .given([])
        .when({ ...publish, ruleSet: { ...HENGYANG, supersedes: 'cn-2017' } })
        .thenThrows('RULESET.SUPERSEDES_UNKNOWN', { field: 'supersedes' });
      spec.given([]).when({ ...publish, ruleSetId: 'cn-hengyang-2019' }).thenThrows('RULESET.ID_MISMATCH');
    });

    it('refuses an unusable rule set, naming the JSON path of the first problem', () => {
      spec.given([]).when({ ...publish, ruleSet: { ...HENGYANG, bands: [{ grade: 'superb', when: [] }] } }).thenThrows('RULESET.INVALID', { field: 'bands[0].grade' });
      spec.given([]).when({ ...publish, ruleSet: { ...HENGYANG, name: { en: 'x', vi: 'x' } } }).thenThrows('RULESET.INVALID', { field: 'name.zh' });
      spec.given([]).when({ ...publish, ruleSet: 'cn-2019' }).thenThrows('RULESET.INVALID', { field: '$' });
    });

    it('is for the organisation department and administrators only; the authorization table agrees', () => {
      const inspector: Actor = { id: 'p-inspector', role: 'inspector', unit: 'insp' };
      const leader: Actor = { id: 'p-mayor', role: 'leader', unit: 'city' };
      spec.given([]).when({ ...publish, actor: inspector }).thenThrows('RULESET.ROLE_NOT_ALLOWED');
      spec.given([]).when({ ...publish, actor: leader }).thenThrows('RULESET.ROLE_NOT_ALLOWED');
      spec.given([]).when({ ...publish, actor: admin }).then([{ ...published, data: { ...published.data, by: by(admin) } }]);
      for (const type of ['PublishRuleSet', 'WithdrawRuleSet'] as const) {
        expect(Object.keys(AUTHORIZATION[type].allow).sort()).toEqual([...RULE_SET_DECIDER_ROLES[type]].sort());
      }
    });
  });

  describe('WithdrawRuleSet', () => {
    it('withdraws a published rule set with a reason', () => {
      spec.given([published]).when(withdraw).then([withdrawn]);
    });

    it('refuses a rule set never published, one already withdrawn, no reason', () => {
      spec.given([]).when(withdraw).thenThrows('RULESET.NOT_FOUND');
      spec.given([published, withdrawn]).when(withdraw).thenThrows('RULESET.ALREADY_WITHDRAWN');
      spec.given([published]).when({ ...withdraw, reason: '  ' }).thenThrows('COMMON.REASON_REQUIRED');
    });
  });
});

describe('rule sets received as JSON', () => {
  it('reports every problem with its JSON path: shape first, then consistency', () => {
    const { bands: _bands, ...noBands } = HENGYANG;
    expect(ruleSetIssues({ ...noBands, effective: { from: '2018-13-01', to: null }, extra: 1, quota: { ...CN_2019.quota, maxShare: '30%' } })).toEqual(
      expect.arrayContaining([
        { path: 'effective.from', message: 'must be a date YYYY-MM-DD' },
        { path: 'bands', message: 'is required' },
        { path: 'quota.maxShare', message: 'must be a number' },
        { path: 'extra', message: 'is not a field of a rule set' },
      ]),
    );
    expect(ruleSetIssues({ ...HENGYANG, gates: [{ ...CN_2019.gates[0], grade: 'outstanding' }], headGrade: { mode: 'follows_unit', map: {} } })).toEqual(
      expect.arrayContaining([
        { path: 'gates[0].grade', message: 'gates[0] names grade "outstanding", not on the unit scale' },
        { path: 'headGrade.map.excellent', message: 'headGrade.map does not map "excellent" to a cadre grade' },
      ]),
    );
    expect(ruleSetIssues({ ...HENGYANG, effective: { from: '2018-02-30', to: null } })).toEqual([{ path: 'effective.from', message: 'must be a date YYYY-MM-DD' }]);
    expect(ruleSetIssues(HENGYANG)).toEqual([]);
    expect(ruleSetIssues(JSON.parse(JSON.stringify(HENGYANG)))).toEqual([]);
  });

  it('names ids <jurisdiction>[-<name>]-<year>[.<n>], each in a stream of its own', () => {
    expect(ruleSetStreamId('cn-hengyang-2018')).toBe('ruleset-cn-hengyang-2018');
    expect(ruleSetStreamId('cn-2019.1')).toBe('ruleset-cn-2019-v1');
    expect(ruleSetIssues({ ...HENGYANG, id: 'cn-hengyang' }).map((issue) => issue.path)).toContain('id');
    expect(() => ruleSetStreamId('cn-2019-v1')).toThrow(expect.objectContaining({ code: 'RULESET.ID_INVALID' }));
  });
});
