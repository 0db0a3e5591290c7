import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
// The testing module is Nest's supported way to replace providers (clock, ticker) of an unchanged AppModule.
import { Test } from '@nestjs/testing';
import type { Command } from 'commander';
import { STREAM_KINDS } from '@ledger/domain';
import { describeStore, openStore, storeConfigFromEnv, type StoreConfig } from '@ledger/event-store';
import { TestClock } from '@ledger/event-store/testing/test-clock';
import { AppModule } from '../../../api/src/app.module';
import { IDENTITY_CONFIG, identityConfigFromEnv } from '../../../api/src/auth/identity.config';
import { createLedgerApp } from '../../../api/src/bootstrap';
import { DEADLINE_TICKER, type Ticker } from '../../../api/src/deadlines/ticker';
import { CLOCK, STORE_CONFIG } from '../../../api/src/infrastructure/ledger-store.module';
import { API_CONFIG, apiConfigFromEnv } from '../../../api/src/shared/api-config';
import { CN_HENGYANG_2018 } from '../demo/cn-hengyang-2018';
import { APPRAISAL_CYCLE, appraiseHengyang2018, loadHengyang2018, type Role, type ScenarioDriver, type ScenarioResponse } from '../demo/hengyang-2018';

/** What `ledger demo` loaded, as the API reports it afterwards. */
export interface DemoSummary {
  readonly units: number;
  readonly tasks: number;
  readonly objectives: Array<{ unitId: string; outcome: string | null }>;
  readonly referrals: Array<{ caseId: string; subjectUnitId: string; objectiveId: string | null; persons: string[] }>;
  /** The 2018 appraisal of the districts and counties, as published. */
  readonly appraisal: {
    cycleId: string;
    status: string;
    ruleSetId: string;
    ruleSetHash: string | null;
    grades: Array<{ unitId: string; score: number | null; proposedGrade: string | null; grade: string }>;
  };
}

export class LedgerNotEmptyError extends Error {
  readonly code = 'DEMO.LEDGER_NOT_EMPTY';
}

/** Fires the deadline watcher and the referral process manager when the scenario says so, never on a timer. */
class ScenarioTicker implements Ticker {
  private readonly ticks: Array<() => Promise<unknown>> = [];
  start(_intervalMs: number, tick: () => Promise<unknown>): () => void {
    this.ticks.push(tick);
    return () => this.ticks.splice(this.ticks.indexOf(tick), 1);
  }
  async fire(): Promise<void> {
    for (const tick of [...this.ticks]) await tick();
  }
}

/**
 * Loads the Hengyang 2018 year into an empty ledger through the API's own command path: an in-process app on the
 * configured store, listening on loopback, driven over HTTP with its clock moved to each day of the scenario.
 */
