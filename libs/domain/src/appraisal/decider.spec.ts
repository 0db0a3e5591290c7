import { AUTHORIZATION } from '../authorization/permissions';
import type { Actor } from '../shared/actor';
import { fold } from '../shared/decider';
import { ForbiddenError } from '../shared/domain-error';
import { DeciderSpecification } from '../testing/decider-spec';
import { headOf, mayor } from '../testing/hengyang.fixtures';
import type { AppraisalCommand } from './commands';
import { APPRAISAL_DECIDER_ROLES, appraisalDecider, type AppraisalRecord } from './decider';
import { scoreUnit } from './engine';
import type { AppraisalCycleOpened, AppraisalEvent, AppraisalModerated, AppraisalScored } from './events';
import type { AppraisalFacts } from './facts';
import { facts, task } from './facts.fixtures';
import { ruleSetHash, type RuleSet } from './rule-set';
import { CN_2019, VN_2026 } from './rule-sets';

const CYCLE = '2026-districts';
const appraiser: Actor = { id: 'p-org-appraiser', role: 'appraiser', unit: 'city' };
const secondAppraiser: Actor = { id: 'p-org-director', role: 'appraiser', unit: 'city' };
const UNITS = ['zx', 'sg', 'zh', 'hn', 'hd'];
const by = (actor: Actor) => ({ id: actor.id, role: actor.role, unit: actor.unit });
const at = (day: string) => `${day}T10:00:00+07:00`;
const recorded = (actor: Actor, day: string) => ({ cycleId: CYCLE, at: at(day), by: by(actor) });
const envelope = (actor: Actor, day: string) => ({ cycleId: CYCLE, now: at(day), actor });

const spec = DeciderSpecification.for(appraisalDecider);

// zx and hn score 100 with every task exceeded (excellent), sg 80 (good), zh 65 (complete), hd 100 but late (good).
const unitFacts: AppraisalFacts[] = [
  facts({ unitId: 'zx', tasks: [task({ exceeded: true })] }),
  facts({ unitId: 'sg', generalCriteriaPoints: 10, tasks: [task({ exceeded: true })] }),
  facts({ unitId: 'zh', generalCriteriaPoints: 30, tasks: [task({ quantityPercent: 50, qualityPercent: 50, progressPercent: 50 })] }),
  facts({ unitId: 'hn', generalCriteriaPoints: 29, tasks: [task({ exceeded: true })] }),
  facts({ unitId: 'hd', tasks: [task({ timeliness: 'done_late', exceeded: true })] }),
];

