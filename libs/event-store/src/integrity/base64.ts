/**
 * Strict base64 decoding. `Buffer.from(s, 'base64')` skips characters it does not know and ignores stray padding,
 * so two different strings can decode to the same signature; untrusted envelopes and notes are checked here first.
 */

const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

/** Standard base64 (RFC 4648 §4) with padding, in its one canonical form; undefined if `s` is anything else. */
export function decodeBase64Strict(s: string): Buffer | undefined {
  if (typeof s !== 'string' || s.length % 4 !== 0 || !STANDARD.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64');
  // Re-encoding catches misplaced padding and non-zero trailing bits, which Buffer.from accepts.
  return bytes.toString('base64') === s ? bytes : undefined;
}

/**
 * Standard or URL-safe base64, padded or not (DSSE allows either alphabet), but canonical within its alphabet:
 * no mixed alphabets, no misplaced padding, no non-zero trailing bits.
 */
export function decodeBase64Lenient(s: string): Buffer | undefined {
  if (typeof s !== 'string') return undefined;
  const urlSafe = !STANDARD.test(s);
  if (urlSafe && !URL_SAFE.test(s)) return undefined;
  const body = s.replace(/=+$/, '');
  if (s.length !== body.length && s.length % 4 !== 0) return undefined;
  if (body.length % 4 === 1) return undefined;
  const bytes = Buffer.from(body, urlSafe ? 'base64url' : 'base64');
  const again = bytes.toString(urlSafe ? 'base64url' : 'base64').replace(/=+$/, '');
  return again === body ? bytes : undefined;
}
