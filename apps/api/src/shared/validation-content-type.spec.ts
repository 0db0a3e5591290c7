import { MAX_JSON_DEPTH } from './json-depth.middleware';
import { checkRequestBody } from './validation-content-type';

function run(headers: Record<string, string>, body?: unknown) {
  const res = { status: jest.fn().mockReturnThis(), json: jest.fn() };
  const next = jest.fn();
  checkRequestBody({ headers, body } as never, res as never, next);
  return { status: res.status.mock.calls[0]?.[0] as number | undefined, body: res.json.mock.calls[0]?.[0] as { code: string } | undefined, passed: next.mock.calls.length === 1 };
}

describe('checkRequestBody', () => {
  it('passes a bodiless request (no Content-Length, no Transfer-Encoding) whatever its Content-Type', () => {
    expect(run({ 'content-type': 'text/plain' })).toEqual({ status: undefined, body: undefined, passed: true });
  });

  it('refuses a form body with 415 and the API error shape', () => {
    const out = run({ 'content-type': 'application/x-www-form-urlencoded', 'content-length': '3' }, undefined);
    expect(out).toMatchObject({ status: 415, body: { code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' }, passed: false });
  });

  it('refuses a chunked JSON body nested too deep with 400, and passes a shallow one', () => {
    let deep: unknown = {};
    for (let i = 0; i <= MAX_JSON_DEPTH; i++) deep = { d: deep };
    expect(run({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, deep)).toMatchObject({ status: 400, body: { code: 'REQUEST.TOO_DEEP' }, passed: false });
    expect(run({ 'content-type': 'application/json; charset=utf-8', 'content-length': '9' }, { a: [1] })).toMatchObject({ status: undefined, passed: true });
  });
});
