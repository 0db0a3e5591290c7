import { isJsonValue } from '../../shared/json';
import { governsYear, gradeLabels, ruleSetIssues, ruleSetProblems, type RuleSet } from '../rule-set';
import { CN_2019, RULE_SET_IDS, RULE_SETS, ruleSetById, VN_2020, VN_2026 } from './index';

describe('the shipped rule sets', () => {
  it.each(RULE_SET_IDS)('%s is plain JSON data, consistent, and named by its id', (id) => {
    const ruleSet = RULE_SETS[id];
    expect(isJsonValue(ruleSet)).toBe(true);
    expect(JSON.parse(JSON.stringify(ruleSet))).toEqual(ruleSet);
    expect(ruleSetProblems(ruleSet)).toEqual([]);
    expect(ruleSetIssues(JSON.parse(JSON.stringify(ruleSet)))).toEqual([]);
    expect(ruleSet.id).toBe(id);
    expect(ruleSetById(id)).toBe(ruleSet);
    for (const grade of [...ruleSet.scales.unit, ...ruleSet.scales.cadre]) expect(Object.keys(grade.labels).sort()).toEqual(['en', 'vi', 'zh']);
  });

  it('ships vn-2026, vn-2020 and cn-2019, and nothing under an unknown id', () => {
    expect([...RULE_SET_IDS].sort()).toEqual(['cn-2019', 'vn-2020', 'vn-2026']);
    expect(ruleSetById('vn-2030')).toBeNull();
    expect(ruleSetById('toString')).toBeNull();
  });

  it('labels the Vietnamese grades as the decrees word them', () => {
    for (const ruleSet of [VN_2026, VN_2020]) {
      expect(ruleSet.scales.unit.map((grade) => grade.labels.vi)).toEqual([
        'Hoàn thành xuất sắc nhiệm vụ',
        'Hoàn thành tốt nhiệm vụ',
        'Hoàn thành nhiệm vụ',
        'Không hoàn thành nhiệm vụ',
      ]);
    }
  });

  it('labels the Chinese grades of teams and cadres', () => {
    expect(CN_2019.scales.unit.map((grade) => grade.labels.zh)).toEqual(['优秀', '良好', '一般', '较差']);
    expect(CN_2019.scales.cadre.map((grade) => grade.labels.zh)).toEqual(['优秀', '称职', '基本称职', '不称职']);
    expect(gradeLabels(CN_2019, 'basically_competent', 'cadre')?.zh).toBe('基本称职');
    expect(gradeLabels(CN_2019, 'nonsense')).toBeNull();
  });

  it('dates them: Decree 90/2020 governs up to 2025, the 100-point scheme from 2026', () => {
    expect([2020, 2025, 2026].map((year) => governsYear(VN_2020, year))).toEqual([true, true, false]);
    expect([2025, 2026, 2040].map((year) => governsYear(VN_2026, year))).toEqual([false, true, true]);
    expect([2018, 2019].map((year) => governsYear(CN_2019, year))).toEqual([false, true]);
  });

  it('names what is wrong with a broken rule set', () => {
    const broken: RuleSet = {
      ...VN_2026,
      id: 'VN 2026',
      bands: [{ grade: 'superb', when: [{ metric: 'score', op: '>=', value: 90 }] }],
      quota: { ...(VN_2026.quota as NonNullable<RuleSet['quota']>), demoteTo: 'excellent', maxShare: 2 },
      headGrade: { mode: 'capped_by_unit', map: {} },
    };
    const problems = ruleSetProblems(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('is not <jurisdiction>-<year>'),
        expect.stringContaining('"superb"'),
        expect.stringContaining('last band'),
        expect.stringContaining('maxShare'),
        expect.stringContaining('demoteTo'),
        expect.stringContaining('headGrade.map'),
      ]),
    );
    expect(ruleSetProblems({ ...VN_2020, bands: [{ grade: 'good', when: [{ metric: 'score', op: '>=', value: 1 }] }, { grade: 'complete', when: [] }] })).toContain(
      'a share rule set has no score',
    );
  });
});
