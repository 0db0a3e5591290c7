import { Command } from 'commander';
import { STREAM_KINDS } from '@ledger/domain';
import { SqliteEventStore, type LedgerStore } from '@ledger/event-store';
import { cliActor, registerUserCommands } from './users';

/** `ledger user ...` against a real (in-memory SQLite) store, as the operator runs it. */
describe('ledger user', () => {
  let store: LedgerStore;
  let stdout: string[];

  const ledger = async (...args: string[]): Promise<string> => {
    stdout = [];
    const program = new Command('ledger').exitOverride();
    registerUserCommands(program, (fn) => fn(store));
    await program.parseAsync(['node', 'ledger', ...args]);
    return stdout.join('');
  };

  beforeEach(async () => {
    store = await SqliteEventStore.open({ path: ':memory:', policy: { streamKinds: new Set(STREAM_KINDS) } });
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (stdout.push(String(chunk)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    jest.spyOn(console, 'log').mockImplementation((...items: unknown[]) => void stdout.push(`${items.join(' ')}\n`));
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await store.close();
  });

  it('adds a user and prints their token alone on stdout, recorded as the local administrator', async () => {
    const printed = await ledger('user', 'add', '--id', 'p-zh-staff', '--name', 'Wang Fang', '--role', 'unit_staff', '--unit', 'zh');
    expect(printed).toMatch(/^lgr_[0-9a-f]{24}_[A-Za-z0-9_-]{43}\n$/);
    const events = await store.readStream('user-p-zh-staff');
    expect(events.map((e) => e.type)).toEqual(['UserRegistered', 'ApiTokenIssued']);
    const actor = cliActor();
    expect(actor.id).toMatch(/^cli:/);
    for (const e of events) expect([e.metadata.actorId, e.metadata.actorRole, e.metadata.actorUnit]).toEqual([actor.id, 'administrator', actor.unit]);
    expect(JSON.stringify(events)).not.toContain(printed.trim().slice(-43));
  });

  it('issues, revokes and lists tokens', async () => {
    await ledger('user', 'add', '--id', 'p-leader', '--name', 'Mayor', '--role', 'leader', '--unit', 'city');
    const second = (await ledger('user', 'token', 'p-leader', '--label', 'tablet')).trim();
    const tokenId = second.split('_')[1];
    await ledger('user', 'revoke', 'p-leader', tokenId, '--reason', 'Tablet replaced');
    const [listed] = JSON.parse(await ledger('user', 'list', '--json'));
    expect(listed).toMatchObject({ id: 'p-leader', role: 'leader', unit: 'city', status: 'active' });
    expect(listed.usableTokens).toHaveLength(1);
    expect(listed.usableTokens).not.toContain(tokenId);
  });

  it('refuses what the domain refuses', async () => {
    await ledger('user', 'add', '--id', 'p-leader', '--name', 'Mayor', '--role', 'leader', '--unit', 'city');
    await expect(ledger('user', 'add', '--id', 'p-leader', '--name', 'Mayor', '--role', 'leader', '--unit', 'city')).rejects.toMatchObject({
      code: 'USER.ALREADY_REGISTERED',
    });
    await expect(ledger('user', 'token', 'p-nobody')).rejects.toMatchObject({ code: 'USER.NOT_FOUND' });
    await expect(ledger('user', 'token', 'p-leader', '--expires-at', '2018-01-01T00:00:00+08:00')).rejects.toMatchObject({
      code: 'USER.TOKEN_EXPIRY_NOT_FUTURE',
    });
  });
});
