import { canonicalize, generateCheckpointKey, type JsonObject } from '@ledger/event-store';
import type { EvidenceBundle } from './bundle';
import { renderEvidenceReport, reportLanguage } from './messages';
import { evidenceFixture, type EvidenceFixture } from './testing/evidence-fixture';
import { standalone } from './testing/run-standalone';
import { verifyEvidence } from './verify-evidence';

const failed = (report: { checks: readonly { id: string; ok: boolean; params: Record<string, unknown> }[] }) =>
  report.checks.filter((c) => !c.ok).map((c) => (c.params.n !== undefined ? `${c.id}#${String(c.params.n)}` : c.id));

/** Re-serialises an edited bundle canonically, so only the edited value differs (the file form stays valid). */
const edit = (text: string, change: (b: any) => void): string => {
  const b = JSON.parse(text);
  change(b);
  return canonicalize(b as JsonObject);
};

describe('evidence bundle', () => {
  let fx: EvidenceFixture;
  let text: string;
  let bundle: EvidenceBundle;

  beforeAll(async () => {
    fx = await evidenceFixture();
    await fx.chronology();
    text = await fx.build();
    bundle = JSON.parse(text);
  });
  afterAll(() => fx.store.close());

  describe('as built', () => {
    it('holds the chronology, the approver’s key, the sign-off envelope and one checkpoint, as canonical JSON', async () => {
      expect(canonicalize(bundle as unknown as JsonObject)).toBe(text);
      const types = bundle.events.map((e) => JSON.parse(e.record).type);
      expect(types).toEqual(['UserKeyRegistered', 'TaskRegistered', 'TaskAssigned', 'ReminderIssued', 'ProgressReported', 'CompletionReported', 'CompletionVerified', 'SignOffRecorded']);
      expect(bundle.envelopes).toEqual([{ position: bundle.events[7].position, path: '/data/signature', signer: 'p-mayor', keyId: fx.mayor.keyId }]);
      expect(bundle.approverKeys).toEqual([
        { userId: 'p-mayor', keyId: fx.mayor.keyId, algorithm: 'ed25519', publicKey: fx.mayor.publicKey, custody: 'user', registeredAt: 121, revokedAt: null },
      ]);
      expect(bundle.ledger).toEqual({ origin: 'hengyang.example/ledger', algorithm: 'ed25519', keyId: fx.ledgerKey.keyId, publicKey: fx.ledgerKey.publicKeyBase64 });
      // The latest checkpoint (at 274) did not cover the sign-off, so a fresh one was signed and is the latest.
      expect(bundle.checkpoint.size).toBe((await fx.store.headPosition()) - 1);
      expect(bundle.latest).toBeNull();
      // Each record is exactly what the store hashed.
      for (const e of bundle.events) expect((await fx.store.inclusionProof(e.position)).leafHash).toBe(e.leafHash);
    });

    it('verifies with our verifier and with the standalone one, naming every check', () => {
      const report = verifyEvidence(text);
      expect(failed(report)).toEqual([]);
      expect(report).toMatchObject({ ok: true, keySource: 'bundle', counts: { events: 8, envelopes: 1 } });
      const ids = report.checks.map((c) => c.id);
      expect(ids.filter((id) => id === 'event.proof')).toHaveLength(8);
      expect(ids).toEqual(expect.arrayContaining(['bundle.canonical', 'checkpoint.signature', 'envelope', 'export.signature', 'summary.approverKeys']));
      const outside = standalone(text, '--json');
      expect(outside.code).toBe(0);
      expect(outside.report?.checks.map((c) => [c.id, c.ok])).toEqual(report.checks.map((c) => [c.id, c.ok]));
    });

    it('prints what was verified in English, Vietnamese and Chinese, saying the key came from the bundle', () => {
      const report = verifyEvidence(text);
      const en = renderEvidenceReport(report, 'en').join('\n');
      expect(en).toContain('✓ Event 8 (position');
      expect(en).toMatch(/✓ Envelope of event 8 \(\/data\/signature, application\/vnd\.accountability-ledger\.signoff\.v1\+json\): the signature of p-mayor with key [0-9a-f]{64} \(kept by: the user; registered at position 121\) is valid/);
      expect(en).toContain('the ledger key was taken from the bundle itself');
      expect(en).toMatch(/RESULT: VERIFIED — 8 events, 1 signatures$/);
      expect(renderEvidenceReport(report, 'vi').join('\n')).toMatch(/KẾT QUẢ: ĐÃ KIỂM CHỨNG — 8 sự kiện, 1 chữ ký$/);
      expect(renderEvidenceReport(report, 'zh').join('\n')).toMatch(/结论：验证通过 — 8 个事件，1 个签名$/);
      expect(standalone(text, '--lang', 'vi').stdout).toContain('KẾT QUẢ: ĐÃ KIỂM CHỨNG');
      expect(standalone(text, '--lang', 'zh').stdout).toContain('结论：验证通过');
      expect(reportLanguage(undefined, { LANG: 'vi_VN.UTF-8' })).toBe('vi');
      expect(reportLanguage('zh', { LANG: 'vi_VN.UTF-8' })).toBe('zh');
      expect(reportLanguage(undefined, { LANG: 'C.UTF-8' })).toBe('en');
    });

    it('accepts the ledger key when pinned, and refuses a bundle signed by another key than the pinned one', () => {
      expect(verifyEvidence(text, { ledgerKey: fx.ledgerKey.publicKeyBase64 })).toMatchObject({ ok: true, keySource: 'pinned' });
      expect(standalone(text, '--ledger-key', fx.ledgerKey.publicKeyBase64).code).toBe(0);
      const other = generateCheckpointKey().publicKeyBase64;
      expect(failed(verifyEvidence(text, { ledgerKey: other }))).toEqual(['ledger.pinned']);
      expect(standalone(text, '--ledger-key', other, '--json').report?.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['ledger.pinned']);
    });
  });

  describe('when a byte is altered', () => {
    const cases: Array<[string, (b: any) => void, string[]]> = [
      ['a leaf hash', (b) => (b.events[2].leafHash = b.events[2].leafHash.replace(/^./, (c: string) => (c === '0' ? '1' : '0'))), ['event.leaf#3', 'export.signature']],
      ['a proof element', (b) => (b.events[4].proof[1] = b.events[4].proof[1].replace(/.$/, (c: string) => (c === '0' ? '1' : '0'))), ['event.proof#5', 'export.signature']],
      ['an event’s position', (b) => (b.events[1].position += 1), ['event.record#2', 'event.proof#2', 'export.signature']],
      ['the checkpoint root', (b) => (b.checkpoint.rootHash = '00'.repeat(32)), ['checkpoint.signature', 'export.signature']],
      ['the checkpoint size', (b) => (b.checkpoint.size += 1), ['checkpoint.signature', 'export.signature']],
      ['the checkpoint note', (b) => (b.checkpoint.note = b.checkpoint.note.replace(/\n(\d+)\n/, (_: string, s: string) => `\n${Number(s) + 1}\n`)), ['checkpoint.signature', 'export.signature']],
      ['the checkpoint signature', (b) => (b.checkpoint.note = b.checkpoint.note.replace(/(.)(=*\n)$/, (_: string, c: string, tail: string) => `${c === 'A' ? 'B' : 'A'}${tail}`)), ['checkpoint.signature', 'export.signature']],
      ['the sign-off’s payload type', (b) => (b.events[7].record = b.events[7].record.replace('signoff.v1+json', 'signoff.v2+json')), ['event.leaf#8', 'event.proof#8', 'envelope#8', 'export.signature']],
      ['the sign-off’s decision', (b) => (b.events[7].record = b.events[7].record.replace('"decision":"approve"', '"decision":"reject"')), ['event.leaf#8', 'event.proof#8', 'envelope#8', 'export.signature']],
      ['the approver’s registered key', (b) => (b.approverKeys[0].custody = 'server'), ['summary.approverKeys', 'export.signature']],
      ['who exported', (b) => (b.exportedBy.actorId = 'p-mayor'), ['export.signature']],
      ['the export signature', (b) => (b.exportSignature.signatures[0].sig = b.exportSignature.signatures[0].sig.replace(/^./, (c: string) => (c === 'A' ? 'B' : 'A'))), ['export.signature']],
    ];

    it.each(cases)('fails when %s is altered, naming what failed, in both verifiers', (_what, change, expected) => {
      const altered = edit(text, change);
      expect(failed(verifyEvidence(altered)).sort()).toEqual([...expected].sort());
      const outside = standalone(altered, '--json');
      expect(outside.code).toBe(1);
      expect(failed(outside.report!).sort()).toEqual([...expected].sort());
    });

    it('fails on a re-formatted file, and says so', () => {
      const pretty = JSON.stringify(JSON.parse(text), null, 2);
      expect(failed(verifyEvidence(pretty))).toEqual(['bundle.canonical']);
      expect(standalone(pretty).stdout).toContain('file form (re-formatted or edited)');
      expect(standalone(pretty).code).toBe(1);
    });

    it('names the failure in the user’s language', () => {
      const altered = edit(text, (b) => (b.events[4].proof[0] = '11'.repeat(32)));
      const report = verifyEvidence(altered);
      expect(renderEvidenceReport(report, 'en').at(-1)).toBe('RESULT: FAILED — 2 check(s) failed: proof of event 5, export signature');
      expect(renderEvidenceReport(report, 'vi').at(-1)).toBe('KẾT QUẢ: KHÔNG ĐẠT — 2 mục kiểm tra thất bại: bằng chứng của sự kiện 5, chữ ký bản xuất');
      expect(renderEvidenceReport(report, 'zh').at(-1)).toBe('结论：验证失败 — 2 项检查未通过：事件 5 的包含证明, 导出签名');
      expect(standalone(altered, '--lang', 'vi').stdout).toContain('bằng chứng của sự kiện 5');
    });
  });
});

