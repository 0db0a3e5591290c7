import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Workbook } from 'exceljs';
import { auditStreamId } from '@ledger/domain';
import { pdfText } from '@ledger/reports/testing/pdf-text';
import { importFile } from '../apps/cli/src/commands/import';
import { IMPORT_COLUMNS } from '../apps/cli/src/import/import-rows';
import { LedgerCheckpoints } from '../apps/api/src/audit/ledger-checkpoints.service';
import { Caller, describeOnEachStore, expectStatus, LedgerTestApp, type StoreUnderTest } from './support/ledger-test-app';

/**
 * Reports and exports through HTTP on the real app: a 2019 year of two districts (a directive, tasks done on time
 * and overdue, a monthly inspection with a criticism notice and a rectification, an appraisal cycle scored,
 * moderated by the council, approved and published), then the appraisal report and the notice as PDF / XLSX / CSV
 * in three languages, scoped and audited like the JSON reads, and the import-format exports round-tripped through
 * `ledger import` into an empty ledger.
 */

const squash = (text: string) => text.replace(/\s+/g, '');

interface Download {
  readonly status: number;
  readonly bytes: Buffer;
  readonly headers: Headers;
  readonly json: any;
}

/** With LEDGER_REPORT_ARTIFACTS=<dir>, every report downloaded is also kept there, to look at (pdftoppm). */
const ARTIFACTS = process.env.LEDGER_REPORT_ARTIFACTS;

