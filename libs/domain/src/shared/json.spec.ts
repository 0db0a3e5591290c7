import { cloneJson, isJsonObject, isJsonValue, jsonProblem } from './json';

describe('JSON-only data', () => {
  it('accepts plain data', () => {
    expect(isJsonValue({ a: [1, 'x', true, null, { b: -0.5 }], c: {} })).toBe(true);
    expect(isJsonObject(Object.assign(Object.create(null) as object, { a: 1 }))).toBe(true);
  });

  it('names the first value RFC 8785 cannot represent', () => {
    expect(jsonProblem({ a: 1, b: undefined })).toBe('$.b');
    expect(jsonProblem({ a: [1, Number.NaN] })).toBe('$.a[1]');
    expect(jsonProblem({ when: new Date(0) })).toBe('$.when');
    expect(jsonProblem({ big: 10n })).toBe('$.big');
    expect(jsonProblem({ f: () => 1 })).toBe('$.f');
    // eslint-disable-next-line no-sparse-arrays
    expect(jsonProblem([1, , 3])).toBe('$[1]');
    expect(jsonProblem(new (class Money {})())).toBe('$');
    expect(jsonProblem(new Map())).toBe('$');
  });

  it('distinguishes objects from arrays and values', () => {
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject('x')).toBe(false);
    expect(isJsonObject(null)).toBe(false);
  });

  it('clones without sharing', () => {
    const original = { a: [1, { b: 2 }] };
    const copy = cloneJson(original);
    expect(copy).toEqual(original);
    expect(copy.a).not.toBe(original.a);
  });
});
