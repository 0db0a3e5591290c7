import { ApiError } from '../shared/api-error';

/** Errors of the audit endpoints, with their status and messages in the three working languages. */
const AUDIT_ERRORS = {
  'CHECKPOINT.NOT_FOUND': {
    status: 404,
    en: 'No signed checkpoint {what}.',
    vi: 'Không có điểm kiểm chứng đã ký {what}.',
    zh: '没有{what}的已签名检查点。',
  },
  'PROOF.EVENT_REQUIRED': {
    status: 400,
    en: 'Name the event by position or by eventId (one of them).',
    vi: 'Cần chỉ rõ sự kiện theo vị trí (position) hoặc mã sự kiện (eventId), chỉ một trong hai.',
    zh: '请以位置（position）或事件编号（eventId）之一指明事件。',
  },
  'EVIDENCE.REQUEST_INVALID': {
    status: 400,
    en: 'The evidence request is invalid: {reason}',
    vi: 'Yêu cầu xuất chứng cứ không hợp lệ: {reason}',
    zh: '证据导出请求无效：{reason}',
  },
  'EVIDENCE.NOT_FOUND': {
    status: 404,
    en: 'Nothing to export: {reason}',
    vi: 'Không có gì để xuất: {reason}',
    zh: '没有可导出的内容：{reason}',
  },
} as const satisfies Record<string, { status: number; en: string; vi: string; zh: string }>;

export type AuditErrorCode = keyof typeof AUDIT_ERRORS;

export function auditError(code: AuditErrorCode, params: Readonly<Record<string, string | number>> = {}, field?: string): ApiError {
  const entry = AUDIT_ERRORS[code];
  const fill = (t: string) => t.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  const messages = { en: fill(entry.en), vi: fill(entry.vi), zh: fill(entry.zh) };
  return new ApiError(entry.status, code, messages.en, field ? [{ field, reason: messages.en }] : [], messages);
}
