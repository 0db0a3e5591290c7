import { STREAM_KINDS, type Actor } from '@ledger/domain';
import { SqliteEventStore, type Clock, type LedgerStore } from '@ledger/event-store';
import { IdentityCommands, type IdentityCommandContext } from './identity-commands.service';
import { IdentityIndex } from './identity.index';

/**
 * The identity index keeps tokens it has verified (by the SHA-256 of the whole token) so a repeated request does
 * not verify again; every change to the user must still count from the very next request.
 */
describe('verified-token cache of the identity index', () => {
  const admin: Actor = { id: 'admin', role: 'administrator', unit: 'city' };
  const ctx: IdentityCommandContext = { actor: admin, idempotencyKey: null, ifMatch: null, correlationId: null };
  let now = new Date('2026-11-23T10:00:00Z');
  const clock: Clock = { now: () => now };
  let store: LedgerStore;
  let index: IdentityIndex;
  let commands: IdentityCommands;

  beforeEach(async () => {
    now = new Date('2026-11-23T10:00:00Z');
    store = await SqliteEventStore.open({ path: ':memory:', policy: { streamKinds: new Set(STREAM_KINDS), maxEventBytes: 262_144 }, clock });
    index = new IdentityIndex(store, clock, { adminUnit: 'city', bootstrapTokenFile: undefined, authFailureLimit: 20, authFailureWindowMs: 300_000, pollIntervalMs: 60_000 });
    await index.onModuleInit();
    commands = new IdentityCommands(store, clock, index);
    await commands.execute({ type: 'RegisterUser', userId: 'p-staff', displayName: 'Staff', role: 'unit_staff', unitId: 'zh' }, ctx);
  });

  afterEach(async () => {
    await index.onModuleDestroy();
    await store.close();
  });

  it('given a token used once, when its user revokes it, then the next request is refused', async () => {
    const { token, tokenId } = await commands.issueToken({ userId: 'p-staff' }, ctx);
    expect((await index.authenticate(token))?.id).toBe('p-staff');
    expect((await index.authenticate(token))?.id).toBe('p-staff');
    await commands.execute({ type: 'RevokeApiToken', userId: 'p-staff', tokenId, reason: 'Laptop lost' }, ctx);
    expect(await index.authenticate(token)).toBeUndefined();
  });

  it('given a token used once, when its user is deactivated or changes role, then the next request sees it', async () => {
    const { token } = await commands.issueToken({ userId: 'p-staff' }, ctx);
    expect(await index.authenticate(token)).toMatchObject({ role: 'unit_staff', unit: 'zh' });
    await commands.execute({ type: 'ChangeUserRole', userId: 'p-staff', role: 'unit_head', unitId: 'hn', reason: 'Promoted' }, ctx);
    expect(await index.authenticate(token)).toMatchObject({ role: 'unit_head', unit: 'hn' });
    await commands.execute({ type: 'DeactivateUser', userId: 'p-staff', reason: 'Left' }, ctx);
    expect(await index.authenticate(token)).toBeUndefined();
  });

  it('given a token used before its expiry, when the clock passes the expiry, then it is refused', async () => {
    const { token } = await commands.issueToken({ userId: 'p-staff', expiresAt: '2026-11-23T11:00:00Z' }, ctx);
    expect(await index.authenticate(token)).toBeDefined();
    now = new Date('2026-11-23T10:59:59.999Z');
    expect(await index.authenticate(token)).toBeDefined();
    now = new Date('2026-11-23T11:00:00Z');
    expect(await index.authenticate(token)).toBeUndefined();
  });

  it('given a cached token, a token with the same id and another secret is refused', async () => {
    const { token } = await commands.issueToken({ userId: 'p-staff' }, ctx);
    expect(await index.authenticate(token)).toBeDefined();
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(await index.authenticate(token.slice(0, -1) + last)).toBeUndefined();
    expect(await index.authenticate(token)).toBeDefined();
  });
});
