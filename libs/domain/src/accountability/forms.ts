import type { Labels } from '../errors/messages';
import type { Jurisdiction } from '../appraisal/rule-set';

/**
 * The forms of accountability each jurisdiction knows (configurable data): a decision names one by id, and the
 * case decider accepts only the case's jurisdiction's list. Ordered from the mildest.
 */
export type AccountabilityForm = { id: string; labels: Labels };

export const ACCOUNTABILITY_FORMS: { readonly [J in Jurisdiction]: readonly AccountabilityForm[] } = {
  cn: [
    { id: 'self_examination', labels: { en: 'Ordered self-examination', vi: 'Yêu cầu kiểm điểm', zh: '检查' } },
    { id: 'circulated_criticism', labels: { en: 'Circulated criticism', vi: 'Thông báo phê bình', zh: '通报' } },
    { id: 'admonishment', labels: { en: 'Admonishment', vi: 'Khuyên răn, cảnh tỉnh', zh: '诫勉' } },
    {
      id: 'organisational_measure',
      labels: { en: 'Organisational adjustment or measure', vi: 'Điều chỉnh, xử lý về tổ chức', zh: '组织调整或者组织处理' },
    },
    { id: 'disciplinary_sanction', labels: { en: 'Disciplinary sanction', vi: 'Xử lý kỷ luật', zh: '纪律处分' } },
  ],
  vn: [
    { id: 'reminder', labels: { en: 'Reminder', vi: 'Nhắc nhở', zh: '提醒' } },
    { id: 'reprimand', labels: { en: 'Reprimand', vi: 'Khiển trách', zh: '训诫' } },
    { id: 'warning', labels: { en: 'Warning', vi: 'Cảnh cáo', zh: '警告' } },
    { id: 'removal_from_post', labels: { en: 'Removal from post', vi: 'Cách chức', zh: '撤职' } },
    { id: 'dismissal', labels: { en: 'Dismissal', vi: 'Buộc thôi việc', zh: '开除' } },
  ],
};

export function accountabilityForm(jurisdiction: Jurisdiction, formId: string): AccountabilityForm | null {
  return ACCOUNTABILITY_FORMS[jurisdiction].find((form) => form.id === formId) ?? null;
}
