import { ApiError } from './api-error';

/**
 * Errors the application raises itself (request headers, references between records, the sign-off a command
 * needs), with their HTTP status and messages in the three working languages. The domain's own refusals are in
 * `@ledger/domain`'s `errors/messages.ts`; these are the few that only the application can see.
 */
const APP_ERRORS = {
  'REQUEST.IF_MATCH_INVALID': {
    status: 400,
    en: 'If-Match must be a stream version in quotes, such as "3", or *; got {value}.',
    vi: 'If-Match phải là số phiên bản đặt trong dấu nháy, ví dụ "3", hoặc *; nhận được {value}.',
    zh: 'If-Match 必须是带引号的版本号（如 "3"）或 *；实际为 {value}。',
  },
  'REQUEST.IDEMPOTENCY_KEY_INVALID': {
    status: 400,
    en: 'Idempotency-Key must be 1 to 100 characters of letters, digits and . _ : ~ -.',
    vi: 'Idempotency-Key phải gồm 1 đến 100 ký tự chữ, số và . _ : ~ -.',
    zh: 'Idempotency-Key 必须由 1 至 100 个字母、数字或 . _ : ~ - 组成。',
  },
  'REQUEST.OCCURRED_AT_INVALID': {
    status: 400,
    en: 'X-Occurred-At must be an ISO 8601 instant with seconds and an offset, not in the future; got {value}.',
    vi: 'X-Occurred-At phải là thời điểm ISO 8601 có giây và múi giờ, không ở tương lai; nhận được {value}.',
    zh: 'X-Occurred-At 必须是带秒和时区、且不晚于当前时间的 ISO 8601 时间；实际为 {value}。',
  },
  'AUTH.BACKDATING_NOT_ALLOWED': {
    status: 403,
    en: 'Only administrators may enter events with an earlier occurred-at time (X-Occurred-At).',
    vi: 'Chỉ quản trị hệ thống mới được ghi sự kiện với thời điểm xảy ra trước đó (X-Occurred-At).',
    zh: '只有系统管理员可以补录较早发生时间的事件（X-Occurred-At）。',
  },
  'SIGNOFF.NOT_FOUND': {
    status: 404,
    en: 'Sign-off {signOff} does not exist.',
    vi: 'Không tồn tại phê duyệt {signOff}.',
    zh: '签批 {signOff} 不存在。',
  },
  'SIGNOFF.RECORD_NOT_SUPPORTED': {
    status: 400,
    en: 'Sign-offs name a task, directive or unit stream (task-…, directive-…, unit-…); got {value}.',
    vi: 'Phê duyệt phải chỉ rõ luồng nhiệm vụ, chỉ đạo hoặc đơn vị (task-…, directive-…, unit-…); nhận được {value}.',
    zh: '签批对象必须是事项、指示或单位的记录流（task-…、directive-…、unit-…）；实际为 {value}。',
  },
  'SIGNOFF.RECORD_NOT_FOUND': {
    status: 404,
    en: 'The record {value} to sign off does not exist.',
    vi: 'Không tồn tại hồ sơ {value} cần phê duyệt.',
    zh: '待签批的记录 {value} 不存在。',
  },
  'TASK.CANCELLATION_SIGNOFF_INVALID': {
    status: 422,
    en: 'Cancelling a task needs a leader\'s approving sign-off of this task recorded first; {signOff} is not one.',
    vi: 'Hủy nhiệm vụ cần có phê duyệt chấp thuận của lãnh đạo đối với chính nhiệm vụ này được ghi trước; {signOff} không phải như vậy.',
    zh: '撤销事项须先有领导对该事项的同意签批；{signOff} 不符合要求。',
  },
  'TASK.NOT_A_TASK_OF_UNIT': {
    status: 422,
    en: 'Task {task} is not led by unit {unit}, so its responsibility cannot be transferred from it.',
    vi: 'Nhiệm vụ {task} không do đơn vị {unit} chủ trì nên không thể chuyển giao trách nhiệm từ đơn vị này.',
    zh: '事项 {task} 并非由单位 {unit} 牵头，不能从该单位移交。',
  },
  'RECORD.APPROVAL_SIGNOFF_INVALID': {
    status: 422,
    en: 'This decision needs an approving sign-off of {record}, recorded first; {signOff} is not one.',
    vi: 'Quyết định này cần có phê duyệt chấp thuận đối với {record} được ghi trước; {signOff} không phải như vậy.',
    zh: '该决定须先有对 {record} 的同意签批；{signOff} 不符合要求。',
  },
  'RECORD.NOT_FOUND': {
    status: 404,
    en: 'There is no {kind} {id}.',
    vi: 'Không tồn tại {kind} {id}.',
    zh: '不存在{kind} {id}。',
  },
  'APPRAISAL.RULE_SET_UNKNOWN': {
    status: 400,
    en: 'There is no rule set {value}.',
    vi: 'Không có bộ tiêu chí {value}.',
    zh: '不存在规则集 {value}。',
  },
} as const satisfies Record<string, { status: number; en: string; vi: string; zh: string }>;

export type AppErrorCode = keyof typeof APP_ERRORS;

function fill(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** An `ApiError` for `code` with its status and its message in every language. */
export function appError(code: AppErrorCode, params: Readonly<Record<string, string | number>> = {}, field?: string): ApiError {
  const entry = APP_ERRORS[code];
  const messages = { en: fill(entry.en, params), vi: fill(entry.vi, params), zh: fill(entry.zh, params) };
  return new ApiError(entry.status, code, messages.en, field ? [{ field, reason: messages.en }] : [], messages);
}
