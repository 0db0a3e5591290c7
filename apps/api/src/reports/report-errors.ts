import { ApiError } from '../shared/api-error';

/** Errors of the report and export endpoints, with their status and messages in the three working languages. */
const REPORT_ERRORS = {
  'REPORT.FORMAT_UNSUPPORTED': {
    status: 400,
    en: 'This report is served as {formats}; got "{value}".',
    vi: 'Báo cáo này chỉ có dạng {formats}; nhận được "{value}".',
    zh: '该报告仅提供 {formats} 格式；实际为"{value}"。',
  },
  'REPORT.YEAR_INVALID': {
    status: 400,
    en: 'The year must be four digits, such as 2019; got "{value}".',
    vi: 'Năm phải gồm bốn chữ số, ví dụ 2019; nhận được "{value}".',
    zh: '年度须为四位数字（如 2019）；实际为"{value}"。',
  },
  'REPORT.NOTICE_NOT_FOUND': {
    status: 404,
    en: 'No inspection notice {notice} has been published.',
    vi: 'Chưa có thông báo kiểm tra {notice} nào được ban hành.',
    zh: '未发布督查通报 {notice}。',
  },
  'REPORT.NOTICE_AMBIGUOUS': {
    status: 409,
    en: 'Several inspections published a notice {notice} ({candidates}): name it as <inspectionId>:<noticeId>.',
    vi: 'Nhiều đợt kiểm tra có thông báo {notice} ({candidates}): hãy ghi rõ <inspectionId>:<noticeId>.',
    zh: '多个督查均发布了通报 {notice}（{candidates}）：请写作 <inspectionId>:<noticeId>。',
  },
  'REPORT.EXPORT_UNKNOWN': {
    status: 404,
    en: 'There is no export "{value}": units.csv, directives.csv or tasks.csv.',
    vi: 'Không có tệp xuất "{value}": units.csv, directives.csv hoặc tasks.csv.',
    zh: '不存在导出"{value}"：可用 units.csv、directives.csv 或 tasks.csv。',
  },
} as const satisfies Record<string, { status: number; en: string; vi: string; zh: string }>;

export type ReportErrorCode = keyof typeof REPORT_ERRORS;

export function reportError(code: ReportErrorCode, params: Readonly<Record<string, string | number>> = {}, field?: string): ApiError {
  const entry = REPORT_ERRORS[code];
  const fill = (t: string) => t.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  const messages = { en: fill(entry.en), vi: fill(entry.vi), zh: fill(entry.zh) };
  return new ApiError(entry.status, code, messages.en, field ? [{ field, reason: messages.en }] : [], messages);
}
