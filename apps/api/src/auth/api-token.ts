import { randomBytes } from 'node:crypto';
import { API_TOKEN_SECRET_BYTES, formatApiToken, hashApiTokenSecret } from '@ledger/domain';

export interface NewApiToken {
  readonly tokenId: string;
  /** The whole bearer token, shown to its holder once. */
  readonly token: string;
  /** What the log records instead of the secret. */
  readonly secretSha256: string;
}

/** A fresh token: a 96-bit id (24 hex digits, an entity id) and a 256-bit secret. */
export function newApiToken(): NewApiToken {
  const tokenId = randomBytes(12).toString('hex');
  const secret = randomBytes(API_TOKEN_SECRET_BYTES).toString('base64url');
  return { tokenId, token: formatApiToken(tokenId, secret), secretSha256: hashApiTokenSecret(secret) };
}
