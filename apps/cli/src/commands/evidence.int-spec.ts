import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { auditStreamId } from '@ledger/domain';
import { loadOrCreateCheckpointKey } from '@ledger/event-store';
import { evidenceFixture, ORIGIN, type EvidenceFixture } from '@ledger/evidence/testing/evidence-fixture';
import { standalone } from '@ledger/evidence/testing/run-standalone';
import { verifyLedger } from './checkpoint';
import { registerEvidenceCommand } from './evidence';
import { cliActor } from './users';
import { registerVerifyEvidenceCommand } from './verify-evidence';

/** `ledger evidence` then `ledger verify-evidence` (which opens no store), on a SQLite file. */
describe('ledger evidence and ledger verify-evidence', () => {
  let dir: string;
  let fx: EvidenceFixture;
  let out: string[];
  const saved = { ...process.env };

  const ledger = async (...args: string[]): Promise<{ text: string; code: number }> => {
    out = [];
    process.exitCode = 0;
    const program = new Command('ledger').exitOverride();
    registerEvidenceCommand(program, (fn) => fn(fx.store));
    registerVerifyEvidenceCommand(program);
    await program.parseAsync(['node', 'ledger', ...args]);
    const code = Number(process.exitCode ?? 0);
    process.exitCode = 0;
    return { text: out.join(''), code };
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-cli-evidence-'));
    process.env.LEDGER_DATA_DIR = dir;
    process.env.LEDGER_ORIGIN = ORIGIN;
    const { key } = await loadOrCreateCheckpointKey({ dataDir: dir });
    fx = await evidenceFixture({ path: join(dir, 'ledger.db'), key });
    await fx.chronology();
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    jest.spyOn(console, 'log').mockImplementation((...items: unknown[]) => void out.push(`${items.join(' ')}\n`));
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await fx.store.close();
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports a bundle that both verifiers accept, and records who exported it', async () => {
    const file = join(dir, 'zh-t4.json');
    await ledger('evidence', 'task-t4-zh', 'signoff-so-t4-zh', '--out', file);
    const bundle = JSON.parse(readFileSync(file, 'utf8'));
    expect(bundle.exportedBy.actorId).toBe(cliActor().id);
    expect(bundle.events).toHaveLength(8);

    const viewed = await fx.store.readStream(auditStreamId(cliActor().id));
    expect(viewed.map((e) => [e.type, e.data.resource, e.data.channel])).toEqual([['AuditDataViewed', 'evidence', 'cli']]);
    expect(viewed[0].data.subject).toEqual({ streams: ['task-t4-zh', 'signoff-so-t4-zh'], eventIds: [], checkpointSize: null });

    const verified = await ledger('verify-evidence', file, '--lang', 'en');
    expect(verified.code).toBe(0);
    expect(verified.text).toMatch(/RESULT: VERIFIED — 8 events, 1 signatures\n$/);
    expect((await ledger('verify-evidence', file, '--lang', 'vi')).text).toContain('KẾT QUẢ: ĐÃ KIỂM CHỨNG');
    expect((await ledger('verify-evidence', file, '--lang', 'zh')).text).toContain('结论：验证通过');
    expect(standalone(readFileSync(file, 'utf8')).code).toBe(0);
    // Exporting appended a checkpoint and an audit event: the whole log still verifies.
    out = [];
    expect(await verifyLedger(fx.store, {})).toBe(0);
    expect(out.join('')).toMatch(/^OK: 411 events verified.*\nOK: 2 checkpoint\(s\) checked/);
  });

  it('exports single events by id, and fails verification naming the altered part', async () => {
    const [, assigned] = await fx.store.readStream('task-t4-zh');
    const { text } = await ledger('evidence', assigned.id);
    const bundle = JSON.parse(text);
    expect(bundle.events.map((e: { position: number }) => e.position)).toEqual([assigned.position]);
    const file = join(dir, 'one.json');
    writeFileSync(file, text.replace(/"leafHash":"(.)/, (_, c: string) => `"leafHash":"${c === 'a' ? 'b' : 'a'}`));
    const failed = await ledger('verify-evidence', file, '--lang', 'en');
    expect(failed.code).toBe(1);
    expect(failed.text).toContain('✗ Event 1 leaf (position');
    expect(failed.text).toMatch(/RESULT: FAILED — 2 check\(s\) failed: event 1 leaf, export signature\n$/);
  });

  it('refuses an id that is neither a stream nor an event', async () => {
    await expect(ledger('evidence', 'Task 42')).rejects.toMatchObject({ code: 'EVIDENCE.BAD_ID' });
  });
});