async function download(ledger: LedgerTestApp, who: Caller, path: string, headers: Record<string, string> = {}): Promise<Download> {
  const res = await fetch(`${ledger.baseUrl}${path}`, { headers: { ...headers, ...(who.token ? { authorization: `Bearer ${who.token}` } : {}) } });
  const bytes = Buffer.from(await res.arrayBuffer());
  if (ARTIFACTS && res.status === 200) {
    await mkdir(ARTIFACTS, { recursive: true });
    const url = new URL(path, ledger.baseUrl);
    const name = url.pathname.replace(/^\/v1\//, '').replace(/[^A-Za-z0-9.-]+/g, '_').replace(/(\.\w+)$/, `-${who === ledger.admin ? 'admin' : 'user'}-${url.searchParams.get('lang') ?? 'accept'}$1`);
    await writeFile(join(ARTIFACTS, `${ledger.store}-${name}`), bytes);
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    json = undefined;
  }
  return { status: res.status, bytes, headers: res.headers, json };
}

function ok(res: Download, status = 200): Download {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.bytes.toString('utf8').slice(0, 500)}`);
  return res;
}

async function post(who: Caller, path: string, body: unknown = {}, status?: number) {
  const res = await who.post(path, body);
  if (status !== undefined) expectStatus(res, status);
  else if (res.status >= 300) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res;
}

interface World {
  admin: Caller;
  mayor: Caller;
  inspector: Caller;
  personnel: Caller;
  zhStaff: Caller;
  hdStaff: Caller;
  auditor: Caller;
}

/** The 2019 year of Zhuhui (zh) and Zhengxiang (zx), through the API. */
async function loadYear(ledger: LedgerTestApp): Promise<World> {
  const admin = ledger.admin;
  ledger.at('2019-01-02T09:00:00+08:00');
  const units: Array<[string, { en: string; vi?: string; zh?: string }, string, string | null]> = [
    ['city', { en: 'Hengyang Municipal Government', vi: 'Ủy ban nhân dân thành phố Hành Dương', zh: '衡阳市人民政府' }, 'city', null],
    ['insp', { en: 'Municipal Inspection Office', zh: '市政府督查室' }, 'office', 'city'],
    ['zh', { en: 'Zhuhui District', vi: 'Quận Châu Huy', zh: '珠晖区' }, 'district', 'city'],
    ['zx', { en: 'Zhengxiang District', vi: 'Quận Chưng Tương', zh: '蒸湘区' }, 'district', 'city'],
    ['hd', { en: 'Hengdong County', zh: '衡东县' }, 'county', 'city'],
  ];
  for (const [unitId, names, kind, parentId] of units) await post(admin, '/v1/units', { unitId, names, kind, parentId }, 201);
  const heads: Array<[string, string, string, string]> = [
    ['city', 'p-mayor', 'Mayor', 'Mayor of Hengyang'],
    ['insp', 'p-insp-director', 'Director of Inspection', 'Director'],
    ['zh', 'p-zh-head', 'Nguyễn Thị Hằng', 'District Head'],
    ['zx', 'p-zx-head', '刘明', '区长'],
    ['hd', 'p-hd-head', 'Hengdong Head', 'County Head'],
  ];
  for (const [unitId, personId, name, postTitle] of heads) await post(admin, `/v1/units/${unitId}/head`, { personId, name, postTitle, from: '2019-01-01' });
  const world: World = {
    admin,
    mayor: await ledger.user('p-mayor', 'leader', 'city', 'Mayor'),
    inspector: await ledger.user('p-insp-director', 'inspector', 'insp', 'Director of Inspection'),
    personnel: await ledger.user('p-personnel', 'appraiser', 'city', 'Organisation Department'),
    zhStaff: await ledger.user('p-zh-staff', 'unit_staff', 'zh', 'Zhuhui staff'),
    hdStaff: await ledger.user('p-hd-staff', 'unit_staff', 'hd', 'Hengdong staff'),
    auditor: await ledger.user('p-auditor', 'auditor', 'city', 'Auditor'),
  };
  const zxStaff = await ledger.user('p-zx-staff', 'unit_staff', 'zx', 'Zhengxiang staff');
  const zxHead = await ledger.user('p-zx-head', 'unit_head', 'zx', '刘明');
  const zhHead = await ledger.user('p-zh-head', 'unit_head', 'zh', 'Nguyễn Thị Hằng');

  ledger.at('2019-01-10T10:00:00+08:00');
  const task = (taskId: string, leadUnitId: string, title: string, deadline: string) => ({
    taskId,
    title,
    assignment: { leadUnitId, coUnitIds: [], work: `${title}, "in ${leadUnitId}", with the parcel list`, deadline, expectedResult: 'Done, with evidence' },
  });
  await post(world.mayor, '/v1/directives', {
    directiveId: 'd-2019-1',
    issuer: { name: 'Mayor', postTitle: 'Mayor of Hengyang' },
    documentNumber: '衡政督〔2019〕1号',
    kind: 'directive',
    issuedOn: '2019-01-10',
    meeting: { name: 'Municipal executive meeting', date: '2019-01-09' },
    title: 'Land rectification, 2019',
    body: 'Each district rectifies its problem parcels.\nThe inspection office inspects monthly.',
    tasks: [task('t1-zh', 'zh', 'Rectify parcels', '2019-06-30'), task('t2-zh', 'zh', 'Report the parcel list', '2019-03-31'), task('t1-zx', 'zx', 'Rectify parcels', '2019-06-30')],
  }, 201);
  ledger.at('2019-01-11T10:00:00+08:00');
  await post(zxHead, '/v1/tasks/t1-zx/acknowledgement');
  for (const taskId of ['t1-zh', 't2-zh']) await post(zhHead, `/v1/tasks/${taskId}/acknowledgement`);
  ledger.at('2019-02-01T10:00:00+08:00');
  await post(zxStaff, '/v1/tasks/t1-zx/completion-report', { narrative: 'All parcels rectified', evidence: ['ab'.repeat(32)] });
  await post(world.inspector, '/v1/tasks/t1-zx/verification', { comment: 'Checked on site' });
  ledger.at('2019-04-01T00:05:00+08:00');
  await ledger.ticker.fire();

  ledger.at('2019-04-10T15:00:00+08:00');
  await post(world.inspector, '/v1/inspections', { inspectionId: 'insp-2019-04', kind: 'monthly', title: 'Kiểm tra tháng 4 / April land-work inspection', periodFrom: '2019-04-01', periodTo: '2019-04-30', unitIds: ['zh', 'zx'] }, 201);
  await post(world.inspector, '/v1/inspections/insp-2019-04/findings', { findingId: 'f1', subject: { unitId: 'zh', taskId: 't2-zh' }, verdict: 'criticism', severity: 'high', text: '地块清单逾期未报送，整改进度滞后。', evidence: ['cd'.repeat(32)] });
  await post(world.inspector, '/v1/inspections/insp-2019-04/findings', { findingId: 'f2', subject: { unitId: 'zx' }, verdict: 'praise', text: 'Hoàn thành vượt tiến độ', evidence: ['ef'.repeat(32)] });
  ledger.at('2019-04-15T15:00:00+08:00');
  await post(world.inspector, '/v1/inspections/insp-2019-04/notices', { noticeId: 'n-2019-04', documentNumber: '衡督通〔2019〕4号', kind: 'criticism', title: '关于2019年4月土地整改督查情况的通报', findingIds: ['f1', 'f2'], addressees: ['zh', 'zx'] });
  await post(world.inspector, '/v1/inspections/insp-2019-04/rectifications', { rectificationId: 'r-zh-1', unitId: 'zh', findingIds: ['f1'], requirement: '5月15日前报送地块清单并落实责任人', deadline: '2019-05-15' });

  // Two inspections that both published a notice "n-praise": the report must be asked for by <inspectionId>:<noticeId>.
  await post(world.inspector, '/v1/inspections/insp-2019-04/notices', { noticeId: 'n-praise', documentNumber: '衡督表〔2019〕1号', kind: 'praise', title: 'Biểu dương Quận Chưng Tương', findingIds: ['f2'], addressees: ['zx'] });
  ledger.at('2019-05-20T15:00:00+08:00');
  await post(world.inspector, '/v1/inspections', { inspectionId: 'insp-2019-05s', kind: 'surprise', title: 'Surprise visit', periodFrom: '2019-05-01', periodTo: '2019-05-20', unitIds: ['zx'] }, 201);
  await post(world.inspector, '/v1/inspections/insp-2019-05s/findings', { findingId: 'f1', subject: { unitId: 'zx' }, verdict: 'praise', text: 'Parcel register kept up to date', evidence: ['ab'.repeat(32)] });
  await post(world.inspector, '/v1/inspections/insp-2019-05s/notices', { noticeId: 'n-praise', documentNumber: '衡督表〔2019〕2号', kind: 'praise', title: 'Praise after the May visit', findingIds: ['f1'], addressees: ['zx'] });

  ledger.at('2020-01-05T09:00:00+08:00');
  await post(world.personnel, '/v1/appraisals', { year: 2019, peerGroup: 'districts', ownerUnitId: 'city', ruleSetId: 'cn-2019', unitIds: ['zh', 'zx'] }, 201);
  await post(world.personnel, '/v1/appraisals/2019-districts/scoring');
  await post(world.personnel, '/v1/appraisals/2019-districts/moderation', { adjustments: [{ unitId: 'zh', to: 'fair', note: 'Lũ lụt tháng 3 là nguyên nhân khách quan' }] });
  const signOff = await post(world.mayor, '/v1/signoffs', { record: { streamId: 'appraisal-2019-districts' }, decision: 'approve' }, 201);
  await post(world.mayor, '/v1/appraisals/2019-districts/approval', { signOffId: signOff.body.id });
  await post(world.personnel, '/v1/appraisals/2019-districts/publication');
  await ledger.app.get(LedgerCheckpoints).checkpointer.signNow();
  return world;
}

describeOnEachStore('reports and exports', (store: StoreUnderTest) => {
  let ledger: LedgerTestApp;
  let world: World;

  beforeAll(async () => {
    ledger = await LedgerTestApp.start(store, { now: '2019-01-02T09:00:00+08:00' });
    world = await loadYear(ledger);
  }, 120_000);

  afterAll(async () => {
    await ledger?.close();
  });

  describe('the annual appraisal report', () => {
    it('as a PDF in Vietnamese: units with tasks by timeliness, grades, the council\'s move with its reason, the rule set and the checkpoint it reflects', async () => {
      const res = ok(await download(ledger, world.personnel, '/v1/reports/appraisal/2019/districts.pdf?lang=vi'));
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toContain('appraisal-2019-districts-vi.pdf');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const text = squash(pdfText(res.bytes));
      for (const expected of ['Báo cáo đánh giá, xếp loại hằng năm 2019 — districts', 'Quận Châu Huy (zh)', 'Quận Chưng Tương (zx)', 'Hoàn thành đúng hạn', 'Chưa hoàn thành, quá hạn', 'Hội đồng: Lũ lụt tháng 3 là nguyên nhân khách quan', 'Kém', 'Trung bình', 'cn-2019', 'Nguyễn Thị Hằng', '刘明', 'Phản ánh sổ cái đến vị trí']) {
        expect(text).toContain(squash(expected));
      }
      const checkpoint = await world.auditor.get('/v1/log/checkpoints/latest');
      expectStatus(checkpoint, 200);
      expect(text).toContain(checkpoint.body.rootHash);
    });

    it('as XLSX in Chinese: the counts of each unit as numbers, the grades as the rule set labels them', async () => {
      const res = ok(await download(ledger, world.personnel, '/v1/reports/appraisal/2019/districts.xlsx?lang=zh'));
      expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const workbook = new Workbook();
      await workbook.xlsx.load(res.bytes as never);
      const units = workbook.worksheets[0];
      const rows = (units.getSheetValues() as unknown[][]).filter(Boolean).map((row) => row.slice(1));
      expect(rows[0].slice(0, 3)).toEqual(['单位', '督办事项: 总数', '督办事项: 按期完成']);
      const zh = rows.find((row) => String(row[0]).endsWith('(zh)'))!;
      const zx = rows.find((row) => String(row[0]).endsWith('(zx)'))!;
      // Zhuhui: two tasks, one overdue at year close (t2), one not done past its deadline too (t1, 2019-06-30).
      expect(zh.slice(0, 6)).toEqual(['珠晖区 (zh)', 2, 0, 0, 0, 2]);
      expect(zh[13]).toBe(1); // one criticism
      expect(zh.slice(15, 17)).toEqual(['较差', '一般']); // proposed, and final after the council's move
      expect(zx.slice(0, 7)).toEqual(['蒸湘区 (zx)', 1, 1, 0, 0, 0, 1]);
    });

    it('as CSV: a row per unit, in English by Accept-Language, with the ledger position', async () => {
      const res = ok(await download(ledger, world.auditor, '/v1/reports/appraisal/2019/districts.csv', { 'accept-language': 'en-GB,en;q=0.8' }));
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const rows = parse(res.bytes, { bom: true }) as string[][];
      expect(rows.map((row) => row[0])).toEqual(['unit_id', 'zh', 'zx']);
      const zh = rows[1];
      expect(zh).toContain('Poor');
      expect(zh).toContain('Fair');
      expect(zh.slice(-6, -3)).toEqual(['2019-districts', 'cn-2019', 'published']);
      expect(Number(zh.at(-3))).toBeGreaterThan(0);
    });

    it('shows a district\'s staff the other district\'s grades but not its counts', async () => {
      const text = squash(pdfText(ok(await download(ledger, world.zhStaff, '/v1/reports/appraisal/2019/districts.pdf?lang=en')).bytes));
      expect(text).toContain(squash('Zhengxiang District (zx) (outside your read scope)'));
      expect(text).toContain(squash('Zhuhui District (zh)'));
    });

    it('refuses a unit outside the cycle with 403 AUTH.OUT_OF_SCOPE', async () => {
      const res = await download(ledger, world.hdStaff, '/v1/reports/appraisal/2019/districts.pdf');
      expect([res.status, res.json.code]).toEqual([403, 'AUTH.OUT_OF_SCOPE']);
    });

    it('records every download as AuditDataViewed', async () => {
      ok(await download(ledger, world.auditor, '/v1/reports/appraisal/2019/districts.pdf?lang=zh'));
      const viewed = (await ledger.ledgerStore().readStream(auditStreamId('p-auditor'))).filter((e) => e.data.resource === 'report');
      expect(viewed.at(-1)).toMatchObject({ type: 'AuditDataViewed', data: { resource: 'report', subject: { report: 'appraisal', year: '2019', file: 'districts.pdf', lang: 'zh' }, route: 'GET /v1/reports/appraisal/:year/:file' } });
    });
  });

  describe('the inspection notice', () => {
    it.each([
      ['en', 'Notice of criticism'],
      ['vi', 'Thông báo phê bình'],
      ['zh', '通报批评'],
    ])('as a PDF in %s: the document number, the findings and the rectification ordered', async (lang, kind) => {
      const text = squash(pdfText(ok(await download(ledger, world.zhStaff, `/v1/reports/inspection-notices/n-2019-04.pdf?lang=${lang}`)).bytes));
      for (const expected of [kind, '衡督通〔2019〕4号', '关于2019年4月土地整改督查情况的通报', '地块清单逾期未报送，整改进度滞后。', 'Hoàn thành vượt tiến độ', 'r-zh-1', '5月15日前报送地块清单并落实责任人', 'insp-2019-04']) {
        expect(text).toContain(squash(expected));
      }
    });

    it('as XLSX, also when named <inspectionId>:<noticeId>', async () => {
      const res = ok(await download(ledger, world.inspector, '/v1/reports/inspection-notices/insp-2019-04:n-2019-04.xlsx?lang=en'));
      const workbook = new Workbook();
      await workbook.xlsx.load(res.bytes as never);
      expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Inspection notice', 'Inspection findings', 'Rectification ordered', 'Ledger']);
      expect(workbook.worksheets[0].getRow(1).values).toEqual([undefined, 'Field', 'Value']);
      expect(workbook.worksheets[2].getRow(2).getCell(4).value).toBe('5月15日前报送地块清单并落实责任人');
    });

    it('asks for <inspectionId>:<noticeId> (409) when two inspections published a notice with that id', async () => {
      const ambiguous = await download(ledger, world.inspector, '/v1/reports/inspection-notices/n-praise.pdf');
      expect([ambiguous.status, ambiguous.json.code]).toEqual([409, 'REPORT.NOTICE_AMBIGUOUS']);
      expect(ambiguous.json.message).toContain('insp-2019-04:n-praise, insp-2019-05s:n-praise');
      const text = squash(pdfText(ok(await download(ledger, world.inspector, '/v1/reports/inspection-notices/insp-2019-05s:n-praise.pdf?lang=en')).bytes));
      expect(text).toContain(squash('Praise after the May visit'));
      expect(text).toContain(squash('衡督表〔2019〕2号'));
      expect(text).not.toContain(squash('衡督表〔2019〕1号'));
    });

    it('refuses a unit the inspection does not name with 403', async () => {
      const res = await download(ledger, world.hdStaff, '/v1/reports/inspection-notices/n-2019-04.pdf');
      expect([res.status, res.json.code]).toEqual([403, 'AUTH.OUT_OF_SCOPE']);
    });
  });

  describe('bad requests', () => {
    it.each([
      ['/v1/reports/appraisal/2019/districts.doc', 400, 'REPORT.FORMAT_UNSUPPORTED', 'format'],
      ['/v1/reports/appraisal/2019/districts', 400, 'REPORT.FORMAT_UNSUPPORTED', 'format'],
      ['/v1/reports/appraisal/19x/districts.pdf', 400, 'REPORT.YEAR_INVALID', 'year'],
      ['/v1/reports/appraisal/2019/districts.pdf?lang=fr', 400, 'REQUEST.VALIDATION', 'lang'],
      ['/v1/reports/inspection-notices/n-2019-04.csv', 400, 'REPORT.FORMAT_UNSUPPORTED', 'format'],
      ['/v1/exports/tasks.xlsx', 400, 'REPORT.FORMAT_UNSUPPORTED', 'format'],
      ['/v1/reports/appraisal/2019/wards.pdf', 404, 'APPRAISAL.NOT_FOUND', null],
      ['/v1/reports/inspection-notices/n-1999-01.pdf', 404, 'REPORT.NOTICE_NOT_FOUND', null],
      ['/v1/exports/people.csv', 404, 'REPORT.EXPORT_UNKNOWN', null],
    ])('GET %s → %i %s', async (path, status, code, field) => {
      const res = await download(ledger, world.auditor, path);
      expect([res.status, res.json?.code]).toEqual([status, code]);
      expect(typeof res.json.message).toBe('string');
      expect(Array.isArray(res.json.fields)).toBe(true);
      if (field) expect(res.json.fields.map((f: { field: string }) => f.field)).toContain(field);
    });

    it('answers in the language of Accept-Language', async () => {
      const res = await download(ledger, world.auditor, '/v1/reports/appraisal/2019/districts.doc', { 'accept-language': 'vi' });
      expect(res.json.message).toContain('Báo cáo này chỉ có dạng .pdf, .xlsx, .csv');
    });

    it('needs a token (401)', async () => {
      const res = await download(ledger, ledger.anonymous(), '/v1/exports/units.csv');
      expect(res.status).toBe(401);
    });
  });

  describe('exports in the import format', () => {
    it('have the columns of `ledger import`, in its order, and only what the caller may read', async () => {
      const units = parse(ok(await download(ledger, world.hdStaff, '/v1/exports/units.csv')).bytes, { bom: true }) as string[][];
      expect(units[0]).toEqual([...IMPORT_COLUMNS]);
      expect(units.slice(1).map((row) => row[1])).toEqual(['hd']);
      const tasks = parse(ok(await download(ledger, world.zhStaff, '/v1/exports/tasks.csv')).bytes, { bom: true }) as string[][];
      expect(tasks.slice(1).map((row) => row[1])).toEqual(['t1-zh', 't2-zh']);
    });

    it('import into an empty ledger and export again byte for byte', async () => {
      const files: Record<'units' | 'directives' | 'tasks', Buffer> = { units: Buffer.alloc(0), directives: Buffer.alloc(0), tasks: Buffer.alloc(0) };
      for (const kind of ['units', 'directives', 'tasks'] as const) files[kind] = ok(await download(ledger, world.admin, `/v1/exports/${kind}.csv`)).bytes;
      const rows = (bytes: Buffer) => (parse(bytes, { bom: true }) as string[][]).length - 1;
      expect([rows(files.units), rows(files.directives), rows(files.tasks)]).toEqual([5, 1, 3]);
      expect(files.directives.toString('utf8')).toContain('"Each district rectifies its problem parcels.\nThe inspection office inspects monthly."');

      const dir = await mkdtemp(join(tmpdir(), 'ledger-export-'));
      const fresh = await LedgerTestApp.start(store, { now: '2020-02-01T09:00:00+08:00' });
      try {
        for (const kind of ['units', 'directives', 'tasks'] as const) {
          const path = join(dir, `${kind}.csv`);
          await writeFile(path, files[kind]);
          const outcome = await importFile(fresh.ledgerStore(), path, { progress: false }, { LEDGER_TIME_ZONE_OFFSET: '+08:00', LEDGER_ADMIN_UNIT: 'city' });
          expect([kind, outcome.exitCode]).toEqual([kind, 0]);
        }
        await fresh.readModels().waitFor(await fresh.ledgerStore().headPosition());
        for (const kind of ['units', 'directives', 'tasks'] as const) {
          const again = ok(await download(fresh, fresh.admin, `/v1/exports/${kind}.csv`)).bytes;
          expect([kind, again.toString('utf8')]).toEqual([kind, files[kind].toString('utf8')]);
          expect(again.equals(files[kind])).toBe(true);
        }
      } finally {
        await fresh.close();
        await rm(dir, { recursive: true, force: true });
      }
    }, 60_000);
  });
});
