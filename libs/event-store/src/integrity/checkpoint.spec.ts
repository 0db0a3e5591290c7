import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatCheckpointBody,
  noteKeyHash,
  openNote,
  parseCheckpointBody,
  parseNote,
  signNote,
  verifyNote,
  type Checkpoint,
} from './checkpoint';
import { ed25519FromSeed, ed25519PublicFromRaw, generateEd25519 } from './ed25519';
import { leafHash } from './hash';

interface GoNoteVector {
  signer_key: string;
  verifier_key: string;
  other_verifier_key: string;
  text: string;
  signature_line: string;
  other_signature_line: string;
}

const go = JSON.parse(readFileSync(join(__dirname, 'testvectors', 'signed-note-go.json'), 'utf8')) as GoNoteVector;

/** Go key format: <name>+<key ID hex>+<base64(alg ‖ key)>; the base64 may itself contain '+'. */
function goKey(key: string): { name: string; keyId: string; alg: number; key: Buffer } {
  const [name, keyId, ...rest] = key.replace(/^PRIVATE\+KEY\+/, '').split('+');
  const bytes = Buffer.from(rest.join('+'), 'base64');
  return { name, keyId, alg: bytes[0], key: bytes.subarray(1) };
}

const ORIGIN = 'ledger.example.gov/accountability';
const checkpoint: Checkpoint = { origin: ORIGIN, size: 1234567, rootHash: leafHash('root'), extensions: [] };

