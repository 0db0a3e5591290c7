import { createHash } from 'node:crypto';
import { Command } from 'commander';
import { auditStreamId } from '@ledger/domain';
import { canonicalize } from '@ledger/event-store';
import { registerAuditCommands } from '../apps/cli/src/commands/audit';
import { cliActor } from '../apps/cli/src/commands/users';
import { Caller, describeOnEachStore, expectStatus, LedgerTestApp, type HttpResponse } from './support/ledger-test-app';

/**
 * The audit queries through HTTP (and the CLI on the same store): who approved what, an actor's activity page by
 * page, a record as of an instant before and after its amendment, late entries and corrections, read scope, and
 * the record of every read.
 */
const hengyang = (date: string, time = '09:00:00') => `${date}T${time}+08:00`;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describeOnEachStore('audit queries', (store) => {
  let ledger: LedgerTestApp;
  let mayor: Caller;
  let vice: Caller;
  let inspector: Caller;
  let auditor: Caller;
  let commissioner: Caller;
  let zhStaff: Caller;
  let directiveAsSigned: unknown;

  beforeAll(async () => {
    ledger = await LedgerTestApp.start(store, { now: hengyang('2018-01-02'), config: { allowBackdating: true } });
    const admin = ledger.admin;
    const units: Array<[string, string, string | null, string]> = [
      ['city', 'Hengyang', null, 'city'],
      ['insp', 'Inspection Office', 'city', 'office'],
      ['zh', 'Zhuhui District', 'city', 'district'],
      ['zh-disc', 'Zhuhui Discipline Commission', 'zh', 'commission'],
      ['zx', 'Zhengxiang District', 'city', 'district'],
    ];
    for (const [unitId, en, parentId, kind] of units) expectStatus(await admin.post('/v1/units', { unitId, names: { en }, kind, parentId }), 201);
    for (const [unitId, personId] of [['city', 'p-mayor'], ['insp', 'p-director'], ['zh', 'p-zh-head'], ['zx', 'p-zx-head']]) {
      expectStatus(await admin.post(`/v1/units/${unitId}/head`, { personId, name: personId, postTitle: 'Head', from: '2018-01-01' }), 200);
    }
    mayor = await ledger.user('p-mayor', 'leader', 'city', 'Mayor');
    vice = await ledger.user('p-vice', 'leader', 'city', 'Vice Mayor');
    inspector = await ledger.user('p-director', 'inspector', 'insp', 'Director of Inspection');
    auditor = await ledger.user('p-auditor', 'auditor', 'city', 'State Auditor');
    commissioner = await ledger.user('p-zh-commissioner', 'discipline_commissioner', 'zh-disc', 'Zhuhui Commissioner');
    zhStaff = await ledger.user('p-zh-staff', 'unit_staff', 'zh', 'Zhuhui staff');

    ledger.at(hengyang('2018-09-06', '16:00:00'));
    const task = (unit: string) => ({ taskId: `t1-${unit}`, title: `Land task in ${unit}`, assignment: { leadUnitId: unit, coUnitIds: [], work: 'Rectify the parcels', deadline: '2018-10-31', expectedResult: 'All parcels rectified' } });
    expectStatus(await mayor.post('/v1/directives', { directiveId: 'd1', issuer: { name: 'Mayor', postTitle: 'Mayor' }, documentNumber: 'DEMO-AUDIT-1', kind: 'directive', issuedOn: '2018-09-06', meeting: null, title: 'Land tasks', body: 'The districts rectify the parcels.', tasks: [task('zh'), task('zx')] }), 201);

    ledger.at(hengyang('2018-09-07'));
    directiveAsSigned = (await vice.get('/v1/directives/d1')).body;
    expectStatus(await vice.post('/v1/signoffs', { signOffId: 'so-d1-first', record: { streamId: 'directive-d1', version: 1 }, decision: 'approve', comment: 'Agreed' }), 201);

    ledger.at(hengyang('2018-09-20'));
    expectStatus(await mayor.post('/v1/directives/d1/amendments', { changes: { title: 'Four land tasks' }, reason: 'Title corrected' }), 200);
    ledger.at(hengyang('2018-09-21'));
    expectStatus(await vice.post('/v1/signoffs', { signOffId: 'so-d1-second', record: { streamId: 'directive-d1', version: 2 }, decision: 'approve' }), 201);

    // A reminder given by telephone on 10-10, entered on 10-13: a late entry.
    ledger.at(hengyang('2018-10-13'));
    expectStatus(await inspector.post('/v1/tasks/t1-zh/reminders', { message: 'Report the parcel list', channel: 'phone' }, { headers: { 'x-occurred-at': hengyang('2018-10-10') } }), 200);
    ledger.at(hengyang('2018-10-14'));
    expectStatus(await inspector.post('/v1/tasks/t1-zx/reminders', { message: 'Report the parcel list', channel: 'official_document' }), 200);
    ledger.at(hengyang('2018-11-01'));
  });

  afterAll(async () => {
    await ledger?.close();
  });

  describe('who approved what', () => {
    it('names each approver with role and unit, both times, the decision, and the hash of exactly what they approved', async () => {
      const res = await auditor.get('/v1/audit/signoffs?record=directive-d1');
      expectStatus(res, 200);
      expect(res.body.items.map((s: { signOffId: string }) => s.signOffId)).toEqual(['so-d1-first', 'so-d1-second']);
      const [first] = res.body.items;
      expect(first).toMatchObject({
        approver: { id: 'p-vice', name: 'Vice Mayor', role: 'leader', unit: 'city' },
        decision: 'approve',
        comment: 'Agreed',
        occurredAt: hengyang('2018-09-07'),
        recordedAt: '2018-09-07T01:00:00.000Z',
        record: { streamId: 'directive-d1', version: 1 },
        recordAuthorId: 'p-mayor',
        signature: null,
      });
      // The hash is of the directive exactly as GET served it to the approver.
      expect(first.recordHash).toBe(sha256(canonicalize(directiveAsSigned)));
    });

    it('says the first approval matches version 1 but not the amended record, and the second matches it', async () => {
      const { body } = await auditor.get('/v1/audit/signoffs?record=directive-d1');
      expect(body.items[0].hashCheck).toEqual({ currentVersion: 2, matchesCurrent: false, matchedVersion: 1, matchesSignedVersion: true });
      expect(body.items[1].hashCheck).toEqual({ currentVersion: 2, matchesCurrent: true, matchedVersion: 2, matchesSignedVersion: true });
      const current = await auditor.get('/v1/directives/d1');
      expect(body.items[1].recordHash).toBe(sha256(canonicalize(current.body)));
    });

    it('answers 404 for a record the ledger does not have, and 400 for a malformed one', async () => {
      expect((await auditor.get('/v1/audit/signoffs?record=directive-nope')).body.code).toBe('AUDIT.RECORD_NOT_FOUND');
      expect((await auditor.get('/v1/audit/signoffs?record=Not%20a%20stream')).status).toBe(400);
      expect((await auditor.get('/v1/audit/signoffs')).status).toBe(400);
    });
  });

  describe('an actor\'s activity', () => {
    it('pages through everything the mayor did, by position, with role and unit at the time', async () => {
      const seen: Array<{ position: number; type: string; streamId: string; actor: { role: string; unit: string } }> = [];
      let cursor: number | null = 0;
      let pages = 0;
      while (cursor !== null) {
        const res: HttpResponse = await auditor.get(`/v1/audit/actors/p-mayor/activity?limit=2&cursor=${cursor}`);
        expectStatus(res, 200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages++;
      }
      const log = await ledger.ledgerStore().readAll({ limit: 10_000 });
      const mayorsEvents = log.filter((e) => e.metadata.actorId === 'p-mayor');
      expect(seen.map((e) => e.position)).toEqual(mayorsEvents.map((e) => e.position));
      expect(pages).toBe(Math.ceil(mayorsEvents.length / 2));
      expect(new Set(seen.map((e) => e.type))).toEqual(new Set(['DocumentNumberReserved', 'DirectiveIssued', 'TaskRegistered', 'TaskAssigned', 'DirectiveAmended']));
      for (const e of seen) expect(e.actor).toMatchObject({ role: 'leader', unit: 'city' });
      expect(seen.find((e) => e.type === 'DirectiveAmended')).toMatchObject({ streamId: 'directive-d1', correction: 'amendment', late: false });
    });

    it('shows a discipline commissioner only what lies in their jurisdiction', async () => {
      const res = await commissioner.get('/v1/audit/actors/p-director/activity?limit=50');
      expectStatus(res, 200);
      expect(res.body.items.map((e: { streamId: string }) => e.streamId)).toEqual(['task-t1-zh']);
      expect(res.body.nextCursor).toBeNull();
      const all = await auditor.get('/v1/audit/actors/p-director/activity?limit=50');
      expect(all.body.items.map((e: { streamId: string }) => e.streamId)).toEqual(['task-t1-zh', 'task-t1-zx']);
    });

    it('refuses a malformed cursor or limit', async () => {
      expect((await auditor.get('/v1/audit/actors/p-mayor/activity?limit=0')).status).toBe(400);
      expect((await auditor.get('/v1/audit/actors/p-mayor/activity?limit=501')).status).toBe(400);
      expect((await auditor.get('/v1/audit/actors/p-mayor/activity?cursor=-1')).status).toBe(400);
    });
  });

  describe('a record\'s timeline', () => {
    it('marks the reminder entered three days after it was given as a late entry', async () => {
      const res = await auditor.get('/v1/audit/records/task-t1-zh/timeline');
      expectStatus(res, 200);
      expect(res.body.items.map((e: { type: string }) => e.type)).toEqual(['TaskRegistered', 'TaskAssigned', 'ReminderIssued']);
      const reminder = res.body.items[2];
      expect(reminder).toMatchObject({ actor: { id: 'p-director', name: 'Director of Inspection', role: 'inspector', unit: 'insp' }, occurredAt: hengyang('2018-10-10'), recordedAt: '2018-10-13T01:00:00.000Z', late: true, lateBySeconds: 3 * 86400, correction: null });
      expect(res.body.items[0]).toMatchObject({ late: false, lateBySeconds: 0 });
      const onTime = await auditor.get('/v1/audit/records/task-t1-zx/timeline');
      expect(onTime.body.items[2]).toMatchObject({ type: 'ReminderIssued', late: false });
    });

    it('takes a late threshold from the query', async () => {
      const res = await auditor.get(`/v1/audit/records/task-t1-zh/timeline?lateAfterSeconds=${4 * 86400}`);
      expect(res.body).toMatchObject({ lateAfterSeconds: 4 * 86400 });
      expect(res.body.items[2].late).toBe(false);
    });

    it('marks the directive\'s amendment as an amendment, with its reason and changes', async () => {
      const res = await auditor.get('/v1/audit/records/directive-d1/timeline');
      expect(res.body.items.map((e: { type: string; correction: string | null }) => [e.type, e.correction])).toEqual([['DirectiveIssued', null], ['DirectiveAmended', 'amendment']]);
      expect(res.body.items[1].data).toMatchObject({ reason: 'Title corrected', changes: [{ field: 'title', from: 'Land tasks', to: 'Four land tasks' }] });
    });

    it('refuses a record out of the caller\'s scope (403) and answers 404 for none', async () => {
      expectStatus(await commissioner.get('/v1/audit/records/task-t1-zh/timeline'), 200);
      const out = await commissioner.get('/v1/audit/records/task-t1-zx/timeline');
      expect([out.status, out.body.code]).toEqual([403, 'AUTH.OUT_OF_SCOPE']);
      expect((await zhStaff.get('/v1/audit/records/task-t1-zx/timeline')).status).toBe(403);
      expect((await zhStaff.get('/v1/audit/records/user-p-mayor/timeline')).status).toBe(403);
      expect((await auditor.get('/v1/audit/records/task-nope/timeline')).body.code).toBe('AUDIT.RECORD_NOT_FOUND');
    });
  });

  describe('a record as of an instant', () => {
    it('gives the directive as it stood before its amendment, and after', async () => {
      const before = await auditor.get(`/v1/audit/records/directive-d1/as-of?at=${encodeURIComponent(hengyang('2018-09-15'))}`);
      expectStatus(before, 200);
      expect(before.body).toMatchObject({ basis: 'recorded', exists: true, state: { title: 'Land tasks', version: 1 } });
      // Exactly what GET served then: the hash the first approver signed.
      expect(sha256(canonicalize(before.body.state))).toBe(sha256(canonicalize(directiveAsSigned)));
      const after = await auditor.get(`/v1/audit/records/directive-d1/as-of?at=${encodeURIComponent(hengyang('2018-09-20', '12:00:00'))}`);
      expect(after.body.state).toMatchObject({ title: 'Four land tasks', version: 2 });
      const never = await auditor.get(`/v1/audit/records/directive-d1/as-of?at=${encodeURIComponent(hengyang('2018-09-01'))}`);
      expect(never.body).toMatchObject({ exists: false, state: null });
    });

    it('tells what the ledger showed on 10-11 (no reminder yet) from what is now known to have happened by then', async () => {
      const at = encodeURIComponent(hengyang('2018-10-11'));
      const recorded = await auditor.get(`/v1/audit/records/task-t1-zh/as-of?at=${at}&basis=recorded`);
      expect(recorded.body.state.reminders).toEqual([]);
      expect(recorded.body.excluded).toEqual([expect.objectContaining({ type: 'ReminderIssued', occurredBeforeAt: true, recordedBeforeAt: false })]);
      const occurred = await auditor.get(`/v1/audit/records/task-t1-zh/as-of?at=${at}&basis=occurred`);
      expect(occurred.body.state.reminders).toHaveLength(1);
      expect(occurred.body.excluded).toEqual([]);
    });

    it('refuses an instant without an offset, and records it has no fold for', async () => {
      expect((await auditor.get('/v1/audit/records/directive-d1/as-of?at=2018-09-15')).status).toBe(400);
      expect((await auditor.get('/v1/audit/records/directive-d1/as-of?at=x&basis=sometime')).status).toBe(400);
      const user = await auditor.get(`/v1/audit/records/user-p-mayor/as-of?at=${encodeURIComponent(hengyang('2018-12-01'))}`);
      expect([user.status, user.body.code]).toEqual([400, 'AUDIT.AS_OF_NOT_SUPPORTED']);
    });
  });

  describe('reads of audit data', () => {
    it('are themselves recorded: who looked, at what, when', async () => {
      const before = (await ledger.ledgerStore().readStream(auditStreamId('p-zh-commissioner'))).length;
      expectStatus(await commissioner.get('/v1/audit/records/task-t1-zh/timeline'), 200);
      expect((await commissioner.get('/v1/audit/records/task-t1-zx/timeline')).status).toBe(403);
      const viewed = await ledger.ledgerStore().readStream(auditStreamId('p-zh-commissioner'));
      expect(viewed).toHaveLength(before + 1);
      expect(viewed.at(-1)).toMatchObject({
        type: 'AuditDataViewed',
        data: { viewer: { id: 'p-zh-commissioner', role: 'discipline_commissioner', unit: 'zh-disc' }, resource: 'audit-timeline', subject: { streamId: 'task-t1-zh' }, channel: 'api' },
      });
      const resources = (await ledger.ledgerStore().readStream(auditStreamId('p-auditor'))).map((e) => (e.data as { resource: string }).resource);
      expect(new Set(resources)).toEqual(new Set(['audit-signoffs', 'audit-actor-activity', 'audit-timeline', 'audit-as-of']));
    });
  });

  describe('the CLI on the same store', () => {
    let stdout: string[];
    const cli = async (...args: string[]): Promise<any> => {
      stdout = [];
      const program = new Command('ledger').exitOverride();
      registerAuditCommands(program, (fn) => fn(ledger.ledgerStore()));
      await program.parseAsync(['node', 'ledger', ...args]);
      return JSON.parse(stdout.join(''));
    };

    beforeEach(() => {
      jest.spyOn(console, 'log').mockImplementation((...items: unknown[]) => void stdout.push(`${items.join(' ')}\n`));
      jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    });

    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('answers ledger audit signoffs / actor / as-of exactly as the API does, and records its reads', async () => {
      expect(await cli('audit', 'signoffs', 'directive-d1', '--json')).toEqual((await auditor.get('/v1/audit/signoffs?record=directive-d1')).body);
      expect(await cli('audit', 'actor', 'p-mayor', '--limit', '3', '--json')).toEqual((await auditor.get('/v1/audit/actors/p-mayor/activity?limit=3')).body);
      const at = hengyang('2018-10-11');
      expect(await cli('audit', 'as-of', 'task-t1-zh', at, '--basis', 'occurred')).toEqual((await auditor.get(`/v1/audit/records/task-t1-zh/as-of?at=${encodeURIComponent(at)}&basis=occurred`)).body);
      expect(await cli('audit', 'timeline', 'task-t1-zh', '--json')).toEqual((await auditor.get('/v1/audit/records/task-t1-zh/timeline')).body);
      const views = await ledger.ledgerStore().readStream(auditStreamId(cliActor().id));
      expect(views.map((e) => [(e.data as { resource: string }).resource, (e.data as { channel: string }).channel])).toEqual([
        ['audit-signoffs', 'cli'],
        ['audit-actor-activity', 'cli'],
        ['audit-as-of', 'cli'],
        ['audit-timeline', 'cli'],
      ]);
    });
  });
});
