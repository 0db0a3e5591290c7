import type { ApiError } from './api-error';
import { parseJsonBody } from './json-body';
import { MAX_JSON_DEPTH } from './json-depth.middleware';
import { checkRequestBody } from './validation-content-type';
import { localizedBody } from './validation-errors';

/** The request through the body checks, as Fastify runs them: the `onRequest` hook, then (with a body) the JSON parser. */
function run(headers: Record<string, string>, body?: unknown) {
  let refusal: ApiError | undefined;
  checkRequestBody({ headers }, undefined, (error) => (refusal = error as ApiError | undefined));
  if (refusal === undefined && body !== undefined) {
    try {
      parseJsonBody(headers['content-type'], headers['content-encoding'], Buffer.from(JSON.stringify(body)));
    } catch (error) {
      refusal = error as ApiError;
    }
  }
  return { status: refusal?.status, body: refusal && (localizedBody(refusal, 'en') as { code: string }), passed: refusal === undefined };
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
