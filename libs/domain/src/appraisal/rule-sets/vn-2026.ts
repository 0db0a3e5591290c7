import type { RuleSet } from '../rule-set';
import { VN_DISQUALIFIERS, VN_GRADES, VN_HEAD_CAP } from './vn-grades';

/**
 * Viet Nam, 100-point appraisal of agencies and units (Decree 335/2025/NĐ-CP, in force 1 January 2026; Party
 * regulation 366-QĐ/TW, September 2025), as summarised in DOMAIN.md from public secondary sources:
 * - 30 points of general criteria (assessed by the council) + 70 points of results, shared among the unit's tasks
 *   and objectives by weight; a task earns its share × the mean of quantity, quality and progress; each delay or
 *   quality failure deducts 25% of that task's points unless an objective cause was confirmed;
 * - bands: ≥ 90 excellent (which also needs 100% of tasks on time and ≥ 30% of tasks and objectives exceeded),
 *   70 to < 90 good, 50 to < 70 complete, < 50 not complete; a disqualifier (disciplined in the year, corruption in
 *   the unit) makes it not complete;
 * - quota: excellent for at most 20% of those rated good in the same peer group. "Those rated good" is read as the
 *   units proposed good or better (excellent units are chosen from among the good ones), rounded down.
 * Objectives count as result items: their percentage is the attainment of the plan, a miss is a failure; an
 * excused objective is left out (neither credit nor blame). These readings are this ledger's, stated here so that
 * a jurisdiction can correct them as data.
 */
export const VN_2026: RuleSet = {
  id: 'vn-2026',
  jurisdiction: 'vn',
  name: {
    en: 'Viet Nam 2026: 100-point appraisal of agencies and units',
    vi: 'Đánh giá, xếp loại chất lượng cơ quan, đơn vị theo thang điểm 100 (từ năm 2026)',
    zh: '越南2026年：机关、单位百分制考核评级',
  },
  sources: ['Decree 335/2025/NĐ-CP', 'Regulation 366-QĐ/TW (2025)'],
  effective: { from: '2026-01-01', to: null },
  scales: { unit: VN_GRADES, cadre: VN_GRADES },
  scoring: {
    method: 'points',
    general: { maxPoints: 30 },
    results: {
      maxPoints: 70,
      components: { quantity: 1, quality: 1, progress: 1 },
      deductionPerFailure: 0.25,
    },
  },
  bands: [
    { grade: 'excellent', when: [{ metric: 'score', op: '>=', value: 90 }] },
    { grade: 'good', when: [{ metric: 'score', op: '>=', value: 70 }] },
    { grade: 'complete', when: [{ metric: 'score', op: '>=', value: 50 }] },
    { grade: 'not_complete', when: [] },
  ],
  gates: [
    {
      grade: 'excellent',
      when: [
        // A unit with no counted task has none late.
        { metric: 'tasksOnTimeShare', op: '>=', value: 1, ifUndefined: 'pass' },
        { metric: 'itemsExceededShare', op: '>=', value: 0.3 },
      ],
      description: {
        en: 'Excellent also needs every task on time and at least 30% of tasks and targets exceeded',
        vi: 'Hoàn thành xuất sắc còn cần 100% nhiệm vụ đúng tiến độ và ít nhất 30% chỉ tiêu, nhiệm vụ vượt mức',
        zh: '评为优秀还须全部任务按期完成，且至少30%的任务和指标超额完成',
      },
    },
  ],
  vetoes: VN_DISQUALIFIERS,
  quota: {
    grade: 'excellent',
    maxShare: 0.2,
    poolGrade: 'good',
    rounding: 'floor',
    demoteTo: 'good',
    rankBy: ['score', 'itemsExceededShare'],
  },
  headGrade: { mode: 'capped_by_unit', map: VN_HEAD_CAP },
  flagging: { missedObjectives: true, overdueTasks: { minDaysOverdue: 30, minCount: 1 } },
};
