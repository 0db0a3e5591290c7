import { createHash } from 'node:crypto';

/**
 * API tokens are `lgr_<tokenId>_<secret>`:
 * - `tokenId`: an entity id (lower-case letters, digits, inner hyphens; no underscore), recorded in the log, so a
 *   token is found by id and a revocation names it;
 * - `secret`: `API_TOKEN_SECRET_BYTES` random bytes in base64url (43 characters), never recorded. The log holds
 *   `hashApiTokenSecret(secret)`: SHA-256 over the secret's ASCII text (the text, not the decoded bytes, so there is
 *   exactly one accepted spelling of each secret).
 * The prefix makes a leaked token recognisable to secret scanners.
 */
export const API_TOKEN_PREFIX = 'lgr';
export const API_TOKEN_SECRET_BYTES = 32;

const TOKEN = /^lgr_([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)_([A-Za-z0-9_-]{43})$/;

export function formatApiToken(tokenId: string, secret: string): string {
  return `${API_TOKEN_PREFIX}_${tokenId}_${secret}`;
}

/** The parts of a well-formed token, or null (the caller answers 401 without looking anything up). */
export function parseApiToken(token: string): { tokenId: string; secret: string } | null {
  const match = TOKEN.exec(token);
  return match ? { tokenId: match[1], secret: match[2] } : null;
}

export function hashApiTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
