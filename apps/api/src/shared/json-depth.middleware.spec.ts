import { jsonDepth, MAX_JSON_DEPTH, rejectDeepJson } from './json-depth.middleware';
import { localizedBody } from './validation-errors';

describe('JSON depth guard', () => {
  it('measures depth without recursion, even for a hostile 100,000-level body', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonDepth(deep)).toBe(100_000);
    expect(jsonDepth({ a: { b: [1, { c: null }] } })).toBe(4);
    expect(jsonDepth('x')).toBe(0);
  });

  it('refuses a body deeper than the limit with the API error shape, and passes others on', () => {
    let deep: unknown = {};
    for (let i = 0; i < MAX_JSON_DEPTH + 1; i++) deep = { d: deep };
    const refusal = rejectDeepJson(deep);
    expect(refusal?.status).toBe(400);
    expect(localizedBody(refusal!, 'en')).toEqual(expect.objectContaining({ code: 'REQUEST.TOO_DEEP', fields: [expect.objectContaining({ field: 'body' })] }));
    expect(rejectDeepJson({ fine: [1, 2] })).toBeUndefined();
  });
});
