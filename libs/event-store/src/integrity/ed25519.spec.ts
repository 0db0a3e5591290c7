import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ed25519FromSeed,
  ed25519PublicFromRaw,
  generateEd25519,
  rawPublicKey,
  signEd25519,
  verifyEd25519,
} from './ed25519';
import { fromHex } from './hash';

interface Rfc8032Vector {
  name: string;
  secret_key_hex: string;
  public_key_hex: string;
  message_length: number;
  message_hex: string;
  signature_hex: string;
}

const { vectors } = JSON.parse(readFileSync(join(__dirname, 'testvectors', 'ed25519-rfc8032.json'), 'utf8')) as {
  vectors: Rfc8032Vector[];
};

function flipBit(bytes: Uint8Array, bit: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[bit >> 3] ^= 1 << (bit & 7);
  return copy;
}

describe('Ed25519', () => {
  describe.each(vectors.map((v) => [v.name, v] as const))('given RFC 8032 %s', (_name, v) => {
    const seed = fromHex(v.secret_key_hex);
    const message = fromHex(v.message_hex);
    const signature = fromHex(v.signature_hex);

    it('derives the public key from the seed', () => {
      const { privateKey, publicKey } = ed25519FromSeed(seed);
      expect(rawPublicKey(publicKey).toString('hex')).toBe(v.public_key_hex);
      expect(rawPublicKey(privateKey).toString('hex')).toBe(v.public_key_hex);
      expect(message.length).toBe(v.message_length);
    });

    it('reproduces the signature', () => {
      expect(signEd25519(ed25519FromSeed(seed).privateKey, message).toString('hex')).toBe(v.signature_hex);
    });

    it('accepts the signature under the raw public key', () => {
      expect(verifyEd25519(ed25519PublicFromRaw(fromHex(v.public_key_hex)), message, signature)).toBe(true);
    });

    it('rejects the signature with any one bit flipped', () => {
      const publicKey = ed25519PublicFromRaw(fromHex(v.public_key_hex));
      for (const bit of [0, 7, 100, 255, 256, 300, 511]) {
        expect(verifyEd25519(publicKey, message, flipBit(signature, bit))).toBe(false);
      }
    });

    it('rejects the signature over a message with one bit flipped or one byte more', () => {
      const publicKey = ed25519PublicFromRaw(fromHex(v.public_key_hex));
      if (message.length > 0) expect(verifyEd25519(publicKey, flipBit(message, 0), signature)).toBe(false);
      expect(verifyEd25519(publicKey, Buffer.concat([message, Buffer.of(0)]), signature)).toBe(false);
    });
  });

  describe('when keys are generated', () => {
    it('signs and verifies, and another key does not verify', () => {
      const a = generateEd25519();
      const b = generateEd25519();
      const msg = Buffer.from('tree head 42');
      const sig = signEd25519(a.privateKey, msg);
      expect(verifyEd25519(a.publicKey, msg, sig)).toBe(true);
      expect(verifyEd25519(b.publicKey, msg, sig)).toBe(false);
      expect(rawPublicKey(a.publicKey)).toHaveLength(32);
      expect(ed25519PublicFromRaw(rawPublicKey(a.publicKey)).equals(a.publicKey)).toBe(true);
    });
  });

  describe('when given the wrong input', () => {
    it('rejects seeds and public keys that are not 32 bytes', () => {
      expect(() => ed25519FromSeed(Buffer.alloc(31))).toThrow(RangeError);
      expect(() => ed25519PublicFromRaw(Buffer.alloc(33))).toThrow(RangeError);
    });

    it('returns false for a signature of the wrong length instead of throwing', () => {
      const { privateKey, publicKey } = generateEd25519();
      const sig = signEd25519(privateKey, Buffer.from('x'));
      expect(verifyEd25519(publicKey, Buffer.from('x'), sig.subarray(0, 63))).toBe(false);
      expect(verifyEd25519(publicKey, Buffer.from('x'), Buffer.concat([sig, Buffer.of(0)]))).toBe(false);
    });

    it('refuses keys of another type', () => {
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      expect(() => signEd25519(ec.privateKey, Buffer.from('x'))).toThrow(TypeError);
      expect(() => rawPublicKey(ec.publicKey)).toThrow(TypeError);
      expect(verifyEd25519(ec.publicKey, Buffer.from('x'), Buffer.alloc(64))).toBe(false);
      expect(() => signEd25519(generateEd25519().publicKey, Buffer.from('x'))).toThrow(TypeError);
    });
  });
});
