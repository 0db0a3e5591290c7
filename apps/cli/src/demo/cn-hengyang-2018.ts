import type { RuleSet } from '@ledger/domain';

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
  id: 'cn-hengyang-2018',
  jurisdiction: 'cn',
  supersedes: null,
  name: {
    en: 'Hengyang 2018: annual appraisal of the districts and counties (demo)',
    vi: 'Hành Dương 2018: đánh giá hằng năm các quận, huyện (dữ liệu mẫu)',
    zh: '衡阳市2018年度县市区考核（演示）',
  },
  sources: ['党政领导干部考核工作条例 (2019), as in cn-2019', 'shared/scenarios/hengyang-2018.md: results feed the annual performance appraisal (demo figures)'],
  effective: { from: '2018-01-01', to: '2018-12-31' },
  scales: {
    unit: [
      { id: 'excellent', labels: { en: 'Excellent', vi: 'Xuất sắc', zh: '优秀' } },
      { id: 'good', labels: { en: 'Good', vi: 'Tốt', zh: '良好' } },
      { id: 'fair', labels: { en: 'Fair', vi: 'Trung bình', zh: '一般' } },
      { id: 'poor', labels: { en: 'Poor', vi: 'Kém', zh: '较差' } },
    ],
    cadre: [
      { id: 'excellent', labels: { en: 'Excellent', vi: 'Xuất sắc', zh: '优秀' } },
      { id: 'competent', labels: { en: 'Competent', vi: 'Đủ năng lực', zh: '称职' } },
      { id: 'basically_competent', labels: { en: 'Basically competent', vi: 'Cơ bản đủ năng lực', zh: '基本称职' } },
      { id: 'incompetent', labels: { en: 'Incompetent', vi: 'Không đủ năng lực', zh: '不称职' } },
    ],
  },
  scoring: {
    method: 'points',
    general: { maxPoints: 0 },
    results: { maxPoints: 100, components: { quantity: 1, quality: 1, progress: 1 }, deductionPerFailure: 0.2 },
  },
  bands: [
    { grade: 'excellent', when: [{ metric: 'score', op: '>=', value: 90 }] },
    { grade: 'good', when: [{ metric: 'score', op: '>=', value: 80 }] },
    { grade: 'fair', when: [{ metric: 'score', op: '>=', value: 60 }] },
    { grade: 'poor', when: [] },
  ],
  gates: [
    {
      grade: 'excellent',
      when: [
        { metric: 'objectivesMissed', op: '<=', value: 0 },
        { metric: 'seriousCriticismFindings', op: '<=', value: 0 },
      ],
      description: {
        en: 'Excellent also needs no missed objective and no serious criticism by the inspection office',
        vi: 'Xuất sắc còn cần không có chỉ tiêu không đạt và không bị thanh tra phê bình nghiêm trọng',
        zh: '评为优秀还须无未完成的目标任务，且未被督查严重批评',
      },
    },
  ],
  vetoes: [
    {
      code: 'major_safety_accident',
      labels: { en: 'Major work-safety accident', vi: 'Tai nạn an toàn lao động nghiêm trọng', zh: '发生重特大安全生产责任事故' },
      maxGrade: 'fair',
    },
    {
      code: 'corruption_in_team',
      labels: {
        en: 'A member of the team seriously violated discipline or law',
        vi: 'Thành viên tập thể lãnh đạo vi phạm kỷ luật, pháp luật nghiêm trọng',
        zh: '班子成员发生严重违纪违法问题',
      },
      maxGrade: 'poor',
    },
  ],
  quota: { grade: 'excellent', maxShare: 0.3, poolGrade: 'poor', rounding: 'floor', demoteTo: 'good', rankBy: ['score', 'itemsExceededShare'] },
  headGrade: {
    mode: 'capped_by_unit',
    map: { excellent: 'excellent', good: 'excellent', fair: 'competent', poor: 'basically_competent' },
  },
  flagging: { missedObjectives: true, overdueTasks: null },
};
