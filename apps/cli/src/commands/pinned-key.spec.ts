import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { parsePinnedKey, PinnedKeyError } from './checkpoint';

/** `ledger verify --pinned-key <file>`: the formats an auditor may have saved the ledger's key in, and nothing else. */
describe('parsePinnedKey', () => {
  const keys = Array.from({ length: 8 }, () => generateKeyPairSync('ed25519').publicKey);
  const rawOf = (key: ReturnType<typeof createPublicKey>) => Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url').toString('base64');

  it('reads the same key from base64, the --public-key line, its JSON and a PEM public key, whatever the surrounding whitespace', () => {
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.constantFrom('', '\n', '\r\n', '  \n\n'), fc.constantFrom('', ' ', '\n'), (key, after, before) => {
        const raw = rawOf(key);
        const forms = [
          raw,
          `${raw}\t${'ab'.repeat(32)}\taccountability-ledger.local/log`,
          JSON.stringify({ algorithm: 'ed25519', keyId: 'x', publicKey: raw, origin: 'o' }, null, 2),
          key.export({ format: 'pem', type: 'spki' }).toString(),
        ];
        for (const form of forms) expect(parsePinnedKey(`${before}${form}${after}`, 'pin')).toBe(raw);
      }),
      { numRuns: 40 },
    );
  });

  it('returns canonical base64 of 32 bytes or refuses with VERIFY.PINNED_KEY_INVALID, never quoting what the file holds', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ minLength: 12 }), fc.base64String({ minLength: 40, maxLength: 48 }), fc.uint8Array({ minLength: 31, maxLength: 33 }).map((b) => Buffer.from(b).toString('base64'))), (content) => {
        let result: string | undefined;
        try {
          result = parsePinnedKey(content, 'pin');
        } catch (error) {
          expect(error).toBeInstanceOf(PinnedKeyError);
          expect(error).toMatchObject({ code: 'VERIFY.PINNED_KEY_INVALID' });
          if (content.trim().length >= 12) expect((error as Error).message).not.toContain(content.trim());
          return;
        }
        expect(Buffer.from(result, 'base64')).toHaveLength(32);
        expect(Buffer.from(result, 'base64').toString('base64')).toBe(result);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a private key, a non-Ed25519 public key and a non-canonical encoding', () => {
    const [key] = keys;
    const privatePem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const raw = rawOf(key);
    // The last base64 digit carries 2 unused bits: flipping one gives the same bytes in a non-canonical spelling.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const last = alphabet.indexOf(raw[42]);
    const nonCanonical = `${raw.slice(0, 42)}${alphabet[last ^ 1]}=`;
    for (const content of [privatePem, rsa, nonCanonical, `${raw.slice(0, -1)}`]) {
      expect(() => parsePinnedKey(content, 'pin')).toThrow(PinnedKeyError);
    }
  });
});
