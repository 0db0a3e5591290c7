import { Caller, describeOnEachStore, expectStatus, LedgerTestApp } from './support/ledger-test-app';

/** Refusals through HTTP: every one is `{code, message, fields}` with the documented status, never a 500. */
const at = (date: string, time = '09:00:00') => `${date}T${time}+08:00`;

describeOnEachStore('API errors, concurrency and idempotency', (store) => {
  let ledger: LedgerTestApp;
  let mayor: Caller;
  let inspector: Caller;
  let staff: Caller;

  const issue = (caller: Caller, documentNumber: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    caller.post(
      '/v1/directives',
      {
        documentNumber,
        kind: 'notice',
        issuedOn: '2018-09-06',
        title: 'Land tasks',
        body: 'Complete the land tasks.',
        tasks: [{ title: 'T4', assignment: { leadUnitId: 'zh', work: 'Rectify', deadline: '2018-10-31', expectedResult: 'Rectified' } }],
        ...extra,
      },
      { headers },
    );

  beforeAll(async () => {
    ledger = await LedgerTestApp.start(store, { now: at('2018-09-01') });
    for (const [unitId, parentId, kind] of [
      ['city', null, 'city'],
      ['insp', 'city', 'office'],
      ['zh', 'city', 'district'],
    ] as const) {
      expectStatus(await ledger.admin.post('/v1/units', { unitId, names: { en: unitId }, kind, parentId }), 201);
    }
    expectStatus(await ledger.admin.post('/v1/units/zh/head', { personId: 'p-zh-head', name: 'District Head C', postTitle: 'District Head', from: '2018-01-01' }), 200);
    mayor = await ledger.user('p-mayor', 'leader', 'city');
    inspector = await ledger.user('p-inspector', 'inspector', 'insp');
    staff = await ledger.user('p-zh-staff', 'unit_staff', 'zh');
    ledger.at(at('2018-09-06', '16:00:00'));
    const issued = await issue(mayor, 'DEMO-1', { directiveId: 'd-1', tasks: [{ taskId: 't4-zh', title: 'T4', assignment: { leadUnitId: 'zh', work: 'Rectify', deadline: '2018-10-31', expectedResult: 'Rectified' } }] });
    expectStatus(issued, 201);
  });

  afterAll(async () => {
    await ledger?.close();
  });

  it('answers 401 without a token', async () => {
    const res = await ledger.anonymous().get('/v1/tasks');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'AUTH.UNAUTHENTICATED', fields: [] });
  });

  it('answers 400 with the fields at fault when validation fails', async () => {
    const res = await mayor.post('/v1/directives', { documentNumber: '', kind: 'memo', issuedOn: '6 Sept 2018', title: 'x', body: 'y', tasks: [{ title: 'T', assignment: { leadUnitId: 'ZH', work: 'w', deadline: 'tomorrow', expectedResult: 'r' } }] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('REQUEST.VALIDATION');
    const fields = res.body.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['documentNumber', 'kind', 'issuedOn', 'tasks[0].assignment.leadUnitId', 'tasks[0].assignment.deadline']));
  });

  it('answers 400 for an unknown field', async () => {
    const res = await staff.post('/v1/tasks/t4-zh/acknowledgement', { acknowledgedBy: 'someone else' });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([expect.objectContaining({ field: 'acknowledgedBy' })]);
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await staff.request('POST', '/v1/tasks/t4-zh/progress-reports', { rawBody: '{"percent": 10, "narrative": ' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'REQUEST.MALFORMED', fields: [{ field: 'body' }] });
  });

  it('answers 400, not 500, for a body nested thousands of levels deep, and writes nothing', async () => {
    const before = await ledger.ledgerStore().headPosition();
    const res = await staff.request('POST', '/v1/tasks/t4-zh/progress-reports', { rawBody: '['.repeat(10_000) + ']'.repeat(10_000) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'REQUEST.TOO_DEEP', fields: [{ field: 'body' }] });
    expect(await ledger.ledgerStore().headPosition()).toBe(before);
  });

  it('answers 400 when a required nested object is missing', async () => {
    const res = await ledger.admin.post('/v1/directives/no-such-directive/amendments', { reason: 'no changes given' });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'changes' })]));
  });

  it('answers 400 for a malformed If-Match or Idempotency-Key, and for an id that cannot name a stream', async () => {
    expect((await staff.post('/v1/tasks/t4-zh/acknowledgement', {}, { headers: { 'if-match': 'version 3' } })).body.code).toBe('REQUEST.IF_MATCH_INVALID');
    expect((await staff.post('/v1/tasks/t4-zh/acknowledgement', {}, { headers: { 'idempotency-key': 'has spaces' } })).body.code).toBe('REQUEST.IDEMPOTENCY_KEY_INVALID');
    const bad = await staff.post('/v1/tasks/T4_ZH/acknowledgement');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('COMMON.ID_INVALID');
  });

  it('answers 404 for an unknown task, to reads and to commands', async () => {
    const read = await inspector.get('/v1/tasks/t9-nowhere');
    expect(read.status).toBe(404);
    expect(read.body.code).toBe('TASK.NOT_FOUND');
    const command = await staff.post('/v1/tasks/t9-nowhere/acknowledgement');
    expect(command.status).toBe(404);
    expect(command.body.code).toBe('TASK.NOT_FOUND');
  });

  it('sends the version as ETag and refuses a stale If-Match with 409', async () => {
    const seen = await staff.get('/v1/tasks/t4-zh');
    expect(seen.headers.get('etag')).toBe('"2"');
    const acknowledged = await staff.post('/v1/tasks/t4-zh/acknowledgement', {}, { headers: { 'if-match': '"2"' } });
    expectStatus(acknowledged, 200);
    expect(acknowledged.headers.get('etag')).toBe('"3"');
    const stale = await staff.post('/v1/tasks/t4-zh/progress-reports', { percent: 10, narrative: 'Started' }, { headers: { 'if-match': '"2"' } });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('STORE.WRONG_EXPECTED_VERSION');
    expectStatus(await staff.post('/v1/tasks/t4-zh/progress-reports', { percent: 10, narrative: 'Started' }, { headers: { 'if-match': '"3"' } }), 200);
  });

  it('refuses a document number the issuer already used that year with 409 DOCNO.TAKEN, and writes nothing', async () => {
    const before = await ledger.ledgerStore().headPosition();
    const again = await issue(mayor, 'DEMO-1');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DOCNO.TAKEN');
    expect(await ledger.ledgerStore().headPosition()).toBe(before);
    // Canonically equivalent spellings are the same number (NFC).
    const nfd = await issue(mayor, 'DEMO-Đố'.normalize('NFC'));
    expectStatus(nfd, 201);
    expect((await issue(mayor, 'DEMO-Đố'.normalize('NFD'))).body.code).toBe('DOCNO.TAKEN');
  });

  it('gives the same number to two concurrent directives once', async () => {
    const results = await Promise.all([issue(mayor, 'DEMO-RACE'), issue(mayor, 'DEMO-RACE')]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it('refuses a rule violation with 422, in the caller\'s language', async () => {
    ledger.at(at('2018-11-05'));
    const body = { newDeadline: '2018-12-31', reason: 'Flood' };
    const en = await staff.post('/v1/tasks/t4-zh/extension-requests', body);
    expect(en.status).toBe(422);
    expect(en.body).toMatchObject({ code: 'TASK.EXTENSION_AFTER_DEADLINE', fields: [] });
    const vi = await staff.post('/v1/tasks/t4-zh/extension-requests', body, { headers: { 'accept-language': 'vi-VN,vi;q=0.9,en;q=0.5' } });
    const zh = await staff.post('/v1/tasks/t4-zh/extension-requests', body, { headers: { 'accept-language': 'zh-CN' } });
    expect(vi.body.code).toBe('TASK.EXTENSION_AFTER_DEADLINE');
    expect(zh.body.code).toBe('TASK.EXTENSION_AFTER_DEADLINE');
    expect(new Set([en.body.message, vi.body.message, zh.body.message]).size).toBe(3);
    expect(zh.body.message).toMatch(/[\u4e00-\u9fff]/);
    expect(vi.body.message).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i);
    // Application errors are translated too.
    const header = await staff.post('/v1/tasks/t4-zh/acknowledgement', {}, { headers: { 'if-match': 'x', 'accept-language': 'zh' } });
    expect(header.body.message).toMatch(/If-Match/);
    expect(header.body.message).toMatch(/[\u4e00-\u9fff]/);
    ledger.at(at('2018-09-10'));
  });

  it('replays a retried command with the same Idempotency-Key: the first result, no new events', async () => {
    const headers = { 'idempotency-key': 'progress-2018-09-10' };
    const first = await staff.post('/v1/tasks/t4-zh/progress-reports', { percent: 20, narrative: 'Twenty percent' }, { headers });
    expectStatus(first, 200);
    const head = await ledger.ledgerStore().headPosition();
    const retry = await staff.post('/v1/tasks/t4-zh/progress-reports', { percent: 20, narrative: 'Twenty percent' }, { headers });
    expectStatus(retry, 200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await ledger.ledgerStore().headPosition()).toBe(head);
    // The key is the caller's: another caller's same key is a new command.
    const other = await (await ledger.user('p-zh-staff-2', 'unit_staff', 'zh')).post('/v1/tasks/t4-zh/progress-reports', { percent: 25, narrative: 'Twenty-five' }, { headers });
    expectStatus(other, 200);
    expect(other.body.position).toBeGreaterThan(first.body.position);
  });

  it('replays a whole directive issued with server-chosen ids', async () => {
    const headers = { 'idempotency-key': 'issue-demo-7' };
    const first = await issue(mayor, 'DEMO-7', {}, headers);
    expectStatus(first, 201);
    const head = await ledger.ledgerStore().headPosition();
    const retry = await issue(mayor, 'DEMO-7', {}, headers);
    expectStatus(retry, 201);
    expect(retry.body).toEqual(first.body);
    expect(await ledger.ledgerStore().headPosition()).toBe(head);
  });

  it('lets an administrator enter a historical event (occurred-at earlier, recorded-at now) and refuses it to others', async () => {
    const backdated = await ledger.admin.post('/v1/units', { unitId: 'zh-w1', names: { en: 'Ward 1' }, kind: 'ward', parentId: 'zh' }, { headers: { 'x-occurred-at': '2018-03-01T10:00:00+08:00' } });
    expectStatus(backdated, 201);
    const [event] = await ledger.ledgerStore().readStream('unit-zh-w1');
    expect(event.metadata.occurredAt).toBe('2018-03-01T02:00:00Z');
    expect(event.metadata.recordedAt).toBe('2018-09-10T01:00:00.000Z');
    expect((event.data as { at: string }).at).toBe('2018-03-01T10:00:00+08:00');
    const refused = await inspector.post('/v1/tasks/t4-zh/reminders', { message: 'Hurry', channel: 'phone' }, { headers: { 'x-occurred-at': '2018-09-01T10:00:00+08:00' } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('AUTH.BACKDATING_NOT_ALLOWED');
    const future = await ledger.admin.post('/v1/units/zh-w1/rename', { names: { en: 'Ward One' } }, { headers: { 'x-occurred-at': '2030-01-01T00:00:00+08:00' } });
    expect(future.status).toBe(400);
  });

  it('describes every endpoint in the OpenAPI document, with examples and error responses', async () => {
    const doc = await ledger.anonymous().get('/docs/openapi.json');
    expectStatus(doc, 200);
    const operations = Object.entries(doc.body.paths as Record<string, Record<string, any>>)
      .filter(([path]) => /^\/v1\/(units|directives|tasks|signoffs)/.test(path))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    expect(operations.length).toBe(42);
    for (const { path, method, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect([where, typeof op.summary]).toEqual([where, 'string']);
      const success = op.responses['200'] ?? op.responses['201'];
      expect([where, Boolean(success?.content?.['application/json']?.example ?? success?.content?.['application/json']?.schema)]).toEqual([where, true]);
      for (const status of ['400', '401', '403']) expect([where, status, Boolean(op.responses[status])]).toEqual([where, status, true]);
      if (method === 'post') expect([where, (op.parameters ?? []).some((p: { name: string }) => p.name === 'Idempotency-Key')]).toEqual([where, true]);
      const pathParams = (op.parameters ?? []).filter((p: { in: string }) => p.in === 'path');
      const inTemplate = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect([where, pathParams.map((p: { name: string }) => p.name).sort()]).toEqual([where, [...inTemplate].sort()]);
      for (const param of pathParams) expect([where, param.name, param.required, typeof (param.example ?? param.schema?.example), JSON.stringify(param)]).toEqual([where, param.name, true, 'string', JSON.stringify(param)]);
    }
  });
});
