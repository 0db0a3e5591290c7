import { createCipheriv, createDecipheriv, createHash, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { chmod, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { isSha256Hex, userKeyIdOf, type UserKeyAlgorithm } from '@ledger/domain';
import { generateEd25519, rawPublicKey } from '@ledger/event-store';
import { KEY_CUSTODY_CONFIG, type KeyCustodyConfig } from './key-custody.config';

const FORMAT = 'accountability-ledger/server-key/v1';
const KEK_BYTES = 32;

/** A key the vault cannot produce: missing, encrypted under another key-encryption key, altered, or unreadable. */
export class ServerKeyError extends Error {
  constructor(
    readonly reason: 'missing' | 'foreign' | 'corrupt' | 'kek',
    message: string,
  ) {
    super(message);
    this.name = 'ServerKeyError';
  }
}

/** What is on disk for one key: JSON, mode 0600. Only the private key is secret, and it is encrypted. */
interface StoredServerKey {
  readonly format: typeof FORMAT;
  readonly userId: string;
  readonly keyId: string;
  readonly algorithm: UserKeyAlgorithm;
  readonly publicKey: string;
  /** Which key-encryption key (a hash of it, not the key): a clear error when the operator swaps it. */
  readonly kek: string;
  readonly cipher: 'aes-256-gcm';
  readonly iv: string;
  readonly tag: string;
  /** The PKCS#8 DER private key, encrypted. */
  readonly ciphertext: string;
}

/**
 * Signing keys the ledger keeps for users who sign in the web or API flow without a key of their own (`custody:
 * 'server'`). Each private key is encrypted with AES-256-GCM under the key-encryption key, the user id and key id
 * bound in as associated data (a file copied to another user's name does not decrypt), and written once to its own
 * file, mode 0600 in a 0700 directory. The key-encryption key comes from LEDGER_KEY_ENCRYPTION_KEY_FILE, or is
 * generated in the data directory on first use; keep it apart from backups of the keys directory.
 *
 * Only the public half is ever recorded (`UserKeyRegistered`); a revoked key's file is deleted, so it can never
 * sign again while its signatures stay verifiable from the log.
 */
@Injectable()
export class ServerKeyVault {
  private readonly log = new Logger('ServerKeyVault');
  private kek: Promise<Buffer> | undefined;

  constructor(@Inject(KEY_CUSTODY_CONFIG) private readonly config: KeyCustodyConfig) {}

  /** Generates a key for `userId`, stores its private half encrypted, and returns the public half to register. */
  async create(userId: string): Promise<{ keyId: string; publicKey: string; algorithm: UserKeyAlgorithm }> {
    const kek = await this.keyEncryptionKey();
    const pair = generateEd25519();
    const raw = rawPublicKey(pair.publicKey);
    const keyId = userKeyIdOf(raw);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', kek, iv);
    cipher.setAAD(associatedData(userId, keyId, 'ed25519'));
    const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
    const ciphertext = Buffer.concat([cipher.update(der), cipher.final()]);
    der.fill(0);
    const stored: StoredServerKey = {
      format: FORMAT,
      userId,
      keyId,
      algorithm: 'ed25519',
      publicKey: raw.toString('base64'),
      kek: kekId(kek),
      cipher: 'aes-256-gcm',
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    };
    await writeExclusive(this.pathOf(keyId), `${JSON.stringify(stored, null, 2)}\n`);
    return { keyId, publicKey: stored.publicKey, algorithm: 'ed25519' };
  }

  /** The private key `keyId` of `userId`, decrypted; throws ServerKeyError when it cannot be. */
  async privateKey(userId: string, keyId: string): Promise<KeyObject> {
    if (!isSha256Hex(keyId)) throw new ServerKeyError('missing', 'not a key id');
    let stored: StoredServerKey;
    try {
      stored = JSON.parse(await readFile(this.pathOf(keyId), 'utf8')) as StoredServerKey;
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new ServerKeyError(missing ? 'missing' : 'corrupt', missing ? `no server-kept key ${keyId}` : `server-kept key ${keyId} is unreadable`);
    }
    if (stored.format !== FORMAT || stored.keyId !== keyId || stored.cipher !== 'aes-256-gcm') throw new ServerKeyError('corrupt', `server-kept key ${keyId} is not in the expected format`);
    if (stored.userId !== userId) throw new ServerKeyError('foreign', `server-kept key ${keyId} is not ${userId}'s`);
    const kek = await this.keyEncryptionKey();
    if (stored.kek !== kekId(kek)) throw new ServerKeyError('kek', `server-kept key ${keyId} is encrypted under another key-encryption key`);
    let der: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(stored.iv, 'base64'));
      decipher.setAAD(associatedData(userId, keyId, stored.algorithm));
      decipher.setAuthTag(Buffer.from(stored.tag, 'base64'));
      der = Buffer.concat([decipher.update(Buffer.from(stored.ciphertext, 'base64')), decipher.final()]);
    } catch {
      throw new ServerKeyError('corrupt', `server-kept key ${keyId} does not decrypt: it was altered`);
    }
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    der.fill(0);
    if (userKeyIdOf(rawPublicKey(privateKey)) !== keyId) throw new ServerKeyError('corrupt', `server-kept key ${keyId} holds another key`);
    return privateKey;
  }

  /** Deletes the key's file (after its revocation is recorded); a missing file is fine. */
  async destroy(keyId: string): Promise<void> {
    if (!isSha256Hex(keyId)) return;
    await rm(this.pathOf(keyId), { force: true });
  }

  private pathOf(keyId: string): string {
    return join(this.config.serverKeysDir, `${keyId}.json`);
  }

  private keyEncryptionKey(): Promise<Buffer> {
    this.kek ??= this.loadKeyEncryptionKey().catch((error: unknown) => {
      this.kek = undefined;
      throw error;
    });
    return this.kek;
  }

  private async loadKeyEncryptionKey(): Promise<Buffer> {
    const configured = this.config.keyEncryptionKeyFile;
    const path = configured ?? this.config.defaultKeyEncryptionKeyFile;
    if (configured === null) {
      try {
        await writeExclusive(path, `${randomBytes(KEK_BYTES).toString('base64')}\n`);
        this.log.log(`generated the key-encryption key for server-kept signing keys in ${path} (mode 0600)`);
      } catch (error) {
        // Another process (or an earlier start) made it first: use theirs.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    let content: Buffer;
    try {
      content = await readFile(path);
    } catch (error) {
      throw new ServerKeyError('kek', `cannot read the key-encryption key ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const mode = (await stat(path)).mode & 0o777;
    if ((mode & 0o077) !== 0) this.log.warn(`key-encryption key ${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
    const kek = parseKeyEncryptionKey(content);
    if (kek === null) throw new ServerKeyError('kek', `the key-encryption key ${path} must hold 32 bytes (raw, hex or base64)`);
    return kek;
  }
}

/** 32 bytes given raw, as 64 hex digits, or as base64 (surrounding white space ignored); null otherwise. */
export function parseKeyEncryptionKey(content: Buffer): Buffer | null {
  const text = content.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) {
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length === KEK_BYTES) return bytes;
  }
  return content.length === KEK_BYTES ? Buffer.from(content) : null;
}

function associatedData(userId: string, keyId: string, algorithm: string): Buffer {
  return Buffer.from(`${FORMAT}\n${userId}\n${keyId}\n${algorithm}`, 'utf8');
}

function kekId(kek: Buffer): string {
  return createHash('sha256').update('accountability-ledger/kek-id\n').update(kek).digest('hex').slice(0, 16);
}

/** Creates `path` with `content`, readable by its owner only, in a 0700 directory; refuses to overwrite. */
async function writeExclusive(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(path, 0o600);
}