export async function loadDemo(config: StoreConfig, log: (line: string) => void = () => undefined): Promise<DemoSummary> {
  const probe = await openStore(config, new Set(STREAM_KINDS));
  try {
    const head = await probe.headPosition();
    if (head > 0) throw new LedgerNotEmptyError(`the ledger at ${describeStore(config)} already holds ${head} events; the demo loads only into an empty ledger`);
  } finally {
    await probe.close();
  }

  const secrets = await mkdtemp(join(tmpdir(), 'ledger-demo-'));
  const tokenFile = join(secrets, 'admin.token');
  const clock = new TestClock('2018-01-02T09:00:00+08:00');
  const ticker = new ScenarioTicker();
  let app: INestApplication | undefined;
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(STORE_CONFIG)
      .useValue(config)
      .overrideProvider(CLOCK)
      .useValue(clock)
      .overrideProvider(API_CONFIG)
      .useValue({ ...apiConfigFromEnv(), embeddedProjector: true, readModelPollMs: 50 })
      .overrideProvider(DEADLINE_TICKER)
      .useValue(ticker)
      .overrideProvider(IDENTITY_CONFIG)
      .useValue({ ...identityConfigFromEnv({ ...process.env, LEDGER_BOOTSTRAP_TOKEN_FILE: tokenFile }), authFailureLimit: 100_000 })
      .compile();
    app = await createLedgerApp({ module: moduleRef, logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    const base = `http://127.0.0.1:${port}`;
    const tokens = new Map<string, string>([['admin', (await readFile(tokenFile, 'utf8')).trim()]]);
    const call = async (who: string, method: string, path: string, body?: unknown): Promise<ScenarioResponse> => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${tokens.get(who)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
    };
    const must = async (res: Promise<ScenarioResponse>, what: string) => {
      const r = await res;
      if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`);
      return r;
    };

    const driver: ScenarioDriver = {
      at: (instant) => clock.set(instant),
      user: async (id: string, role: Role, unitId: string, name: string) => {
        if (tokens.has(id)) return id;
        await must(call('admin', 'POST', '/v1/users', { id, displayName: name, role, unitId }), `user ${id}`);
        tokens.set(id, (await must(call('admin', 'POST', `/v1/users/${id}/tokens`, { label: 'demo' }), `token ${id}`)).body.token);
        return id;
      },
      post: (who, path, body) => call(who, 'POST', path, body ?? {}),
      tick: () => ticker.fire(),
    };
    const cast = await loadHengyang2018(driver, log);
    // The year's results feed the annual appraisal: its rule set published as data, then the cycle to publication.
    await appraiseHengyang2018(driver, cast, CN_HENGYANG_2018, log);

    const units = (await must(call('admin', 'GET', '/v1/units'), 'units')).body.items.length as number;
    const tasks = (await must(call('admin', 'GET', '/v1/tasks?pageSize=1'), 'tasks')).body.total as number;
    const dashboard = (await must(call('admin', 'GET', '/v1/objectives/dashboard?year=2018&asOf=2018-12-31'), 'objectives')).body.items as Array<{ unitId: string; outcome: string | null }>;
    const cases = (await must(call('admin', 'GET', '/v1/cases'), 'cases')).body.items as Array<{ caseId: string; subjectUnitId: string; objectiveId: string | null; referral: { subject: { persons: Array<{ name: string }> } } }>;
    const cycle = (await must(call('admin', 'GET', `/v1/appraisals/${APPRAISAL_CYCLE}`), 'appraisal')).body as {
      cycleId: string;
      status: string;
      ruleSetId: string;
      ruleSetHash: string | null;
      results: Array<{ unitId: string; score: number | null; proposedGrade: string }>;
      grades: Array<{ unitId: string; grade: string }>;
    };
    return {
      units,
      tasks,
      appraisal: {
        cycleId: cycle.cycleId,
        status: cycle.status,
        ruleSetId: cycle.ruleSetId,
        ruleSetHash: cycle.ruleSetHash,
        grades: cycle.grades.map(({ unitId, grade }) => {
          const result = cycle.results.find((entry) => entry.unitId === unitId);
          return { unitId, score: result?.score ?? null, proposedGrade: result?.proposedGrade ?? null, grade };
        }),
      },
      objectives: dashboard.map(({ unitId, outcome }) => ({ unitId, outcome })),
      referrals: cases.map((c) => ({ caseId: c.caseId, subjectUnitId: c.subjectUnitId, objectiveId: c.objectiveId, persons: c.referral.subject.persons.map((p) => p.name) })),
    };
  } finally {
    await app?.close();
    await rm(secrets, { recursive: true, force: true });
  }
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('load the Hengyang 2018 year into an empty ledger through the API (clock moved through the year)')
    .action(async () => {
      const config = storeConfigFromEnv();
      process.stderr.write(`store: ${describeStore(config)}\n`);
      try {
        const summary = await loadDemo(config, (line) => process.stderr.write(`${line}\n`));
        console.log(`Loaded the Hengyang 2018 year: ${summary.units} units, ${summary.tasks} tasks, ${summary.objectives.length} objectives`);
        console.log(`Objectives at year close: ${summary.objectives.map((o) => `${o.unitId} ${o.outcome ?? 'open'}`).join(', ')}`);
        for (const r of summary.referrals) console.log(`Referral ${r.caseId}: ${r.subjectUnitId} (objective ${r.objectiveId}), naming ${r.persons.join(', ')}`);
        const a = summary.appraisal;
        console.log(`Appraisal ${a.cycleId} (${a.status}, rule set ${a.ruleSetId}): ${a.grades.map((g) => `${g.unitId} ${g.score ?? '-'} ${g.grade}`).join(', ')}`);
        console.log(`Annual appraisal report: GET /v1/reports/appraisal/2018/districts.pdf?lang=zh (an appraiser's, auditor's or administrator's token)`);
      } catch (error) {
        if (!(error instanceof LedgerNotEmptyError)) throw error;
        console.error(`ledger demo: ${error.message}`);
        process.exitCode = 2;
      }
    });
}
