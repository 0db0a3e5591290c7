import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { STREAM_KINDS } from '@ledger/domain';
import { SqliteEventStore, type LedgerStore, type RecordedEvent } from '@ledger/event-store';
import { IMPORT_COLUMNS, type RawRow } from '../import/import-rows';
import { sampleImportRows, toCsv } from '../import/import-sample';
import { importFile } from './import';

/**
 * `ledger import` against a real SQLite ledger: a large file with the progress bar, a file with one bad row (nothing
 * written, the line named), --skip-bad (good rows written, the bad ones in the rejects file), JSON, a re-run.
 */

const ENV = { LEDGER_TIME_ZONE_OFFSET: '+08:00', LEDGER_ADMIN_UNIT: 'root' };

/** The line a row starts on in `toCsv(rows)` (bodies hold line breaks, so rows are not one line each). */
function lineOf(rows: readonly RawRow[], index: number): number {
  return toCsv(rows.slice(0, index)).split('\n').length;
}

async function allEvents(store: LedgerStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (let from = 1; ; ) {
    const page = await store.readAll({ fromPosition: from, limit: 10_000 });
    all.push(...page);
    if (page.length < 10_000) return all;
    from = page[page.length - 1].position + 1;
  }
}

describe('ledger import', () => {
  let dir: string;
  let store: SqliteEventStore;
  let stderr: string;
  let restoreStderr: () => void;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-import-'));
    store = await SqliteEventStore.open({ path: join(dir, 'ledger.db'), policy: { streamKinds: new Set(STREAM_KINDS) }, synchronous: 'NORMAL' });
    stderr = '';
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      stderr += chunk.toString();
      return true;
    }) as typeof process.stderr.write;
    restoreStderr = () => {
      process.stderr.write = write;
    };
  });

  afterEach(async () => {
    restoreStderr();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function fileOf(name: string, rows: readonly RawRow[]): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, name.endsWith('.csv') ? toCsv(rows) : JSON.stringify(rows, null, 2));
    return path;
  }

  describe('a file of 5,000 good rows', () => {
    it('imports every record through the deciders, with a progress bar, as late entries of the CLI administrator', async () => {
      const rows = sampleImportRows(5000);
      const outcome = await importFile(store, await fileOf('history.csv', rows), { progress: true }, ENV);
      expect(outcome.exitCode).toBe(0);
      expect(stderr).toMatch(/checking\s+\[.*\] 100% \| 5000\/5000/);
      expect(stderr).toMatch(/writing\s+\[.*\] 100%/);
      expect(stderr).toMatch(/imported 5000 row\(s\)/);

      const events = await allEvents(store);
      expect(events).toHaveLength(outcome.plan!.events);
      expect((await store.verify()).ok).toBe(true);
      const unit = events.find((e) => e.streamId === 'unit-d1')!;
      expect(unit.type).toBe('UnitRegistered');
      expect(unit.metadata).toMatchObject({ actorId: `cli:${userInfo().username}`, actorRole: 'administrator', actorUnit: 'root', commandId: 'import:unit:d1', occurredAt: '2017-12-31T16:00:00Z' });
      expect(unit.metadata.recordedAt > '2020').toBe(true);
      expect(new Set(events.map((e) => e.metadata.correlationId)).size).toBe(1);

      // A directive with its document number and nine tasks, each registered and assigned to the district's head.
      const directive = events.find((e) => e.streamId === 'directive-dir-1')!;
      expect(directive.data).toMatchObject({ issuer: { personId: 'p-mayor', unitId: 'city' }, documentNumber: 'SAMPLE-1', taskIds: Array.from({ length: 9 }, (_, i) => `dir-1-t${i + 1}`) });
      expect(events.some((e) => e.type === 'DocumentNumberReserved' && e.metadata.commandId === 'import:directive:dir-1/docno')).toBe(true);
      const task = events.filter((e) => e.streamId === 'task-dir-1-t1');
      expect(task.map((e) => e.type)).toEqual(['TaskRegistered', 'TaskAssigned']);
      expect(task[1].data).toMatchObject({ leadUnitId: 'd3', responsible: { personId: 'p-d3-head' } });
    });

    it('does nothing the second time (the same command ids are found)', async () => {
      const path = await fileOf('history.csv', sampleImportRows(300));
      await importFile(store, path, {}, ENV);
      const head = await store.headPosition();
      const again = await importFile(store, path, {}, ENV);
      expect(again.exitCode).toBe(0);
      expect(again.plan!.alreadyImported).toBe(300);
      expect(await store.headPosition()).toBe(head);
    });
  });

  describe('a file with one bad row', () => {
    it('writes nothing and names the line and the column', async () => {
      const rows = sampleImportRows(200);
      const i = rows.findIndex((r) => r.record === 'task') + 4;
      rows[i] = { ...rows[i], deadline: '31/10/2018' };
      const outcome = await importFile(store, await fileOf('history.csv', rows), {}, ENV);
      expect(outcome.exitCode).toBe(1);
      expect(stderr).toContain(`line ${lineOf(rows, i)}: deadline: must be YYYY-MM-DD`);
      expect(stderr).toMatch(/1 bad row\(s\) of 200: nothing written/);
      expect(await store.headPosition()).toBe(0);
    });

    it('names a domain refusal with its code (a deadline before the directive)', async () => {
      const rows = sampleImportRows(120);
      const i = rows.findIndex((r) => r.record === 'task');
      rows[i] = { ...rows[i], deadline: '2017-06-01' };
      const outcome = await importFile(store, await fileOf('history.csv', rows), {}, ENV);
      expect(outcome.exitCode).toBe(1);
      expect(stderr).toMatch(new RegExp(`line ${lineOf(rows, i)}: deadline: .*\\(TASK\\.DEADLINE_BEFORE_ISSUE\\)`));
      expect(await store.headPosition()).toBe(0);
    });

    it('refuses references to records that do not exist, and duplicate ids', async () => {
      const rows = sampleImportRows(60);
      rows.push({ ...rows[55], id: 'orphan', directive_id: 'dir-404' });
      rows.push({ ...rows[1] });
      const outcome = await importFile(store, await fileOf('history.csv', rows), {}, ENV);
      expect(outcome.exitCode).toBe(1);
      expect(stderr).toContain(`line ${lineOf(rows, 60)}: directive_id: directive dir-404 does not exist`);
      expect(stderr).toContain(`line ${lineOf(rows, 61)}: id: unit d1 is already on line 3`);
      expect(await store.headPosition()).toBe(0);
    });
  });

  describe('with --skip-bad', () => {
    it('writes the good rows and puts each bad one in the rejects file with its reason; rows that depend on it follow it', async () => {
      const rows = sampleImportRows(120);
      const badDistrict = 5;
      rows[badDistrict] = { ...rows[badDistrict], unit_kind: 'province' };
      const badTask = rows.findIndex((r) => r.record === 'task' && r.lead_unit_id !== 'd5' && r.co_unit_ids !== 'd5');
      rows[badTask] = { ...rows[badTask], deadline: '2099-02-30' };
      const rejects = join(dir, 'rejects.csv');
      const outcome = await importFile(store, await fileOf('history.csv', rows), { skipBad: true, rejects }, ENV);
      expect(outcome.exitCode).toBe(0);

      const rejected = parse(await readFile(rejects, 'utf8'), { columns: true }) as Array<Record<string, string>>;
      expect(Object.keys(rejected[0])).toEqual(['rejected_line', 'rejected_reason', ...IMPORT_COLUMNS]);
      const byLine = new Map(rejected.map((r) => [Number(r.rejected_line), r]));
      expect(byLine.get(lineOf(rows, badDistrict))!.rejected_reason).toMatch(/unit_kind: must be one of/);
      expect(byLine.get(lineOf(rows, badTask))!.rejected_reason).toMatch(/deadline: must be YYYY-MM-DD/);
      // Tasks led by the rejected district (or with it as a co-unit) are rejected with it, and no other row.
      const ledByBad = rows.map((r, i) => [r, lineOf(rows, i)] as const).filter(([r]) => r.lead_unit_id === 'd5' || r.co_unit_ids === 'd5');
      for (const [, line] of ledByBad) expect(byLine.get(line)?.rejected_reason).toMatch(/unit d5 was rejected \(line 7\)/);
      expect(rejected).toHaveLength(2 + ledByBad.length);

      const events = await allEvents(store);
      expect(events.some((e) => e.streamId === 'unit-d5')).toBe(false);
      expect(events.some((e) => e.streamId === `task-${rows[badTask].id}`)).toBe(false);
      // The directive lists only the tasks that were written.
      const directiveOfBad = events.find((e) => e.streamId === `directive-${rows[badTask].directive_id}`)!;
      expect(directiveOfBad.data.taskIds).not.toContain(rows[badTask].id);
      expect((await store.verify()).ok).toBe(true);

      // The rejects file, fixed, imports as it is.
      const fixed = rejected.map((r) => ({ ...r, unit_kind: r.unit_kind === 'province' ? 'district' : r.unit_kind, deadline: r.deadline === '2099-02-30' ? '2099-02-28' : r.deadline }));
      await writeFile(rejects, toCsv(fixed as RawRow[]));
      stderr = '';
      const again = await importFile(store, rejects, {}, ENV);
      expect(stderr).toContain('imported');
      expect(again.exitCode).toBe(0);
    });
  });

  describe('JSON', () => {
    it('imports an array of rows with the same fields, and numbers errors by the line the row starts on', async () => {
      const rows = sampleImportRows(30);
      const good = await importFile(store, await fileOf('history.json', rows), { dryRun: true }, ENV);
      expect(good.exitCode).toBe(0);
      expect(stderr).toMatch(/dry run: 30 row\(s\) would be imported/);
      expect(await store.headPosition()).toBe(0);
      rows[2] = { ...rows[2], date: 'yesterday' };
      const bad = await importFile(store, await fileOf('bad.json', rows), {}, ENV);
      expect(bad.exitCode).toBe(1);
      const line = JSON.stringify(rows, null, 2).split('\n').findIndex((l) => l.includes('"date": "yesterday"')) - 2;
      expect(stderr).toContain(`line ${line}: date: must be YYYY-MM-DD`);
    });
  });

  describe('objectives and their actuals', () => {
    const base: RawRow[] = [
      { record: 'unit', id: 'city', date: '2018-01-01', unit_kind: 'city', name_en: 'Sample City', head_person_id: 'p-mayor', head_name: 'Li Ming', head_post_title: 'Mayor' },
      { record: 'unit', id: 'd1', date: '2018-01-01', parent_id: 'city', unit_kind: 'district', name_en: 'District 1', head_person_id: 'p-d1', head_name: 'Head One', head_post_title: 'District Head' },
      { record: 'directive', id: 'plan-2018', date: '2018-01-05', issuer_unit_id: 'city', issuer_person_id: 'p-mayor', issuer_name: 'Li Ming', issuer_post_title: 'Mayor', document_number: 'PLAN-1', directive_kind: 'plan', title: 'Work plan 2018', body: 'Annual objectives of the districts.' },
      { record: 'objective', id: 'd1-roads-2018', date: '2018-01-06', unit_id: 'd1', directive_id: 'plan-2018', year: '2018', metric: 'Rural roads hardened', unit_of_measure: 'km', direction: 'higher_is_better', target: '120.5', baseline: '80', weight: '0.2', tolerance: '0.05', deadline: '2018-12-31' },
      { record: 'actual', id: 'd1-roads-h1', date: '2018-07-03', objective_id: 'd1-roads-2018', period: '2018-H1', as_of: '2018-06-30', value: '51.25', same_period_last_year: '40', source: 'District statistics office' },
      { record: 'actual', id: 'd1-roads-h2', date: '2019-01-04', objective_id: 'd1-roads-2018', period: '2018-H2', as_of: '2018-12-31', value: '118', source: 'District statistics office' },
    ];

    it('defines each objective from its directive and appends its actuals in file order, once', async () => {
      const path = await fileOf('objectives.csv', base);
      const outcome = await importFile(store, path, {}, ENV);
      expect(outcome.exitCode).toBe(0);
      const events = (await allEvents(store)).filter((e) => e.streamId === 'objective-d1-roads-2018');
      expect(events.map((e) => [e.type, e.streamVersion, e.metadata.commandId])).toEqual([
        ['ObjectiveDefined', 1, 'import:objective:d1-roads-2018'],
        ['ActualReported', 2, 'import:actual:d1-roads-h1'],
        ['ActualReported', 3, 'import:actual:d1-roads-h2'],
      ]);
      expect(events[0].data).toMatchObject({ unitId: 'd1', year: 2018, target: 120.5, baseline: 80, weight: 0.2, tolerance: 0.05, deadline: '2018-12-31', directiveId: 'plan-2018', letterId: null });
      expect(events[1].data).toMatchObject({ period: '2018-H1', asOf: '2018-06-30', value: 51.25, samePeriodLastYear: 40, source: 'District statistics office' });
      expect(events[2].data).toMatchObject({ value: 118, samePeriodLastYear: null });
      expect(events[2].metadata.occurredAt).toBe('2019-01-03T16:00:00Z');
      expect((await store.verify()).ok).toBe(true);

      const head = await store.headPosition();
      const again = await importFile(store, path, {}, ENV);
      expect(again.exitCode).toBe(0);
      expect(again.plan!.alreadyImported).toBe(base.length);
      expect(await store.headPosition()).toBe(head);
    });

    it('adds later actuals to an objective already in the ledger', async () => {
      await importFile(store, await fileOf('first.csv', base.slice(0, 5)), {}, ENV);
      const outcome = await importFile(store, await fileOf('second.csv', base.slice(5)), {}, ENV);
      expect(outcome.exitCode).toBe(0);
      const events = (await allEvents(store)).filter((e) => e.streamId === 'objective-d1-roads-2018');
      expect(events.map((e) => e.type)).toEqual(['ObjectiveDefined', 'ActualReported', 'ActualReported']);
    });

    it('names every bad field and reference by line and writes nothing', async () => {
      const rows: RawRow[] = [
        ...base,
        { ...base[3], id: 'bad-figures', target: '1e3', weight: '', direction: 'up', deadline: '2019-01-31' },
        { ...base[3], id: 'later-plan', directive_id: 'plan-2019' },
        { record: 'directive', id: 'plan-2019', date: '2018-02-01', issuer_unit_id: 'city', issuer_person_id: 'p-mayor', issuer_name: 'Li Ming', issuer_post_title: 'Mayor', document_number: 'PLAN-2', directive_kind: 'plan', title: 'Plan', body: 'Plan.' },
        { ...base[4], id: 'orphan-actual', objective_id: 'nope' },
        { ...base[4], id: 'early-actual', as_of: '2017-12-31', date: '2018-01-10' },
        { ...base[4], id: 'used-wrong-column', title: 'not for actuals' },
      ];
      const outcome = await importFile(store, await fileOf('bad.csv', rows), {}, ENV);
      expect(outcome.exitCode).toBe(1);
      expect(stderr).toContain(`line ${lineOf(rows, 6)}: target: must be a decimal number`);
      expect(stderr).toContain(`line ${lineOf(rows, 6)}: weight: is required`);
      expect(stderr).toContain(`line ${lineOf(rows, 6)}: direction: must be one of higher_is_better, lower_is_better`);
      expect(stderr).toContain(`line ${lineOf(rows, 6)}: deadline: must fall in the objective's year 2018`);
      expect(stderr).toContain(`line ${lineOf(rows, 7)}: directive_id: directive plan-2019 comes later (line ${lineOf(rows, 8)})`);
      expect(stderr).toContain(`line ${lineOf(rows, 9)}: objective_id: objective nope does not exist`);
      expect(stderr).toMatch(new RegExp(`line ${lineOf(rows, 10)}: as_of: .*\\(OBJECTIVE\\.ACTUAL_BEFORE_YEAR\\)`));
      expect(stderr).toContain(`line ${lineOf(rows, 11)}: title: is not used by a actual row`);
      expect(await store.headPosition()).toBe(0);
    });

    it('imports the sample history with objectives (what the 100,000-row measurement uses)', async () => {
      const rows = sampleImportRows(400, { objectives: true });
      expect(rows.some((r) => r.record === 'objective')).toBe(true);
      expect(rows.some((r) => r.record === 'actual')).toBe(true);
      const outcome = await importFile(store, await fileOf('history.csv', rows), {}, ENV);
      expect(outcome.exitCode).toBe(0);
      expect(outcome.plan!.accepted).toBe(400);
      expect((await store.verify()).ok).toBe(true);
    });
  });
});
