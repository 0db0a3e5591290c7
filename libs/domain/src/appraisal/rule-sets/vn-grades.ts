import type { GradeDefinition } from '../rule-set';

/**
 * The four grades of Vietnamese appraisal, the same words for agencies and units and for cadres, civil servants
 * and public employees (cán bộ, công chức, viên chức).
 */
export const VN_GRADES: GradeDefinition[] = [
  {
    id: 'excellent',
    labels: { en: 'Excellently fulfilled duties', vi: 'Hoàn thành xuất sắc nhiệm vụ', zh: '优秀完成任务' },
  },
  { id: 'good', labels: { en: 'Well fulfilled duties', vi: 'Hoàn thành tốt nhiệm vụ', zh: '良好完成任务' } },
  { id: 'complete', labels: { en: 'Fulfilled duties', vi: 'Hoàn thành nhiệm vụ', zh: '完成任务' } },
  { id: 'not_complete', labels: { en: 'Did not fulfil duties', vi: 'Không hoàn thành nhiệm vụ', zh: '未完成任务' } },
];

/** Disqualifiers common to both Vietnamese rule sets: any of them makes the grade "not complete". */
export const VN_DISQUALIFIERS = [
  {
    code: 'disciplined_in_year',
    labels: {
      en: 'The unit (or its head, for the unit) was disciplined in the year',
      vi: 'Cơ quan, đơn vị (hoặc người đứng đầu) bị xử lý kỷ luật trong năm',
      zh: '单位（或其负责人）年内受到纪律处分',
    },
    maxGrade: 'not_complete',
  },
  {
    code: 'corruption_in_unit',
    labels: {
      en: 'Corruption or waste was found in the unit',
      vi: 'Để xảy ra tham nhũng, lãng phí trong cơ quan, đơn vị',
      zh: '单位内发生腐败、浪费问题',
    },
    maxGrade: 'not_complete',
  },
];

/** A head's grade is never higher than the unit's (same scale for units and cadres). */
export const VN_HEAD_CAP = {
  excellent: 'excellent',
  good: 'good',
  complete: 'complete',
  not_complete: 'not_complete',
};