const open: AppraisalCommand = {
  ...envelope(appraiser, '2027-01-05'),
  type: 'OpenAppraisalCycle',
  year: 2026,
  peerGroup: 'districts',
  ownerUnitId: 'city',
  ruleSetId: 'vn-2026',
  unitIds: UNITS,
};
const opened: AppraisalCycleOpened = {
  type: 'AppraisalCycleOpened',
  data: {
    ...recorded(appraiser, '2027-01-05'),
    year: 2026,
    peerGroup: 'districts',
    ownerUnitId: 'city',
    ruleSetId: 'vn-2026',
    unitIds: UNITS,
    ruleSetHash: ruleSetHash(VN_2026),
    ruleSet: VN_2026,
  },
};
const scoreCommand: AppraisalCommand = { ...envelope(appraiser, '2027-01-10'), type: 'ScoreAppraisal', facts: unitFacts };
const scored: AppraisalScored = {
  type: 'AppraisalScored',
  data: { ...recorded(appraiser, '2027-01-10'), ruleSetId: 'vn-2026', results: unitFacts.map((entry) => ({ facts: entry, result: scoreUnit(VN_2026, entry) })) },
};
const moderateCommand: AppraisalCommand = { ...envelope(appraiser, '2027-01-12'), type: 'ModerateAppraisal' };
// Pool of good-or-better: zx, sg, hn, hd → 4 → floor(0.8) = 0 excellent; zx and hn move down.
const moderated: AppraisalModerated = {
  type: 'AppraisalModerated',
  data: {
    ...recorded(appraiser, '2027-01-12'),
    grades: [
      { unitId: 'zx', grade: 'good' },
      { unitId: 'sg', grade: 'good' },
      { unitId: 'zh', grade: 'complete' },
      { unitId: 'hn', grade: 'good' },
      { unitId: 'hd', grade: 'good' },
    ],
    moves: [
      { unitId: 'zx', from: 'excellent', to: 'good', reason: 'quota', rank: 1, limit: 0, poolSize: 4, tie: false },
      { unitId: 'hn', from: 'excellent', to: 'good', reason: 'quota', rank: 2, limit: 0, poolSize: 4, tie: false },
    ],
    quota: { grade: 'excellent', maxShare: 0.2, poolSize: 4, limit: 0 },
  },
};
const approve: AppraisalCommand = { ...envelope(mayor, '2027-01-15'), type: 'ApproveAppraisal', signOffId: 'so-appraisal-2026' };
const approved = { type: 'AppraisalApproved' as const, data: { ...recorded(mayor, '2027-01-15'), signOffId: 'so-appraisal-2026' } };
const publish: AppraisalCommand = { ...envelope(appraiser, '2027-01-16'), type: 'PublishAppraisal' };
const published = { type: 'AppraisalPublished' as const, data: recorded(appraiser, '2027-01-16') };
const appeal: AppraisalCommand = { ...envelope(headOf('zh'), '2027-01-20'), type: 'AppealAppraisal', appealId: 'ap-zh', unitId: 'zh', requestedGrade: 'good', reason: 'Two tasks were cancelled late' };
const appealed = {
  type: 'AppraisalAppealed' as const,
  data: { ...recorded(headOf('zh'), '2027-01-20'), appealId: 'ap-zh', unitId: 'zh', grade: 'complete', requestedGrade: 'good', reason: 'Two tasks were cancelled late' },
};
const decideAppeal: AppraisalCommand = { ...envelope(mayor, '2027-01-25'), type: 'DecideAppraisalAppeal', appealId: 'ap-zh', decision: 'upheld', newGrade: 'good', reason: 'Cancelled tasks are left out' };
const appealUpheld = {
  type: 'AppraisalAppealDecided' as const,
  data: { ...recorded(mayor, '2027-01-25'), appealId: 'ap-zh', unitId: 'zh', decision: 'upheld' as const, from: 'complete', to: 'good', reason: 'Cancelled tasks are left out' },
};
const finalize: AppraisalCommand = { ...envelope(appraiser, '2027-02-01'), type: 'FinalizeAppraisal' };

const history: AppraisalEvent[][] = [[opened], [opened, scored], [opened, scored, moderated], [opened, scored, moderated, approved]];
const [isOpen, isScored, isModerated, isApproved] = history;
const isPublished = [...isApproved, published];

