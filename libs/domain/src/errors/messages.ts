/**
 * Every domain error code, its kind and its message in English, Vietnamese and Chinese: the one table the API,
 * the CLI and the UI read. `{name}` marks a parameter filled from the error's `params`; each language uses the
 * same parameters (a test checks it). The kind decides the HTTP status, in the API's one mapping:
 * validation → 400, forbidden → 403, not-found → 404, conflict → 409, rule → 422.
 *
 * Terms follow DOMAIN.md: task = nhiệm vụ / 督办事项, directive = chỉ đạo / 指示, reminder = đôn đốc / 催办,
 * sign-off = phê duyệt / 签批, unit head = người đứng đầu / 第一责任人, leader = lãnh đạo / 领导.
 * Codes are stable: clients match on them, so rename a code only with a migration note.
 */

export const ERROR_KINDS = ['validation', 'forbidden', 'not-found', 'conflict', 'rule'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const LANGUAGES = ['en', 'vi', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A text in every working language. */
export type Labels = { readonly [L in Language]: string };

export type ErrorMessageEntry = { readonly kind: ErrorKind } & Labels;

export const ERROR_MESSAGES = {
  // ── Input shape, shared by every aggregate ─────────────────────────────────────────────────────────────────
  'COMMON.ACTOR_INVALID': {
    kind: 'validation',
    en: 'The command has no valid actor (an id, one of the known roles, and a unit).',
    vi: 'Lệnh không có người thực hiện hợp lệ (mã định danh, một vai trò hợp lệ và đơn vị).',
    zh: '指令缺少有效的操作人（编号、有效角色和所属单位）。',
  },
  'COMMON.INSTANT_INVALID': {
    kind: 'validation',
    en: '{field} must be an ISO 8601 instant with seconds and an offset, such as 2018-10-10T09:00:00+08:00; got "{value}".',
    vi: '{field} phải là thời điểm theo ISO 8601, có giây và múi giờ, ví dụ 2018-10-10T09:00:00+08:00; nhận được "{value}".',
    zh: '{field} 必须是带秒和时区的 ISO 8601 时间，例如 2018-10-10T09:00:00+08:00；实际为"{value}"。',
  },
  'COMMON.DATE_INVALID': {
    kind: 'validation',
    en: '{field} must be a calendar date YYYY-MM-DD; got "{value}".',
    vi: '{field} phải là ngày theo định dạng YYYY-MM-DD; nhận được "{value}".',
    zh: '{field} 必须是 YYYY-MM-DD 格式的日期；实际为"{value}"。',
  },
  'COMMON.ID_INVALID': {
    kind: 'validation',
    en: '{field} must be an id of lower-case letters, digits and inner hyphens, at most 64 characters; got "{value}".',
    vi: '{field} phải là mã gồm chữ thường, chữ số và dấu gạch nối ở giữa, tối đa 64 ký tự; nhận được "{value}".',
    zh: '{field} 必须是由小写字母、数字和中间连字符组成、不超过 64 个字符的编号；实际为"{value}"。',
  },
  'COMMON.TEXT_REQUIRED': {
    kind: 'validation',
    en: '{field} is required.',
    vi: 'Trường {field} là bắt buộc.',
    zh: '{field} 为必填项。',
  },
  'COMMON.REASON_REQUIRED': {
    kind: 'validation',
    en: 'A reason is required ({field}).',
    vi: 'Cần nêu lý do ({field}).',
    zh: '必须说明理由（{field}）。',
  },
  'COMMON.LIST_REQUIRED': {
    kind: 'validation',
    en: '{field} must be a list.',
    vi: '{field} phải là một danh sách.',
    zh: '{field} 必须是列表。',
  },
  'COMMON.DUPLICATE_VALUE': {
    kind: 'validation',
    en: '{field} lists "{value}" more than once.',
    vi: '{field} có giá trị "{value}" bị lặp lại.',
    zh: '{field} 中"{value}"重复出现。',
  },
  'COMMON.VALUE_NOT_ALLOWED': {
    kind: 'validation',
    en: '{field} must be one of {allowed}; got "{value}".',
    vi: '{field} phải là một trong các giá trị {allowed}; nhận được "{value}".',
    zh: '{field} 必须是 {allowed} 之一；实际为"{value}"。',
  },
  'COMMON.HASH_INVALID': {
    kind: 'validation',
    en: '{field} must be a SHA-256 hash: 64 lower-case hexadecimal characters; got "{value}".',
    vi: '{field} phải là mã băm SHA-256 gồm 64 ký tự thập lục phân viết thường; nhận được "{value}".',
    zh: '{field} 必须是 SHA-256 哈希值（64 位小写十六进制字符）；实际为"{value}"。',
  },
  'STREAM.ID_INVALID': {
    kind: 'validation',
    en: '{field} must be a stream id <kind>-<id>; got "{value}".',
    vi: '{field} phải là mã luồng sự kiện dạng <loại>-<mã>; nhận được "{value}".',
    zh: '{field} 必须是 <类型>-<编号> 形式的事件流编号；实际为"{value}"。',
  },

  // ── Authorization (the API's guard, from the authorization table) ──────────────────────────────────────────
  'AUTH.ROLE_NOT_ALLOWED': {
    kind: 'forbidden',
    en: 'The role {role} may not run {command}.',
    vi: 'Vai trò {role} không được phép thực hiện {command}.',
    zh: '角色 {role} 无权执行 {command}。',
  },
  'AUTH.OUT_OF_SCOPE': {
    kind: 'forbidden',
    en: 'Unit {unit} is outside the scope of your unit {actorUnit}.',
    vi: 'Đơn vị {unit} nằm ngoài phạm vi của đơn vị {actorUnit} của bạn.',
    zh: '单位 {unit} 不在您所在单位 {actorUnit} 的管辖范围内。',
  },

  // ── Document numbers (số hiệu văn bản / 文号) ──────────────────────────────────────────────────────────────
  'DOCNO.NUMBER_INVALID': {
    kind: 'validation',
    en: 'A document number must be 1 to 100 characters, with no control characters and no leading or trailing spaces; got "{value}".',
    vi: 'Số hiệu văn bản phải dài từ 1 đến 100 ký tự, không chứa ký tự điều khiển và không có khoảng trắng ở đầu hoặc cuối; nhận được "{value}".',
    zh: '文号须为 1 至 100 个字符，不得含控制字符，首尾不得有空格；实际为"{value}"。',
  },
  'DOCNO.YEAR_INVALID': {
    kind: 'validation',
    en: 'The document year must be a year from 1000 to 9999; got "{value}".',
    vi: 'Năm của văn bản phải từ 1000 đến 9999; nhận được "{value}".',
    zh: '文号年份必须在 1000 至 9999 之间；实际为"{value}"。',
  },
  'DOCNO.TAKEN': {
    kind: 'conflict',
    en: 'Document number {documentNumber} is already used by unit {issuerUnit} in {year}.',
    vi: 'Số hiệu văn bản {documentNumber} đã được đơn vị {issuerUnit} sử dụng trong năm {year}.',
    zh: '文号 {documentNumber} 已被单位 {issuerUnit} 在 {year} 年使用。',
  },

  // ── Units and posts ─────────────────────────────────────────────────────────────────────────────────────────
  'UNIT.NOT_FOUND': {
    kind: 'not-found',
    en: 'Unit {unit} is not registered.',
    vi: 'Đơn vị {unit} chưa được đăng ký.',
    zh: '单位 {unit} 尚未登记。',
  },
  'UNIT.ALREADY_REGISTERED': {
    kind: 'conflict',
    en: 'Unit {unit} is already registered.',
    vi: 'Đơn vị {unit} đã được đăng ký.',
    zh: '单位 {unit} 已登记。',
  },
  'UNIT.DISSOLVED': {
    kind: 'conflict',
    en: 'Unit {unit} was dissolved on {on}; record changes on its successor.',
    vi: 'Đơn vị {unit} đã giải thể ngày {on}; hãy ghi nhận thay đổi tại đơn vị kế thừa.',
    zh: '单位 {unit} 已于 {on} 撤销，请在承继单位办理。',
  },
  'UNIT.NAME_REQUIRED': {
    kind: 'validation',
    en: 'A unit needs a name in at least one of English, Vietnamese or Chinese.',
    vi: 'Đơn vị phải có tên bằng ít nhất một ngôn ngữ: tiếng Anh, tiếng Việt hoặc tiếng Trung.',
    zh: '单位至少需要英文、越南文或中文中的一种名称。',
  },
  'UNIT.PARENT_CHAIN_INVALID': {
    kind: 'validation',
    en: 'The parent chain must start with the parent unit and list its ancestors up to the root, each once.',
    vi: 'Chuỗi đơn vị cấp trên phải bắt đầu bằng đơn vị cấp trên trực tiếp và liệt kê các cấp trên đến cấp cao nhất, mỗi đơn vị một lần.',
    zh: '上级链必须以直接上级单位开头，依次列出直至最高层级的各上级单位，且不得重复。',
  },
  'UNIT.PARENT_CYCLE': {
    kind: 'rule',
    en: 'Unit {unit} cannot be placed under {parent}: {parent} is inside {unit}, which would make a cycle.',
    vi: 'Không thể đặt đơn vị {unit} trực thuộc {parent}: {parent} nằm trong {unit}, sẽ tạo thành vòng lặp.',
    zh: '不能将单位 {unit} 置于 {parent} 之下：{parent} 隶属于 {unit}，会形成循环。',
  },
  'UNIT.PARENT_UNCHANGED': {
    kind: 'validation',
    en: 'Unit {unit} is already under {parent}.',
    vi: 'Đơn vị {unit} đã trực thuộc {parent}.',
    zh: '单位 {unit} 已隶属于 {parent}。',
  },
  'UNIT.HEAD_IN_POST': {
    kind: 'conflict',
    en: '{person} heads unit {unit}: record their leaving first, or appoint with replace.',
    vi: '{person} đang là người đứng đầu đơn vị {unit}: cần ghi nhận thôi giữ chức vụ trước, hoặc bổ nhiệm thay thế.',
    zh: '{person} 正担任单位 {unit} 的第一责任人：请先登记其离任，或以替换方式任命。',
  },
  'UNIT.NO_HEAD_IN_POST': {
    kind: 'conflict',
    en: 'Unit {unit} has no head in post.',
    vi: 'Đơn vị {unit} hiện không có người đứng đầu.',
    zh: '单位 {unit} 目前没有在任的第一责任人。',
  },
  'UNIT.NOT_CURRENT_HEAD': {
    kind: 'conflict',
    en: '{person} is not the head of unit {unit} in post.',
    vi: '{person} không phải là người đứng đầu đương nhiệm của đơn vị {unit}.',
    zh: '{person} 不是单位 {unit} 的现任第一责任人。',
  },
  'UNIT.LEAVE_BEFORE_APPOINTMENT': {
    kind: 'rule',
    en: '{person} cannot leave on {to}, before their appointment on {from}.',
    vi: '{person} không thể thôi giữ chức vụ ngày {to}, trước ngày được bổ nhiệm {from}.',
    zh: '{person} 的离任日期 {to} 不能早于其任职日期 {from}。',
  },
  'UNIT.APPOINTMENT_BEFORE_PREVIOUS_TENURE': {
    kind: 'rule',
    en: 'An appointment from {from} overlaps the previous tenure, which ended on {previousTo}.',
    vi: 'Bổ nhiệm từ ngày {from} trùng với nhiệm kỳ trước, đã kết thúc ngày {previousTo}.',
    zh: '自 {from} 起的任职与前一任期重叠，前一任期于 {previousTo} 结束。',
  },
  'UNIT.DEPUTY_IN_POST': {
    kind: 'conflict',
    en: '{person} is already a deputy of unit {unit}.',
    vi: '{person} đã là cấp phó của đơn vị {unit}.',
    zh: '{person} 已是单位 {unit} 的副职。',
  },
  'UNIT.DEPUTY_NOT_IN_POST': {
    kind: 'conflict',
    en: '{person} is not a deputy of unit {unit} in post.',
    vi: '{person} không phải là cấp phó đương nhiệm của đơn vị {unit}.',
    zh: '{person} 不是单位 {unit} 的现任副职。',
  },
  'UNIT.CADRE_ALREADY_REGISTERED': {
    kind: 'conflict',
    en: '{person} is already registered as a cadre of unit {unit}.',
    vi: '{person} đã được đăng ký là cán bộ của đơn vị {unit}.',
    zh: '{person} 已登记为单位 {unit} 的干部。',
  },
  'UNIT.SUCCESSOR_INVALID': {
    kind: 'validation',
    en: 'A successor must be a unit other than {unit}.',
    vi: 'Đơn vị kế thừa phải là đơn vị khác với {unit}.',
    zh: '承继单位必须是 {unit} 以外的单位。',
  },
  'UNIT.SPLIT_NEEDS_SUCCESSORS': {
    kind: 'validation',
    en: 'A split needs at least two successor units.',
    vi: 'Chia tách đơn vị cần ít nhất hai đơn vị kế thừa.',
    zh: '拆分至少需要两个承继单位。',
  },
  'UNIT.NOT_DISSOLVED': {
    kind: 'conflict',
    en: 'Unit {unit} is still active: responsibilities move to a successor only after a merger, split or supersession.',
    vi: 'Đơn vị {unit} vẫn đang hoạt động: trách nhiệm chỉ được chuyển cho đơn vị kế thừa sau khi sáp nhập, chia tách hoặc thay thế.',
    zh: '单位 {unit} 仍在运行：只有在合并、拆分或被取代之后，职责才能移交承继单位。',
  },
  'UNIT.NOT_A_SUCCESSOR': {
    kind: 'rule',
    en: 'Unit {successor} is not a successor of {unit}.',
    vi: 'Đơn vị {successor} không phải là đơn vị kế thừa của {unit}.',
    zh: '单位 {successor} 不是 {unit} 的承继单位。',
  },
  'UNIT.NOTHING_TO_TRANSFER': {
    kind: 'validation',
    en: 'List at least one task or objective to transfer.',
    vi: 'Cần liệt kê ít nhất một nhiệm vụ hoặc chỉ tiêu để chuyển giao.',
    zh: '请至少列出一项要移交的督办事项或目标任务。',
  },
  'UNIT.ALREADY_TRANSFERRED': {
    kind: 'conflict',
    en: '{item} was already transferred from unit {unit}.',
    vi: '{item} đã được chuyển giao từ đơn vị {unit}.',
    zh: '{item} 已从单位 {unit} 移交。',
  },

  // ── Directives (chỉ đạo, kết luận, kế hoạch / 指示, 交办, 通知) ──────────────────────────────────────────────
  'DIRECTIVE.NOT_FOUND': {
    kind: 'not-found',
    en: 'Directive {directive} has not been issued.',
    vi: 'Chỉ đạo {directive} chưa được ban hành.',
    zh: '指示 {directive} 尚未印发。',
  },
  'DIRECTIVE.ALREADY_ISSUED': {
    kind: 'conflict',
    en: 'Directive {directive} is already issued.',
    vi: 'Chỉ đạo {directive} đã được ban hành.',
    zh: '指示 {directive} 已印发。',
  },
  'DIRECTIVE.WITHDRAWN': {
    kind: 'conflict',
    en: 'Directive {directive} was withdrawn and can no longer change.',
    vi: 'Chỉ đạo {directive} đã bị thu hồi, không thể thay đổi nữa.',
    zh: '指示 {directive} 已撤回，不能再变更。',
  },
  'DIRECTIVE.LEADER_ONLY': {
    kind: 'forbidden',
    en: 'Only a leader may issue, amend or withdraw a directive.',
    vi: 'Chỉ lãnh đạo mới được ban hành, sửa đổi hoặc thu hồi chỉ đạo.',
    zh: '只有领导才能印发、修改或撤回指示。',
  },
  'DIRECTIVE.MEETING_AFTER_ISSUE': {
    kind: 'rule',
    en: 'The meeting on {meetingDate} is after the issue date {issuedOn}.',
    vi: 'Cuộc họp ngày {meetingDate} diễn ra sau ngày ban hành {issuedOn}.',
    zh: '会议日期 {meetingDate} 晚于印发日期 {issuedOn}。',
  },
  'DIRECTIVE.ISSUE_DATE_IN_FUTURE': {
    kind: 'rule',
    en: 'The issue date {issuedOn} is after today ({today}).',
    vi: 'Ngày ban hành {issuedOn} muộn hơn ngày hôm nay ({today}).',
    zh: '印发日期 {issuedOn} 晚于今天（{today}）。',
  },
  'DIRECTIVE.NO_CHANGES': {
    kind: 'validation',
    en: 'An amendment must change at least one of title, body, meeting or tasks.',
    vi: 'Việc sửa đổi phải thay đổi ít nhất một nội dung: tiêu đề, nội dung, cuộc họp hoặc nhiệm vụ.',
    zh: '修改至少须变更标题、正文、会议或督办事项中的一项。',
  },

  // ── Tasks (nhiệm vụ / 督办事项) ───────────────────────────────────────────────────────────────────────────────
  'TASK.NOT_FOUND': {
    kind: 'not-found',
    en: 'Task {task} is not registered.',
    vi: 'Nhiệm vụ {task} chưa được đăng ký.',
    zh: '督办事项 {task} 尚未立项。',
  },
  'TASK.ALREADY_REGISTERED': {
    kind: 'conflict',
    en: 'Task {task} is already registered.',
    vi: 'Nhiệm vụ {task} đã được đăng ký.',
    zh: '督办事项 {task} 已立项。',
  },
  'TASK.DIRECTIVE_WITHDRAWN': {
    kind: 'conflict',
    en: 'Directive {directive} was withdrawn: no task can be registered under it.',
    vi: 'Chỉ đạo {directive} đã bị thu hồi: không thể đăng ký nhiệm vụ theo chỉ đạo này.',
    zh: '指示 {directive} 已撤回，不能据此立项。',
  },
  'TASK.NOT_ASSIGNED': {
    kind: 'conflict',
    en: 'Task {task} has not been assigned yet.',
    vi: 'Nhiệm vụ {task} chưa được giao.',
    zh: '督办事项 {task} 尚未交办。',
  },
  'TASK.ALREADY_ASSIGNED': {
    kind: 'conflict',
    en: 'Task {task} is already assigned; transfer it to change the lead unit.',
    vi: 'Nhiệm vụ {task} đã được giao; hãy chuyển giao để thay đổi đơn vị chủ trì.',
    zh: '督办事项 {task} 已交办；如需变更牵头单位，请办理移交。',
  },
  'TASK.NOT_ACKNOWLEDGED': {
    kind: 'conflict',
    en: 'Task {task} has not been acknowledged by its lead unit yet.',
    vi: 'Đơn vị chủ trì chưa xác nhận tiếp nhận nhiệm vụ {task}.',
    zh: '牵头单位尚未签收督办事项 {task}。',
  },
  'TASK.ALREADY_ACKNOWLEDGED': {
    kind: 'conflict',
    en: 'Task {task} is already acknowledged.',
    vi: 'Nhiệm vụ {task} đã được xác nhận tiếp nhận.',
    zh: '督办事项 {task} 已签收。',
  },
  'TASK.AWAITING_VERIFICATION': {
    kind: 'conflict',
    en: 'Completion of task {task} has been reported and awaits verification.',
    vi: 'Nhiệm vụ {task} đã được báo cáo hoàn thành và đang chờ xác minh.',
    zh: '督办事项 {task} 已报告办结，正在等待核实。',
  },
  'TASK.NO_COMPLETION_REPORTED': {
    kind: 'conflict',
    en: 'No completion report of task {task} awaits verification.',
    vi: 'Không có báo cáo hoàn thành nào của nhiệm vụ {task} đang chờ xác minh.',
    zh: '督办事项 {task} 没有待核实的办结报告。',
  },
  'TASK.ALREADY_VERIFIED': {
    kind: 'conflict',
    en: 'Completion of task {task} is already verified.',
    vi: 'Việc hoàn thành nhiệm vụ {task} đã được xác minh.',
    zh: '督办事项 {task} 的办结情况已核实。',
  },
  'TASK.CLOSED': {
    kind: 'conflict',
    en: 'Task {task} is closed.',
    vi: 'Nhiệm vụ {task} đã kết thúc.',
    zh: '督办事项 {task} 已办结销号。',
  },
  'TASK.CANCELLED': {
    kind: 'conflict',
    en: 'Task {task} was cancelled.',
    vi: 'Nhiệm vụ {task} đã bị hủy.',
    zh: '督办事项 {task} 已撤销。',
  },
  'TASK.NOT_VERIFIED': {
    kind: 'conflict',
    en: 'Task {task} can be closed only after its completion is verified.',
    vi: 'Nhiệm vụ {task} chỉ được kết thúc sau khi việc hoàn thành đã được xác minh.',
    zh: '督办事项 {task} 须在办结情况核实后方可销号。',
  },
  'TASK.RESPONSIBLE_PERSON_MISSING': {
    kind: 'rule',
    en: 'Clear person: unit {unit} has no head in post to answer for the task.',
    vi: 'Rõ người: đơn vị {unit} không có người đứng đầu đương nhiệm để chịu trách nhiệm về nhiệm vụ.',
    zh: '明确责任人：单位 {unit} 没有在任的第一责任人对该事项负责。',
  },
  'TASK.RESPONSIBLE_NOT_LEAD_HEAD': {
    kind: 'validation',
    en: 'Clear person: the responsible person must be the head of the lead unit {unit}.',
    vi: 'Rõ người: người chịu trách nhiệm phải là người đứng đầu đơn vị chủ trì {unit}.',
    zh: '明确责任人：责任人必须是牵头单位 {unit} 的第一责任人。',
  },
  'TASK.WORK_MISSING': {
    kind: 'validation',
    en: 'Clear work: describe the work to be done.',
    vi: 'Rõ việc: cần mô tả công việc phải thực hiện.',
    zh: '明确任务：请写明具体工作内容。',
  },
  'TASK.DEADLINE_BEFORE_ISSUE': {
    kind: 'rule',
    en: 'Clear time: the deadline {deadline} is before the directive was issued on {issuedOn}.',
    vi: 'Rõ thời gian: thời hạn {deadline} sớm hơn ngày ban hành chỉ đạo {issuedOn}.',
    zh: '明确时限：办结时限 {deadline} 早于指示印发日期 {issuedOn}。',
  },
  'TASK.DEADLINE_BEFORE_ASSIGNMENT': {
    kind: 'rule',
    en: 'Clear time: the deadline {deadline} is before the assignment date {today}.',
    vi: 'Rõ thời gian: thời hạn {deadline} sớm hơn ngày giao nhiệm vụ {today}.',
    zh: '明确时限：办结时限 {deadline} 早于交办日期 {today}。',
  },
  'TASK.LEAD_AMONG_CO_UNITS': {
    kind: 'validation',
    en: 'Clear responsibility: the lead unit {unit} cannot also be a co-unit.',
    vi: 'Rõ trách nhiệm: đơn vị chủ trì {unit} không thể đồng thời là đơn vị phối hợp.',
    zh: '明确责任：牵头单位 {unit} 不能同时是协办单位。',
  },
  'TASK.EXPECTED_RESULT_MISSING': {
    kind: 'validation',
    en: 'Clear result: state the expected result.',
    vi: 'Rõ kết quả: cần nêu kết quả, sản phẩm dự kiến.',
    zh: '明确成效：请写明预期成果。',
  },
  'TASK.PERCENT_INVALID': {
    kind: 'validation',
    en: 'Progress must be a percentage from 0 to 100; got {value}.',
    vi: 'Tiến độ phải là tỷ lệ phần trăm từ 0 đến 100; nhận được {value}.',
    zh: '进度必须是 0 到 100 之间的百分比；实际为 {value}。',
  },
  'TASK.PROGRESS_DECREASED': {
    kind: 'rule',
    en: 'Progress cannot go down from {previous}% to {percent}% unless the task was returned for redo.',
    vi: 'Tiến độ không thể giảm từ {previous}% xuống {percent}% trừ khi nhiệm vụ bị trả lại để làm lại.',
    zh: '除非事项被退回重办，进度不能从 {previous}% 降至 {percent}%。',
  },
  'TASK.EXTENSION_AFTER_DEADLINE': {
    kind: 'rule',
    en: 'An extension must be requested by the deadline: requested on {today}, the deadline was {deadline}.',
    vi: 'Phải đề nghị gia hạn trước khi hết thời hạn: đề nghị ngày {today}, thời hạn là {deadline}.',
    zh: '延期须在时限届满前申请：申请日期为 {today}，办结时限为 {deadline}。',
  },
  'TASK.EXTENSION_NOT_LATER': {
    kind: 'rule',
    en: 'The new deadline {newDeadline} must be after the current deadline {deadline}.',
    vi: 'Thời hạn mới {newDeadline} phải sau thời hạn hiện tại {deadline}.',
    zh: '新的办结时限 {newDeadline} 必须晚于当前时限 {deadline}。',
  },
  'TASK.EXTENSION_PENDING': {
    kind: 'conflict',
    en: 'Extension request {request} is still awaiting a decision.',
    vi: 'Đề nghị gia hạn {request} vẫn đang chờ quyết định.',
    zh: '延期申请 {request} 尚待决定。',
  },
  'TASK.NO_PENDING_EXTENSION': {
    kind: 'conflict',
    en: 'There is no pending extension request {request} on this task.',
    vi: 'Nhiệm vụ này không có đề nghị gia hạn {request} nào đang chờ quyết định.',
    zh: '该事项没有待决定的延期申请 {request}。',
  },
  'TASK.EXTENSION_DECIDER_ROLE': {
    kind: 'forbidden',
    en: 'Only a leader may grant or deny an extension.',
    vi: 'Chỉ lãnh đạo mới được chấp thuận hoặc từ chối gia hạn.',
    zh: '只有领导才能批准或驳回延期申请。',
  },
  'TASK.SELF_EXTENSION_DECISION': {
    kind: 'forbidden',
    en: 'You cannot decide on an extension you requested yourself.',
    vi: 'Bạn không thể tự quyết định đề nghị gia hạn do chính mình đưa ra.',
    zh: '不能审批本人提出的延期申请。',
  },
  'TASK.VERIFIER_ROLE': {
    kind: 'forbidden',
    en: 'Only an inspector or a leader may verify, return or close a task.',
    vi: 'Chỉ thanh tra hoặc lãnh đạo mới được xác minh, trả lại hoặc kết thúc nhiệm vụ.',
    zh: '只有督查人员或领导才能核实、退回或销号督办事项。',
  },
  'TASK.SELF_VERIFICATION': {
    kind: 'forbidden',
    en: 'You cannot verify or return a completion you reported yourself.',
    vi: 'Bạn không thể xác minh hoặc trả lại báo cáo hoàn thành do chính mình lập.',
    zh: '不能核实或退回本人提交的办结报告。',
  },
  'TASK.DEADLINE_NOT_PASSED': {
    kind: 'rule',
    en: 'The deadline {deadline} has not passed on {today}.',
    vi: 'Đến ngày {today}, thời hạn {deadline} vẫn chưa hết.',
    zh: '截至 {today}，办结时限 {deadline} 尚未届满。',
  },
  'TASK.DEADLINE_ALREADY_MARKED': {
    kind: 'conflict',
    en: 'The passing of deadline {deadline} is already recorded.',
    vi: 'Việc hết thời hạn {deadline} đã được ghi nhận.',
    zh: '时限 {deadline} 届满已记录。',
  },
  'TASK.CANCEL_REQUIRES_LEADER': {
    kind: 'forbidden',
    en: 'Only a leader may cancel a task.',
    vi: 'Chỉ lãnh đạo mới được hủy nhiệm vụ.',
    zh: '只有领导才能撤销督办事项。',
  },
  'TASK.TRANSFER_TO_SAME_UNIT': {
    kind: 'validation',
    en: 'The task is already led by unit {unit}.',
    vi: 'Nhiệm vụ đã do đơn vị {unit} chủ trì.',
    zh: '该事项已由单位 {unit} 牵头。',
  },

  // ── Sign-offs (phê duyệt / 签批) ─────────────────────────────────────────────────────────────────────────────
  'SIGNOFF.ALREADY_RECORDED': {
    kind: 'conflict',
    en: 'Sign-off {signOff} is already recorded.',
    vi: 'Phê duyệt {signOff} đã được ghi nhận.',
    zh: '签批 {signOff} 已记录。',
  },
  'SIGNOFF.ROLE_NOT_ALLOWED': {
    kind: 'forbidden',
    en: 'The role {role} cannot sign off records.',
    vi: 'Vai trò {role} không được phê duyệt hồ sơ.',
    zh: '角色 {role} 无权签批记录。',
  },
  'SIGNOFF.SELF_APPROVAL': {
    kind: 'forbidden',
    en: 'You cannot sign off a record you authored.',
    vi: 'Bạn không thể phê duyệt hồ sơ do chính mình lập.',
    zh: '不能签批本人制作的记录。',
  },
  'SIGNOFF.COMMENT_REQUIRED': {
    kind: 'validation',
    en: 'A rejection needs a comment saying why.',
    vi: 'Khi từ chối phê duyệt cần ghi rõ lý do.',
    zh: '不予批准时必须填写意见说明理由。',
  },
  'SIGNOFF.RECORD_INVALID': {
    kind: 'validation',
    en: 'The record must be a stream id with a version from 1, or a record kind with an id.',
    vi: 'Hồ sơ phải được xác định bằng mã luồng sự kiện kèm phiên bản (từ 1), hoặc loại hồ sơ kèm mã.',
    zh: '记录必须以事件流编号加版本号（从 1 开始），或以记录类型加编号来标识。',
  },
  'SIGNOFF.SIGNATURE_INVALID': {
    kind: 'validation',
    en: 'The signature envelope must be a plain JSON object.',
    vi: 'Phong bì chữ ký phải là một đối tượng JSON thuần.',
    zh: '签名信封必须是纯 JSON 对象。',
  },

  // ── Users and API tokens (người dùng, mã truy cập / 用户, 访问令牌) ────────────────────────────────────────────
  'USER.NOT_FOUND': {
    kind: 'not-found',
    en: 'User {user} is not registered.',
    vi: 'Người dùng {user} chưa được đăng ký.',
    zh: '用户 {user} 尚未登记。',
  },
  'USER.ALREADY_REGISTERED': {
    kind: 'conflict',
    en: 'User {user} is already registered.',
    vi: 'Người dùng {user} đã được đăng ký.',
    zh: '用户 {user} 已登记。',
  },
  'USER.ID_RESERVED': {
    kind: 'validation',
    en: '"{value}" is reserved for what the ledger records on its own account and cannot be a user id.',
    vi: '"{value}" được dành riêng cho các thao tác do hệ thống sổ cái tự ghi nhận, không thể dùng làm mã người dùng.',
    zh: '"{value}" 为台账系统自身操作保留，不能用作用户编号。',
  },
  'USER.DEACTIVATED': {
    kind: 'conflict',
    en: 'User {user} is deactivated.',
    vi: 'Người dùng {user} đã bị vô hiệu hóa.',
    zh: '用户 {user} 已停用。',
  },
  'USER.ADMINISTRATOR_ONLY': {
    kind: 'forbidden',
    en: 'Only an administrator may register users, change their role or unit, deactivate them, or issue tokens for others.',
    vi: 'Chỉ quản trị hệ thống mới được đăng ký người dùng, thay đổi vai trò hoặc đơn vị, vô hiệu hóa người dùng, hoặc cấp mã truy cập cho người khác.',
    zh: '只有系统管理员才能登记用户、变更其角色或单位、停用用户，或为他人签发访问令牌。',
  },
  'USER.SELF_ROLE_CHANGE': {
    kind: 'forbidden',
    en: 'You cannot change your own role or unit: another administrator must.',
    vi: 'Bạn không thể tự thay đổi vai trò hoặc đơn vị của mình: việc này phải do một quản trị viên khác thực hiện.',
    zh: '不能变更本人的角色或单位，须由其他系统管理员办理。',
  },
  'USER.SELF_DEACTIVATION': {
    kind: 'forbidden',
    en: 'You cannot deactivate yourself: another administrator must.',
    vi: 'Bạn không thể tự vô hiệu hóa tài khoản của mình: việc này phải do một quản trị viên khác thực hiện.',
    zh: '不能停用本人账户，须由其他系统管理员办理。',
  },
  'USER.ROLE_UNCHANGED': {
    kind: 'validation',
    en: 'User {user} already has the role {role} in unit {unit}.',
    vi: 'Người dùng {user} đã có vai trò {role} tại đơn vị {unit}.',
    zh: '用户 {user} 已是单位 {unit} 的 {role} 角色。',
  },
  'USER.TOKEN_ALREADY_ISSUED': {
    kind: 'conflict',
    en: 'API token {token} already exists.',
    vi: 'Mã truy cập {token} đã tồn tại.',
    zh: '访问令牌 {token} 已存在。',
  },
  'USER.TOKEN_EXPIRY_NOT_FUTURE': {
    kind: 'rule',
    en: 'A token cannot expire at {expiresAt}: that is not after now ({now}).',
    vi: 'Mã truy cập không thể hết hạn vào {expiresAt}: thời điểm này không sau thời điểm hiện tại ({now}).',
    zh: '访问令牌的到期时间 {expiresAt} 不能早于或等于当前时间（{now}）。',
  },
  'USER.TOKEN_NOT_FOUND': {
    kind: 'not-found',
    en: 'User {user} has no API token {token}.',
    vi: 'Người dùng {user} không có mã truy cập {token}.',
    zh: '用户 {user} 没有访问令牌 {token}。',
  },
  'USER.TOKEN_ALREADY_REVOKED': {
    kind: 'conflict',
    en: 'API token {token} is already revoked.',
    vi: 'Mã truy cập {token} đã bị thu hồi.',
    zh: '访问令牌 {token} 已吊销。',
  },
  'USER.TOKEN_REVOKE_NOT_ALLOWED': {
    kind: 'forbidden',
    en: 'Only an administrator or the token’s own user may revoke it.',
    vi: 'Chỉ quản trị hệ thống hoặc chính người dùng sở hữu mã truy cập mới được thu hồi mã đó.',
    zh: '只有系统管理员或令牌所属用户本人才能吊销该令牌。',
  },

  // ── Users' signing keys (khóa ký / 签名密钥) ──────────────────────────────────────────────────────────────────
  'USER.KEY_INVALID': {
    kind: 'validation',
    en: 'The public key must be the standard base64 of a raw {algorithm} public key.',
    vi: 'Khóa công khai phải là chuỗi base64 chuẩn của một khóa công khai {algorithm} dạng thô.',
    zh: '公钥必须是原始 {algorithm} 公钥的标准 base64 编码。',
  },
  'USER.KEY_ALREADY_REGISTERED': {
    kind: 'conflict',
    en: 'Signing key {key} is already registered for this user.',
    vi: 'Khóa ký {key} đã được đăng ký cho người dùng này.',
    zh: '签名密钥 {key} 已为该用户登记。',
  },
  'USER.KEY_NOT_FOUND': {
    kind: 'not-found',
    en: 'User {user} has no signing key {key}.',
    vi: 'Người dùng {user} không có khóa ký {key}.',
    zh: '用户 {user} 没有签名密钥 {key}。',
  },
  'USER.KEY_ALREADY_REVOKED': {
    kind: 'conflict',
    en: 'Signing key {key} is already revoked.',
    vi: 'Khóa ký {key} đã bị thu hồi.',
    zh: '签名密钥 {key} 已吊销。',
  },
  'USER.KEY_NOT_ALLOWED': {
    kind: 'forbidden',
    en: 'Only the user or an administrator may register, rotate or revoke the user’s signing keys.',
    vi: 'Chỉ chính người dùng hoặc quản trị hệ thống mới được đăng ký, thay đổi hoặc thu hồi khóa ký của người dùng.',
    zh: '只有用户本人或系统管理员才能登记、轮换或吊销该用户的签名密钥。',
  },
} as const satisfies Record<string, ErrorMessageEntry>;

export type ErrorCode = keyof typeof ERROR_MESSAGES;
export const ERROR_CODES = Object.keys(ERROR_MESSAGES) as ErrorCode[];

/** The codes whose kind is `K`: each error class accepts only the codes of its own kind. */
export type ErrorCodeOfKind<K extends ErrorKind> = {
  [C in ErrorCode]: (typeof ERROR_MESSAGES)[C]['kind'] extends K ? C : never;
}[ErrorCode];

type PlaceholdersOf<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PlaceholdersOf<Rest>
  : never;

/** The parameters a code's message needs, read from its English template at compile time. */
export type ErrorParamsFor<C extends ErrorCode> = {
  readonly [P in PlaceholdersOf<(typeof ERROR_MESSAGES)[C]['en']>]: string | number;
} & { readonly field?: string };

export function errorKindOf(code: ErrorCode): ErrorKind {
  return ERROR_MESSAGES[code].kind;
}

/** The message of `code` in `language`, with `{name}` replaced by `params.name` (left as is when absent). */
export function formatErrorMessage(
  code: ErrorCode,
  language: Language,
  params: Readonly<Record<string, string | number | undefined>> = {},
): string {
  return ERROR_MESSAGES[code][language].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** Names of the `{placeholders}` in a template, for the consistency test. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
}