describe('signed notes and checkpoints', () => {
  describe('given the Go sumdb/note vector', () => {
    const signer = goKey(go.signer_key);
    const verifier = goKey(go.verifier_key);
    const other = goKey(go.other_verifier_key);
    const { privateKey, publicKey } = ed25519FromSeed(signer.key);
    const note = `${go.text}\n${go.signature_line}`;

    it('derives the same key ID from the name and public key', () => {
      expect(signer.alg).toBe(0x01);
      expect(verifier.key.equals(ed25519PublicFromRaw(verifier.key).export({ format: 'der', type: 'spki' }).subarray(12))).toBe(true);
      expect(noteKeyHash(verifier.name, verifier.key).toString('hex')).toBe(verifier.keyId);
      expect(noteKeyHash(other.name, other.key).toString('hex')).toBe(other.keyId);
    });

    it('signs the text into the same note, byte for byte', () => {
      expect(signNote(go.text, signer.name, privateKey)).toBe(note);
    });

    it('opens the note with the verifier key', () => {
      expect(openNote(note, verifier.name, ed25519PublicFromRaw(verifier.key))).toEqual({ ok: true, text: go.text });
      expect(openNote(note, verifier.name, publicKey).ok).toBe(true);
    });

    it('ignores a signature by another key and still finds the known one', () => {
      const twoSigned = `${go.text}\n${go.other_signature_line}${go.signature_line}`;
      expect(openNote(twoSigned, verifier.name, publicKey).ok).toBe(true);
      expect(openNote(twoSigned, other.name, ed25519PublicFromRaw(other.key)).ok).toBe(true);
      const parsed = parseNote(twoSigned);
      expect(parsed.ok && parsed.signatures.map((s) => `${s.name}+${s.keyId.toString('hex')}`)).toEqual([
        'EnochRoot+af0cfe78',
        'PeterNeumann+c74f20a3',
      ]);
    });

    it('rejects the note when one character of the text changes', () => {
      expect(openNote(note.replace('cryptography', 'cryptographY'), verifier.name, publicKey)).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/does not verify/),
      });
    });

    it('rejects the note when it is not a checkpoint, though the signature is good', () => {
      expect(verifyNote(note, verifier.name, publicKey).ok).toBe(false);
    });
  });

  describe('when a checkpoint is signed', () => {
    const log = generateEd25519();
    const stranger = generateEd25519();

    it('formats the body as origin, size and base64 root, one per line', () => {
      expect(formatCheckpointBody(checkpoint)).toBe(`${ORIGIN}\n1234567\n${checkpoint.rootHash.toString('base64')}\n`);
    });

    it('round-trips through format and parse, extensions included', () => {
      for (const cp of [checkpoint, { ...checkpoint, size: 0, extensions: ['witness-policy v1', '— not a signature'] }]) {
        expect(parseCheckpointBody(formatCheckpointBody(cp))).toEqual({ ok: true, checkpoint: cp });
      }
    });

    it('verifies with the log key and returns the checkpoint', () => {
      const note = signNote(formatCheckpointBody(checkpoint), ORIGIN, log.privateKey);
      expect(verifyNote(note, ORIGIN, log.publicKey)).toEqual({ ok: true, checkpoint });
    });

    it('rejects a note signed by another key under the same name', () => {
      const note = signNote(formatCheckpointBody(checkpoint), ORIGIN, stranger.privateKey);
      expect(verifyNote(note, ORIGIN, log.publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/no signature by/) });
    });

    it('rejects a note whose key name differs from the expected one', () => {
      const note = signNote(formatCheckpointBody(checkpoint), 'other.example/log', log.privateKey);
      expect(verifyNote(note, ORIGIN, log.publicKey).ok).toBe(false);
    });

    it.each([
      ['the size', (n: string) => n.replace('\n1234567\n', '\n1234568\n')],
      ['the origin', (n: string) => n.replace(`${ORIGIN}\n`, `${ORIGIN}x\n`)],
      ['the root hash', (n: string) => n.replace(checkpoint.rootHash.toString('base64'), leafHash('other').toString('base64'))],
      ['an added extension line', (n: string) => n.replace('\n\n', '\nextra\n\n')],
    ])('rejects a note whose body has a changed %s', (_what, tamper) => {
      const note = signNote(formatCheckpointBody(checkpoint), ORIGIN, log.privateKey);
      const tampered = tamper(note);
      expect(tampered).not.toBe(note);
      expect(verifyNote(tampered, ORIGIN, log.publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not verify/) });
    });

    it('rejects a note whose signature has one bit flipped', () => {
      const note = signNote(formatCheckpointBody(checkpoint), ORIGIN, log.privateKey);
      const line = note.slice(note.lastIndexOf('\u2014'));
      const blob = Buffer.from(line.split(' ')[2], 'base64');
      blob[20] ^= 0x04;
      const tampered = note.replace(line, `\u2014 ${ORIGIN} ${blob.toString('base64')}\n`);
      expect(verifyNote(tampered, ORIGIN, log.publicKey).ok).toBe(false);
    });

    it('rejects the note when a second signature by the same key fails, as signed-note advises', () => {
      const note = signNote(formatCheckpointBody(checkpoint), ORIGIN, log.privateKey);
      const other = signNote(formatCheckpointBody({ ...checkpoint, size: 1 }), ORIGIN, log.privateKey);
      const forged = note + other.slice(other.lastIndexOf('\u2014'));
      expect(verifyNote(forged, ORIGIN, log.publicKey).ok).toBe(false);
    });

    it('ignores unknown signatures from witnesses', () => {
      const body = formatCheckpointBody(checkpoint);
      const witnessed = signNote(body, 'witness.example/w1', stranger.privateKey);
      const both = signNote(body, ORIGIN, log.privateKey) + witnessed.slice(witnessed.lastIndexOf('\u2014'));
      expect(verifyNote(both, ORIGIN, log.publicKey)).toEqual({ ok: true, checkpoint });
    });

    it('refuses to sign with a key type that has no signed-note algorithm here', () => {
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      expect(() => signNote(formatCheckpointBody(checkpoint), ORIGIN, ec.privateKey)).toThrow(TypeError);
      expect(verifyNote(signNote(formatCheckpointBody(checkpoint), ORIGIN, log.privateKey), ORIGIN, ec.publicKey).ok).toBe(false);
    });
  });

  describe('when a checkpoint body is malformed', () => {
    const root = checkpoint.rootHash.toString('base64');
    it.each([
      ['no final newline', `${ORIGIN}\n5\n${root}`],
      ['only two lines', `${ORIGIN}\n5\n`],
      ['an empty origin', `\n5\n${root}\n`],
      ['a size with a leading zero', `${ORIGIN}\n05\n${root}\n`],
      ['a negative size', `${ORIGIN}\n-5\n${root}\n`],
      ['a size with a plus sign', `${ORIGIN}\n+5\n${root}\n`],
      ['a size with a space', `${ORIGIN}\n 5\n${root}\n`],
      ['a size in exponent form', `${ORIGIN}\n5e3\n${root}\n`],
      ['a size beyond 2^53−1', `${ORIGIN}\n9007199254740992\n${root}\n`],
      ['a root that is not base64', `${ORIGIN}\n5\n${root.slice(0, -2)}!=\n`],
      ['a root of 31 bytes', `${ORIGIN}\n5\n${Buffer.alloc(31).toString('base64')}\n`],
      ['a root without padding', `${ORIGIN}\n5\n${root.replace(/=+$/, '')}\n`],
      ['a root in URL-safe base64', `${ORIGIN}\n5\n${Buffer.alloc(32, 0xfb).toString('base64url')}=\n`],
      ['a root with non-zero trailing bits', `${ORIGIN}\n5\n${root.slice(0, -2)}B=\n`],
      ['an empty extension line', `${ORIGIN}\n5\n${root}\n\next\n`],
      ['a carriage return', `${ORIGIN}\r\n5\n${root}\n`],
      ['a tab', `${ORIGIN}\t\n5\n${root}\n`],
      ['a lone surrogate', `${ORIGIN}\ud800\n5\n${root}\n`],
    ])('rejects %s', (_what, text) => {
      const result = parseCheckpointBody(text);
      expect(result).toMatchObject({ ok: false, reason: expect.any(String) });
    });

    it('accepts size 0 and the largest safe size', () => {
      expect(parseCheckpointBody(`${ORIGIN}\n0\n${root}\n`).ok).toBe(true);
      expect(parseCheckpointBody(`${ORIGIN}\n9007199254740991\n${root}\n`).ok).toBe(true);
    });

    it.each([
      ['an empty origin', { origin: '' }],
      ['an origin with a newline', { origin: 'a\nb' }],
      ['a negative size', { size: -1 }],
      ['a fractional size', { size: 1.5 }],
      ['a root of the wrong length', { rootHash: Buffer.alloc(20) }],
      ['an empty extension', { extensions: [''] }],
      ['an extension with a newline', { extensions: ['a\nb'] }],
    ])('refuses to format %s', (_what, change) => {
      expect(() => formatCheckpointBody({ ...checkpoint, ...change })).toThrow(RangeError);
    });
  });

  describe('when a signed note is malformed', () => {
    const log = generateEd25519();
    const good = signNote(formatCheckpointBody(checkpoint), ORIGIN, log.privateKey);
    const sigLine = good.slice(good.lastIndexOf('\u2014'));
    const body = good.slice(0, good.lastIndexOf('\u2014') - 1);

    it.each([
      ['no blank line before the signatures', good.replace('\n\n', '\n')],
      ['no signatures', `${body}\n`],
      ['a signature line without the final newline', good.slice(0, -1)],
      ['a signature line with a hyphen instead of an em dash', good.replace('\u2014', '-')],
      ['a key name with a space', good.replace(`\u2014 ${ORIGIN}`, '\u2014 bad name')],
      ['an extra line after the signatures', `${good}Unexpected line.\n`],
      ['a signature too short to hold a key ID', `${body}\n\u2014 ${ORIGIN} AAAA\n`],
      ['a control character', `\u0001${good}`],
      ['more than 100 signatures', `${body}\n${sigLine.repeat(101)}`],
    ])('rejects %s', (_what, note) => {
      expect(verifyNote(note, ORIGIN, log.publicKey).ok).toBe(false);
    });

    it('accepts 100 signatures', () => {
      expect(verifyNote(`${body}\n${sigLine.repeat(100)}`, ORIGIN, log.publicKey).ok).toBe(true);
    });

    it('refuses to sign a text without a final newline or under a bad key name', () => {
      expect(() => signNote('no newline', ORIGIN, log.privateKey)).toThrow(RangeError);
      expect(() => signNote('text\n', 'a+b', log.privateKey)).toThrow(RangeError);
      expect(() => signNote('text\n', '', log.privateKey)).toThrow(RangeError);
    });
  });
});