describe('appraisal cycle decider', () => {
  describe('OpenAppraisalCycle', () => {
    it('opens a cycle for a year and peer group, graded by a rule set in force that year', () => {
      spec.given([]).when(open).then([opened]);
    });

    it('refuses a rule set unknown or not governing the year, a mismatched cycle id, no units, a second opening', () => {
      spec.given([]).when({ ...open, ruleSetId: 'vn-2031' }).thenThrows('APPRAISAL.RULE_SET_UNKNOWN');
      spec.given([]).when({ ...open, ruleSetId: 'vn-2020' }).thenThrows('APPRAISAL.RULE_SET_NOT_EFFECTIVE');
      spec.given([]).when({ ...open, year: 2025 }).thenThrows('APPRAISAL.CYCLE_ID_MISMATCH');
      spec.given([]).when({ ...open, unitIds: [] }).thenThrows('APPRAISAL.NO_UNITS');
      spec.given([]).when({ ...open, cycleId: 'districts' }).thenThrows('COMMON.ID_INVALID');
      spec.given([opened]).when(open).thenThrows('APPRAISAL.ALREADY_OPEN');
    });

    // A rule set published in the ledger: the application reads it and passes it in as data.
    const hengyang2018: RuleSet = { ...CN_2019, id: 'cn-hengyang-2018', effective: { from: '2018-01-01', to: '2018-12-31' } };
    const open2018: AppraisalCommand = {
      ...envelope(appraiser, '2019-01-05'),
      cycleId: '2018-districts',
      type: 'OpenAppraisalCycle',
      year: 2018,
      peerGroup: 'districts',
      ownerUnitId: 'city',
      ruleSetId: 'cn-hengyang-2018',
      unitIds: UNITS,
      ruleSet: hengyang2018,
      ruleSetWithdrawn: false,
    };

    it('opens a cycle under a rule set given as data, recording it whole with its canonical hash', () => {
      const [event] = spec.given([]).when(open2018).then([
        {
          type: 'AppraisalCycleOpened',
          data: {
            cycleId: '2018-districts',
            at: at('2019-01-05'),
            by: by(appraiser),
            year: 2018,
            peerGroup: 'districts',
            ownerUnitId: 'city',
            ruleSetId: 'cn-hengyang-2018',
            unitIds: UNITS,
            ruleSetHash: ruleSetHash(hengyang2018),
            ruleSet: hengyang2018,
          },
        },
      ]);
      // The hash is of the canonical form: key order does not change it, a changed figure does.
      const reordered = Object.fromEntries(Object.entries(hengyang2018).reverse()) as RuleSet;
      expect(ruleSetHash(reordered)).toBe((event as AppraisalCycleOpened).data.ruleSetHash);
      expect(ruleSetHash({ ...hengyang2018, bands: hengyang2018.bands.slice(1) })).not.toBe(ruleSetHash(hengyang2018));
    });

    it('refuses a withdrawn rule set, one the ledger does not know, one named differently, one that is not usable', () => {
      spec.given([]).when({ ...open2018, ruleSetWithdrawn: true }).thenThrows('APPRAISAL.RULE_SET_WITHDRAWN', { field: 'ruleSetId' });
      spec.given([]).when({ ...open2018, ruleSet: null }).thenThrows('APPRAISAL.RULE_SET_UNKNOWN');
      spec.given([]).when({ ...open2018, ruleSetId: 'cn-2019' }).thenThrows('APPRAISAL.RULE_SET_UNKNOWN');
      spec.given([]).when({ ...open2018, ruleSet: { ...hengyang2018, bands: [] } }).thenThrows('RULESET.INVALID', { field: 'ruleSet.bands[0]' });
      spec.given([]).when({ ...open2018, ruleSet: { ...hengyang2018, effective: { from: '2019-01-01', to: null } } }).thenThrows('APPRAISAL.RULE_SET_NOT_EFFECTIVE');
    });

    it('grades by the rule set it recorded, whatever the command of a later step carries', () => {
      const [event] = appraisalDecider.decide(open2018, appraisalDecider.initialState());
      const state = fold(appraisalDecider, [event]) as AppraisalRecord;
      expect(state.ruleSet).toEqual(hengyang2018);
      expect(state.ruleSetHash).toBe(ruleSetHash(hengyang2018));
      const facts2018 = unitFacts.map((entry) => ({ ...entry, year: 2018 }));
      const [scoredEvent] = appraisalDecider.decide({ ...scoreCommand, cycleId: '2018-districts', facts: facts2018 }, state);
      expect((scoredEvent as AppraisalScored).data.ruleSetId).toBe('cn-hengyang-2018');
      expect((scoredEvent as AppraisalScored).data.results.map((entry) => entry.result.ruleSetId)).toEqual(UNITS.map(() => 'cn-hengyang-2018'));
    });

    it('still reads cycles recorded before rule sets were data (a built-in id, no rule set in the event)', () => {
      const { ruleSet: _ruleSet, ruleSetHash: _hash, ...legacy } = opened.data;
      const state = fold(appraisalDecider, [{ type: 'AppraisalCycleOpened', data: legacy }]) as AppraisalRecord;
      expect(state.ruleSet).toBe(VN_2026);
      expect(state.ruleSetHash).toBe(ruleSetHash(VN_2026));
      spec.given([{ type: 'AppraisalCycleOpened', data: legacy }]).when(scoreCommand).then([scored]);
    });
  });

  describe('ScoreAppraisal', () => {
    it('scores every unit from its facts with the cycle’s rule set, recording facts and results together', () => {
      const [event] = spec.given(isOpen).when(scoreCommand).then([scored]);
      const result = (event as AppraisalScored).data.results.find((entry) => entry.result.unitId === 'hd')?.result;
      expect(result).toMatchObject({ score: 100, proposedGrade: 'good', ruleSetId: 'vn-2026' });
    });

    it('scores again before moderation, replacing the results', () => {
      spec.given(isScored).when(scoreCommand).then([scored]);
    });

    it('refuses facts of a unit outside the cycle, a unit left out, a unit twice, facts of another year, malformed facts', () => {
      spec.given(isOpen).when({ ...scoreCommand, facts: [...unitFacts, facts({ unitId: 'land' })] }).thenThrows('APPRAISAL.UNIT_NOT_IN_CYCLE');
      spec.given(isOpen).when({ ...scoreCommand, facts: unitFacts.slice(1) }).thenThrows('APPRAISAL.UNIT_NOT_SCORED');
      spec.given(isOpen).when({ ...scoreCommand, facts: [...unitFacts, unitFacts[0]] }).thenThrows('COMMON.DUPLICATE_VALUE');
      spec.given(isOpen).when({ ...scoreCommand, facts: [{ ...unitFacts[0], year: 2025 }, ...unitFacts.slice(1)] }).thenThrows('APPRAISAL.FACTS_INVALID', { field: 'facts[0].year' });
      spec
        .given(isOpen)
        .when({ ...scoreCommand, facts: [{ ...unitFacts[0], tasks: [{ ...unitFacts[0].tasks[0], timeliness: 'soon' as never }] }, ...unitFacts.slice(1)] })
        .thenThrows('APPRAISAL.FACTS_INVALID', { field: 'facts[0].tasks[0]' });
      spec.given(isOpen).when({ ...scoreCommand, facts: 'all good' as never }).thenThrows('COMMON.LIST_REQUIRED');
    });
  });

  describe('ModerateAppraisal', () => {
    it('applies the quota and records who was moved and why', () => {
      spec.given(isScored).when(moderateCommand).then([moderated]);
    });

    it('records the council’s adjustments as moves with their note, after the quota', () => {
      const [event] = spec
        .given(isScored)
        .when({ ...moderateCommand, adjustments: [{ unitId: 'zh', to: 'good', note: 'Tasks cancelled by the city counted against it' }] })
        .then([
          {
            type: 'AppraisalModerated',
            data: {
              ...moderated.data,
              grades: moderated.data.grades.map((entry) => (entry.unitId === 'zh' ? { unitId: 'zh', grade: 'good' } : entry)),
              moves: [...moderated.data.moves, { unitId: 'zh', from: 'complete', to: 'good', reason: 'council', note: 'Tasks cancelled by the city counted against it' }],
              quota: { grade: 'excellent', maxShare: 0.2, poolSize: 5, limit: 1 },
            },
          },
        ]);
      expect(event.type).toBe('AppraisalModerated');
    });

    it('refuses an adjustment that breaks the quota, changes nothing, names an unknown grade or unit, or has no note', () => {
      spec.given(isScored).when({ ...moderateCommand, adjustments: [{ unitId: 'zx', to: 'excellent', note: 'Best district' }] }).thenThrows('APPRAISAL.QUOTA_EXCEEDED');
      spec.given(isScored).when({ ...moderateCommand, adjustments: [{ unitId: 'sg', to: 'good', note: 'x' }] }).thenThrows('APPRAISAL.ADJUSTMENT_UNCHANGED');
      spec.given(isScored).when({ ...moderateCommand, adjustments: [{ unitId: 'sg', to: 'superb', note: 'x' }] }).thenThrows('APPRAISAL.GRADE_UNKNOWN');
      spec.given(isScored).when({ ...moderateCommand, adjustments: [{ unitId: 'land', to: 'good', note: 'x' }] }).thenThrows('APPRAISAL.UNIT_NOT_IN_CYCLE');
      spec.given(isScored).when({ ...moderateCommand, adjustments: [{ unitId: 'sg', to: 'complete', note: '' }] }).thenThrows('COMMON.TEXT_REQUIRED');
      spec
        .given(isScored)
        .when({ ...moderateCommand, adjustments: [{ unitId: 'sg', to: 'complete', note: 'a' }, { unitId: 'sg', to: 'not_complete', note: 'b' }] })
        .thenThrows('COMMON.DUPLICATE_VALUE');
    });
  });

  describe('ApproveAppraisal', () => {
    it('records the approval with its sign-off', () => {
      spec.given(isModerated).when(approve).then([approved]);
      spec.given(isModerated).when({ ...approve, actor: secondAppraiser }).then([{ type: 'AppraisalApproved', data: { ...approved.data, by: by(secondAppraiser) } }]);
    });

    it('refuses self-approval: nobody approves results they scored or moderated', () => {
      const error = spec.given(isModerated).when({ ...approve, actor: appraiser }).thenThrows('APPRAISAL.SELF_APPROVAL');
      expect(error).toBeInstanceOf(ForbiddenError);
      const scoredByMayorAsAppraiser: AppraisalScored = { type: 'AppraisalScored', data: { ...scored.data, by: { id: 'p-mayor', role: 'appraiser', unit: 'city' } } };
      spec.given([opened, scoredByMayorAsAppraiser, moderated]).when(approve).thenThrows('APPRAISAL.SELF_APPROVAL');
    });
  });

  describe('out-of-order steps are refused', () => {
    it.each([
      ['scoring a moderated cycle', isModerated, scoreCommand],
      ['moderating an open cycle', isOpen, moderateCommand],
      ['moderating twice', isModerated, moderateCommand],
      ['approving a scored cycle', isScored, approve],
      ['publishing a moderated cycle', isModerated, publish],
      ['appealing an approved cycle', isApproved, appeal],
      ['finalizing an approved cycle', isApproved, finalize],
    ] as const)('%s', (_, given, command) => {
      spec.given(given).when(command).thenThrows('APPRAISAL.OUT_OF_ORDER');
    });

    it('and every step of a cycle never opened', () => {
      spec.given([]).when(scoreCommand).thenThrows('APPRAISAL.NOT_FOUND');
    });
  });

  describe('publish, appeal, decide, finalize', () => {
    it('publishes the approved results', () => {
      spec.given(isApproved).when(publish).then([published]);
    });

    it('takes an appeal from the unit’s head, and upholds it, changing the grade with a recorded move', () => {
      spec.given(isPublished).when(appeal).then([appealed]);
      spec.given([...isPublished, appealed]).when(decideAppeal).then([appealUpheld]);
      const state = fold(appraisalDecider, [...isPublished, appealed, appealUpheld]) as AppraisalRecord;
      expect(state.status).toBe('published');
      expect(state.grades.find((entry) => entry.unitId === 'zh')?.grade).toBe('good');
      expect(state.moves.at(-1)).toEqual({ unitId: 'zh', from: 'complete', to: 'good', reason: 'appeal', appealId: 'ap-zh', note: 'Cancelled tasks are left out' });
    });

    it('rejects an appeal, leaving the grade', () => {
      spec.given([...isPublished, appealed]).when({ ...decideAppeal, decision: 'rejected', newGrade: null }).then([
        { type: 'AppraisalAppealDecided', data: { ...appealUpheld.data, decision: 'rejected', to: 'complete' } },
      ]);
    });

    it('refuses an appeal by another unit’s head or a second one pending, and a decision on one’s own or none pending', () => {
      spec.given(isPublished).when({ ...appeal, actor: headOf('zx') }).thenThrows('APPRAISAL.APPELLANT_NOT_HEAD');
      spec.given(isPublished).when({ ...appeal, actor: mayor }).thenThrows('APPRAISAL.ROLE_NOT_ALLOWED');
      spec.given([...isPublished, appealed]).when({ ...appeal, appealId: 'ap-zh-2' }).thenThrows('APPRAISAL.APPEAL_PENDING');
      spec.given([...isPublished, appealed]).when(appeal).thenThrows('COMMON.DUPLICATE_VALUE');
      spec.given(isPublished).when({ ...appeal, unitId: 'land', actor: headOf('land') }).thenThrows('APPRAISAL.UNIT_NOT_IN_CYCLE');
      spec.given(isPublished).when({ ...appeal, requestedGrade: 'superb' }).thenThrows('APPRAISAL.GRADE_UNKNOWN');
      const appealedByMayor = { ...appealed, data: { ...appealed.data, by: { id: 'p-mayor', role: 'unit_head' as const, unit: 'zh' } } };
      spec.given([...isPublished, appealedByMayor]).when(decideAppeal).thenThrows('APPRAISAL.SELF_APPEAL_DECISION');
      spec.given([...isPublished, appealed, appealUpheld]).when(decideAppeal).thenThrows('APPRAISAL.OUT_OF_ORDER');
      spec.given([...isPublished, appealed]).when({ ...decideAppeal, appealId: 'ap-x' }).thenThrows('APPRAISAL.NO_PENDING_APPEAL');
    });

    it('refuses an upheld appeal without a new grade, with the same grade, or beyond the quota', () => {
      spec.given([...isPublished, appealed]).when({ ...decideAppeal, newGrade: null }).thenThrows('APPRAISAL.APPEAL_GRADE_REQUIRED');
      spec.given([...isPublished, appealed]).when({ ...decideAppeal, newGrade: 'complete' }).thenThrows('APPRAISAL.ADJUSTMENT_UNCHANGED');
      // zh raised to excellent brings the pool to five: one excellent is allowed, a second is not.
      const zhExcellent = { ...appealUpheld, data: { ...appealUpheld.data, to: 'excellent' } };
      spec.given([...isPublished, appealed]).when({ ...decideAppeal, newGrade: 'excellent' }).then([zhExcellent]);
      const hdAppealed = { ...appealed, data: { ...appealed.data, appealId: 'ap-hd', unitId: 'hd', grade: 'good', by: by(headOf('hd')) } };
      spec
        .given([...isPublished, appealed, zhExcellent, hdAppealed])
        .when({ ...decideAppeal, appealId: 'ap-hd', newGrade: 'excellent' })
        .thenThrows('APPRAISAL.QUOTA_EXCEEDED');
    });

    it('finalizes with the heads’ grades as the rule set derives them; refuses while an appeal is pending', () => {
      spec.given([...isPublished, appealed]).when(finalize).thenThrows('APPRAISAL.APPEAL_PENDING');
      spec.given([...isPublished, appealed, appealUpheld]).when(finalize).then([
        {
          type: 'AppraisalFinalized',
          data: {
            ...recorded(appraiser, '2027-02-01'),
            grades: UNITS.map((unitId) => ({ unitId, grade: 'good', headGrade: 'good' })),
          },
        },
      ]);
      const final = [...isPublished, { type: 'AppraisalFinalized' as const, data: { ...recorded(appraiser, '2027-02-01'), grades: [] } }];
      spec.given(final).when(appeal).thenThrows('APPRAISAL.OUT_OF_ORDER');
    });
  });

  it('refuses roles the step is not for', () => {
    spec.given([]).when({ ...open, actor: mayor }).thenThrows('APPRAISAL.ROLE_NOT_ALLOWED');
    spec.given(isModerated).when({ ...approve, actor: headOf('zh') }).thenThrows('APPRAISAL.ROLE_NOT_ALLOWED');
  });

  it('the authorization table never allows a role the decider refuses', () => {
    for (const [command, roles] of Object.entries(APPRAISAL_DECIDER_ROLES)) {
      for (const role of Object.keys(AUTHORIZATION[command as keyof typeof APPRAISAL_DECIDER_ROLES].allow)) {
        expect({ command, role, allowed: (roles as readonly string[]).includes(role) }).toEqual({ command, role, allowed: true });
      }
    }
  });
});
