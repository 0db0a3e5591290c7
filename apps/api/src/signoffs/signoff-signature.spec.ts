import { SIGN_OFF_PAYLOAD_TYPE, userKeyIdOf, type SignOffStatement, type UserKeyRecord } from '@ledger/domain';
import { canonicalize, generateEd25519, rawPublicKey, signEnvelope, type Ed25519KeyPair } from '@ledger/event-store';
import { ApiError } from '../shared/api-error';
import { signSignOffStatement, signedRecordVersionOf, verifySignOffSignature, type SignOffSignatureInput } from './signoff-signature';

const NOW = '2018-10-30T10:00:00+08:00';
const by = { id: 'admin', role: 'administrator' as const, unit: 'city' };

function keyRecord(pair: Ed25519KeyPair, custody: 'user' | 'server' = 'user', revoked: UserKeyRecord['revoked'] = null): UserKeyRecord {
  const raw = rawPublicKey(pair.publicKey);
  return { keyId: userKeyIdOf(raw), algorithm: 'ed25519', publicKey: raw.toString('base64'), custody, registeredAt: '2018-09-01T09:00:00+08:00', registeredBy: by, revoked };
}

const own = generateEd25519();
const other = generateEd25519();
const ownKey = keyRecord(own);
const expected: Omit<SignOffStatement, 'signedAt'> = {
  decision: 'approve',
  recordStreamId: 'task-t4-zx',
  recordVersion: 6,
  recordHash: 'b1946ac92492d2347c6235b4d2611184e3b0c44298fc1c149afbf4c8996fb924',
  comment: 'Checked against the rectification list',
  signer: 'p-director',
};
const statement: SignOffStatement = { ...expected, signedAt: '2018-10-30T09:59:00+08:00' };
const signed = (s: object = statement, pair = own, keyid = ownKey.keyId) => signEnvelope(SIGN_OFF_PAYLOAD_TYPE, Buffer.from(canonicalize(s)), { keyid, privateKey: pair.privateKey });
const input = (envelope: unknown, overrides: Partial<SignOffSignatureInput> = {}): SignOffSignatureInput => ({ envelope, signer: 'p-director', keys: [ownKey], expected, now: NOW, ...overrides });