describe('evidence bundle, other histories', () => {
  let fx: EvidenceFixture;
  beforeEach(async () => {
    fx = await evidenceFixture();
  });
  afterEach(() => fx.store.close());

  it('proves against an older checkpoint a witness holds, with a consistency proof to the latest', async () => {
    await fx.chronology();
    await fx.checkpointer.signNow();
    const first = fx.checkpointer.log.checkpoints()[0];
    const early = JSON.parse(await fx.build({ streams: ['task-t4-zh'], eventIds: [], checkpointSize: undefined }));
    expect(early.latest).toBeNull();
    // Only the events up to the reminder are covered by the first checkpoint: export those by id against it.
    const ids = (await fx.store.readStream('task-t4-zh')).slice(0, 3).map((e) => e.id);
    const text = await fx.build({ streams: [], eventIds: ids, checkpointSize: first.size });
    const bundle = JSON.parse(text) as EvidenceBundle;
    expect(bundle.checkpoint.size).toBe(first.size);
    expect(bundle.latest).toMatchObject({ size: fx.checkpointer.log.latest()!.size });
    expect(bundle.latest!.consistencyProof.length).toBeGreaterThan(0);
    expect(failed(verifyEvidence(text))).toEqual([]);
    expect(standalone(text).code).toBe(0);
    const altered = edit(text, (b) => (b.latest.consistencyProof[0] = '22'.repeat(32)));
    expect(failed(verifyEvidence(altered))).toEqual(['latest.consistency', 'export.signature']);
    expect(failed(standalone(altered, '--json').report!)).toEqual(['latest.consistency', 'export.signature']);
  });

  it('refuses a sign-off signed with a revoked key, or with a key that is not the signer’s', async () => {
    await fx.chronology();
    await fx.revokeKey(fx.mayor);
    await fx.signOff(fx.mayor); // a second sign-off, after the revocation
    const text = await fx.build();
    expect(failed(verifyEvidence(text))).toEqual(['envelope#10']);
    expect(failed(standalone(text, '--json').report!)).toEqual(['envelope#10']);
    expect(verifyEvidence(text).checks.find((c) => !c.ok)?.reason).toBe(`p-mayor had no registered, unrevoked key at position ${JSON.parse(text).events[9].position}`);
  });

  it('refuses an envelope whose signed record hash is not the sign-off’s', async () => {
    await fx.registerKey(fx.mayor);
    await fx.signOff(fx.mayor, { recordHash: 'ab'.repeat(32) });
    const text = await fx.build({ streams: ['signoff-so-t4-zh'] });
    const report = verifyEvidence(text);
    expect(failed(report)).toEqual(['envelope#2']);
    expect(report.checks.find((c) => !c.ok)?.reason).toMatch(/^the envelope signs recordHash "abab/);
    expect(failed(standalone(text, '--json').report!)).toEqual(['envelope#2']);
  });

  it('follows a ledger key rotation back to a key pinned before it', async () => {
    await fx.chronology();
    const before = fx.ledgerKey;
    const after = await fx.rotateLedgerKey();
    await fx.filler(3);
    const text = await fx.build();
    const bundle = JSON.parse(text) as EvidenceBundle;
    expect(bundle.ledger.keyId).toBe(after.keyId);
    expect(bundle.events.map((e) => JSON.parse(e.record).type)).toContain('CheckpointKeyRotated');
    expect(verifyEvidence(text, { ledgerKey: before.publicKeyBase64 }).ok).toBe(true);
    expect(standalone(text, '--ledger-key', before.publicKeyBase64).code).toBe(0);
    expect(verifyEvidence(text, { ledgerKey: generateCheckpointKey().publicKeyBase64 }).ok).toBe(false);
  });

  it('exports a server-kept key as such', async () => {
    await fx.registerKey(fx.mayor, 'server');
    await fx.signOff(fx.mayor);
    const text = await fx.build({ streams: ['signoff-so-t4-zh'] });
    expect(renderEvidenceReport(verifyEvidence(text), 'en').join('\n')).toContain('(kept by: the server, for the user; registered at position 1)');
  });

  it('brings the chronology a referral names (integrity.eventIds) into a case’s bundle', async () => {
    await fx.chronology();
    const chronology = [...(await fx.store.readStream('task-t4-zh')), ...(await fx.store.readStream('signoff-so-t4-zh'))];
    await fx.append(
      'case-zh-2018-t4',
      [{ type: 'CaseReferred', data: { caseId: 'zh-2018-t4', subjectUnitId: 'zh', referral: { unitId: 'zh', integrity: { eventIds: chronology.map((e) => e.id), ruleSetId: 'vn-2026' } } } }],
      ['p-insp', 'inspector', 'insp'],
    );
    const text = await fx.build({ streams: ['case-zh-2018-t4'] });
    const types = JSON.parse(text).events.map((e: { record: string }) => JSON.parse(e.record).type);
    expect(types).toEqual(['UserKeyRegistered', 'TaskRegistered', 'TaskAssigned', 'ReminderIssued', 'ProgressReported', 'CompletionReported', 'CompletionVerified', 'SignOffRecorded', 'CaseReferred']);
    expect(failed(verifyEvidence(text))).toEqual([]);
    expect(standalone(text).code).toBe(0);
  });

  it('refuses what it cannot prove', async () => {
    await fx.chronology();
    await expect(fx.build({ streams: ['task-nowhere'] })).rejects.toMatchObject({ code: 'EVIDENCE.NOT_FOUND' });
    await expect(fx.build({ streams: [], eventIds: ['no-such-id'] })).rejects.toMatchObject({ code: 'EVIDENCE.NOT_FOUND' });
    await expect(fx.build({ streams: [] })).rejects.toMatchObject({ code: 'EVIDENCE.EMPTY_REQUEST' });
    const first = fx.checkpointer.log.checkpoints()[0];
    await expect(fx.build({ checkpointSize: first.size })).rejects.toMatchObject({ code: 'EVIDENCE.CHECKPOINT_TOO_SMALL' });
    await expect(fx.build({ checkpointSize: 7 })).rejects.toMatchObject({ code: 'EVIDENCE.CHECKPOINT_NOT_FOUND' });
  });
});
