import { randomBytes, sign, verify } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519PublicFromRaw } from '@ledger/event-store';
import { keyCustodyConfigFromEnv } from './key-custody.config';
import { parseKeyEncryptionKey, ServerKeyError, ServerKeyVault } from './server-key-vault';

describe('server key vault (on a real file system)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-vault-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('with no key-encryption key configured', () => {
    it('generates one in the data directory, mode 0600, and keeps each private key encrypted in its own 0600 file', async () => {
      const vault = new ServerKeyVault(keyCustodyConfigFromEnv(dir, {}));
      const created = await vault.create('p-vice-mayor');
      expect((await stat(join(dir, 'keys', 'key-encryption.key'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'keys', 'users'))).mode & 0o777).toBe(0o700);
      const file = join(dir, 'keys', 'users', `${created.keyId}.json`);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const stored = JSON.parse(await readFile(file, 'utf8'));
      expect(stored).toMatchObject({ userId: 'p-vice-mayor', keyId: created.keyId, algorithm: 'ed25519', publicKey: created.publicKey, cipher: 'aes-256-gcm' });
      // Nothing in the file is the private key in the clear.
      const privateKey = await vault.privateKey('p-vice-mayor', created.keyId);
      const der = privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer;
      expect((await readFile(file)).includes(der.subarray(-32))).toBe(false);
      expect((await readFile(file, 'utf8')).includes(der.subarray(-32).toString('base64'))).toBe(false);
    });

    it('gives back a private key whose signatures verify under the registered public key', async () => {
      const vault = new ServerKeyVault(keyCustodyConfigFromEnv(dir, {}));
      const created = await vault.create('p-vice-mayor');
      const signature = sign(null, Buffer.from('message'), await vault.privateKey('p-vice-mayor', created.keyId));
      expect(verify(null, Buffer.from('message'), ed25519PublicFromRaw(Buffer.from(created.publicKey, 'base64')), signature)).toBe(true);
    });

    it('reuses the generated key-encryption key after a restart', async () => {
      const created = await new ServerKeyVault(keyCustodyConfigFromEnv(dir, {})).create('p-a');
      const again = new ServerKeyVault(keyCustodyConfigFromEnv(dir, {}));
      await expect(again.privateKey('p-a', created.keyId)).resolves.toBeDefined();
    });
  });

  describe('with LEDGER_KEY_ENCRYPTION_KEY_FILE', () => {
    it('encrypts under that key, and a vault with another key-encryption key cannot decrypt', async () => {
      const kekFile = join(dir, 'kek.hex');
      await writeFile(kekFile, randomBytes(32).toString('hex'), { mode: 0o600 });
      const env = { LEDGER_KEY_ENCRYPTION_KEY_FILE: kekFile, LEDGER_SERVER_KEYS_DIR: join(dir, 'vault') };
      const created = await new ServerKeyVault(keyCustodyConfigFromEnv(dir, env)).create('p-a');
      expect(await readdir(join(dir, 'vault'))).toEqual([`${created.keyId}.json`]);
      await expect(new ServerKeyVault(keyCustodyConfigFromEnv(dir, env)).privateKey('p-a', created.keyId)).resolves.toBeDefined();
      const otherKek = join(dir, 'other.key');
      await writeFile(otherKek, randomBytes(32).toString('base64'), { mode: 0o600 });
      const foreign = new ServerKeyVault(keyCustodyConfigFromEnv(dir, { ...env, LEDGER_KEY_ENCRYPTION_KEY_FILE: otherKek }));
      await expect(foreign.privateKey('p-a', created.keyId)).rejects.toMatchObject({ reason: 'kek' });
    });

    it('refuses a key-encryption key that is not 32 bytes', async () => {
      const kekFile = join(dir, 'short.key');
      await writeFile(kekFile, 'too short', { mode: 0o600 });
      await expect(new ServerKeyVault(keyCustodyConfigFromEnv(dir, { LEDGER_KEY_ENCRYPTION_KEY_FILE: kekFile })).create('p-a')).rejects.toBeInstanceOf(ServerKeyError);
      expect(parseKeyEncryptionKey(randomBytes(32))).toHaveLength(32);
      expect(parseKeyEncryptionKey(Buffer.from(`  ${randomBytes(32).toString('base64')}\n`))).toHaveLength(32);
    });
  });

  describe('when a stored key was tampered with or moved', () => {
    it('refuses a file altered by one byte, a file under another user\'s name, and a deleted key', async () => {
      const vault = new ServerKeyVault(keyCustodyConfigFromEnv(dir, {}));
      const created = await vault.create('p-a');
      const file = join(dir, 'keys', 'users', `${created.keyId}.json`);
      const stored = JSON.parse(await readFile(file, 'utf8'));
      await expect(vault.privateKey('p-b', created.keyId)).rejects.toMatchObject({ reason: 'foreign' });
      const flipped = Buffer.from(stored.ciphertext, 'base64');
      flipped[5] ^= 1;
      await writeFile(file, JSON.stringify({ ...stored, ciphertext: flipped.toString('base64') }));
      await expect(vault.privateKey('p-a', created.keyId)).rejects.toMatchObject({ reason: 'corrupt' });
      await writeFile(file, JSON.stringify({ ...stored, userId: 'p-b' }));
      await expect(vault.privateKey('p-b', created.keyId)).rejects.toMatchObject({ reason: 'corrupt' });
      await vault.destroy(created.keyId);
      await expect(vault.privateKey('p-a', created.keyId)).rejects.toMatchObject({ reason: 'missing' });
    });
  });
});
