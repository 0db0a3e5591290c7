import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { EMPTY_ROOT, fromHex, leafHash, nodeHash, sha256, toHex } from './hash';

interface HasherKat {
  desc: string;
  kind: 'empty_root' | 'leaf' | 'node';
  data_hex?: string;
  left_hex?: string;
  right_hex?: string;
  hash_hex: string;
}

const { hasher_kats: kats } = JSON.parse(
  readFileSync(join(__dirname, 'testvectors', 'merkle-rfc6962.json'), 'utf8'),
) as { hasher_kats: HasherKat[] };

const reference = (...parts: Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

describe('RFC 6962 hashing', () => {
  describe('given the transparency-dev hasher KATs', () => {
    it.each(kats.map((k) => [k.desc, k] as const))('reproduces %s', (_desc, k) => {
      switch (k.kind) {
        case 'empty_root':
          expect(toHex(EMPTY_ROOT)).toBe(k.hash_hex);
          expect(toHex(sha256())).toBe(k.hash_hex);
          break;
        case 'leaf':
          expect(toHex(leafHash(fromHex(k.data_hex ?? '')))).toBe(k.hash_hex);
          expect(toHex(leafHash(fromHex(k.data_hex ?? '').toString('latin1')))).toBe(k.hash_hex);
          break;
        case 'node':
          expect(toHex(nodeHash(fromHex(k.left_hex ?? ''), fromHex(k.right_hex ?? '')))).toBe(k.hash_hex);
          break;
      }
    });
  });

  describe('when hashing through the reused scratch buffers', () => {
    it('matches a plain SHA-256 of the prefixed bytes for any leaf, string or node', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 3000 }), fc.string({ unit: 'binary' }), (data, text) => {
          expect(toHex(leafHash(data))).toBe(reference(Buffer.of(0), data));
          expect(toHex(leafHash(text))).toBe(reference(Buffer.of(0), Buffer.from(text, 'utf8')));
        }),
      );
    });

    it('hashes leaves larger than the scratch limit', () => {
      const big = randomBytes(200_000);
      expect(toHex(leafHash(big))).toBe(reference(Buffer.of(0), big));
    });

    it('does not mix a short node input with bytes left from an earlier call', () => {
      const a = randomBytes(32);
      const b = randomBytes(32);
      nodeHash(a, b);
      expect(toHex(nodeHash(a.subarray(0, 31), b))).toBe(reference(Buffer.of(1), a.subarray(0, 31), b));
      expect(toHex(nodeHash(a, b))).toBe(reference(Buffer.of(1), a, b));
    });

    it('returns a fresh buffer for every hash', () => {
      const a = randomBytes(32);
      const first = nodeHash(a, a);
      const second = nodeHash(first, first);
      expect(first.equals(second)).toBe(false);
      expect(toHex(first)).toBe(reference(Buffer.of(1), a, a));
    });

    it('hashes the concatenation of its parts in sha256', () => {
      expect(toHex(sha256(Buffer.from('ab'), Buffer.from('c')))).toBe(reference(Buffer.from('abc')));
      expect(toHex(sha256(Buffer.from('abc')))).toBe(reference(Buffer.from('abc')));
    });
  });

  describe('when converting hex', () => {
    it('round-trips any bytes, including views into larger buffers', () => {
      fc.assert(
        fc.property(fc.uint8Array(), (bytes) => {
          expect(fromHex(toHex(bytes)).equals(bytes)).toBe(true);
        }),
      );
      const backing = Buffer.from('00112233', 'hex');
      expect(toHex(backing.subarray(1, 3))).toBe('1122');
    });

    it('accepts upper case', () => {
      expect(fromHex('ABcd').toString('hex')).toBe('abcd');
    });

    it.each([
      ['an odd length', 'abc'],
      ['a non-hex character', 'zz'],
      ['a non-hex character after valid ones', 'abcdxx'],
      ['whitespace', 'ab cd'],
      ['a 0x prefix', '0xab'],
    ])('rejects %s', (_what, hex) => {
      expect(() => fromHex(hex)).toThrow(TypeError);
    });
  });
});
