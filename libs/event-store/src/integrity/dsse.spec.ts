import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pae, signEnvelope, verifyEnvelope, type DsseEnvelope } from './dsse';
import { generateEd25519 } from './ed25519';
import { fromHex } from './hash';

interface DsseVectors {
  pae_vectors: Array<{ payload_type: string; payload_hex: string; pae_hex: string; pae_utf8: string }>;
  signature_example: {
    payload_type: string;
    payload_utf8: string;
    pae_hex: string;
    public_key: { jwk: { kty: string; crv: string; x: string; y: string } };
    envelope_json_text: string;
  };
}

const vectors = JSON.parse(readFileSync(join(__dirname, 'testvectors', 'dsse.json'), 'utf8')) as DsseVectors;
const TYPE = 'application/vnd.ledger.checkpoint+json';
const payload = Buffer.from('{"size":42}');

describe('DSSE', () => {
  describe('given the published PAE vectors', () => {
    it.each(vectors.pae_vectors.map((v) => [v.pae_utf8, v] as const))('encodes %j', (_text, v) => {
      expect(pae(v.payload_type, fromHex(v.payload_hex)).toString('hex')).toBe(v.pae_hex);
    });

    it('counts the payload type in UTF-8 bytes, not characters', () => {
      expect(pae('é', Buffer.alloc(0)).toString('utf8')).toBe('DSSEv1 2 é 0 ');
    });
  });

  describe('given the protocol.md ECDSA P-256 example envelope', () => {
    const example = vectors.signature_example;
    const key = createPublicKey({ key: example.public_key.jwk, format: 'jwk' });
    const envelope = JSON.parse(example.envelope_json_text) as DsseEnvelope;

    it('signs the PAE given in the vector', () => {
      expect(pae(example.payload_type, Buffer.from(example.payload_utf8)).toString('hex')).toBe(example.pae_hex);
    });

    it('accepts it, trying every trusted key since it has no keyid', () => {
      expect(verifyEnvelope(envelope, new Map([['dsse-example', key]]))).toEqual({ ok: true, keyid: 'dsse-example' });
    });

    it('rejects it with another payload type', () => {
      expect(verifyEnvelope({ ...envelope, payloadType: 'http://example.com/Other' }, new Map([['k', key]])).ok).toBe(false);
    });
  });

  describe('when an envelope is signed with Ed25519', () => {
    const signer = { keyid: 'ledger-2025', ...generateEd25519() };
    const other = generateEd25519();
    const keys = new Map<string, KeyObject>([['ledger-2025', signer.publicKey]]);
    const envelope = signEnvelope(TYPE, payload, { keyid: signer.keyid, privateKey: signer.privateKey });

    it('round-trips and names the key that signed', () => {
      expect(envelope.payload).toBe(payload.toString('base64'));
      expect(envelope.payloadType).toBe(TYPE);
      expect(verifyEnvelope(envelope, keys)).toEqual({ ok: true, keyid: 'ledger-2025' });
      expect(verifyEnvelope(JSON.parse(JSON.stringify(envelope)) as DsseEnvelope, keys).ok).toBe(true);
    });

    it('rejects a tampered payload', () => {
      const tampered = { ...envelope, payload: Buffer.from('{"size":43}').toString('base64') };
      expect(verifyEnvelope(tampered, keys)).toMatchObject({ ok: false });
    });

    it('rejects a tampered payload type', () => {
      expect(verifyEnvelope({ ...envelope, payloadType: `${TYPE}x` }, keys).ok).toBe(false);
    });

    it('rejects a signature with one bit flipped', () => {
      const sig = Buffer.from(envelope.signatures[0].sig, 'base64');
      sig[10] ^= 0x01;
      const tampered = { ...envelope, signatures: [{ keyid: signer.keyid, sig: sig.toString('base64') }] };
      expect(verifyEnvelope(tampered, keys)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not verify/) });
    });

    it('rejects an unknown keyid', () => {
      const renamed = { ...envelope, signatures: [{ ...envelope.signatures[0], keyid: 'someone-else' }] };
      expect(verifyEnvelope(renamed, keys)).toMatchObject({ ok: false, reason: expect.stringMatching(/unknown keyid/) });
    });

    it('rejects a known keyid whose key did not sign', () => {
      expect(verifyEnvelope(envelope, new Map([['ledger-2025', other.publicKey]])).ok).toBe(false);
    });

    it('passes when any one signature is valid by a known key', () => {
      const foreign = signEnvelope(TYPE, payload, { keyid: 'foreign', privateKey: other.privateKey }).signatures[0];
      const broken = { keyid: 'ledger-2025', sig: foreign.sig };
      const multi = { ...envelope, signatures: [foreign, broken, envelope.signatures[0]] };
      expect(verifyEnvelope(multi, keys)).toEqual({ ok: true, keyid: 'ledger-2025' });
    });

    it('accepts URL-safe unpadded base64, which DSSE allows', () => {
      const urlSafe = {
        ...envelope,
        payload: payload.toString('base64url'),
        signatures: [{ ...envelope.signatures[0], sig: Buffer.from(envelope.signatures[0].sig, 'base64').toString('base64url') }],
      };
      expect(verifyEnvelope(urlSafe, keys).ok).toBe(true);
    });

    it.each([
      ['a payload with a character outside base64', { payload: `${envelope.payload.slice(0, -4)}*${envelope.payload.slice(-3)}` }],
      ['a payload mixing both base64 alphabets', { payload: 'ab+_' }],
      ['a payload with misplaced padding', { payload: 'a=bc' }],
      ['a payload with non-zero trailing bits', { payload: 'eyJ=' }],
      ['a signature that is not base64', { signatures: [{ keyid: 'ledger-2025', sig: '!!!!' }] }],
      ['no signatures', { signatures: [] }],
      ['a payload that is not a string', { payload: 42 }],
      ['a payload type that is not a string', { payloadType: null }],
      ['a signature entry that is not an object', { signatures: ['sig'] }],
    ])('rejects %s', (_what, change) => {
      const malformed = { ...envelope, ...change } as unknown as DsseEnvelope;
      expect(verifyEnvelope(malformed, keys).ok).toBe(false);
    });

    it('rejects something that is not an envelope at all', () => {
      expect(verifyEnvelope(null as unknown as DsseEnvelope, keys).ok).toBe(false);
    });
  });
});
