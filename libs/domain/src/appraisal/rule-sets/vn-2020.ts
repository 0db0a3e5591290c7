import type { RuleSet } from '../rule-set';
import { VN_DISQUALIFIERS, VN_GRADES, VN_HEAD_CAP } from './vn-grades';

/**
 * Viet Nam, legacy percentage appraisal (Decree 90/2020/NĐ-CP, amended by Decree 48/2023/NĐ-CP), as summarised in
 * DOMAIN.md from public secondary sources. "Targets" are the unit's tasks and objectives together (chỉ tiêu, nhiệm
 * vụ): a task is met unless it is overdue without a confirmed objective cause, an objective unless it was missed.
 * - excellent: all targets met and ≥ 50% exceeded;
 * - good: all targets met and ≥ 80% of tasks on time and of quality;
 * - complete: ≥ 70% of targets met;
 * - not complete: < 50% of targets met, or a disqualifier.
 *
 * Between 50% and 70% of targets met the source gives no grade: such a unit fails the test for "complete" (≥ 70%)
 * and also the test for "not complete" (< 50%). This rule set proposes **not complete** there — the only grade whose
 * own test is not "at least so much met", and the stricter reading — and marks the result for the council's review
 * (`between_50_and_70_percent`). The council's decision, either way, is then a recorded move at moderation.
 *
 * The quota of Decree 90/2020 (excellent for at most 20% of those rated good) applies as in vn-2026, ranked by the
 * shares since there is no score.
 */
export const VN_2020: RuleSet = {
  id: 'vn-2020',
  jurisdiction: 'vn',
  name: {
    en: 'Viet Nam 2020: appraisal by share of targets met (legacy)',
    vi: 'Đánh giá, xếp loại chất lượng theo tỷ lệ chỉ tiêu, nhiệm vụ hoàn thành (Nghị định 90/2020)',
    zh: '越南2020年：按指标完成比例考核评级（旧制）',
  },
  sources: ['Decree 90/2020/NĐ-CP', 'Decree 48/2023/NĐ-CP'],
  effective: { from: '2020-10-01', to: '2025-12-31' },
  scales: { unit: VN_GRADES, cadre: VN_GRADES },
  scoring: { method: 'shares' },
  bands: [
    {
      grade: 'excellent',
      when: [
        { metric: 'itemsMetShare', op: '>=', value: 1 },
        { metric: 'itemsExceededShare', op: '>=', value: 0.5 },
      ],
    },
    {
      grade: 'good',
      when: [
        { metric: 'itemsMetShare', op: '>=', value: 1 },
        { metric: 'tasksOnTimeAndQualityShare', op: '>=', value: 0.8, ifUndefined: 'pass' },
      ],
    },
    { grade: 'complete', when: [{ metric: 'itemsMetShare', op: '>=', value: 0.7 }] },
    {
      grade: 'not_complete',
      when: [{ metric: 'itemsMetShare', op: '>=', value: 0.5 }],
      review: {
        code: 'between_50_and_70_percent',
        note: {
          en: 'Between 50% and 70% of targets met: the decree gives no grade; proposed not complete for the council to decide',
          vi: 'Hoàn thành từ 50% đến dưới 70% chỉ tiêu, nhiệm vụ: văn bản không quy định mức xếp loại; đề xuất không hoàn thành để hội đồng quyết định',
          zh: '完成50%至70%之间：法规未规定等次；暂定未完成任务，由考核委员会决定',
        },
      },
    },
    { grade: 'not_complete', when: [] },
  ],
  gates: [],
  vetoes: VN_DISQUALIFIERS,
  quota: {
    grade: 'excellent',
    maxShare: 0.2,
    poolGrade: 'good',
    rounding: 'floor',
    demoteTo: 'good',
    rankBy: ['itemsExceededShare', 'itemsMetShare', 'tasksOnTimeAndQualityShare'],
  },
  headGrade: { mode: 'capped_by_unit', map: VN_HEAD_CAP },
  flagging: { missedObjectives: true, overdueTasks: null },
};
