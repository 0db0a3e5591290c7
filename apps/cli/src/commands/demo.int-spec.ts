import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeConfigFromEnv, type StoreConfig } from '@ledger/event-store';
import { ruleSetHash, ruleSetIssues } from '@ledger/domain';
import { CN_HENGYANG_2018 } from '../demo/cn-hengyang-2018';
import { type DemoSummary, LedgerNotEmptyError, loadDemo } from './demo';

describe('ledger demo on an empty SQLite ledger', () => {
  let dir: string;
  let config: StoreConfig;
  let lastSummary: DemoSummary;

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
    lastSummary = summary;
  }, 180_000);

  it('publishes the 2018 appraisal of the districts and counties, graded by the rule set it published as data', () => {
    const { appraisal } = lastSummary;
    expect(appraisal).toMatchObject({ cycleId: '2018-districts', status: 'published', ruleSetId: 'cn-hengyang-2018', ruleSetHash: ruleSetHash(CN_HENGYANG_2018) });
    expect(appraisal.grades.map((g) => g.unitId)).toEqual(['zx', 'sg', 'zh', 'hn', 'hd']);
    for (const g of appraisal.grades) {
      expect(typeof g.score).toBe('number');
      expect(CN_HENGYANG_2018.scales.unit.map((grade) => grade.id)).toContain(g.grade);
    }
    const byUnit = Object.fromEntries(appraisal.grades.map((g) => [g.unitId, g]));
    // Zhuhui missed its objective (41 of 50): the miss costs it points, and the 优秀 gate shuts it out of excellent.
    expect(byUnit.zh.grade).not.toBe('excellent');
    expect(byUnit.zh.score).toBeLessThan(byUnit.zx.score as number);
    expect(byUnit.zh.score).toBeLessThan(byUnit.sg.score as number);
    expect(byUnit.zh.score).toBeLessThan(byUnit.hn.score as number);
    const rank = (grade: string) => CN_HENGYANG_2018.scales.unit.findIndex((entry) => entry.id === grade);
    for (const unit of ['zx', 'sg', 'hn'] as const) expect(rank(byUnit.zh.grade)).toBeGreaterThanOrEqual(rank(byUnit[unit].grade));
  });

  it('ships its 2018 rule set as plain, valid rule-set JSON', () => {
    expect(JSON.parse(JSON.stringify(CN_HENGYANG_2018))).toEqual(CN_HENGYANG_2018);
    expect(ruleSetIssues(JSON.parse(JSON.stringify(CN_HENGYANG_2018)))).toEqual([]);
  });

  it('refuses to load into the ledger a second time', async () => {
    await expect(loadDemo(config)).rejects.toBeInstanceOf(LedgerNotEmptyError);
  });
});
