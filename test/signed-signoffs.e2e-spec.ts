import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { SIGN_OFF_PAYLOAD_TYPE, userKeyIdOf } from '@ledger/domain';
import { canonicalize, generateEd25519, rawPublicKey, signEnvelope, type Ed25519KeyPair } from '@ledger/event-store';
import { generateSigningKey, registerSignCommands, signSignOff } from '../apps/cli/src/commands/sign';
import { Caller, describeOnEachStore, expectStatus, LedgerTestApp } from './support/ledger-test-app';

/**
 * Signed approvals through HTTP: users register Ed25519 keys (or have the ledger keep one), a sign-off carries a
 * DSSE envelope the ledger verifies before appending, and every kind of bad signature is refused with its code and
 * leaves the log as it was.
 */
const hengyang = (date: string, time = '09:00:00') => `${date}T${time}+08:00`;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const publicKeyOf = (pair: Ed25519KeyPair) => rawPublicKey(pair.publicKey).toString('base64');
const keyIdOf = (pair: Ed25519KeyPair) => userKeyIdOf(rawPublicKey(pair.publicKey));

describeOnEachStore('signed sign-offs', (store) => {
  let ledger: LedgerTestApp;
  let dir: string;
  let mayor: Caller;
  let vice: Caller;
  let other: Caller;
  const viceKey = generateEd25519();
  const savedEnv = { ...process.env };

  /** The statement the ledger expects for a sign-off of directive d1 as it stands now, by `signer`. */
  async function statementFor(signer: string, decision: 'approve' | 'reject' = 'approve', comment: string | null = null) {
    const record = (await vice.get('/v1/directives/d1')).body;
    return { decision, recordStreamId: 'directive-d1', recordVersion: record.version as number, recordHash: sha256(canonicalize(record)), comment, signer, signedAt: new Date(ledger.clock.now()).toISOString().slice(0, 19) + 'Z' };
  }
  const sign = (statement: object, pair: Ed25519KeyPair, keyid = keyIdOf(pair)) => signEnvelope(SIGN_OFF_PAYLOAD_TYPE, Buffer.from(canonicalize(statement)), { keyid, privateKey: pair.privateKey });

  /** Posts the sign-off and checks that a refusal appended nothing at all. */
  async function refused(caller: Caller, body: object, status: number, code: string): Promise<void> {
    const head = await ledger.ledgerStore().headPosition();
    const res = await caller.post('/v1/signoffs', body);
    expect([res.status, res.body.code]).toEqual([status, code]);
    expect(await ledger.ledgerStore().headPosition()).toBe(head);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-signed-'));
    // The keys the ledger keeps for users, and the key they are encrypted under, live in this test's directory.
    await writeFile(join(dir, 'kek.hex'), randomBytes(32).toString('hex'), { mode: 0o600 });
    process.env.LEDGER_KEY_ENCRYPTION_KEY_FILE = join(dir, 'kek.hex');
    process.env.LEDGER_SERVER_KEYS_DIR = join(dir, 'vault');
    ledger = await LedgerTestApp.start(store, { now: hengyang('2018-09-01') });
    expectStatus(await ledger.admin.post('/v1/units', { unitId: 'city', names: { en: 'Hengyang' }, kind: 'city', parentId: null }), 201);
    expectStatus(await ledger.admin.post('/v1/units/city/head', { personId: 'p-mayor', name: 'Mayor', postTitle: 'Mayor', from: '2018-01-01' }), 200);
    mayor = await ledger.user('p-mayor', 'leader', 'city', 'Mayor');
    vice = await ledger.user('p-vice', 'leader', 'city', 'Vice Mayor');
    other = await ledger.user('p-other', 'leader', 'city', 'Another Vice Mayor');
    ledger.at(hengyang('2018-09-06'));
    expectStatus(await mayor.post('/v1/directives', { directiveId: 'd1', issuer: { name: 'Mayor', postTitle: 'Mayor' }, documentNumber: 'DEMO-SIGNED-1', kind: 'directive', issuedOn: '2018-09-06', meeting: null, title: 'Land tasks', body: 'Rectify the parcels.', tasks: [] }), 201);
  });

  afterAll(async () => {
    await ledger?.close();
    process.env = savedEnv;
    await rm(dir, { recursive: true, force: true });
  });

  describe('signing keys', () => {
    it('lets a user register their own Ed25519 public key, under the id anyone can recompute', async () => {
      const res = await vice.post('/v1/users/p-vice/keys', { publicKey: publicKeyOf(viceKey) });
      expectStatus(res, 201);
      expect(res.body).toMatchObject({ userId: 'p-vice', keyId: keyIdOf(viceKey), algorithm: 'ed25519', publicKey: publicKeyOf(viceKey), custody: 'user', revokedAt: null, registeredBy: { id: 'p-vice' } });
      expect(res.body.keyId).toBe(createHash('sha256').update(rawPublicKey(viceKey.publicKey)).digest('hex'));
      const listed = await vice.get('/v1/users/p-vice/keys');
      expect(listed.body.items.map((k: { keyId: string }) => k.keyId)).toEqual([keyIdOf(viceKey)]);
      const [event] = (await ledger.ledgerStore().readStream('user-p-vice')).filter((e) => e.type === 'UserKeyRegistered');
      expect(event.data).toMatchObject({ keyId: keyIdOf(viceKey), publicKey: publicKeyOf(viceKey), algorithm: 'ed25519', custody: 'user' });
    });

    it('lets an administrator register a key for someone, but not another user', async () => {
      const forOther = generateEd25519();
      const refusedRes = await vice.post('/v1/users/p-other/keys', { publicKey: publicKeyOf(forOther) });
      expect([refusedRes.status, refusedRes.body.code]).toEqual([403, 'USER.KEY_NOT_ALLOWED']);
      expectStatus(await ledger.admin.post('/v1/users/p-other/keys', { publicKey: publicKeyOf(forOther) }), 201);
      expect((await vice.get('/v1/users/p-other/keys')).status).toBe(403);
    });

    it('refuses a malformed key, and a key registered twice', async () => {
      expect((await vice.post('/v1/users/p-vice/keys', { publicKey: 'not-a-key' })).status).toBe(400);
      expect((await vice.post('/v1/users/p-vice/keys', {})).status).toBe(400);
      expect((await vice.post('/v1/users/p-vice/keys', { publicKey: publicKeyOf(viceKey) })).body.code).toBe('USER.KEY_ALREADY_REGISTERED');
    });
  });

  describe('a sign-off with a valid signature', () => {
    it('is verified and recorded with the envelope and the key it verified under', async () => {
      const statement = await statementFor('p-vice', 'approve', 'Agreed');
      const envelope = sign(statement, viceKey);
      const res = await vice.post('/v1/signoffs', { signOffId: 'so-signed', record: { streamId: 'directive-d1', version: 1 }, decision: 'approve', comment: 'Agreed', signature: envelope });
      expectStatus(res, 201);
      expect(res.body.signedWith).toEqual({ keyId: keyIdOf(viceKey), algorithm: 'ed25519', custody: 'user' });
      const [event] = await ledger.ledgerStore().readStream('signoff-so-signed');
      expect(event.data).toMatchObject({ signature: envelope, signedWith: { keyId: keyIdOf(viceKey), custody: 'user' }, recordHash: statement.recordHash, by: { id: 'p-vice' } });
      const audit = await ledger.admin.get('/v1/audit/signoffs?record=directive-d1');
      expect(audit.body.items.find((s: { signOffId: string }) => s.signOffId === 'so-signed').signature).toMatchObject({ keyId: keyIdOf(viceKey), custody: 'user', verifies: true, keyRevokedAt: null });
    });

    it('is made by `ledger sign` with the approver\'s key file and submitted over HTTP', async () => {
      const pem = join(dir, 'vice.pem');
      await writeFile(pem, viceKey.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
      const result = await signSignOff({ key: pem, record: 'directive-d1', decision: 'approve', url: ledger.baseUrl, token: vice.token!, submit: true, signOffId: 'so-cli' }, { clock: ledger.clock });
      expect(result.submitted?.status).toBe(201);
      expect(result.statement).toMatchObject({ signer: 'p-vice', recordStreamId: 'directive-d1', recordVersion: 1, comment: null });
      expect(result.envelope.signatures[0].keyid).toBe(keyIdOf(viceKey));
      expect((result.submitted?.body as { signedWith: object }).signedWith).toEqual({ keyId: keyIdOf(viceKey), algorithm: 'ed25519', custody: 'user' });
    });

    it('`ledger keygen` writes a 0600 PKCS#8 key and prints what to register', async () => {
      const out: string[] = [];
      jest.spyOn(console, 'log').mockImplementation((...items: unknown[]) => void out.push(items.join(' ')));
      jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        const program = new Command('ledger').exitOverride();
        registerSignCommands(program, () => Promise.reject(new Error('no store')));
        await program.parseAsync(['node', 'ledger', 'keygen', '--out', join(dir, 'new.pem')]);
      } finally {
        jest.restoreAllMocks();
      }
      const printed = JSON.parse(out.join(''));
      expect(printed).toMatchObject({ algorithm: 'ed25519', keyId: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect((await stat(join(dir, 'new.pem'))).mode & 0o777).toBe(0o600);
      expect(await readFile(join(dir, 'new.pem'), 'utf8')).toContain('BEGIN PRIVATE KEY');
    });
  });

  describe('a sign-off whose signature does not hold', () => {
    const body = (signature: object, extra: object = {}) => ({ record: { streamId: 'directive-d1' }, decision: 'approve', signature, ...extra });

    it('refuses a signature by another key than the one it names (SIGNOFF.SIGNATURE_INVALID) and writes nothing', async () => {
      await refused(vice, body(sign(await statementFor('p-vice'), generateEd25519(), keyIdOf(viceKey))), 422, 'SIGNOFF.SIGNATURE_INVALID');
    });

    it('refuses a tampered payload (SIGNOFF.SIGNATURE_INVALID) and writes nothing', async () => {
      const envelope = sign(await statementFor('p-vice', 'reject', 'No'), viceKey);
      const tampered = { ...envelope, payload: Buffer.from(canonicalize({ ...(await statementFor('p-vice')) })).toString('base64') };
      await refused(vice, body(tampered), 422, 'SIGNOFF.SIGNATURE_INVALID');
    });

    it('refuses a valid signature of something else than the request says (SIGNOFF.PAYLOAD_MISMATCH) and writes nothing', async () => {
      const signedReject = sign(await statementFor('p-vice', 'reject', 'Not substantiated'), viceKey);
      await refused(vice, body(signedReject), 422, 'SIGNOFF.PAYLOAD_MISMATCH');
      const otherHash = { ...(await statementFor('p-vice')), recordHash: sha256('something else') };
      const res = await vice.post('/v1/signoffs', body(sign(otherHash, viceKey)));
      expect([res.status, res.body.code, res.body.fields.map((f: { field: string }) => f.field)]).toEqual([422, 'SIGNOFF.PAYLOAD_MISMATCH', ['signature.payload.recordHash']]);
    });

    it('refuses another user\'s key or envelope (SIGNOFF.KEY_UNKNOWN) and writes nothing', async () => {
      // The other vice mayor submits the vice mayor's valid envelope as their own.
      await refused(other, body(sign(await statementFor('p-vice'), viceKey)), 422, 'SIGNOFF.KEY_UNKNOWN');
      // The vice mayor signs with a key that is registered, but to the other vice mayor.
      const othersKey = generateEd25519();
      expectStatus(await other.post('/v1/users/p-other/keys', { publicKey: publicKeyOf(othersKey) }), 201);
      await refused(vice, body(sign(await statementFor('p-vice'), othersKey)), 422, 'SIGNOFF.KEY_UNKNOWN');
    });

    it('refuses a revoked key (SIGNOFF.KEY_REVOKED) and writes nothing; what it signed before stays attributable', async () => {
      const laptop = generateEd25519();
      expectStatus(await vice.post('/v1/users/p-vice/keys', { publicKey: publicKeyOf(laptop) }), 201);
      expectStatus(await vice.post('/v1/signoffs', { signOffId: 'so-laptop', ...body(sign(await statementFor('p-vice'), laptop)) }), 201);
      ledger.at(hengyang('2018-09-10'));
      const revoked = await vice.post(`/v1/users/p-vice/keys/${keyIdOf(laptop)}/revoke`, { reason: 'Laptop lost' });
      expectStatus(revoked, 200);
      // Identity events are recorded at the present, in UTC (IdentityCommands).
      expect(revoked.body.revokedAt).toBe('2018-09-10T01:00:00.000Z');
      await refused(vice, body(sign(await statementFor('p-vice'), laptop)), 422, 'SIGNOFF.KEY_REVOKED');
      const audit = await ledger.admin.get('/v1/audit/signoffs?record=directive-d1');
      expect(audit.body.items.find((s: { signOffId: string }) => s.signOffId === 'so-laptop').signature).toMatchObject({ verifies: true, keyRevokedAt: '2018-09-10T01:00:00.000Z' });
    });

    it('refuses a malformed envelope and a signature made before the record changed (409)', async () => {
      await refused(vice, body({ payloadType: SIGN_OFF_PAYLOAD_TYPE, payload: 'e30=', signatures: [] }), 422, 'SIGNOFF.SIGNATURE_INVALID');
      const stale = sign(await statementFor('p-vice'), viceKey);
      expectStatus(await mayor.post('/v1/directives/d1/amendments', { changes: { title: 'Four land tasks' }, reason: 'Title corrected' }), 200);
      await refused(vice, body(stale), 409, 'STORE.WRONG_EXPECTED_VERSION');
      expectStatus(await vice.post('/v1/signoffs', body(sign(await statementFor('p-vice'), viceKey))), 201);
    });
  });

  describe('rotation', () => {
    it('registers the new key and revokes the old one in one append', async () => {
      const next = generateEd25519();
      const head = await ledger.ledgerStore().headPosition();
      const res = await vice.post('/v1/users/p-vice/keys', { publicKey: publicKeyOf(next), replaces: keyIdOf(viceKey), reason: 'Yearly rotation' });
      expectStatus(res, 201);
      const appended = (await ledger.ledgerStore().readAll({ fromPosition: head + 1 })).filter((e) => e.streamId === 'user-p-vice');
      expect(appended.map((e) => [e.type, (e.data as { keyId: string }).keyId])).toEqual([['UserKeyRegistered', keyIdOf(next)], ['UserKeyRevoked', keyIdOf(viceKey)]]);
      expect(new Set(appended.map((e) => e.metadata.commandId)).size).toBe(1);
      await refused(vice, { record: { streamId: 'directive-d1' }, decision: 'approve', signature: sign(await statementFor('p-vice'), viceKey) }, 422, 'SIGNOFF.KEY_REVOKED');
      expectStatus(await vice.post('/v1/signoffs', { record: { streamId: 'directive-d1' }, decision: 'approve', signature: sign(await statementFor('p-vice'), next) }), 201);
    });
  });

  describe('a key the ledger keeps for the user', () => {
    let serverKeyId: string;

    it('is generated by the ledger; only its public half enters the log, the private half is encrypted in a 0600 file', async () => {
      const res = await other.post('/v1/users/p-other/keys', { custody: 'server' });
      expectStatus(res, 201);
      expect(res.body).toMatchObject({ userId: 'p-other', custody: 'server', algorithm: 'ed25519' });
      serverKeyId = res.body.keyId;
      expect(serverKeyId).toBe(createHash('sha256').update(Buffer.from(res.body.publicKey, 'base64')).digest('hex'));
      const file = join(dir, 'vault', `${serverKeyId}.json`);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const [event] = (await ledger.ledgerStore().readStream('user-p-other')).filter((e) => (e.data as { keyId?: string }).keyId === serverKeyId);
      expect(Object.keys(event.data).sort()).toEqual(['algorithm', 'at', 'by', 'custody', 'keyId', 'publicKey', 'userId']);
      expect((await other.post('/v1/users/p-other/keys', { custody: 'server', publicKey: res.body.publicKey })).status).toBe(400);
    });

    it('signs a sign-off when asked, and the sign-off is marked as server custody', async () => {
      const res = await other.post('/v1/signoffs', { signOffId: 'so-server', record: { streamId: 'directive-d1' }, decision: 'approve', comment: 'Approved in the web form', signWithServerKey: true });
      expectStatus(res, 201);
      expect(res.body.signedWith).toEqual({ keyId: serverKeyId, algorithm: 'ed25519', custody: 'server' });
      const [event] = await ledger.ledgerStore().readStream('signoff-so-server');
      const signature = (event.data as { signature: { payloadType: string; payload: string } }).signature;
      expect(signature.payloadType).toBe(SIGN_OFF_PAYLOAD_TYPE);
      expect(JSON.parse(Buffer.from(signature.payload, 'base64').toString('utf8'))).toMatchObject({ decision: 'approve', signer: 'p-other', comment: 'Approved in the web form', recordStreamId: 'directive-d1' });
      const audit = await ledger.admin.get('/v1/audit/signoffs?record=directive-d1');
      expect(audit.body.items.find((s: { signOffId: string }) => s.signOffId === 'so-server').signature).toMatchObject({ custody: 'server', verifies: true });
    });

    it('is refused when the user has none, or when the request also brings an envelope', async () => {
      await refused(vice, { record: { streamId: 'directive-d1' }, decision: 'approve', signWithServerKey: true }, 422, 'SIGNOFF.SERVER_KEY_MISSING');
      await refused(other, { record: { streamId: 'directive-d1' }, decision: 'approve', signWithServerKey: true, signature: sign(await statementFor('p-other'), viceKey) }, 400, 'SIGNOFF.SIGNATURE_CHOICE');
    });

    it('is deleted from the vault when revoked, and signs nothing after', async () => {
      expectStatus(await other.post(`/v1/users/p-other/keys/${serverKeyId}/revoke`, { reason: 'No longer needed' }), 200);
      expect(await readdir(join(dir, 'vault'))).not.toContain(`${serverKeyId}.json`);
      await refused(other, { record: { streamId: 'directive-d1' }, decision: 'approve', signWithServerKey: true }, 422, 'SIGNOFF.SERVER_KEY_MISSING');
      await refused(other, { record: { streamId: 'directive-d1' }, decision: 'approve', signWithServerKey: true, serverKeyId }, 422, 'SIGNOFF.KEY_REVOKED');
    });
  });
});
