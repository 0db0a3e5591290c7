import { CN_2019, type RuleSet } from '@ledger/domain';

/**
 * The rule set of the demo's 2018 municipal appraisal of Hengyang's districts and counties: data only (plain JSON,
 * no code), published by `ledger demo` through `POST /v1/rule-sets` like any jurisdiction's own rule set. The
 * shipped `cn-2019` governs years from 2019; this one fills 2018 for the demo.
 *
 * It takes cn-2019's grades (teams 优秀 / 良好 / 一般 / 较差, cadres 优秀 / 称职 / 基本称职 / 不称职), bands, 优秀 gate,
 * vetoes, quota and head rule. One figure differs, because the demo records no council assessment of the general
 * criteria: all 100 points go to the work results (the tasks and objectives the ledger holds), none to the general
 * criteria. Like every figure of the scenario, these are invented for the demo.
 */
export const CN_HENGYANG_2018: RuleSet = {
  ...CN_2019,
  id: 'cn-hengyang-2018',
  supersedes: null,
  name: {
    en: 'Hengyang 2018: annual appraisal of the districts and counties (demo)',
    vi: 'Hành Dương 2018: đánh giá hằng năm các quận, huyện (dữ liệu mẫu)',
    zh: '衡阳市2018年度县市区考核（演示）',
  },
  sources: ['党政领导干部考核工作条例 (2019), as in cn-2019', 'shared/scenarios/hengyang-2018.md: results feed the annual performance appraisal (demo figures)'],
  effective: { from: '2018-01-01', to: '2018-12-31' },
  scoring: {
    method: 'points',
    general: { maxPoints: 0 },
    results: { maxPoints: 100, components: { quantity: 1, quality: 1, progress: 1 }, deductionPerFailure: 0.2 },
  },
};
