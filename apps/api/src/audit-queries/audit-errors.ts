import { ApiError } from '../shared/api-error';

/** The audit queries' own refusals, with their status and messages in the three working languages. */
const AUDIT_ERRORS = {
  'AUDIT.RECORD_NOT_FOUND': {
    status: 404,
    en: 'The ledger has no record {streamId}.',
    vi: 'Sổ cái không có hồ sơ {streamId}.',
    zh: '账本中没有记录 {streamId}。',
  },
  'AUDIT.AS_OF_NOT_SUPPORTED': {
    status: 400,
    en: 'The state as of an instant is folded for tasks, directives, units and sign-offs; {streamId} is none of them (its timeline is at /v1/audit/records/{streamId}/timeline).',
    vi: 'Trạng thái tại một thời điểm chỉ được dựng lại cho nhiệm vụ, chỉ đạo, đơn vị và phê duyệt; {streamId} không thuộc loại nào (xem diễn biến tại /v1/audit/records/{streamId}/timeline).',
    zh: '按时间点还原状态仅适用于督办事项、指示、单位和签批；{streamId} 不属于这些类型（其时间线见 /v1/audit/records/{streamId}/timeline）。',
  },
} as const satisfies Record<string, { status: number; en: string; vi: string; zh: string }>;

export type AuditErrorCode = keyof typeof AUDIT_ERRORS;

function fill(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? params[name] : whole));
}

export function auditError(code: AuditErrorCode, params: Readonly<Record<string, string>>, field?: string): ApiError {
  const entry = AUDIT_ERRORS[code];
  const messages = { en: fill(entry.en, params), vi: fill(entry.vi, params), zh: fill(entry.zh, params) };
  return new ApiError(entry.status, code, messages.en, field ? [{ field, reason: messages.en }] : [], messages);
}
