import type { Localized, ReportLanguage } from './language';

/**
 * Every label the reports print, in English, Vietnamese and Chinese, with the terms of shared/DOMAIN.md:
 * timeliness as the government task-tracking reports count it, objective outcomes, inspection verdicts, notices
 * (通报), rectification (整改), appraisal (考核 / đánh giá, xếp loại) and the ledger's checkpoints.
 */
const L = (en: string, vi: string, zh: string): Localized => ({ en, vi, zh });

export const LABELS = {
  // Appraisal report
  appraisalTitle: L('Annual appraisal report', 'Báo cáo đánh giá, xếp loại hằng năm', '年度考核报告'),
  peerGroup: L('Peer group', 'Nhóm đánh giá', '考核组别'),
  year: L('Year', 'Năm', '年度'),
  cycle: L('Appraisal cycle', 'Kỳ đánh giá', '考核周期'),
  cycleStatus: L('Cycle status', 'Trạng thái kỳ đánh giá', '考核状态'),
  ruleSet: L('Rule set', 'Bộ tiêu chí', '规则集'),
  ownerUnit: L('Organised by', 'Đơn vị tổ chức', '组织单位'),
  approvedBy: L('Approved with sign-off', 'Phê duyệt theo', '审批签批'),
  unitsSection: L('Units', 'Đơn vị', '单位'),
  cadres: L('Cadres', 'Cán bộ', '干部'),
  field: L('Field', 'Mục', '项目'),
  value: L('Value', 'Nội dung', '内容'),
  cadresSection: L('Cadres (unit heads in post during the year)', 'Cán bộ (người đứng đầu trong năm)', '干部（年度内在任的第一责任人）'),
  moderationSection: L('Moderation (quota and council)', 'Điều chỉnh (tỷ lệ và hội đồng)', '等次调整（比例限制与评议）'),
  moderation: L('Moderation', 'Điều chỉnh', '等次调整'),
  appealsSection: L('Appeals', 'Khiếu nại', '申诉'),
  unit: L('Unit', 'Đơn vị', '单位'),
  tasks: L('Tasks', 'Nhiệm vụ', '督办事项'),
  total: L('Total', 'Tổng số', '总数'),
  doneOnTime: L('Done on time', 'Hoàn thành đúng hạn', '按期完成'),
  doneLate: L('Done late', 'Hoàn thành quá hạn', '逾期完成'),
  notDoneWithinDeadline: L('Not done, within deadline', 'Chưa hoàn thành, trong hạn', '未完成（未到期）'),
  notDoneOverdue: L('Not done, overdue', 'Chưa hoàn thành, quá hạn', '逾期未完成'),
  onTimeRate: L('On-time rate', 'Tỷ lệ đúng hạn', '按期完成率'),
  objectives: L('Objectives', 'Chỉ tiêu', '目标任务'),
  exceeded: L('Exceeded', 'Vượt', '超额完成'),
  met: L('Met', 'Đạt', '完成'),
  missed: L('Missed', 'Không đạt', '未完成'),
  excused: L('Excused', 'Miễn trừ', '免责'),
  notEvaluated: L('Not evaluated', 'Chưa đánh giá', '未评价'),
  findings: L('Inspection findings', 'Kết luận kiểm tra', '督查发现'),
  praise: L('Praise', 'Biểu dương', '表扬'),
  criticism: L('Criticism', 'Phê bình', '批评'),
  neutral: L('Neutral', 'Trung tính', '一般'),
  score: L('Score', 'Điểm', '得分'),
  proposedGrade: L('Proposed grade', 'Xếp loại đề xuất', '建议等次'),
  finalGrade: L('Final grade', 'Xếp loại chính thức', '最终等次'),
  notInScope: L('(outside your read scope)', '(ngoài phạm vi được xem)', '（不在您的查阅范围内）'),
  person: L('Person', 'Cá nhân', '人员'),
  post: L('Post', 'Chức vụ', '职务'),
  tenure: L('In post', 'Thời gian giữ chức', '任职期间'),
  unitGrade: L('Unit grade', 'Xếp loại đơn vị', '单位等次'),
  headGrade: L('Head grade', 'Xếp loại người đứng đầu', '负责人等次'),
  from: L('From', 'Từ', '原等次'),
  to: L('To', 'Thành', '调整为'),
  reason: L('Reason', 'Lý do', '原因'),
  quotaMove: L('Quota: rank {rank}, {limit} allowed of {pool}{tie}', 'Tỷ lệ: xếp thứ {rank}, tối đa {limit} trên {pool}{tie}', '比例限制：排名第 {rank}，{pool} 个中最多 {limit} 个{tie}'),
  quotaTie: L(' (tie)', ' (đồng hạng)', '（并列）'),
  councilMove: L('Council: {note}', 'Hội đồng: {note}', '评议：{note}'),
  appealMove: L('Appeal {appeal}: {note}', 'Khiếu nại {appeal}: {note}', '申诉 {appeal}：{note}'),
  noMoves: L('No grade was moved.', 'Không có xếp loại nào bị điều chỉnh.', '无等次调整。'),
  noCadres: L('No head in post during the year is recorded.', 'Không có người đứng đầu nào được ghi nhận trong năm.', '未记录年度内在任的负责人。'),
  appellant: L('Appellant', 'Người khiếu nại', '申诉人'),
  decision: L('Decision', 'Quyết định', '决定'),
  pending: L('Pending', 'Đang chờ', '待决定'),
  upheld: L('Upheld', 'Chấp nhận', '支持'),
  rejected: L('Rejected', 'Bác bỏ', '驳回'),

  // Cycle statuses
  status_open: L('Open', 'Đang mở', '进行中'),
  status_scored: L('Scored', 'Đã chấm điểm', '已评分'),
  status_moderated: L('Moderated', 'Đã điều chỉnh', '已调整'),
  status_approved: L('Approved', 'Đã phê duyệt', '已审批'),
  status_published: L('Published', 'Đã công bố', '已公布'),
  status_appealed: L('Under appeal', 'Đang khiếu nại', '申诉中'),
  status_final: L('Final', 'Chính thức', '已定级'),

  // Inspection notice
  noticeTitle: L('Inspection notice', 'Thông báo kết quả kiểm tra', '督查通报'),
  notice_praise: L('Notice of praise', 'Thông báo biểu dương', '通报表扬'),
  notice_criticism: L('Notice of criticism', 'Thông báo phê bình', '通报批评'),
  notice_general: L('Situation notice', 'Thông báo tình hình', '情况通报'),
  documentNumber: L('Document number', 'Số văn bản', '文号'),
  publishedOn: L('Published on', 'Ngày ban hành', '发布日期'),
  inspection: L('Inspection', 'Đợt kiểm tra', '督查'),
  inspection_monthly: L('Monthly inspection', 'Kiểm tra định kỳ hằng tháng', '月度督查'),
  inspection_surprise: L('Surprise inspection', 'Kiểm tra đột xuất', '暗访督查'),
  period: L('Period', 'Kỳ', '督查期间'),
  issuedBy: L('Issued by', 'Cơ quan ban hành', '发布单位'),
  addressees: L('Addressed to', 'Nơi nhận', '主送单位'),
  praised: L('Praised', 'Được biểu dương', '表扬单位'),
  criticised: L('Criticised', 'Bị phê bình', '批评单位'),
  finding: L('Finding', 'Kết luận', '发现问题'),
  verdict: L('Verdict', 'Đánh giá', '定性'),
  severity: L('Severity', 'Mức độ', '严重程度'),
  severity_low: L('Low', 'Thấp', '轻'),
  severity_medium: L('Medium', 'Trung bình', '中'),
  severity_high: L('High', 'Cao', '重'),
  task: L('Task', 'Nhiệm vụ', '事项'),
  recordedOn: L('Recorded on', 'Ngày ghi nhận', '记录日期'),
  rectificationsSection: L('Rectification ordered', 'Yêu cầu khắc phục', '责令整改'),
  requirement: L('Requirement', 'Yêu cầu', '整改要求'),
  deadline: L('Deadline', 'Thời hạn', '期限'),
  status: L('Status', 'Trạng thái', '状态'),
  rectification_ordered: L('Ordered', 'Đã yêu cầu', '已责令'),
  rectification_reported: L('Reported', 'Đã báo cáo', '已报告'),
  rectification_returned: L('Returned', 'Bị trả lại', '已退回'),
  rectification_verified: L('Verified', 'Đã xác minh', '已核实'),
  noRectifications: L('No rectification was ordered on these findings.', 'Không có yêu cầu khắc phục nào đối với các kết luận này.', '未就上述问题责令整改。'),
  reportedOn: L('Reported on', 'Ngày báo cáo', '报告日期'),

  // Ledger integrity
  ledgerSection: L('Ledger', 'Sổ cái', '账本'),
  ledgerPosition: L('Reflects the ledger up to position', 'Phản ánh sổ cái đến vị trí', '反映账本截至位置'),
  checkpoint: L('Latest signed checkpoint', 'Điểm kiểm chứng đã ký gần nhất', '最新签名检查点'),
  checkpointSize: L('Tree size', 'Kích thước cây', '树大小'),
  rootHash: L('Root hash', 'Mã băm gốc', '根哈希'),
  signedAt: L('Signed at', 'Ký lúc', '签名时间'),
  keyId: L('Key', 'Khóa', '密钥'),
  noCheckpoint: L('No checkpoint signed yet', 'Chưa có điểm kiểm chứng nào được ký', '尚无签名检查点'),
  recordEvent: L('Event', 'Sự kiện', '事件'),
  verifyHint: L(
    'Check this report against the log: `ledger verify`, then GET /v1/log/checkpoints?size={size} and /v1/log/proofs/consistency.',
    'Đối chiếu báo cáo với sổ cái: `ledger verify`, sau đó GET /v1/log/checkpoints?size={size} và /v1/log/proofs/consistency.',
    '将本报告与日志核对：`ledger verify`，再 GET /v1/log/checkpoints?size={size} 与 /v1/log/proofs/consistency。',
  ),
  generatedAt: L('Generated', 'Lập lúc', '生成时间'),
  page: L('Page {page} of {pages}', 'Trang {page}/{pages}', '第 {page} 页，共 {pages} 页'),
} as const satisfies Record<string, Localized>;

export type LabelKey = keyof typeof LABELS;

/** The label in `language`, with `{name}` placeholders filled. */
export function label(language: ReportLanguage, key: LabelKey, params: Readonly<Record<string, string | number>> = {}): string {
  return LABELS[key][language].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A label chosen by a value of the data (`status_<value>`), or the value itself when there is none. */
export function labelOf(language: ReportLanguage, prefix: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const key = `${prefix}_${value}` as LabelKey;
  return key in LABELS ? label(language, key) : value;
}
