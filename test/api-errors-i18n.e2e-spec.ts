import { formatErrorMessage, LANGUAGES, REMINDER_CHANNELS, type ErrorCode, type Language } from '@ledger/domain';
import { Caller, describeOnEachStore, expectStatus, LedgerTestApp } from './support/ledger-test-app';

/**
 * Every refusal of a request's shape, through the real application, in each working language: the stable code of
 * the failed check, the field it is about, and a message worded from the error table in the Accept-Language's
 * language (en, vi, zh). Domain refusals are covered by api-errors.e2e-spec.ts.
 */
const at = (date: string, time = '09:00:00') => `${date}T${time}+08:00`;
const HASH = 'a'.repeat(64);
const ACCEPT: Record<Language, string> = { en: 'en-GB,en;q=0.9', vi: 'vi-VN,vi;q=0.9,en;q=0.5', zh: 'zh-CN,zh;q=0.9' };

type Who = 'staff' | 'inspector' | 'mayor' | 'admin';
interface Case {
  readonly name: string;
  readonly who: Who;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly contentType?: string;
  readonly status: number;
  /** The top-level code: REQUEST.VALIDATION for field checks, the body's own code for whole-body refusals. */
  readonly code: ErrorCode;
  readonly field: string;
  readonly fieldCode: ErrorCode;
  readonly params: Record<string, string | number>;
}

const directive = (extra: Record<string, unknown>) => ({
  documentNumber: 'I18N-1',
  kind: 'notice',
  issuedOn: '2018-09-06',
  title: 'Land tasks',
  body: 'Complete the land tasks.',
  tasks: [{ title: 'T', assignment: { leadUnitId: 'zh', work: 'Rectify', deadline: '2018-10-31', expectedResult: 'Rectified' } }],
  ...extra,
});
const field = (fieldCode: ErrorCode, field: string, params: Record<string, string | number> = {}) => ({
  status: 400,
  code: 'REQUEST.VALIDATION' as ErrorCode,
  field,
  fieldCode,
  params: { field, ...params },
});
const body = (status: number, code: ErrorCode, params: Record<string, string | number> = {}) => ({ status, code, field: 'body', fieldCode: code, params });
const progress = '/v1/tasks/t4-zh/progress-reports';

