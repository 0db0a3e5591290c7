import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeConfigFromEnv, type StoreConfig } from '@ledger/event-store';
import { LedgerNotEmptyError, loadDemo } from './demo';

describe('ledger demo on an empty SQLite ledger', () => {
  let dir: string;
  let config: StoreConfig;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-demo-spec-'));
    config = storeConfigFromEnv({ LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: dir, LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the Hengyang 2018 year: the discipline register holds exactly the Zhuhui referral', async () => {
    const summary = await loadDemo(config);
    expect(summary.units).toBe(9);
    expect(summary.tasks).toBe(20);
    expect(Object.fromEntries(summary.objectives.map((o) => [o.unitId, o.outcome]))).toEqual({ zx: 'exceeded', sg: 'met', zh: 'missed', hn: 'met', hd: 'excused' });
    expect(summary.referrals).toEqual([{ caseId: 'ref-o-2018-zh-t4', subjectUnitId: 'zh', objectiveId: 'o-2018-zh-t4', persons: ['District Head C'] }]);
  }, 120_000);

  it('refuses to load into the ledger a second time', async () => {
    await expect(loadDemo(config)).rejects.toBeInstanceOf(LedgerNotEmptyError);
  });
});
