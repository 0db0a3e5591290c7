import { ApiError } from '../shared/api-error';

/**
 * Refusals of signed sign-offs and of the keys behind them, with their status and messages in the three working
 * languages. They are the application's (like `shared/app-errors.ts`): only the application sees both the envelope
 * and the approver's keys, which live in another stream than the sign-off.
 */
const SIGNATURE_ERRORS = {
  'SIGNOFF.SIGNATURE_INVALID': {
    status: 422,
    en: 'The sign-off signature is not valid: {reason}.',
    vi: 'Chữ ký phê duyệt không hợp lệ: {reason}.',
    zh: '签批签名无效：{reason}。',
  },
  'SIGNOFF.KEY_UNKNOWN': {
    status: 422,
    en: 'Key {key} is not a registered signing key of {user}: sign with one of your own registered keys.',
    vi: 'Khóa {key} không phải là khóa ký đã đăng ký của {user}: hãy ký bằng khóa đã đăng ký của chính bạn.',
    zh: '密钥 {key} 不是 {user} 已登记的签名密钥：请使用本人已登记的密钥签名。',
  },
  'SIGNOFF.KEY_REVOKED': {
    status: 422,
    en: 'Signing key {key} of {user} was revoked at {revokedAt}; it signs nothing from then on.',
    vi: 'Khóa ký {key} của {user} đã bị thu hồi lúc {revokedAt}; từ thời điểm đó khóa này không còn được dùng để ký.',
    zh: '{user} 的签名密钥 {key} 已于 {revokedAt} 吊销，此后不能再用于签名。',
  },
  'SIGNOFF.PAYLOAD_MISMATCH': {
    status: 422,
    en: 'The signed statement does not say what the request says ({fields}): sign the sign-off you submit.',
    vi: 'Nội dung đã ký không khớp với yêu cầu ({fields}): hãy ký đúng nội dung phê duyệt bạn gửi.',
    zh: '签名内容与请求不一致（{fields}）：请对所提交的签批内容签名。',
  },
  'SIGNOFF.SERVER_KEY_MISSING': {
    status: 422,
    en: 'The ledger keeps no active signing key for {user}: register one with custody "server" first (POST /v1/users/{user}/keys).',
    vi: 'Hệ thống không giữ khóa ký còn hiệu lực nào của {user}: hãy đăng ký khóa với custody "server" trước (POST /v1/users/{user}/keys).',
    zh: '账本未为 {user} 保管有效的签名密钥：请先登记 custody 为 "server" 的密钥（POST /v1/users/{user}/keys）。',
  },
  'SIGNOFF.SIGNATURE_CHOICE': {
    status: 400,
    en: 'Send either a signature envelope or signWithServerKey, not both.',
    vi: 'Chỉ gửi phong bì chữ ký hoặc signWithServerKey, không gửi cả hai.',
    zh: '签名信封与 signWithServerKey 只能二选一。',
  },
  'KEYS.SERVER_KEY_UNAVAILABLE': {
    status: 503,
    en: 'The signing key the ledger keeps for {user} cannot be used now; tell the operator.',
    vi: 'Hiện không thể dùng khóa ký hệ thống giữ cho {user}; hãy báo cho người vận hành.',
    zh: '账本为 {user} 保管的签名密钥当前无法使用；请联系运维人员。',
  },
} as const satisfies Record<string, { status: number; en: string; vi: string; zh: string }>;

export type SignatureErrorCode = keyof typeof SIGNATURE_ERRORS;

/** Why a signature is invalid, in each language (the `{reason}` of SIGNOFF.SIGNATURE_INVALID). */
export const SIGNATURE_REASONS = {
  shape: {
    en: 'it must be a DSSE envelope {payloadType, payload, signatures: [{keyid, sig}]} with one signature and the payload in standard base64',
    vi: 'phải là phong bì DSSE {payloadType, payload, signatures: [{keyid, sig}]} có đúng một chữ ký và nội dung mã hóa base64 chuẩn',
    zh: '必须是仅含一个签名、载荷为标准 base64 的 DSSE 信封 {payloadType, payload, signatures: [{keyid, sig}]}',
  },
  'payload-type': {
    en: 'the payload type must be application/vnd.accountability-ledger.signoff.v1+json',
    vi: 'loại nội dung phải là application/vnd.accountability-ledger.signoff.v1+json',
    zh: '载荷类型必须为 application/vnd.accountability-ledger.signoff.v1+json',
  },
  algorithm: {
    en: 'the key\'s algorithm cannot verify signatures here',
    vi: 'thuật toán của khóa không được hỗ trợ để xác minh chữ ký',
    zh: '该密钥的算法无法在此验证签名',
  },
  signature: {
    en: 'the signature does not verify under the key it names (wrong key, or the payload was altered)',
    vi: 'chữ ký không khớp với khóa được nêu (sai khóa, hoặc nội dung đã bị sửa)',
    zh: '签名无法用其所指密钥验证（密钥不符，或载荷被篡改）',
  },
} as const;
export type SignatureReason = keyof typeof SIGNATURE_REASONS;

function fill(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** An `ApiError` for `code` with its status and its message in every language. */
export function signatureError(
  code: SignatureErrorCode,
  params: Readonly<Record<string, string | number>> = {},
  fields: ReadonlyArray<{ field: string; reason: string }> = [],
): ApiError {
  const entry = SIGNATURE_ERRORS[code];
  const messages = { en: fill(entry.en, params), vi: fill(entry.vi, params), zh: fill(entry.zh, params) };
  return new ApiError(entry.status, code, messages.en, fields, messages);
}

/** SIGNOFF.SIGNATURE_INVALID with its reason in each language. */
export function invalidSignature(reason: SignatureReason): ApiError {
  const text = SIGNATURE_REASONS[reason];
  const entry = SIGNATURE_ERRORS['SIGNOFF.SIGNATURE_INVALID'];
  const messages = { en: fill(entry.en, { reason: text.en }), vi: fill(entry.vi, { reason: text.vi }), zh: fill(entry.zh, { reason: text.zh }) };
  return new ApiError(entry.status, 'SIGNOFF.SIGNATURE_INVALID', messages.en, [{ field: 'signature', reason: text.en }], messages);
}
