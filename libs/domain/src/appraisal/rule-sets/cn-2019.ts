import type { RuleSet } from '../rule-set';

/**
 * China, annual appraisal of leading bodies (领导班子, here: units) and leading cadres after the 2019 regulation on
 * the appraisal of Party and government leading cadres (《党政领导干部考核工作条例》), as summarised in DOMAIN.md:
 * teams 优秀 / 良好 / 一般 / 较差, cadres 优秀 / 称职 / 基本称职 / 不称职, single-item vetoes (一票否决) as configuration.
 *
 * The regulation fixes the grades, not a point scale; local appraisal schemes score. The points, bands, the
 * 优秀 gate, the veto items and the quota below are this ledger's demo defaults in the form local schemes take
 * (general criteria 40, work results 60; 优秀 ≥ 90, 良好 ≥ 80, 一般 ≥ 60), to be corrected as data by the
 * jurisdiction that uses them. It governs appraisal years from 2019.
 *
 * The head (主要负责人) follows the team: a team rated 一般 caps its head at 称职, a team rated 较差 at 基本称职.
 * Referrals (flagging) come from missed objectives only; overdue tasks are not referred by this rule set.
 */
export const CN_2019: RuleSet = {
  id: 'cn-2019',
  jurisdiction: 'cn',
  name: {
    en: 'China 2019: annual appraisal of leading bodies and cadres',
    vi: 'Trung Quốc 2019: đánh giá hằng năm tập thể lãnh đạo và cán bộ lãnh đạo',
    zh: '中国2019年：领导班子和领导干部年度考核',
  },
  sources: ['党政领导干部考核工作条例 (2019)'],
  effective: { from: '2019-01-01', to: null },
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
    general: { maxPoints: 40 },
    results: {
      maxPoints: 60,
      components: { quantity: 1, quality: 1, progress: 1 },
      deductionPerFailure: 0.2,
    },
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
      code: 'mass_incident',
      labels: { en: 'Serious mass incident', vi: 'Sự việc tập trung đông người nghiêm trọng', zh: '发生重大群体性事件' },
      maxGrade: 'fair',
    },
    {
      code: 'ecological_damage',
      labels: { en: 'Serious ecological damage', vi: 'Gây thiệt hại nghiêm trọng về môi trường sinh thái', zh: '造成重大生态环境破坏' },
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
  quota: {
    grade: 'excellent',
    maxShare: 0.3,
    poolGrade: 'poor',
    rounding: 'floor',
    demoteTo: 'good',
    rankBy: ['score', 'itemsExceededShare'],
  },
  headGrade: {
    mode: 'capped_by_unit',
    map: { excellent: 'excellent', good: 'excellent', fair: 'competent', poor: 'basically_competent' },
  },
  flagging: { missedObjectives: true, overdueTasks: null },
};
