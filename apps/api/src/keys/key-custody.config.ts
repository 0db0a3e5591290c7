import { join, resolve } from 'node:path';

/**
 * Where the keys the ledger keeps for users live (`custody: 'server'`): their private halves, each encrypted at rest
 * under the key-encryption key. Neither ever enters the log, which auditors read and evidence bundles copy.
 */
export interface KeyCustodyConfig {
  /** `LEDGER_KEY_ENCRYPTION_KEY_FILE`: 32 bytes (raw, hex or base64). Unset: generated in the data directory. */
  readonly keyEncryptionKeyFile: string | null;
  /** Where a generated key-encryption key is kept: `$LEDGER_DATA_DIR/keys/key-encryption.key` (mode 0600). */
  readonly defaultKeyEncryptionKeyFile: string;
  /** `LEDGER_SERVER_KEYS_DIR`: one encrypted file per key (default `$LEDGER_DATA_DIR/keys/users`). */
  readonly serverKeysDir: string;
}

export const KEY_CUSTODY_CONFIG = Symbol('KEY_CUSTODY_CONFIG');

export function keyCustodyConfigFromEnv(dataDir: string, env: NodeJS.ProcessEnv = process.env): KeyCustodyConfig {
  const file = env.LEDGER_KEY_ENCRYPTION_KEY_FILE?.trim();
  const dir = env.LEDGER_SERVER_KEYS_DIR?.trim();
  return {
    keyEncryptionKeyFile: file ? resolve(file) : null,
    defaultKeyEncryptionKeyFile: join(dataDir, 'keys', 'key-encryption.key'),
    serverKeysDir: dir ? resolve(dir) : join(dataDir, 'keys', 'users'),
  };
}
