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

  // ── Request shape (the API's validation pipe, body parser and content checks: `fields[].code`) ────────────────
  'REQUEST.VALIDATION': {
    kind: 'validation',
    en: 'The request is not valid: {details}',
    vi: 'Yêu cầu không hợp lệ: {details}',
    zh: '请求无效：{details}',
  },
  'REQUEST.FIELD_REQUIRED': {
    kind: 'validation',
    en: '{field} is required.',
    vi: 'Trường {field} là bắt buộc.',
    zh: '{field} 为必填项。',
  },
  'REQUEST.FIELD_NOT_TEXT': {
    kind: 'validation',
    en: '{field} must be text.',
    vi: '{field} phải là văn bản (chuỗi ký tự).',
    zh: '{field} 必须是文本。',
  },
  'REQUEST.FIELD_NOT_INTEGER': {
    kind: 'validation',
    en: '{field} must be a whole number.',
    vi: '{field} phải là số nguyên.',
    zh: '{field} 必须是整数。',
  },
  'REQUEST.FIELD_NOT_NUMBER': {
    kind: 'validation',
    en: '{field} must be a number.',
    vi: '{field} phải là một số.',
    zh: '{field} 必须是数字。',
  },
  'REQUEST.FIELD_NOT_BOOLEAN': {
    kind: 'validation',
    en: '{field} must be true or false.',
    vi: '{field} phải là true (đúng) hoặc false (sai).',
    zh: '{field} 必须是 true（是）或 false（否）。',
  },
  'REQUEST.FIELD_NOT_LIST': {
    kind: 'validation',
    en: '{field} must be a list.',
    vi: '{field} phải là một danh sách.',
    zh: '{field} 必须是列表。',
  },
  'REQUEST.FIELD_NOT_OBJECT': {
    kind: 'validation',
    en: '{field} must be an object with its own fields.',
    vi: '{field} phải là một đối tượng gồm các trường con.',
    zh: '{field} 必须是包含下级字段的对象。',
  },
  'REQUEST.FIELD_NOT_ALLOWED_VALUE': {
    kind: 'validation',
    en: '{field} must be one of: {allowed}.',
    vi: '{field} phải là một trong các giá trị: {allowed}.',
    zh: '{field} 必须是以下值之一：{allowed}。',
  },
  'REQUEST.FIELD_TOO_SMALL': {
    kind: 'validation',
    en: '{field} must not be less than {min}.',
    vi: '{field} không được nhỏ hơn {min}.',
    zh: '{field} 不得小于 {min}。',
  },
  'REQUEST.FIELD_TOO_LARGE': {
    kind: 'validation',
    en: '{field} must not be greater than {max}.',
    vi: '{field} không được lớn hơn {max}.',
    zh: '{field} 不得大于 {max}。',
  },
  'REQUEST.FIELD_TOO_SHORT': {
    kind: 'validation',
    en: '{field} must be at least {min} characters long.',
    vi: '{field} phải dài ít nhất {min} ký tự.',
    zh: '{field} 至少需要 {min} 个字符。',
  },
  'REQUEST.FIELD_TOO_LONG': {
    kind: 'validation',
    en: '{field} must be at most {max} characters long.',
    vi: '{field} chỉ được dài tối đa {max} ký tự.',
    zh: '{field} 不得超过 {max} 个字符。',
  },
  'REQUEST.FIELD_LENGTH': {
    kind: 'validation',
    en: '{field} must be {min} to {max} characters long.',
    vi: '{field} phải dài từ {min} đến {max} ký tự.',
    zh: '{field} 须为 {min} 至 {max} 个字符。',
  },
  'REQUEST.FIELD_NOT_ID': {
    kind: 'validation',
    en: '{field} must be an id of lower-case letters, digits and inner hyphens, at most 64 characters.',
    vi: '{field} phải là mã gồm chữ thường, chữ số và dấu gạch nối ở giữa, tối đa 64 ký tự.',
    zh: '{field} 必须是由小写字母、数字和中间连字符组成、不超过 64 个字符的编号。',
  },
  'REQUEST.FIELD_NOT_DATE': {
    kind: 'validation',
    en: '{field} must be a calendar date YYYY-MM-DD.',
    vi: '{field} phải là ngày theo định dạng YYYY-MM-DD.',
    zh: '{field} 必须是 YYYY-MM-DD 格式的日期。',
  },
  'REQUEST.FIELD_NOT_INSTANT': {
    kind: 'validation',
    en: '{field} must be an ISO 8601 instant, such as 2018-10-10T09:00:00+08:00.',
    vi: '{field} phải là thời điểm theo ISO 8601, ví dụ 2018-10-10T09:00:00+08:00.',
    zh: '{field} 必须是 ISO 8601 时间，例如 2018-10-10T09:00:00+08:00。',
  },
  'REQUEST.FIELD_NOT_HASH': {
    kind: 'validation',
    en: '{field} must be 64 lower-case hexadecimal characters (a SHA-256 hash or key id).',
    vi: '{field} phải gồm 64 ký tự thập lục phân viết thường (mã băm SHA-256 hoặc mã khóa).',
    zh: '{field} 必须是 64 位小写十六进制字符（SHA-256 哈希值或密钥编号）。',
  },
  'REQUEST.FIELD_NOT_STREAM_ID': {
    kind: 'validation',
    en: '{field} must name a record stream, such as task-t4-zh.',
    vi: '{field} phải là mã luồng hồ sơ, ví dụ task-t4-zh.',
    zh: '{field} 必须是记录流编号，例如 task-t4-zh。',
  },
  'REQUEST.FIELD_FORMAT': {
    kind: 'validation',
    en: '{field} does not have the expected form {pattern}.',
    vi: '{field} không đúng định dạng yêu cầu {pattern}.',
    zh: '{field} 不符合规定格式 {pattern}。',
  },
  'REQUEST.FIELD_INVALID': {
    kind: 'validation',
    en: '{field} is not valid.',
    vi: 'Giá trị của {field} không hợp lệ.',
    zh: '{field} 的值无效。',
  },
  'REQUEST.CURSOR_INVALID': {
    kind: 'validation',
    en: '{field} must be a nextCursor returned by an earlier page.',
    vi: '{field} phải là giá trị nextCursor do trang trước trả về.',
    zh: '{field} 必须是上一页返回的 nextCursor。',
  },
  'REQUEST.LIST_TOO_SHORT': {
    kind: 'validation',
    en: '{field} must list at least {min} items.',
    vi: '{field} phải có ít nhất {min} mục.',
    zh: '{field} 至少需要 {min} 项。',
  },
  'REQUEST.LIST_TOO_LONG': {
    kind: 'validation',
    en: '{field} may list at most {max} items.',
    vi: '{field} chỉ được có tối đa {max} mục.',
    zh: '{field} 最多 {max} 项。',
  },
  'REQUEST.FIELD_UNKNOWN': {
    kind: 'validation',
    en: '{field} is not a field of this request.',
    vi: '{field} không phải là trường của yêu cầu này.',
    zh: '{field} 不是本请求的字段。',
  },
  'REQUEST.ACTOR_FIELD': {
    kind: 'validation',
    en: '{field} may not be sent: who acts, and when it is recorded, come from your credential.',
    vi: 'Không được gửi {field}: người thực hiện và thời điểm ghi nhận được lấy từ thông tin xác thực của bạn.',
    zh: '不得提交 {field}：操作人和记录时间以您的身份凭证为准。',
  },
  'REQUEST.BODY_NOT_OBJECT': {
    kind: 'validation',
    en: 'The request body must be a JSON object.',
    vi: 'Nội dung yêu cầu phải là một đối tượng JSON.',
    zh: '请求体必须是 JSON 对象。',
  },
  'REQUEST.MALFORMED': {
    kind: 'validation',
    en: 'The request body is not valid JSON (UTF-8).',
    vi: 'Nội dung yêu cầu không phải JSON hợp lệ (mã hóa UTF-8).',
    zh: '请求体不是有效的 JSON（UTF-8 编码）。',
  },
  'REQUEST.TOO_DEEP': {
    kind: 'validation',
    en: 'The request body is nested more than {max} levels deep.',
    vi: 'Nội dung yêu cầu lồng nhau sâu hơn {max} cấp.',
    zh: '请求体嵌套超过 {max} 层。',
  },
  'REQUEST.TOO_LARGE': {
    kind: 'validation',
    en: 'The request body is larger than the limit of {limit}.',
    vi: 'Nội dung yêu cầu vượt quá giới hạn {limit}.',
    zh: '请求体超过 {limit} 的上限。',
  },
  'REQUEST.UNSUPPORTED_MEDIA_TYPE': {
    kind: 'validation',
    en: 'The request body must be sent as application/json; got {type}.',
    vi: 'Nội dung yêu cầu phải được gửi dưới dạng application/json; nhận được {type}.',
    zh: '请求体必须以 application/json 格式提交；实际为 {type}。',
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
  // ── Responsibility letters (cam kết / 责任书) ─────────────────────────────────────────────────────────────────
  'LETTER.NOT_FOUND': {
    kind: 'not-found',
    en: 'Responsibility letter {letter} has not been drafted.',
    vi: 'Bản cam kết {letter} chưa được soạn thảo.',
    zh: '责任书 {letter} 尚未起草。',
  },
  'LETTER.ALREADY_DRAFTED': {
    kind: 'conflict',
    en: 'Responsibility letter {letter} is already drafted.',
    vi: 'Bản cam kết {letter} đã được soạn thảo.',
    zh: '责任书 {letter} 已起草。',
  },
  'LETTER.WITHDRAWN': {
    kind: 'conflict',
    en: 'Responsibility letter {letter} was withdrawn and can no longer change.',
    vi: 'Bản cam kết {letter} đã bị thu hồi, không thể thay đổi nữa.',
    zh: '责任书 {letter} 已撤回，不能再变更。',
  },
  'LETTER.YEAR_INVALID': {
    kind: 'validation',
    en: 'The letter year must be a year from 1000 to 9999; got "{value}".',
    vi: 'Năm của bản cam kết phải từ 1000 đến 9999; nhận được "{value}".',
    zh: '责任书年度必须在 1000 至 9999 之间；实际为"{value}"。',
  },
  'LETTER.SAME_UNIT': {
    kind: 'rule',
    en: 'A responsibility letter binds two different units; unit {unit} cannot commit to itself.',
    vi: 'Bản cam kết ràng buộc hai đơn vị khác nhau; đơn vị {unit} không thể cam kết với chính mình.',
    zh: '责任书须由两个不同单位签订；单位 {unit} 不能与自身签订。',
  },
  'LETTER.ALREADY_SIGNED': {
    kind: 'conflict',
    en: 'Responsibility letter {letter} has been signed and can no longer be amended.',
    vi: 'Bản cam kết {letter} đã được ký, không thể sửa đổi nữa.',
    zh: '责任书 {letter} 已签署，不能再修改。',
  },
  'LETTER.NO_CHANGES': {
    kind: 'validation',
    en: 'The amendment of letter {letter} changes neither its title nor its objectives.',
    vi: 'Việc sửa đổi bản cam kết {letter} không thay đổi tiêu đề hay chỉ tiêu nào.',
    zh: '对责任书 {letter} 的修改未变更标题或目标任务。',
  },
  'LETTER.NO_OBJECTIVES': {
    kind: 'rule',
    en: 'Responsibility letter {letter} lists no objectives; there is nothing to sign.',
    vi: 'Bản cam kết {letter} chưa có chỉ tiêu nào; không có gì để ký.',
    zh: '责任书 {letter} 未列明任何目标任务，无可签署。',
  },
  'LETTER.PARTY_ALREADY_SIGNED': {
    kind: 'conflict',
    en: 'The {party} party has already signed letter {letter}.',
    vi: 'Bên {party} đã ký bản cam kết {letter}.',
    zh: '{party} 方已签署责任书 {letter}。',
  },
  'LETTER.SIGNER_NOT_PARTY': {
    kind: 'forbidden',
    en: 'The {party} party signs as {role} of unit {unit}.',
    vi: 'Bên {party} phải ký với tư cách {role} của đơn vị {unit}.',
    zh: '{party} 方须由单位 {unit} 的 {role} 签署。',
  },
  'LETTER.SAME_SIGNER': {
    kind: 'forbidden',
    en: 'The two parties of a responsibility letter must be signed by two different people.',
    vi: 'Hai bên của bản cam kết phải do hai người khác nhau ký.',
    zh: '责任书双方须由两个不同的人签署。',
  },
  'LETTER.HASH_MISMATCH': {
    kind: 'rule',
    en: 'The text you sign differs from the one the {party} party signed.',
    vi: 'Văn bản bạn ký khác với văn bản bên {party} đã ký.',
    zh: '您签署的文本与 {party} 方签署的文本不一致。',
  },
  'LETTER.SIGNATURE_INVALID': {
    kind: 'validation',
    en: 'The signature must be a signature envelope (a JSON object).',
    vi: 'Chữ ký phải là một phong bì chữ ký (đối tượng JSON).',
    zh: '签名必须是签名信封（JSON 对象）。',
  },
  'LETTER.WITHDRAW_REQUIRES_LEADER': {
    kind: 'forbidden',
    en: 'Only a leader may withdraw a responsibility letter.',
    vi: 'Chỉ lãnh đạo mới được thu hồi bản cam kết.',
    zh: '只有领导才能撤回责任书。',
  },

  // ── Objectives (chỉ tiêu / 目标任务) ─────────────────────────────────────────────────────────────────────────
  'OBJECTIVE.NOT_FOUND': {
    kind: 'not-found',
    en: 'Objective {objective} has not been defined.',
    vi: 'Chỉ tiêu {objective} chưa được xác lập.',
    zh: '目标任务 {objective} 尚未设定。',
  },
  'OBJECTIVE.ALREADY_DEFINED': {
    kind: 'conflict',
    en: 'Objective {objective} is already defined.',
    vi: 'Chỉ tiêu {objective} đã được xác lập.',
    zh: '目标任务 {objective} 已设定。',
  },
  'OBJECTIVE.CLOSED': {
    kind: 'conflict',
    en: 'Objective {objective} has had its year-close evaluation; nothing more can be recorded on it.',
    vi: 'Chỉ tiêu {objective} đã được đánh giá cuối năm; không thể ghi nhận thêm.',
    zh: '目标任务 {objective} 已完成年终评定，不能再记录。',
  },
  'OBJECTIVE.YEAR_INVALID': {
    kind: 'validation',
    en: 'The objective year must be a year from 1000 to 9999; got "{value}".',
    vi: 'Năm của chỉ tiêu phải từ 1000 đến 9999; nhận được "{value}".',
    zh: '目标年度必须在 1000 至 9999 之间；实际为"{value}"。',
  },
  'OBJECTIVE.NUMBER_INVALID': {
    kind: 'validation',
    en: '{field} must be a finite number; got "{value}".',
    vi: '{field} phải là một số hữu hạn; nhận được "{value}".',
    zh: '{field} 必须是有限数值；实际为"{value}"。',
  },
  'OBJECTIVE.TARGET_INVALID': {
    kind: 'validation',
    en: 'Target {target} is not usable for a {direction} metric: above zero when higher is better, not below zero when lower is better.',
    vi: 'Chỉ tiêu {target} không hợp lệ với chỉ số {direction}: phải lớn hơn 0 khi càng cao càng tốt, không âm khi càng thấp càng tốt.',
    zh: '目标值 {target} 不适用于 {direction} 指标：越高越好时须大于零，越低越好时不得小于零。',
  },
  'OBJECTIVE.WEIGHT_INVALID': {
    kind: 'validation',
    en: 'The weight must be above zero; got {value}.',
    vi: 'Trọng số phải lớn hơn 0; nhận được {value}.',
    zh: '权重必须大于零；实际为 {value}。',
  },
  'OBJECTIVE.TOLERANCE_INVALID': {
    kind: 'validation',
    en: 'The tolerance must be a fraction from 0 to below 1 (0.05 for 5%); got {value}.',
    vi: 'Dung sai phải là phân số từ 0 đến dưới 1 (0,05 là 5%); nhận được {value}.',
    zh: '容差必须是 0 至小于 1 的小数（5% 即 0.05）；实际为 {value}。',
  },
  'OBJECTIVE.DEADLINE_OUTSIDE_YEAR': {
    kind: 'rule',
    en: 'The deadline {deadline} is not in the objective year {year}.',
    vi: 'Thời hạn {deadline} không thuộc năm {year} của chỉ tiêu.',
    zh: '期限 {deadline} 不在目标年度 {year} 内。',
  },
  'OBJECTIVE.DEADLINE_BEFORE_DEFINITION': {
    kind: 'rule',
    en: 'The deadline {deadline} has already passed on {today}.',
    vi: 'Thời hạn {deadline} đã qua vào ngày {today}.',
    zh: '截至 {today}，期限 {deadline} 已过。',
  },
  'OBJECTIVE.SOURCE_MISSING': {
    kind: 'validation',
    en: 'An objective needs a source: the responsibility letter that commits the unit, or the plan or directive that sets it.',
    vi: 'Chỉ tiêu phải có căn cứ: bản cam kết của đơn vị, hoặc kế hoạch, chỉ đạo giao chỉ tiêu.',
    zh: '目标任务须有来源：单位签订的责任书，或下达该目标的方案、指示。',
  },
  'OBJECTIVE.LETTER_WITHDRAWN': {
    kind: 'rule',
    en: 'Responsibility letter {letter} was withdrawn.',
    vi: 'Bản cam kết {letter} đã bị thu hồi.',
    zh: '责任书 {letter} 已撤回。',
  },
  'OBJECTIVE.LETTER_MISMATCH': {
    kind: 'rule',
    en: 'Responsibility letter {letter} does not commit unit {unit} for {year}.',
    vi: 'Bản cam kết {letter} không phải cam kết của đơn vị {unit} cho năm {year}.',
    zh: '责任书 {letter} 不是单位 {unit} 的 {year} 年度责任书。',
  },
  'OBJECTIVE.NOT_IN_LETTER': {
    kind: 'rule',
    en: 'Responsibility letter {letter} does not list objective {objective}.',
    vi: 'Bản cam kết {letter} không có chỉ tiêu {objective}.',
    zh: '责任书 {letter} 未列入目标任务 {objective}。',
  },
  'OBJECTIVE.DIRECTIVE_WITHDRAWN': {
    kind: 'rule',
    en: 'Directive {directive} was withdrawn.',
    vi: 'Chỉ đạo {directive} đã bị thu hồi.',
    zh: '指示 {directive} 已撤回。',
  },
  'OBJECTIVE.ACTUAL_IN_FUTURE': {
    kind: 'rule',
    en: 'A figure as of {asOf} cannot be reported on {today}.',
    vi: 'Không thể báo cáo số liệu tính đến ngày {asOf} vào ngày {today}.',
    zh: '不能在 {today} 报送截至 {asOf} 的数据。',
  },
  'OBJECTIVE.ACTUAL_BEFORE_YEAR': {
    kind: 'rule',
    en: 'A figure as of {asOf} is before the objective year {year}.',
    vi: 'Số liệu tính đến ngày {asOf} thuộc thời gian trước năm {year} của chỉ tiêu.',
    zh: '截至 {asOf} 的数据早于目标年度 {year}。',
  },
  'OBJECTIVE.REVISION_AFTER_DEADLINE': {
    kind: 'rule',
    en: 'A revision must be proposed by the deadline: proposed on {today}, the deadline was {deadline}.',
    vi: 'Phải đề nghị điều chỉnh chỉ tiêu trước khi hết thời hạn: đề nghị ngày {today}, thời hạn là {deadline}.',
    zh: '目标调整须在期限届满前提出：提出日期为 {today}，期限为 {deadline}。',
  },
  'OBJECTIVE.REVISION_PENDING': {
    kind: 'conflict',
    en: 'Revision {revision} is still awaiting a decision.',
    vi: 'Đề nghị điều chỉnh {revision} vẫn đang chờ quyết định.',
    zh: '目标调整申请 {revision} 尚待决定。',
  },
  'OBJECTIVE.REVISION_UNCHANGED': {
    kind: 'validation',
    en: 'The target is already {target}.',
    vi: 'Chỉ tiêu hiện đã là {target}.',
    zh: '目标值已是 {target}。',
  },
  'OBJECTIVE.NO_PENDING_REVISION': {
    kind: 'conflict',
    en: 'There is no pending revision {revision} of this objective.',
    vi: 'Chỉ tiêu này không có đề nghị điều chỉnh {revision} nào đang chờ quyết định.',
    zh: '该目标任务没有待决定的调整申请 {revision}。',
  },
  'OBJECTIVE.REVISION_DECIDER_ROLE': {
    kind: 'forbidden',
    en: 'Only a leader may approve or reject a revision of an objective.',
    vi: 'Chỉ lãnh đạo mới được phê duyệt hoặc từ chối điều chỉnh chỉ tiêu.',
    zh: '只有领导才能批准或驳回目标调整。',
  },
  'OBJECTIVE.SELF_REVISION_APPROVAL': {
    kind: 'forbidden',
    en: 'You cannot decide on a revision you proposed yourself.',
    vi: 'Bạn không thể tự quyết định đề nghị điều chỉnh do chính mình đưa ra.',
    zh: '不能审批本人提出的目标调整。',
  },
  'OBJECTIVE.EXTENSION_AFTER_DEADLINE': {
    kind: 'rule',
    en: 'An extension must be requested by the deadline: requested on {today}, the deadline was {deadline}.',
    vi: 'Phải đề nghị gia hạn trước khi hết thời hạn: đề nghị ngày {today}, thời hạn là {deadline}.',
    zh: '延期须在期限届满前申请：申请日期为 {today}，期限为 {deadline}。',
  },
  'OBJECTIVE.EXTENSION_NOT_LATER': {
    kind: 'rule',
    en: 'The new deadline {newDeadline} must be after the current deadline {deadline}.',
    vi: 'Thời hạn mới {newDeadline} phải sau thời hạn hiện tại {deadline}.',
    zh: '新的期限 {newDeadline} 必须晚于当前期限 {deadline}。',
  },
  'OBJECTIVE.EXTENSION_PENDING': {
    kind: 'conflict',
    en: 'Extension request {request} is still awaiting a decision.',
    vi: 'Đề nghị gia hạn {request} vẫn đang chờ quyết định.',
    zh: '延期申请 {request} 尚待决定。',
  },
  'OBJECTIVE.NO_PENDING_EXTENSION': {
    kind: 'conflict',
    en: 'There is no pending extension request {request} on this objective.',
    vi: 'Chỉ tiêu này không có đề nghị gia hạn {request} nào đang chờ quyết định.',
    zh: '该目标任务没有待决定的延期申请 {request}。',
  },
  'OBJECTIVE.EXTENSION_DECIDER_ROLE': {
    kind: 'forbidden',
    en: 'Only a leader may grant or deny an extension.',
    vi: 'Chỉ lãnh đạo mới được chấp thuận hoặc từ chối gia hạn.',
    zh: '只有领导才能批准或驳回延期申请。',
  },
  'OBJECTIVE.SELF_EXTENSION_DECISION': {
    kind: 'forbidden',
    en: 'You cannot decide on an extension you requested yourself.',
    vi: 'Bạn không thể tự quyết định đề nghị gia hạn do chính mình đưa ra.',
    zh: '不能审批本人提出的延期申请。',
  },
  'OBJECTIVE.NO_PENDING_CAUSE': {
    kind: 'conflict',
    en: 'There is no pending cause claim {claim} on this objective.',
    vi: 'Chỉ tiêu này không có đề nghị xác nhận nguyên nhân {claim} nào đang chờ quyết định.',
    zh: '该目标任务没有待认定的原因申请 {claim}。',
  },
  'OBJECTIVE.CAUSE_DECIDER_ROLE': {
    kind: 'forbidden',
    en: 'Only the discipline commission may confirm or reject an objective cause.',
    vi: 'Chỉ ủy ban kiểm tra mới được xác nhận hoặc bác bỏ nguyên nhân khách quan.',
    zh: '只有纪委监委才能认定或驳回客观原因。',
  },
  'OBJECTIVE.SELF_CAUSE_DECISION': {
    kind: 'forbidden',
    en: 'You cannot decide on a cause you claimed yourself.',
    vi: 'Bạn không thể tự quyết định nguyên nhân do chính mình nêu ra.',
    zh: '不能认定本人提出的原因。',
  },
  'OBJECTIVE.CAUSE_PENDING': {
    kind: 'conflict',
    en: 'Cause claim {claim} is still awaiting the commission’s decision.',
    vi: 'Đề nghị xác nhận nguyên nhân {claim} vẫn đang chờ ủy ban kiểm tra quyết định.',
    zh: '原因申请 {claim} 尚待纪委监委认定。',
  },
  'OBJECTIVE.EVALUATION_BEFORE_DEADLINE': {
    kind: 'rule',
    en: 'The objective cannot be evaluated before its deadline {deadline} (today is {today}).',
    vi: 'Chưa thể đánh giá chỉ tiêu trước thời hạn {deadline} (hôm nay là {today}).',
    zh: '期限 {deadline} 之前不能评定目标任务（今天是 {today}）。',
  },
  'OBJECTIVE.EVALUATION_BEFORE_YEAR_CLOSE': {
    kind: 'rule',
    en: 'The year-close evaluation runs from {yearClose} (today is {today}).',
    vi: 'Việc đánh giá cuối năm được thực hiện từ ngày {yearClose} (hôm nay là {today}).',
    zh: '年终评定自 {yearClose} 起进行（今天是 {today}）。',
  },
  'OBJECTIVE.ALREADY_EVALUATED': {
    kind: 'conflict',
    en: 'Objective {objective} already has its {basis} evaluation.',
    vi: 'Chỉ tiêu {objective} đã được đánh giá ({basis}).',
    zh: '目标任务 {objective} 已完成 {basis} 评定。',
  },

  // ── Inspections and interviews (kiểm tra, giám sát / 督查; làm việc, chất vấn / 约谈) ──────────────────────────
  'INSPECTION.NOT_FOUND': {
    kind: 'not-found',
    en: 'Inspection {inspection} has not been scheduled.',
    vi: 'Đợt kiểm tra {inspection} chưa được lên lịch.',
    zh: '督查 {inspection} 尚未安排。',
  },
  'INSPECTION.ALREADY_SCHEDULED': {
    kind: 'conflict',
    en: 'Inspection {inspection} is already scheduled.',
    vi: 'Đợt kiểm tra {inspection} đã được lên lịch.',
    zh: '督查 {inspection} 已安排。',
  },
  'INSPECTION.CLOSED': {
    kind: 'conflict',
    en: 'Inspection {inspection} is closed.',
    vi: 'Đợt kiểm tra {inspection} đã kết thúc.',
    zh: '督查 {inspection} 已结束。',
  },
  'INSPECTION.ROLE_NOT_ALLOWED': {
    kind: 'forbidden',
    en: 'The role {role} may not run {command} on an inspection.',
    vi: 'Vai trò {role} không được thực hiện {command} trong đợt kiểm tra.',
    zh: '角色 {role} 无权在督查中执行 {command}。',
  },
  'INSPECTION.PERIOD_INVALID': {
    kind: 'validation',
    en: 'The period ends ({periodTo}) before it starts ({periodFrom}).',
    vi: 'Thời kỳ kiểm tra kết thúc ({periodTo}) trước khi bắt đầu ({periodFrom}).',
    zh: '督查期间的结束日期（{periodTo}）早于开始日期（{periodFrom}）。',
  },
  'INSPECTION.NO_UNITS': {
    kind: 'validation',
    en: 'An inspection needs at least one unit to inspect.',
    vi: 'Đợt kiểm tra phải có ít nhất một đơn vị được kiểm tra.',
    zh: '督查至少须有一个被督查单位。',
  },
  'INSPECTION.UNIT_NOT_INSPECTED': {
    kind: 'rule',
    en: 'Unit {unit} is not among the units of this inspection.',
    vi: 'Đơn vị {unit} không thuộc đối tượng của đợt kiểm tra này.',
    zh: '单位 {unit} 不在本次督查范围内。',
  },
  'INSPECTION.SEVERITY_MISMATCH': {
    kind: 'validation',
    en: 'A criticism needs a severity; a {verdict} finding has none.',
    vi: 'Kết luận phê bình phải có mức độ; kết luận loại {verdict} thì không.',
    zh: '批评性发现须注明严重程度；{verdict} 类发现不注明。',
  },
  'INSPECTION.NOTICE_NUMBER_USED': {
    kind: 'conflict',
    en: 'Notice number {documentNumber} is already used in this inspection.',
    vi: 'Số thông báo {documentNumber} đã được sử dụng trong đợt kiểm tra này.',
    zh: '通报文号 {documentNumber} 在本次督查中已使用。',
  },
  'INSPECTION.NOTICE_WITHOUT_FINDINGS': {
    kind: 'validation',
    en: 'A notice makes findings public: name at least one.',
    vi: 'Thông báo phải công bố ít nhất một kết luận kiểm tra.',
    zh: '通报须至少公布一项督查发现。',
  },
  'INSPECTION.FINDING_NOT_FOUND': {
    kind: 'not-found',
    en: 'Finding {finding} is not recorded in this inspection.',
    vi: 'Kết luận {finding} chưa được ghi nhận trong đợt kiểm tra này.',
    zh: '本次督查未记录发现 {finding}。',
  },
  'INSPECTION.NOTICE_KIND_MISMATCH': {
    kind: 'rule',
    en: 'A {kind} notice does not match its findings: a praise notice criticises nobody, a criticism notice criticises someone.',
    vi: 'Thông báo loại {kind} không phù hợp với các kết luận: thông báo biểu dương không phê bình ai, thông báo phê bình phải phê bình ít nhất một đơn vị.',
    zh: '{kind} 类通报与其发现不符：表扬通报不批评任何单位，批评通报须批评至少一个单位。',
  },
  'INSPECTION.ADDRESSEE_MISSING': {
    kind: 'rule',
    en: 'Unit {unit} is named in a finding of the notice and must be among its addressees.',
    vi: 'Đơn vị {unit} được nêu trong kết luận của thông báo nên phải là nơi nhận thông báo.',
    zh: '单位 {unit} 在通报的发现中被点名，须列为通报的主送单位。',
  },
  'INSPECTION.FINDING_NOT_ABOUT_UNIT': {
    kind: 'rule',
    en: 'Finding {finding} is not about unit {unit}.',
    vi: 'Kết luận {finding} không liên quan đến đơn vị {unit}.',
    zh: '发现 {finding} 与单位 {unit} 无关。',
  },
  'INSPECTION.RECTIFICATION_NEEDS_CRITICISM': {
    kind: 'rule',
    en: 'Rectification answers criticism: name at least one criticism finding.',
    vi: 'Yêu cầu khắc phục phải dựa trên ít nhất một kết luận phê bình.',
    zh: '整改须针对至少一项批评性发现。',
  },
  'INSPECTION.DEADLINE_IN_PAST': {
    kind: 'rule',
    en: 'The rectification deadline {deadline} has already passed on {today}.',
    vi: 'Thời hạn khắc phục {deadline} đã qua vào ngày {today}.',
    zh: '截至 {today}，整改期限 {deadline} 已过。',
  },
  'INSPECTION.RECTIFICATION_NOT_FOUND': {
    kind: 'not-found',
    en: 'Rectification {rectification} has not been ordered in this inspection.',
    vi: 'Yêu cầu khắc phục {rectification} chưa được ban hành trong đợt kiểm tra này.',
    zh: '本次督查未下达整改 {rectification}。',
  },
  'INSPECTION.RECTIFICATION_VERIFIED': {
    kind: 'conflict',
    en: 'Rectification {rectification} is already verified.',
    vi: 'Việc khắc phục {rectification} đã được xác minh.',
    zh: '整改 {rectification} 已核实。',
  },
  'INSPECTION.RECTIFICATION_AWAITING_VERIFICATION': {
    kind: 'conflict',
    en: 'Rectification {rectification} is reported and awaits verification.',
    vi: 'Việc khắc phục {rectification} đã được báo cáo và đang chờ xác minh.',
    zh: '整改 {rectification} 已报告，正待核实。',
  },
  'INSPECTION.RECTIFICATION_NOT_REPORTED': {
    kind: 'conflict',
    en: 'Rectification {rectification} has no report awaiting verification.',
    vi: 'Việc khắc phục {rectification} chưa có báo cáo chờ xác minh.',
    zh: '整改 {rectification} 没有待核实的报告。',
  },
  'INSPECTION.SELF_VERIFICATION': {
    kind: 'forbidden',
    en: 'You cannot verify or return a rectification you reported yourself.',
    vi: 'Bạn không thể xác minh hoặc trả lại báo cáo khắc phục do chính mình lập.',
    zh: '不能核实或退回本人提交的整改报告。',
  },
  'INSPECTION.RECTIFICATION_OPEN': {
    kind: 'conflict',
    en: 'Rectification {rectification} is not verified yet; the inspection cannot close.',
    vi: 'Việc khắc phục {rectification} chưa được xác minh; chưa thể kết thúc đợt kiểm tra.',
    zh: '整改 {rectification} 尚未核实，督查不能结束。',
  },
  'INTERVIEW.ALREADY_RECORDED': {
    kind: 'conflict',
    en: 'Interview {interview} is already recorded.',
    vi: 'Buổi làm việc {interview} đã được ghi nhận.',
    zh: '约谈 {interview} 已记录。',
  },
  'INTERVIEW.ROLE_NOT_ALLOWED': {
    kind: 'forbidden',
    en: 'The role {role} does not hold interviews: leaders, inspectors and the discipline commission do.',
    vi: 'Vai trò {role} không chủ trì làm việc, chất vấn: chỉ lãnh đạo, thanh tra và ủy ban kiểm tra.',
    zh: '角色 {role} 不能约谈：约谈由领导、督查人员和纪委监委进行。',
  },
  'INTERVIEW.HELD_IN_FUTURE': {
    kind: 'rule',
    en: 'An interview held on {heldOn} cannot be recorded on {today}.',
    vi: 'Không thể ghi nhận buổi làm việc ngày {heldOn} vào ngày {today}.',
    zh: '不能在 {today} 记录 {heldOn} 的约谈。',
  },
  'INTERVIEW.NO_ATTENDEES': {
    kind: 'validation',
    en: 'An interview needs its attendees.',
    vi: 'Buổi làm việc phải có danh sách người tham dự.',
    zh: '约谈须列明参加人员。',
  },

  // ── Appraisal (đánh giá, xếp loại / 考核) ──────────────────────────────────────────────────────────────────────
  'APPRAISAL.NOT_FOUND': {
    kind: 'not-found',
    en: 'Appraisal cycle {cycle} has not been opened.',
    vi: 'Kỳ đánh giá {cycle} chưa được mở.',
    zh: '考核 {cycle} 尚未启动。',
  },
  'APPRAISAL.ALREADY_OPEN': {
    kind: 'conflict',
    en: 'Appraisal cycle {cycle} is already open.',
    vi: 'Kỳ đánh giá {cycle} đã được mở.',
    zh: '考核 {cycle} 已启动。',
  },
  'APPRAISAL.OUT_OF_ORDER': {
    kind: 'conflict',
    en: 'Cannot run {step}: appraisal cycle {cycle} is {status}.',
    vi: 'Không thể thực hiện {step}: kỳ đánh giá {cycle} đang ở trạng thái {status}.',
    zh: '不能执行 {step}：考核 {cycle} 当前状态为 {status}。',
  },
  'APPRAISAL.ROLE_NOT_ALLOWED': {
    kind: 'forbidden',
    en: 'The role {role} may not run {command} in an appraisal.',
    vi: 'Vai trò {role} không được thực hiện {command} trong kỳ đánh giá.',
    zh: '角色 {role} 无权在考核中执行 {command}。',
  },
  'APPRAISAL.YEAR_INVALID': {
    kind: 'validation',
    en: 'The appraisal year must be a year from 1000 to 9999; got "{value}".',
    vi: 'Năm đánh giá phải từ 1000 đến 9999; nhận được "{value}".',
    zh: '考核年度必须在 1000 至 9999 之间；实际为"{value}"。',
  },
  'APPRAISAL.CYCLE_ID_MISMATCH': {
    kind: 'validation',
    en: 'Appraisal cycle {cycle} must be named {expected} (year and peer group).',
    vi: 'Kỳ đánh giá {cycle} phải có mã {expected} (năm và nhóm đơn vị).',
    zh: '考核 {cycle} 的编号须为 {expected}（年度与考核组别）。',
  },
  'APPRAISAL.RULE_SET_UNKNOWN': {
    kind: 'validation',
    en: 'There is no rule set {ruleSet}.',
    vi: 'Không có bộ tiêu chí {ruleSet}.',
    zh: '不存在考核规则 {ruleSet}。',
  },
  'APPRAISAL.RULE_SET_NOT_EFFECTIVE': {
    kind: 'rule',
    en: 'Rule set {ruleSet} governs appraisals from {from} to {to}, not {year}.',
    vi: 'Bộ tiêu chí {ruleSet} áp dụng cho việc đánh giá từ {from} đến {to}, không áp dụng cho năm {year}.',
    zh: '考核规则 {ruleSet} 适用于 {from} 至 {to} 的考核，不适用于 {year} 年。',
  },
  'APPRAISAL.NO_UNITS': {
    kind: 'validation',
    en: 'An appraisal cycle needs at least one unit.',
    vi: 'Kỳ đánh giá phải có ít nhất một đơn vị.',
    zh: '考核至少须有一个被考核单位。',
  },
  'APPRAISAL.FACTS_INVALID': {
    kind: 'validation',
    en: 'The appraisal facts are malformed at {field}.',
    vi: 'Dữ liệu đánh giá không hợp lệ tại {field}.',
    zh: '考核事实数据在 {field} 处格式不正确。',
  },
  'APPRAISAL.UNIT_NOT_IN_CYCLE': {
    kind: 'rule',
    en: 'Unit {unit} is not appraised in cycle {cycle}.',
    vi: 'Đơn vị {unit} không thuộc kỳ đánh giá {cycle}.',
    zh: '单位 {unit} 不在考核 {cycle} 范围内。',
  },
  'APPRAISAL.UNIT_NOT_SCORED': {
    kind: 'rule',
    en: 'Unit {unit} has no facts: every unit of the peer group is scored together.',
    vi: 'Đơn vị {unit} chưa có dữ liệu: mọi đơn vị trong nhóm phải được chấm điểm cùng lúc.',
    zh: '单位 {unit} 缺少事实数据：同组单位须一并评分。',
  },
  'APPRAISAL.GRADE_UNKNOWN': {
    kind: 'validation',
    en: 'Grade "{grade}" is not a grade of rule set {ruleSet}.',
    vi: 'Mức "{grade}" không phải là mức xếp loại của bộ tiêu chí {ruleSet}.',
    zh: '"{grade}" 不是考核规则 {ruleSet} 的等次。',
  },
  'APPRAISAL.ADJUSTMENT_UNCHANGED': {
    kind: 'validation',
    en: 'Unit {unit} is already graded {grade}.',
    vi: 'Đơn vị {unit} hiện đã được xếp loại {grade}.',
    zh: '单位 {unit} 已是 {grade} 等次。',
  },
  'APPRAISAL.QUOTA_EXCEEDED': {
    kind: 'rule',
    en: 'At most {limit} of the peer group may be graded {grade}.',
    vi: 'Nhóm đơn vị chỉ được tối đa {limit} đơn vị xếp loại {grade}.',
    zh: '同组最多只能有 {limit} 个单位评为 {grade} 等次。',
  },
  'APPRAISAL.SELF_APPROVAL': {
    kind: 'forbidden',
    en: 'You cannot approve appraisal results you scored or moderated.',
    vi: 'Bạn không thể phê duyệt kết quả đánh giá do chính mình chấm điểm hoặc điều chỉnh.',
    zh: '不能审批本人评分或平衡调整的考核结果。',
  },
  'APPRAISAL.APPELLANT_NOT_HEAD': {
    kind: 'forbidden',
    en: 'Only the head of unit {unit} may appeal its grade.',
    vi: 'Chỉ người đứng đầu đơn vị {unit} mới được khiếu nại kết quả xếp loại của đơn vị.',
    zh: '只有单位 {unit} 的第一责任人才能对其等次提出申诉。',
  },
  'APPRAISAL.APPEAL_PENDING': {
    kind: 'conflict',
    en: 'Appeal {appeal} is still awaiting a decision.',
    vi: 'Khiếu nại {appeal} vẫn đang chờ quyết định.',
    zh: '申诉 {appeal} 尚待决定。',
  },
  'APPRAISAL.NO_PENDING_APPEAL': {
    kind: 'conflict',
    en: 'There is no pending appeal {appeal} in this cycle.',
    vi: 'Kỳ đánh giá này không có khiếu nại {appeal} nào đang chờ quyết định.',
    zh: '本次考核没有待决定的申诉 {appeal}。',
  },
  'APPRAISAL.SELF_APPEAL_DECISION': {
    kind: 'forbidden',
    en: 'You cannot decide on an appeal you lodged yourself.',
    vi: 'Bạn không thể tự quyết định khiếu nại do chính mình đưa ra.',
    zh: '不能决定本人提出的申诉。',
  },
  'APPRAISAL.APPEAL_GRADE_REQUIRED': {
    kind: 'validation',
    en: 'An upheld appeal names the new grade.',
    vi: 'Khi chấp nhận khiếu nại phải nêu mức xếp loại mới.',
    zh: '支持申诉时须写明新的等次。',
  },
  'APPRAISAL.RULE_SET_WITHDRAWN': {
    kind: 'rule',
    en: 'Rule set {ruleSet} was withdrawn; open the cycle under the rule set that replaces it.',
    vi: 'Bộ tiêu chí {ruleSet} đã bị thu hồi; hãy mở kỳ đánh giá theo bộ tiêu chí thay thế.',
    zh: '考核规则 {ruleSet} 已撤回；请按替代它的考核规则启动考核。',
  },

  // ── Rule sets published as data (bộ tiêu chí / 考核规则) ─────────────────────────────────────────────────────
  'RULESET.INVALID': {
    kind: 'validation',
    en: 'The rule set is not usable ({count} problem(s)): {field} {problem}.',
    vi: 'Bộ tiêu chí không dùng được ({count} lỗi): {field} {problem}.',
    zh: '考核规则不可用（{count} 处问题）：{field} {problem}。',
  },
  'RULESET.ID_INVALID': {
    kind: 'validation',
    en: '{field} must be a rule-set id <jurisdiction>[-<name>]-<year>[.<n>], such as cn-2019.1; got "{value}".',
    vi: '{field} phải là mã bộ tiêu chí <quốc gia>[-<tên>]-<năm>[.<n>], ví dụ cn-2019.1; nhận được "{value}".',
    zh: '{field} 必须是 <辖区>[-<名称>]-<年度>[.<n>] 形式的考核规则编号，例如 cn-2019.1；实际为"{value}"。',
  },
  'RULESET.ID_MISMATCH': {
    kind: 'validation',
    en: 'The rule set says its id is {ruleSet}, not {expected}.',
    vi: 'Bộ tiêu chí ghi mã {ruleSet}, không phải {expected}.',
    zh: '考核规则的编号为 {ruleSet}，而非 {expected}。',
  },
  'RULESET.ROLE_NOT_ALLOWED': {
    kind: 'forbidden',
    en: 'The role {role} may not run {command}: rule sets are set by the organisation department and administrators.',
    vi: 'Vai trò {role} không được thực hiện {command}: bộ tiêu chí do cơ quan tổ chức và quản trị viên ban hành.',
    zh: '角色 {role} 无权执行 {command}：考核规则由组织部门和管理员制定。',
  },
  'RULESET.BUILT_IN': {
    kind: 'conflict',
    en: 'Rule set {ruleSet} is built into the ledger; publish a correction under a new id (such as {ruleSet}.1) that supersedes it.',
    vi: 'Bộ tiêu chí {ruleSet} có sẵn trong sổ cái; hãy ban hành bản sửa đổi với mã mới (ví dụ {ruleSet}.1) thay thế nó.',
    zh: '考核规则 {ruleSet} 为账本内置；请以新编号（例如 {ruleSet}.1）发布更正并声明替代它。',
  },
  'RULESET.ALREADY_PUBLISHED': {
    kind: 'conflict',
    en: 'Rule set {ruleSet} is already published; a correction is a new id that supersedes it.',
    vi: 'Bộ tiêu chí {ruleSet} đã được ban hành; bản sửa đổi phải có mã mới thay thế nó.',
    zh: '考核规则 {ruleSet} 已发布；更正须使用新编号并声明替代它。',
  },
  'RULESET.SUPERSEDES_UNKNOWN': {
    kind: 'rule',
    en: 'The rule set it supersedes, {ruleSet}, is neither built in nor published.',
    vi: 'Bộ tiêu chí được thay thế, {ruleSet}, không có sẵn và chưa được ban hành.',
    zh: '被替代的考核规则 {ruleSet} 既非内置也未发布。',
  },
  'RULESET.NOT_FOUND': {
    kind: 'not-found',
    en: 'Rule set {ruleSet} has not been published in the ledger.',
    vi: 'Bộ tiêu chí {ruleSet} chưa được ban hành trong sổ cái.',
    zh: '考核规则 {ruleSet} 未在账本中发布。',
  },
  'RULESET.ALREADY_WITHDRAWN': {
    kind: 'conflict',
    en: 'Rule set {ruleSet} is already withdrawn.',
    vi: 'Bộ tiêu chí {ruleSet} đã bị thu hồi.',
    zh: '考核规则 {ruleSet} 已撤回。',
  },

  // ── Accountability cases (xem xét trách nhiệm, kỷ luật / 问责) ────────────────────────────────────────────────
  'CASE.NOT_FOUND': {
    kind: 'not-found',
    en: 'Case {case} has not been referred.',
    vi: 'Vụ việc {case} chưa được chuyển đến.',
    zh: '问责案件 {case} 尚未移送。',
  },
  'CASE.ALREADY_REFERRED': {
    kind: 'conflict',
    en: 'Case {case} is already referred.',
    vi: 'Vụ việc {case} đã được chuyển đến.',
    zh: '问责案件 {case} 已移送。',
  },
  'CASE.OUT_OF_ORDER': {
    kind: 'conflict',
    en: 'Cannot run {step}: case {case} is {status}.',
    vi: 'Không thể thực hiện {step}: vụ việc {case} đang ở trạng thái {status}.',
    zh: '不能执行 {step}：案件 {case} 当前状态为 {status}。',
  },
  'CASE.ROLE_NOT_ALLOWED': {
    kind: 'forbidden',
    en: 'The role {role} may not run {command}: only the discipline commission acts on a case.',
    vi: 'Vai trò {role} không được thực hiện {command}: chỉ ủy ban kiểm tra xử lý vụ việc.',
    zh: '角色 {role} 无权执行 {command}：问责案件只由纪委监委办理。',
  },
  'CASE.REFERRAL_INVALID': {
    kind: 'validation',
    en: 'The referral is malformed at {field}.',
    vi: 'Hồ sơ chuyển đến không hợp lệ tại {field}.',
    zh: '移送材料在 {field} 处格式不正确。',
  },
  'CASE.NO_DECISIONS': {
    kind: 'validation',
    en: 'A decision names at least one person (or the unit) and a form of accountability.',
    vi: 'Quyết định phải nêu ít nhất một người (hoặc đơn vị) và hình thức xử lý.',
    zh: '问责决定须至少写明一名人员（或单位）及问责方式。',
  },
  'CASE.PERSON_NOT_SUBJECT': {
    kind: 'rule',
    en: 'Person {person} is not named in the referral.',
    vi: 'Người {person} không có tên trong hồ sơ chuyển đến.',
    zh: '人员 {person} 未列入移送材料。',
  },
  'CASE.FORM_NOT_ALLOWED': {
    kind: 'validation',
    en: '"{form}" is not a form of accountability in jurisdiction {jurisdiction}.',
    vi: '"{form}" không phải là hình thức xử lý theo quy định của {jurisdiction}.',
    zh: '"{form}" 不是 {jurisdiction} 规定的问责方式。',
  },
  'CASE.FORM_REQUIRED': {
    kind: 'validation',
    en: 'A varied decision names the new form of accountability.',
    vi: 'Khi thay đổi quyết định phải nêu hình thức xử lý mới.',
    zh: '变更决定须写明新的问责方式。',
  },
  'CASE.APPEAL_PENDING': {
    kind: 'conflict',
    en: 'Appeal {appeal} is still awaiting a decision.',
    vi: 'Khiếu nại {appeal} vẫn đang chờ quyết định.',
    zh: '申诉 {appeal} 尚待决定。',
  },
  'CASE.NO_PENDING_APPEAL': {
    kind: 'conflict',
    en: 'There is no pending appeal {appeal} in this case.',
    vi: 'Vụ việc này không có khiếu nại {appeal} nào đang chờ quyết định.',
    zh: '本案没有待决定的申诉 {appeal}。',
  },
  'CASE.PERSON_NOT_DECIDED': {
    kind: 'rule',
    en: 'No decision in force concerns {person}.',
    vi: 'Không có quyết định nào đang có hiệu lực đối với {person}.',
    zh: '没有涉及 {person} 的有效问责决定。',
  },
  'CASE.SELF_REVIEW': {
    kind: 'forbidden',
    en: 'An appeal is decided by someone other than who decided the case.',
    vi: 'Khiếu nại phải do người khác với người đã ra quyết định giải quyết.',
    zh: '申诉须由作出原决定以外的人员处理。',
  },
  'CASE.EXEMPTION_REFS_REQUIRED': {
    kind: 'validation',
    en: 'An exemption names the events or cause claims it rests on.',
    vi: 'Việc miễn trách nhiệm phải nêu các sự kiện hoặc nguyên nhân đã được xác nhận làm căn cứ.',
    zh: '免责须写明所依据的事件或原因认定。',
  },

  // ── Referrals to the discipline commission (移送 / chuyển hồ sơ) ──────────────────────────────────────────────
  'REFERRAL.OBJECTIVE_MISSING': {
    kind: 'not-found',
    en: 'There is no objective to refer.',
    vi: 'Không có chỉ tiêu nào để chuyển hồ sơ.',
    zh: '没有可移送的目标任务。',
  },
  'REFERRAL.NOT_EVALUATED': {
    kind: 'conflict',
    en: 'Objective {objective} has not been evaluated.',
    vi: 'Chỉ tiêu {objective} chưa được đánh giá.',
    zh: '目标任务 {objective} 尚未评定。',
  },
  'REFERRAL.NOT_FLAGGED': {
    kind: 'rule',
    en: 'Objective {objective} was evaluated {outcome}; the rule set does not refer it.',
    vi: 'Chỉ tiêu {objective} được đánh giá là {outcome}; bộ tiêu chí không yêu cầu chuyển hồ sơ.',
    zh: '目标任务 {objective} 评定为 {outcome}，考核规则不要求移送。',
  },
  'REFERRAL.TASKS_NOT_OVERDUE': {
    kind: 'rule',
    en: 'On {asOf}, unit {unit} has no tasks overdue beyond the rule set’s threshold.',
    vi: 'Đến ngày {asOf}, đơn vị {unit} không có nhiệm vụ quá hạn vượt ngưỡng của bộ tiêu chí.',
    zh: '截至 {asOf}，单位 {unit} 没有超过考核规则阈值的逾期事项。',
  },
  'REFERRAL.UNIT_MISMATCH': {
    kind: 'validation',
    en: 'The unit history given is for {unit}, not {expected}.',
    vi: 'Lịch sử đơn vị được cung cấp là của {unit}, không phải {expected}.',
    zh: '所提供的单位沿革属于 {unit}，而非 {expected}。',
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
