import type { Check, CheckId, EvidenceReport } from './verify-evidence';

export const REPORT_LANGUAGES = ['en', 'vi', 'zh'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

type Text = { readonly [L in ReportLanguage]: string };
/** For each check: what was verified, what failed, and the short name a failure summary lists. */
type CheckText = { readonly ok: Text; readonly fail: Text; readonly name: Text };

/**
 * The verifier's report in the working languages. Terms follow DOMAIN.md: checkpoint = điểm kiểm chứng / 检查点,
 * sign-off = phê duyệt / 签批, ledger = sổ cái / 台账, evidence = chứng cứ / 证据.
 */
export const CHECK_TEXT: { readonly [C in CheckId]: CheckText } = {
  'bundle.json': {
    ok: { en: 'The file is a JSON evidence bundle', vi: 'Tệp là một gói chứng cứ JSON', zh: '文件为 JSON 格式的证据包' },
    fail: { en: 'The file is not a JSON evidence bundle', vi: 'Tệp không phải là gói chứng cứ JSON', zh: '文件不是 JSON 格式的证据包' },
    name: { en: 'JSON', vi: 'JSON', zh: 'JSON 格式' },
  },
  'bundle.canonical': {
    ok: {
      en: 'The file is byte for byte as the ledger exported it (canonical JSON)',
      vi: 'Tệp giữ nguyên từng byte như khi sổ cái xuất ra (JSON chuẩn tắc)',
      zh: '文件与台账导出时逐字节一致（规范化 JSON）',
    },
    fail: {
      en: 'The file was re-formatted or edited: it is not the canonical JSON the ledger exports',
      vi: 'Tệp đã bị định dạng lại hoặc chỉnh sửa: không còn là JSON chuẩn tắc do sổ cái xuất ra',
      zh: '文件已被重新排版或修改：不再是台账导出的规范化 JSON',
    },
    name: { en: 'file form', vi: 'dạng tệp', zh: '文件格式' },
  },
  'bundle.format': {
    ok: { en: 'Format {format}', vi: 'Định dạng {format}', zh: '格式 {format}' },
    fail: { en: 'Unknown format {format}', vi: 'Định dạng không xác định: {format}', zh: '未知格式 {format}' },
    name: { en: 'format', vi: 'định dạng', zh: '格式' },
  },
  'ledger.key': {
    ok: { en: 'Ledger key {keyId}', vi: 'Khóa của sổ cái {keyId}', zh: '台账密钥 {keyId}' },
    fail: { en: 'The ledger key in the bundle is malformed', vi: 'Khóa của sổ cái trong gói không hợp lệ', zh: '证据包中的台账密钥格式不正确' },
    name: { en: 'ledger key', vi: 'khóa sổ cái', zh: '台账密钥' },
  },
  'ledger.pinned': {
    ok: {
      en: 'The ledger key is the key you gave ({keyId}), or linked to it by key rotations the bundle proves',
      vi: 'Khóa của sổ cái chính là khóa bạn cung cấp ({keyId}), hoặc được nối với khóa đó qua các lần thay khóa có trong gói',
      zh: '台账密钥即您指定的密钥（{keyId}），或经证据包中已证明的密钥轮换与之相连',
    },
    fail: {
      en: 'The bundle is not signed by the ledger key you gave ({keyId})',
      vi: 'Gói không được ký bằng khóa sổ cái bạn cung cấp ({keyId})',
      zh: '证据包并非由您指定的台账密钥（{keyId}）签名',
    },
    name: { en: 'pinned ledger key', vi: 'khóa sổ cái được chỉ định', zh: '指定的台账密钥' },
  },
  'checkpoint.signature': {
    ok: {
      en: 'Checkpoint of {size} events (root {root}, signed {time}): the signature by the ledger key is valid',
      vi: 'Điểm kiểm chứng gồm {size} sự kiện (gốc {root}, ký lúc {time}): chữ ký bằng khóa sổ cái hợp lệ',
      zh: '包含 {size} 个事件的检查点（根哈希 {root}，签署于 {time}）：台账密钥签名有效',
    },
    fail: {
      en: 'Checkpoint signature: the checkpoint of size {size} is not validly signed by the ledger key',
      vi: 'Chữ ký điểm kiểm chứng: điểm kiểm chứng kích thước {size} không được ký hợp lệ bằng khóa sổ cái',
      zh: '检查点签名：规模为 {size} 的检查点未经台账密钥有效签名',
    },
    name: { en: 'checkpoint signature', vi: 'chữ ký điểm kiểm chứng', zh: '检查点签名' },
  },
  'event.record': {
    ok: {
      en: 'Event {n} (position {position}): {type} on {stream} by {actor} at {at}',
      vi: 'Sự kiện {n} (vị trí {position}): {type} trên {stream}, do {actor} thực hiện lúc {at}',
      zh: '事件 {n}（位置 {position}）：{stream} 上的 {type}，由 {actor} 于 {at} 记录',
    },
    fail: {
      en: 'Event {n} (position {position}): its record is malformed or out of order',
      vi: 'Sự kiện {n} (vị trí {position}): bản ghi không hợp lệ hoặc sai thứ tự',
      zh: '事件 {n}（位置 {position}）：记录格式错误或顺序不对',
    },
    name: { en: 'record of event {n}', vi: 'bản ghi sự kiện {n}', zh: '事件 {n} 的记录' },
  },
  'event.leaf': {
    ok: {
      en: 'Event {n}: the leaf hash recomputed from its canonical bytes matches',
      vi: 'Sự kiện {n}: giá trị băm lá tính lại từ các byte chuẩn tắc khớp',
      zh: '事件 {n}：由规范化字节重新计算的叶哈希一致',
    },
    fail: {
      en: 'Event {n} leaf (position {position}): the leaf hash does not match the event’s canonical bytes',
      vi: 'Lá của sự kiện {n} (vị trí {position}): giá trị băm lá không khớp với các byte chuẩn tắc của sự kiện',
      zh: '事件 {n} 的叶（位置 {position}）：叶哈希与事件的规范化字节不符',
    },
    name: { en: 'event {n} leaf', vi: 'lá của sự kiện {n}', zh: '事件 {n} 的叶哈希' },
  },
  'event.proof': {
    ok: {
      en: 'Event {n}: included in the checkpoint’s tree of {size} events (inclusion proof of {hashes} hashes)',
      vi: 'Sự kiện {n}: nằm trong cây của điểm kiểm chứng gồm {size} sự kiện (bằng chứng bao hàm gồm {hashes} giá trị băm)',
      zh: '事件 {n}：包含在检查点的 {size} 个事件的树中（包含证明，{hashes} 个哈希）',
    },
    fail: {
      en: 'Proof of event {n} (position {position}): the inclusion proof does not lead to the checkpoint’s root',
      vi: 'Bằng chứng của sự kiện {n} (vị trí {position}): bằng chứng bao hàm không dẫn tới gốc của điểm kiểm chứng',
      zh: '事件 {n} 的证明（位置 {position}）：包含证明无法推出检查点的根哈希',
    },
    name: { en: 'proof of event {n}', vi: 'bằng chứng của sự kiện {n}', zh: '事件 {n} 的包含证明' },
  },
  'event.key': {
    ok: {
      en: 'Event {n}: key {keyId} registered for {user} (kept by: {custody})',
      vi: 'Sự kiện {n}: khóa {keyId} được đăng ký cho {user} (người giữ: {custody})',
      zh: '事件 {n}：为 {user} 登记的密钥 {keyId}（保管方：{custody}）',
    },
    fail: {
      en: 'Event {n} (position {position}): the registered key is malformed',
      vi: 'Sự kiện {n} (vị trí {position}): khóa được đăng ký không hợp lệ',
      zh: '事件 {n}（位置 {position}）：登记的密钥格式不正确',
    },
    name: { en: 'key of event {n}', vi: 'khóa trong sự kiện {n}', zh: '事件 {n} 中的密钥' },
  },
  'event.rotation': {
    ok: {
      en: 'Event {n}: the ledger key was rotated from {from} to {to}, signed by both keys',
      vi: 'Sự kiện {n}: khóa sổ cái được thay từ {from} sang {to}, có chữ ký của cả hai khóa',
      zh: '事件 {n}：台账密钥由 {from} 轮换为 {to}，两把密钥均已签名',
    },
    fail: {
      en: 'Event {n} (position {position}): the ledger key rotation does not verify',
      vi: 'Sự kiện {n} (vị trí {position}): việc thay khóa sổ cái không được xác minh',
      zh: '事件 {n}（位置 {position}）：台账密钥轮换验证失败',
    },
    name: { en: 'key rotation in event {n}', vi: 'thay khóa trong sự kiện {n}', zh: '事件 {n} 中的密钥轮换' },
  },
  envelope: {
    ok: {
      en: 'Envelope of event {n} ({path}, {payloadType}): the signature of {signer} with key {keyId} (kept by: {custody}; registered at position {registeredAt}) is valid',
      vi: 'Phong bì chữ ký của sự kiện {n} ({path}, {payloadType}): chữ ký của {signer} bằng khóa {keyId} (người giữ: {custody}; đăng ký tại vị trí {registeredAt}) hợp lệ',
      zh: '事件 {n} 的签名信封（{path}，{payloadType}）：{signer} 使用密钥 {keyId}（保管方：{custody}；登记于位置 {registeredAt}）的签名有效',
    },
    fail: {
      en: 'Envelope of event {n} ({path}): the signature of {signer} does not verify under a key registered before it and not revoked',
      vi: 'Phong bì chữ ký của sự kiện {n} ({path}): chữ ký của {signer} không khớp với khóa nào đã đăng ký trước đó và chưa bị thu hồi',
      zh: '事件 {n} 的签名信封（{path}）：{signer} 的签名无法用此前登记且未吊销的密钥验证',
    },
    name: { en: 'envelope of event {n}', vi: 'phong bì chữ ký của sự kiện {n}', zh: '事件 {n} 的签名信封' },
  },
  'summary.approverKeys': {
    ok: {
      en: 'Approvers’ keys: {count}, as the key events in the bundle establish',
      vi: 'Khóa của người phê duyệt: {count}, đúng như các sự kiện đăng ký khóa trong gói',
      zh: '审批人密钥：{count} 把，与证据包中的密钥事件一致',
    },
    fail: {
      en: 'The approvers’ key list differs from the key events in the bundle',
      vi: 'Danh sách khóa của người phê duyệt khác với các sự kiện đăng ký khóa trong gói',
      zh: '审批人密钥列表与证据包中的密钥事件不符',
    },
    name: { en: 'approvers’ key list', vi: 'danh sách khóa người phê duyệt', zh: '审批人密钥列表' },
  },
  'summary.envelopes': {
    ok: {
      en: 'Signatures listed: {count}, as found in the events',
      vi: 'Số chữ ký được liệt kê: {count}, đúng như trong các sự kiện',
      zh: '列出的签名：{count} 个，与事件中所含一致',
    },
    fail: {
      en: 'The list of signatures differs from the envelopes in the events',
      vi: 'Danh sách chữ ký khác với các phong bì chữ ký trong sự kiện',
      zh: '签名列表与事件中的签名信封不符',
    },
    name: { en: 'signature list', vi: 'danh sách chữ ký', zh: '签名列表' },
  },
  'latest.signature': {
    ok: {
      en: 'Latest checkpoint at export: {size} events (signed {time}); the signature is valid',
      vi: 'Điểm kiểm chứng mới nhất khi xuất: {size} sự kiện (ký lúc {time}); chữ ký hợp lệ',
      zh: '导出时的最新检查点：{size} 个事件（签署于 {time}）；签名有效',
    },
    fail: {
      en: 'Latest checkpoint (size {size}): the signature does not verify',
      vi: 'Điểm kiểm chứng mới nhất (kích thước {size}): chữ ký không hợp lệ',
      zh: '最新检查点（规模 {size}）：签名验证失败',
    },
    name: { en: 'latest checkpoint signature', vi: 'chữ ký điểm kiểm chứng mới nhất', zh: '最新检查点签名' },
  },
  'latest.consistency': {
    ok: {
      en: 'The latest checkpoint ({to} events) extends the bundle’s checkpoint ({from}): consistency proof of {hashes} hashes',
      vi: 'Điểm kiểm chứng mới nhất ({to} sự kiện) là phần nối tiếp của điểm kiểm chứng trong gói ({from}): bằng chứng nhất quán gồm {hashes} giá trị băm',
      zh: '最新检查点（{to} 个事件）是证据包检查点（{from}）的延续：一致性证明，{hashes} 个哈希',
    },
    fail: {
      en: 'Consistency from {from} to {to} does not verify: the log as of the latest checkpoint does not extend the bundle’s',
      vi: 'Tính nhất quán từ {from} đến {to} không được xác minh: sổ cái tại điểm kiểm chứng mới nhất không nối tiếp điểm kiểm chứng của gói',
      zh: '从 {from} 到 {to} 的一致性验证失败：最新检查点时的台账并非证据包检查点的延续',
    },
    name: { en: 'consistency proof', vi: 'bằng chứng nhất quán', zh: '一致性证明' },
  },
  'export.signature': {
    ok: {
      en: 'The ledger signed this export as a whole ({at}, requested by {by}, {role})',
      vi: 'Sổ cái đã ký toàn bộ bản xuất này ({at}, do {by} yêu cầu, vai trò {role})',
      zh: '台账已对本次导出整体签名（{at}，由 {by}（{role}）申请）',
    },
    fail: {
      en: 'Export signature: the bundle as a whole is not signed by the ledger key',
      vi: 'Chữ ký bản xuất: toàn bộ gói không được ký bằng khóa sổ cái',
      zh: '导出签名：证据包整体未经台账密钥签名',
    },
    name: { en: 'export signature', vi: 'chữ ký bản xuất', zh: '导出签名' },
  },
};

const CUSTODY: { readonly [c: string]: Text } = {
  user: { en: 'the user', vi: 'chính người dùng', zh: '用户本人' },
  server: { en: 'the server, for the user', vi: 'máy chủ, thay cho người dùng', zh: '服务器代为保管' },
};

const TEXT = {
  title: { en: 'Evidence bundle verification', vi: 'Kiểm chứng gói chứng cứ', zh: '证据包验证' },
  fromBundle: {
    en: 'Note: the ledger key was taken from the bundle itself. That proves nothing in the bundle was altered since the ledger signed it, not that the signer is the ledger: compare key {keyId} with the key the ledger publishes, or verify with --ledger-key.',
    vi: 'Lưu ý: khóa sổ cái được lấy từ chính gói chứng cứ. Điều này chứng minh nội dung gói không bị thay đổi kể từ khi được ký, nhưng không chứng minh người ký là sổ cái: hãy đối chiếu khóa {keyId} với khóa do sổ cái công bố, hoặc kiểm chứng với --ledger-key.',
    zh: '注意：台账密钥取自证据包本身。这只能证明证据包自签名后未被改动，不能证明签名者就是台账：请将密钥 {keyId} 与台账公布的密钥核对，或使用 --ledger-key 验证。',
  },
  verified: {
    en: 'RESULT: VERIFIED — {events} events, {envelopes} signatures',
    vi: 'KẾT QUẢ: ĐÃ KIỂM CHỨNG — {events} sự kiện, {envelopes} chữ ký',
    zh: '结论：验证通过 — {events} 个事件，{envelopes} 个签名',
  },
  failed: {
    en: 'RESULT: FAILED — {count} check(s) failed: {names}',
    vi: 'KẾT QUẢ: KHÔNG ĐẠT — {count} mục kiểm tra thất bại: {names}',
    zh: '结论：验证失败 — {count} 项检查未通过：{names}',
  },
} as const;

function fill(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
}

function localParams(check: Check, lang: ReportLanguage): Record<string, string | number> {
  const params: Record<string, string | number> = { ...check.params };
  if (typeof params.custody === 'string' && CUSTODY[params.custody]) params.custody = CUSTODY[params.custody][lang];
  return params;
}

/** The language of `--lang`, else of LANG / LC_ALL (vi_VN.UTF-8 → vi), else English. */
export function reportLanguage(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): ReportLanguage {
  const candidates = [explicit, env.LC_ALL, env.LC_MESSAGES, env.LANG].filter((x): x is string => typeof x === 'string' && x !== '');
  for (const c of candidates) {
    const primary = c.toLowerCase().split(/[_.@-]/)[0];
    if ((REPORT_LANGUAGES as readonly string[]).includes(primary)) return primary as ReportLanguage;
    if (c === explicit) break;
  }
  return 'en';
}

/** The report as lines of text: every check with ✓ or ✗, failures with the verifier's reason, then the result. */
export function renderEvidenceReport(report: EvidenceReport, lang: ReportLanguage): string[] {
  const lines: string[] = [TEXT.title[lang]];
  for (const check of report.checks) {
    const text = CHECK_TEXT[check.id];
    const params = localParams(check, lang);
    lines.push(check.ok ? `  ✓ ${fill(text.ok[lang], params)}` : `  ✗ ${fill(text.fail[lang], params)}${check.reason ? ` — ${check.reason}` : ''}`);
  }
  const ledgerKey = report.checks.find((c) => c.id === 'ledger.key' && c.ok);
  if (report.keySource === 'bundle' && ledgerKey) lines.push(fill(TEXT.fromBundle[lang], ledgerKey.params));
  const failed = report.checks.filter((c) => !c.ok);
  lines.push(
    failed.length === 0
      ? fill(TEXT.verified[lang], report.counts)
      : fill(TEXT.failed[lang], { count: failed.length, names: failed.map((c) => fill(CHECK_TEXT[c.id].name[lang], c.params)).join(', ') }),
  );
  return lines;
}
