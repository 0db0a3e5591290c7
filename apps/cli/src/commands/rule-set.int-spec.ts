import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalRuleSet, CN_2019, fold, ruleSetDecider, ruleSetHash, ruleSetStreamId, STREAM_KINDS, type RuleSetEvent } from '@ledger/domain';
import { canonicalize, openStore, storeConfigFromEnv, type LedgerStore } from '@ledger/event-store';
import { CN_HENGYANG_2018 } from '../demo/cn-hengyang-2018';
import { publishRuleSetFile, withdrawRuleSet } from './rule-set';

describe('ledger rule-set publish / withdraw (SQLite)', () => {
  let dir: string;
  let store: LedgerStore;
  const admin = { id: 'cli:test', role: 'administrator' as const, unit: 'root' };
  const file = async (name: string, value: unknown) => {
    const path = join(dir, name);
    await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
    return path;
  };
  const stateOf = async (id: string) => fold(ruleSetDecider, (await store.readStream(ruleSetStreamId(id))).map((e) => ({ type: e.type, data: e.data }) as RuleSetEvent));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-rule-set-spec-'));
    store = await openStore(storeConfigFromEnv({ LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: dir, LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' }), new Set(STREAM_KINDS));
  });

  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes a rule set file through the decider, recorded whole with its hash and the actor', async () => {
    const outcome = await publishRuleSetFile(store, await file('hengyang.json', CN_HENGYANG_2018), admin);
    expect(outcome).toEqual({ exitCode: 0, problems: [], streamId: 'ruleset-cn-hengyang-2018' });
    const [event] = await store.readStream('ruleset-cn-hengyang-2018');
    expect(event).toMatchObject({ type: 'RuleSetPublished', data: { ruleSetId: 'cn-hengyang-2018', hash: ruleSetHash(CN_HENGYANG_2018), ruleSet: CN_HENGYANG_2018 }, metadata: { actorId: 'cli:test' } });
  });

  it('hashes the RFC 8785 canonical form (the store\'s own canonicalisation gives the same bytes)', () => {
    expect(canonicalRuleSet(CN_HENGYANG_2018)).toBe(canonicalize(CN_HENGYANG_2018 as never));
    expect(canonicalRuleSet(CN_2019)).toBe(canonicalize(CN_2019 as never));
  });

  it('lists every problem of a broken file with its JSON path, and writes nothing', async () => {
    const head = await store.headPosition();
    const outcome = await publishRuleSetFile(store, await file('broken.json', { ...CN_HENGYANG_2018, id: 'cn-broken-2018', bands: [{ grade: 'superb', when: [] }], quota: { ...CN_2019.quota, maxShare: 'a third' } }), admin);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.problems).toEqual(['quota.maxShare: must be a number']);
    const second = await publishRuleSetFile(store, await file('broken2.json', { ...CN_HENGYANG_2018, id: 'cn-broken-2018', bands: [{ grade: 'superb', when: [] }] }), admin);
    expect(second.problems).toEqual(['bands[0].grade: bands[0] names grade "superb", not on the unit scale']);
    expect((await publishRuleSetFile(store, await file('not.json', '{ "id": '), admin)).exitCode).toBe(2);
    expect(await store.headPosition()).toBe(head);
  });

  it('refuses an id already published; publishes a correction that supersedes it; withdraws the old one', async () => {
    expect((await publishRuleSetFile(store, await file('again.json', CN_HENGYANG_2018), admin)).problems).toEqual([expect.stringMatching(/^RULESET\.ALREADY_PUBLISHED: /)]);
    const correction = { ...CN_HENGYANG_2018, id: 'cn-hengyang-2018.1', supersedes: 'cn-hengyang-2018' };
    expect(await publishRuleSetFile(store, await file('correction.json', correction), admin)).toMatchObject({ exitCode: 0, streamId: 'ruleset-cn-hengyang-2018-v1' });
    expect(await withdrawRuleSet(store, 'cn-hengyang-2018', 'Superseded by cn-hengyang-2018.1', admin)).toMatchObject({ exitCode: 0 });
    expect(await stateOf('cn-hengyang-2018')).toMatchObject({ status: 'withdrawn', withdrawal: { reason: 'Superseded by cn-hengyang-2018.1' } });
    expect(await stateOf('cn-hengyang-2018.1')).toMatchObject({ status: 'published', supersedes: 'cn-hengyang-2018' });
    expect((await withdrawRuleSet(store, 'cn-2031', 'never published', admin)).problems).toEqual([expect.stringMatching(/^RULESET\.NOT_FOUND: /)]);
  });
});