const CASES: readonly Case[] = [
  { name: 'number above @Max', who: 'staff', method: 'POST', path: progress, body: { percent: 150, narrative: 'x' }, ...field('REQUEST.FIELD_TOO_LARGE', 'percent', { max: '100' }) },
  { name: 'number below @Min', who: 'staff', method: 'POST', path: progress, body: { percent: -1, narrative: 'x' }, ...field('REQUEST.FIELD_TOO_SMALL', 'percent', { min: '0' }) },
  { name: 'text for @IsNumber', who: 'staff', method: 'POST', path: progress, body: { percent: 'ten', narrative: 'x' }, ...field('REQUEST.FIELD_NOT_NUMBER', 'percent') },
  { name: 'missing required field', who: 'staff', method: 'POST', path: progress, body: { percent: 10 }, ...field('REQUEST.FIELD_REQUIRED', 'narrative') },
  { name: 'number for @IsString', who: 'staff', method: 'POST', path: progress, body: { percent: 10, narrative: 7 }, ...field('REQUEST.FIELD_NOT_TEXT', 'narrative') },
  { name: 'empty text under @MinLength', who: 'staff', method: 'POST', path: progress, body: { percent: 10, narrative: '' }, ...field('REQUEST.FIELD_TOO_SHORT', 'narrative', { min: '1' }) },
  { name: 'not a SHA-256 (@Matches each)', who: 'staff', method: 'POST', path: progress, body: { percent: 10, narrative: 'x', evidence: ['not-a-hash'] }, ...field('REQUEST.FIELD_NOT_HASH', 'evidence') },
  { name: 'list over @ArrayMaxSize', who: 'staff', method: 'POST', path: progress, body: { percent: 10, narrative: 'x', evidence: Array(101).fill(HASH) }, ...field('REQUEST.LIST_TOO_LONG', 'evidence', { max: '100' }) },
  { name: 'value outside @IsIn', who: 'inspector', method: 'POST', path: '/v1/tasks/t4-zh/reminders', body: { message: 'Hurry', channel: 'pigeon' }, ...field('REQUEST.FIELD_NOT_ALLOWED_VALUE', 'channel', { allowed: REMINDER_CHANNELS.join(', ') }) },
  { name: 'text over @MaxLength', who: 'mayor', method: 'POST', path: '/v1/directives', body: directive({ documentNumber: 'N'.repeat(101) }), ...field('REQUEST.FIELD_TOO_LONG', 'documentNumber', { max: '100' }) },
  { name: 'not a calendar date', who: 'mayor', method: 'POST', path: '/v1/directives', body: directive({ issuedOn: '6 Sept 2018' }), ...field('REQUEST.FIELD_NOT_DATE', 'issuedOn') },
  {
    name: 'nested id not an id, with its path',
    who: 'mayor',
    method: 'POST',
    path: '/v1/directives',
    body: directive({ tasks: [{ title: 'T', assignment: { leadUnitId: 'ZH', work: 'w', deadline: '2018-10-31', expectedResult: 'r' } }] }),
    ...field('REQUEST.FIELD_NOT_ID', 'tasks[0].assignment.leadUnitId'),
  },
  { name: 'text for @IsArray', who: 'mayor', method: 'POST', path: '/v1/directives', body: directive({ tasks: 'T1, T2' }), ...field('REQUEST.FIELD_NOT_LIST', 'tasks') },
  { name: 'text for a nested object', who: 'mayor', method: 'POST', path: '/v1/directives', body: directive({ issuer: 'the mayor' }), ...field('REQUEST.FIELD_NOT_OBJECT', 'issuer') },
  { name: 'missing @IsDefined object', who: 'admin', method: 'POST', path: '/v1/units/zh/rename', body: {}, ...field('REQUEST.FIELD_REQUIRED', 'names') },
  { name: 'text outside @Length', who: 'admin', method: 'POST', path: '/v1/users', body: { id: 'p-new', displayName: '', role: 'unit_staff', unitId: 'zh' }, ...field('REQUEST.FIELD_LENGTH', 'displayName', { min: '1', max: '200' }) },
  { name: 'not an ISO 8601 instant', who: 'admin', method: 'POST', path: '/v1/users/p-zh-staff/tokens', body: { label: 'x', expiresAt: 'next week' }, ...field('REQUEST.FIELD_NOT_INSTANT', 'expiresAt') },
  { name: 'text for @IsBoolean', who: 'admin', method: 'POST', path: '/v1/units/zh/head', body: { personId: 'p-x', name: 'X', postTitle: 'Head', from: '2018-01-01', replace: 'yes' }, ...field('REQUEST.FIELD_NOT_BOOLEAN', 'replace') },
  { name: 'query text for @IsInt', who: 'admin', method: 'GET', path: '/v1/log/proofs/inclusion?position=abc', ...field('REQUEST.FIELD_NOT_INTEGER', 'position') },
  { name: 'query cursor not from a page', who: 'inspector', method: 'GET', path: '/v1/tasks?cursor=zz', ...field('REQUEST.CURSOR_INVALID', 'cursor') },
  { name: 'unknown field', who: 'staff', method: 'POST', path: '/v1/tasks/t4-zh/acknowledgement', body: { colour: 'red' }, ...field('REQUEST.FIELD_UNKNOWN', 'colour') },
  { name: 'actor field in the body', who: 'staff', method: 'POST', path: '/v1/tasks/t4-zh/acknowledgement', body: { acknowledgedBy: 'p-mayor' }, ...field('REQUEST.ACTOR_FIELD', 'acknowledgedBy') },
  { name: 'actor object in the body', who: 'staff', method: 'POST', path: progress, body: { percent: 10, narrative: 'x', actor: { id: 'admin', role: 'administrator', unit: 'city' } }, ...field('REQUEST.ACTOR_FIELD', 'actor') },
  { name: 'malformed JSON', who: 'staff', method: 'POST', path: progress, rawBody: '{"percent": 10, "narrative": ', ...body(400, 'REQUEST.MALFORMED') },
  { name: 'JSON nested too deep', who: 'staff', method: 'POST', path: progress, rawBody: '['.repeat(5000) + ']'.repeat(5000), ...body(400, 'REQUEST.TOO_DEEP', { max: 32 }) },
  { name: 'JSON as text/plain', who: 'staff', method: 'POST', path: progress, rawBody: '{"percent":10,"narrative":"x"}', contentType: 'text/plain', ...body(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', { type: 'text/plain' }) },
  { name: 'form-encoded body', who: 'staff', method: 'POST', path: progress, rawBody: 'percent=10&narrative=x', contentType: 'application/x-www-form-urlencoded', ...body(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', { type: 'application/x-www-form-urlencoded' }) },
  { name: 'body over 1 MB', who: 'staff', method: 'POST', path: progress, body: { percent: 10, narrative: 'n'.repeat(1_100_000) }, ...body(413, 'REQUEST.TOO_LARGE', { limit: '1048576 bytes' }) },
];

describeOnEachStore('request-shape errors in the caller\'s language', (store) => {
  let ledger: LedgerTestApp;
  const callers = {} as Record<Who, Caller>;

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
    callers.admin = ledger.admin;
    callers.mayor = await ledger.user('p-mayor', 'leader', 'city');
    callers.inspector = await ledger.user('p-inspector', 'inspector', 'insp');
    callers.staff = await ledger.user('p-zh-staff', 'unit_staff', 'zh');
    ledger.at(at('2018-09-06', '16:00:00'));
    expectStatus(await callers.mayor.post('/v1/directives', directive({ directiveId: 'd-1', documentNumber: 'I18N-0', tasks: [{ taskId: 't4-zh', title: 'T4', assignment: { leadUnitId: 'zh', work: 'Rectify', deadline: '2018-10-31', expectedResult: 'Rectified' } }] })), 201);
  });

  afterAll(async () => {
    await ledger?.close();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: its code, its field, a message in en, vi and zh, nothing written', async (_name, c) => {
    const before = await ledger.ledgerStore().headPosition();
    const messages: Record<string, string> = {};
    for (const language of LANGUAGES) {
      const headers: Record<string, string> = { 'accept-language': ACCEPT[language] };
      if (c.contentType) headers['content-type'] = c.contentType;
      const res = await callers[c.who].request(c.method, c.path, { body: c.body, rawBody: c.rawBody, headers });
      const expectedReason = formatErrorMessage(c.fieldCode, language, c.params);
      expect({ language, status: res.status, code: res.body?.code }).toEqual({ language, status: c.status, code: c.code });
      const entry = (res.body.fields as Array<{ field: string; code?: string; reason: string; params?: unknown }>).find((f) => f.field === c.field);
      expect({ language, entry }).toEqual({ language, entry: { field: c.field, code: c.fieldCode, params: c.params, reason: expectedReason } });
      expect(res.body.message).toContain(expectedReason);
      expect(res.body.fields.some((f: Record<string, unknown>) => 'reasons' in f)).toBe(false);
      messages[language] = res.body.message;
    }
    expect(messages.en).not.toMatch(/[\u4e00-\u9fff]/);
    expect(messages.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(messages.vi).not.toBe(messages.en);
    expect(await ledger.ledgerStore().headPosition()).toBe(before);
  });

  it('words every failed field of one request, each with its own code, in the requested language', async () => {
    const res = await callers.mayor.post('/v1/directives', directive({ documentNumber: '', kind: 'memo', issuedOn: 'tomorrow' }), { headers: { 'accept-language': 'vi' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('REQUEST.VALIDATION');
    expect(res.body.fields.map((f: { field: string; code: string }) => [f.field, f.code])).toEqual(
      expect.arrayContaining([
        ['documentNumber', 'REQUEST.FIELD_TOO_SHORT'],
        ['kind', 'REQUEST.FIELD_NOT_ALLOWED_VALUE'],
        ['issuedOn', 'REQUEST.FIELD_NOT_DATE'],
      ]),
    );
    expect(res.body.message).toMatch(/^Yêu cầu không hợp lệ: /);
    expect(res.body.message).toContain(formatErrorMessage('REQUEST.FIELD_NOT_DATE', 'vi', { field: 'issuedOn' }));
  });
});