function refusal(run: () => unknown): { status: number; code: string; fields: readonly { field: string }[] } {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, code: error.code, fields: error.fields };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('a signed sign-off', () => {
  describe('when the envelope is the approver\'s signature over exactly what the request says', () => {
    it('is accepted, naming the key, its algorithm and its custody', () => {
      const result = verifySignOffSignature(input(signed()));
      expect(result.signedWith).toEqual({ keyId: ownKey.keyId, algorithm: 'ed25519', custody: 'user' });
      expect(result.statement).toEqual(statement);
      expect(Object.keys(result.envelope).sort()).toEqual(['payload', 'payloadType', 'signatures']);
    });

    it('marks a key the ledger keeps for the approver as server custody', () => {
      const serverKey = keyRecord(own, 'server');
      expect(verifySignOffSignature(input(signed(), { keys: [serverKey] })).signedWith.custody).toBe('server');
    });

    it('is what signSignOffStatement produces', () => {
      expect(verifySignOffSignature(input(signSignOffStatement(statement, { keyid: ownKey.keyId, privateKey: own.privateKey }))).statement).toEqual(statement);
      expect(signedRecordVersionOf(signed())).toBe(6);
    });
  });

  describe('when the key is not the approver\'s', () => {
    it('refuses another user\'s key (not among the approver\'s keys) with SIGNOFF.KEY_UNKNOWN', () => {
      const theirs = keyRecord(other);
      expect(refusal(() => verifySignOffSignature(input(signed(statement, other, theirs.keyId))))).toMatchObject({ status: 422, code: 'SIGNOFF.KEY_UNKNOWN' });
    });

    it('refuses a revoked key with SIGNOFF.KEY_REVOKED, even for a statement dated before the revocation', () => {
      const revoked = { ...ownKey, revoked: { at: '2018-10-01T09:00:00+08:00', by, reason: 'Laptop lost' } };
      const old = { ...statement, signedAt: '2018-09-15T09:00:00+08:00' };
      expect(refusal(() => verifySignOffSignature(input(signed(old), { keys: [revoked] })))).toMatchObject({ status: 422, code: 'SIGNOFF.KEY_REVOKED' });
    });

    it('refuses a signature by another private key under the approver\'s key id with SIGNOFF.SIGNATURE_INVALID', () => {
      expect(refusal(() => verifySignOffSignature(input(signed(statement, other, ownKey.keyId))))).toMatchObject({ status: 422, code: 'SIGNOFF.SIGNATURE_INVALID' });
    });
  });

  describe('when the envelope was altered or says something else', () => {
    it('refuses a tampered payload (the signature no longer verifies) with SIGNOFF.SIGNATURE_INVALID', () => {
      const envelope = signed();
      const tampered = { ...envelope, payload: Buffer.from(canonicalize({ ...statement, decision: 'reject' })).toString('base64') };
      expect(refusal(() => verifySignOffSignature(input(tampered)))).toMatchObject({ code: 'SIGNOFF.SIGNATURE_INVALID' });
      const otherType = { ...envelope, payloadType: 'application/vnd.accountability-ledger.evidence.v1+json' };
      expect(refusal(() => verifySignOffSignature(input(otherType)))).toMatchObject({ code: 'SIGNOFF.SIGNATURE_INVALID' });
    });

    it('refuses a valid signature of another decision, record, version, hash, comment or signer with SIGNOFF.PAYLOAD_MISMATCH naming the field', () => {
      const cases: Array<[Partial<SignOffStatement>, string]> = [
        [{ decision: 'reject' }, 'signature.payload.decision'],
        [{ recordStreamId: 'task-t4-zh' }, 'signature.payload.recordStreamId'],
        [{ recordVersion: 5 }, 'signature.payload.recordVersion'],
        [{ recordHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }, 'signature.payload.recordHash'],
        [{ comment: null }, 'signature.payload.comment'],
        [{ signer: 'p-someone-else' }, 'signature.payload.signer'],
      ];
      for (const [change, field] of cases) {
        const result = refusal(() => verifySignOffSignature(input(signed({ ...statement, ...change }))));
        expect([field, result.status, result.code, result.fields.map((f) => f.field)]).toEqual([field, 422, 'SIGNOFF.PAYLOAD_MISMATCH', [field]]);
      }
    });

    it('refuses a payload that is not the canonical statement: extra fields, other key order, a signedAt in the future', () => {
      const extra = refusal(() => verifySignOffSignature(input(signed({ ...statement, note: 'x' }))));
      expect(extra.code).toBe('SIGNOFF.PAYLOAD_MISMATCH');
      const { signer, ...rest } = statement;
      const reordered = { signer, ...rest };
      const bytes = Buffer.from(JSON.stringify(reordered));
      const envelope = signEnvelope(SIGN_OFF_PAYLOAD_TYPE, bytes, { keyid: ownKey.keyId, privateKey: own.privateKey });
      expect(refusal(() => verifySignOffSignature(input(envelope))).code).toBe('SIGNOFF.PAYLOAD_MISMATCH');
      expect(refusal(() => verifySignOffSignature(input(signed({ ...statement, signedAt: '2018-10-30T11:00:00+08:00' })))).fields.map((f) => f.field)).toEqual(['signature.payload.signedAt']);
    });

    it('refuses what is not one DSSE envelope with one signature', () => {
      const envelope = signed();
      for (const bad of [null, 'sig', [], { ...envelope, extra: 1 }, { ...envelope, signatures: [] }, { ...envelope, signatures: [...envelope.signatures, ...envelope.signatures] }, { ...envelope, payload: `${envelope.payload}\n` }, { ...envelope, signatures: [{ sig: envelope.signatures[0].sig }] }]) {
        expect(refusal(() => verifySignOffSignature(input(bad))).code).toBe('SIGNOFF.SIGNATURE_INVALID');
      }
    });
  });
});
