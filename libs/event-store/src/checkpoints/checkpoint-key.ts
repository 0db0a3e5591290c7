import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EventStoreError } from '../errors';
import { ed25519PublicFromRaw, generateEd25519, rawPublicKey, sha256, toHex } from '../integrity';
import { CHECKPOINT_ALGORITHM } from './checkpoint-events';

/**
 * The ledger's own signing key: it signs checkpoints and key rotations, and nothing else of the ledger is signed
 * with it but evidence bundles (DSSE, a different message space from signed notes). Its private half is never
 * logged, never put in an error message, and never leaves the file it was read from.
 */
export interface CheckpointKey {
  readonly algorithm: typeof CHECKPOINT_ALGORITHM;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly rawPublicKey: Buffer;
  /** Standard base64 of the raw public key. */
  readonly publicKeyBase64: string;
  /** Lower-case hex SHA-256 of the raw public key (the same rule as users' keys). */
  readonly keyId: string;
}

/** A verifier's view of a key: the public half only. */
export interface CheckpointPublicKey {
  readonly algorithm: typeof CHECKPOINT_ALGORITHM;
  readonly publicKey: KeyObject;
  readonly rawPublicKey: Buffer;
  readonly publicKeyBase64: string;
  readonly keyId: string;
}

export function checkpointKeyIdOf(raw: Uint8Array): string {
  return toHex(sha256(raw));
}

export function checkpointKeyFrom(privateKey: KeyObject): CheckpointKey {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new EventStoreError('CHECKPOINT.KEY_INVALID', 'the checkpoint key must be an Ed25519 private key');
  }
  const raw = rawPublicKey(privateKey);
  return {
    algorithm: CHECKPOINT_ALGORITHM,
    privateKey,
    publicKey: ed25519PublicFromRaw(raw),
    rawPublicKey: raw,
    publicKeyBase64: raw.toString('base64'),
    keyId: checkpointKeyIdOf(raw),
  };
}

/** A public key from its standard base64 (as stored in events and bundles); undefined when it is not one. */
export function publicCheckpointKey(base64: unknown): CheckpointPublicKey | undefined {
  if (typeof base64 !== 'string') return undefined;
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== base64) return undefined;
  try {
    return { algorithm: CHECKPOINT_ALGORITHM, publicKey: ed25519PublicFromRaw(raw), rawPublicKey: raw, publicKeyBase64: base64, keyId: checkpointKeyIdOf(raw) };
  } catch {
    return undefined;
  }
}

export function generateCheckpointKey(): CheckpointKey {
  return checkpointKeyFrom(generateEd25519().privateKey);
}

/** PKCS#8 PEM, the format `LEDGER_CHECKPOINT_KEY_FILE` holds (`openssl genpkey -algorithm ed25519` writes it). */
export function checkpointKeyToPem(key: CheckpointKey): string {
  return key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function checkpointKeyFromPem(pem: string | Buffer, source: string): CheckpointKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    // The parser's message can quote the input: say only where it came from.
    throw new EventStoreError('CHECKPOINT.KEY_INVALID', `${source} is not a PKCS#8 PEM private key`, { source });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new EventStoreError('CHECKPOINT.KEY_INVALID', `${source} holds a ${String(privateKey.asymmetricKeyType)} key; the checkpoint key must be Ed25519`, { source });
  }
  return checkpointKeyFrom(privateKey);
}

export function defaultCheckpointKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'checkpoint-ed25519.pem');
}

export interface LoadedCheckpointKey {
  readonly key: CheckpointKey;
  readonly path: string;
  /** True when this call generated the key (first start). */
  readonly created: boolean;
  /** Things the operator should fix, never containing key material (e.g. a key file others can read). */
  readonly warnings: readonly string[];
}

/**
 * `keyFile` (LEDGER_CHECKPOINT_KEY_FILE) when given: it must exist. Otherwise `$dataDir/keys/checkpoint-ed25519.pem`,
 * generated on first start with mode 0600 in a 0700 directory. Creation is exclusive, so two processes starting
 * together on one data directory end up with the same key.
 */
export async function loadOrCreateCheckpointKey(options: { keyFile?: string; dataDir: string }): Promise<LoadedCheckpointKey> {
  if (options.keyFile) return { ...(await readKeyFile(options.keyFile)), created: false };
  const path = defaultCheckpointKeyPath(options.dataDir);
  try {
    return { ...(await readKeyFile(path)), created: false };
  } catch (error) {
    if ((error as { details?: { errno?: string } }).details?.errno !== 'ENOENT') throw error;
  }
  const key = generateCheckpointKey();
  try {
    await writeKeyFileExclusive(path, key);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { ...(await readKeyFile(path)), created: false };
    throw error;
  }
  return { key, path, created: true, warnings: [] };
}

/**
 * Writes a new key file readable by its owner only; refuses to overwrite an existing one (EEXIST). The key is
 * written whole to a private temporary file first and then hard-linked into place, so a concurrent reader never
 * sees a half-written key.
 */
export async function writeKeyFileExclusive(path: string, key: CheckpointKey): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const staging = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(staging, 'wx', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(checkpointKeyToPem(key), 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(staging, path);
  } finally {
    await unlink(staging);
  }
  await chmod(path, 0o600);
}

async function readKeyFile(path: string): Promise<{ key: CheckpointKey; path: string; warnings: string[] }> {
  let pem: Buffer;
  try {
    pem = await readFile(path);
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    throw new EventStoreError('CHECKPOINT.KEY_UNREADABLE', `cannot read the checkpoint key ${path} (${errno ?? 'error'})`, { path, errno });
  }
  const warnings: string[] = [];
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0) warnings.push(`checkpoint key ${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
  return { key: checkpointKeyFromPem(pem, path), path, warnings };
}
