import { type ArgumentMetadata, type Type, ValidationPipe } from '@nestjs/common';
import { Transform, Type as TransformTo } from 'class-transformer';
import { getMetadataStorage, IsIn, IsInt, IsOptional, IsString, ValidateIf } from 'class-validator';
import fc from 'fast-check';
import { AppModule } from '../app.module';
import { fastTransform, FastValidationPipe, validationPlan } from './fast-validation';
import { ledgerValidationOptions, memoiseTargetValidationMetadatas } from './validation.pipe';

type Metadata = { propertyName: string; name?: string; constraints?: unknown[] };
const storage = getMetadataStorage() as unknown as {
  validationMetadatas: Map<unknown, unknown>;
  getTargetValidationMetadatas(target: Function, schema: undefined, always: boolean, strictGroups: boolean): Metadata[];
};

/** Every class a controller of the app takes as a parameter, and every class with validation metadata (nested DTOs). */
function apiDtoClasses(): Function[] {
  const classes = new Set<Function>();
  const seen = new Set<unknown>();
  const visit = (module: unknown) => {
    if (!module || seen.has(module)) return;
    seen.add(module);
    const target = (module as { module?: unknown }).module ?? module;
    if (typeof target !== 'function') return;
    for (const imported of (Reflect.getMetadata('imports', target) as unknown[] | undefined) ?? []) visit(imported);
    for (const controller of (Reflect.getMetadata('controllers', target) as Function[] | undefined) ?? []) {
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        for (const type of (Reflect.getMetadata('design:paramtypes', controller.prototype, method) as unknown[] | undefined) ?? []) {
          if (typeof type === 'function' && ![String, Number, Boolean, Object, Array, Buffer, Date].includes(type as never)) classes.add(type);
        }
      }
    }
  };
  visit(AppModule);
  for (const target of storage.validationMetadatas.keys()) if (typeof target === 'function') classes.add(target);
  return [...classes].filter((c) => storage.getTargetValidationMetadatas(c, undefined, false, false).length > 0);
}

const HEX = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
/** Values a client might send (JSON and query strings alike): most of the ledger's formats, valid and not. */
const POOL: readonly unknown[] = [
  '', ' ', 'a', 'zh', 'Zh', '-x', 'x-', 'd01-u12', 'd-2018-1', 't4-zx', 'task-t4-zx', 'signoff-so-1', 'unit-zh', 'p-zh-staff', '2026-11-25', '2018-10-31', '2026-13-45', '2026-11-25T03:00:00Z',
  '2026-11-25T03:00:00+08:00', '20', '1', '0', '-1', '1.5', '500', '501', '1e3', 'NaN', 'true', 'false', 'lead', 'co', 'any', 'in_progress', 'approve', 'reject', 'official_document', HEX,
  HEX.toUpperCase(), 'x'.repeat(65), 'x'.repeat(201), 'x'.repeat(401), 'x'.repeat(2001), 'x'.repeat(10_001), '衡督〔2018〕1号', 'Đôn đốc', '\u0000', '😀', 'MjAxOC0xMC0zMQB0NC16aA', 'cn-hengyang-2018', 'districts',
  0, 1, 6, 12, 20, 60, 100, 101, 500, 2018, -1, 1.5, 1e21, Number.NaN, Number.POSITIVE_INFINITY, -0, true, false, null,
  [], ['zh'], ['zh', 'zx'], [HEX], ['task-t4-zh'], [1], [null], [['zh']], [{}], {}, { a: 1 }, { payloadType: 'x', payload: 'y', signatures: [] },
];

const EXTRA_KEYS = ['extra', '__proto__', 'constructor', 'prototype', 'actorId', 'recordedAt', 'toString', 'hasOwnProperty'];
const ABSENT = Symbol('absent');

/** A fresh copy each time: the ValidationPipe changes its input (prototype keys, array gaps). */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) {
    const array = new Array(value.length);
    value.forEach((item, index) => (array[index] = copy(item)));
    return array;
  }
  if (value !== null && typeof value === 'object') return build('object', Object.entries(value));
  return value;
}

function Empty() {}
Empty.prototype = Object.create(null);

/** An object as JSON.parse makes it (own `__proto__` included), with no prototype, or as fast-querystring makes it. */
function build(shape: 'object' | 'null' | 'query', entries: ReadonlyArray<readonly [string, unknown]>): object {
  const object = shape === 'object' ? {} : shape === 'null' ? Object.create(null) : new (Empty as unknown as new () => object)();
  for (const [key, value] of entries) Object.defineProperty(object, key, { value: copy(value), enumerable: true, writable: true, configurable: true });
  return object;
}

type Outcome = { ok: unknown } | { error: unknown };
async function outcome(pipe: ValidationPipe, value: unknown, metadata: ArgumentMetadata): Promise<Outcome> {
  try {
    return { ok: await pipe.transform(value, metadata) };
  } catch (error) {
    return { error };
  }
}

function expectSame(fast: Outcome, plain: Outcome): void {
  if ('ok' in plain) {
    expect(fast).toHaveProperty('ok');
    const got = (fast as { ok: unknown }).ok;
    if (plain.ok !== null && typeof plain.ok === 'object') {
      expect(Object.getPrototypeOf(got)).toBe(Object.getPrototypeOf(plain.ok));
      expect(Object.keys(got as object)).toEqual(Object.keys(plain.ok));
    }
    expect(got).toStrictEqual(plain.ok);
  } else {
    expect(fast).toHaveProperty('error');
    const got = (fast as { error: unknown }).error as Error & Record<string, unknown>;
    const want = plain.error as Error & Record<string, unknown>;
    expect(got.constructor).toBe(want.constructor);
    // The response body (code, message, fields with their codes, params and reasons) and the status.
    expect({ ...got, message: got.message }).toStrictEqual({ ...want, message: want.message });
  }
}

const unitOf = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom('a', '__proto__', 'constructor', 'streamId', 'version'), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 }),
);

describe('the fast validation path', () => {
  beforeAll(() => memoiseTargetValidationMetadatas());
  const fastPipe = new FastValidationPipe(ledgerValidationOptions());
  const plainPipe = new ValidationPipe(ledgerValidationOptions());
  const dtos = apiDtoClasses();

  it('finds the DTOs of the API, and compiles the flat ones the bench mix sends', () => {
    expect(dtos.length).toBeGreaterThan(40);
    const names = (compiled: boolean) => dtos.filter((c) => (validationPlan(c) !== null) === compiled).map((c) => c.name);
    for (const name of ['TaskListQueryDto', 'NoticesQueryDto', 'ReportProgressRequestDto', 'IssueReminderRequestDto', 'PageQueryDto']) expect(names(true)).toContain(name);
    // Nested DTOs (ValidateNested) and ValidateIf stay with the ValidationPipe.
    for (const name of ['RecordSignOffRequestDto', 'IssueDirectiveRequestDto', 'RegisterUserKeyRequest']) expect(names(false)).toContain(name);
  });

  describe.each(dtos.map((dto) => [dto.name, dto] as const))('%s', (_name, dto) => {
    const properties = [...new Set(storage.getTargetValidationMetadatas(dto, undefined, false, false).map((m) => m.propertyName))];
    const allowed = storage
      .getTargetValidationMetadatas(dto, undefined, false, false)
      .filter((m) => m.name === 'isIn' && Array.isArray(m.constraints?.[0]))
      .flatMap((m) => m.constraints![0] as unknown[]);
    const pool = [...POOL, ...allowed, ...allowed.map((value) => [value])];
    const metadata = (type: ArgumentMetadata['type']): ArgumentMetadata => ({ type, metatype: dto as Type<unknown>, data: undefined });

    /** Values the plain pipe takes for a property, alone (no error of the field, whatever the other fields say). */
    let valid: Map<string, unknown[]>;
    beforeAll(async () => {
      valid = new Map();
      for (const property of properties) {
        const accepted: unknown[] = [];
        for (const value of [ABSENT, ...pool]) {
          const result = await outcome(plainPipe, build('object', value === ABSENT ? [] : [[property, value]]), metadata('body'));
          const fields = 'error' in result ? ((result.error as { fields?: Array<{ field: string }> }).fields ?? []) : [];
          if (!fields.some((f) => f.field === property || f.field.startsWith(`${property}.`) || f.field.startsWith(`${property}[`))) accepted.push(value);
        }
        valid.set(property, accepted);
      }
    });

    it('gives the plain pipe\'s instance or refusal for random bodies and queries', async () => {
      const entry = (property: string) =>
        fc.oneof(
          { weight: 6, arbitrary: valid.get(property)!.length > 0 ? fc.constantFrom(...valid.get(property)!) : fc.constantFrom(...pool) },
          { weight: 2, arbitrary: fc.constantFrom(...pool) },
          { weight: 1, arbitrary: unitOf },
          { weight: 2, arbitrary: fc.constant<unknown>(ABSENT) },
        );
      const validEntry = (property: string) => (valid.get(property)!.length > 0 ? fc.constantFrom(...valid.get(property)!) : fc.constantFrom(...pool));
      const input = fc.record({
        shape: fc.constantFrom('object' as const, 'object' as const, 'null' as const, 'query' as const),
        values: fc.oneof(fc.tuple(...properties.map((p) => entry(p))), fc.tuple(...properties.map((p) => validEntry(p)))),
        extra: fc.oneof({ weight: 5, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.tuple(fc.constantFrom(...EXTRA_KEYS), fc.oneof(fc.constantFrom(...pool), unitOf)), { maxLength: 2 }) }),
        order: fc.boolean(),
        type: fc.constantFrom('body' as const, 'query' as const),
      });
      let fast = 0;
      await fc.assert(
        fc.asyncProperty(input, async ({ shape, values, extra, order, type }) => {
          const entries: Array<[string, unknown]> = properties.map((p, i) => [p, values[i]] as [string, unknown]).filter(([, v]) => v !== ABSENT);
          if (order) entries.reverse();
          entries.push(...(extra as Array<[string, unknown]>));
          const plan = validationPlan(dto);
          if (plan && typeof fastTransform(plan, build(shape, entries)) === 'object') fast++;
          expectSame(await outcome(fastPipe, build(shape, entries), metadata(type)), await outcome(plainPipe, build(shape, entries), metadata(type)));
        }),
        { numRuns: Number(process.env.FAST_VALIDATION_RUNS ?? 150) },
      );
      if (validationPlan(dto)) expect(fast).toBeGreaterThan(0);
    });

    it('gives the plain pipe\'s answer for nothing, null, a primitive, an array and a custom decorator', async () => {
      for (const value of [undefined, null, 'x', 12, true, [], [{}], build('object', [])]) {
        for (const type of ['body', 'query', 'param', 'custom'] as const) {
          expectSame(await outcome(fastPipe, copy(value), metadata(type)), await outcome(plainPipe, copy(value), metadata(type)));
        }
      }
    });
  });
});

describe('the fast validation pipe, around the classes it compiles', () => {
  const fastPipe = new FastValidationPipe(ledgerValidationOptions());
  const plainPipe = new ValidationPipe(ledgerValidationOptions());
  const body = (metatype: Function): ArgumentMetadata => ({ type: 'body', metatype: metatype as Type<unknown>, data: undefined });

  it('leaves primitive params as the ValidationPipe transforms them', async () => {
    for (const [value, metatype] of [['12', Number], ['x', String], ['true', Boolean], [undefined, Number]] as const) {
      const metadata: ArgumentMetadata = { type: 'param', metatype, data: 'id' };
      expect(await fastPipe.transform(value, metadata)).toStrictEqual(await plainPipe.transform(value, metadata));
    }
  });

  it('compiles again when a check is registered after a class was compiled', async () => {
    class Late {
      @IsString()
      name?: string;
    }
    expect(validationPlan(Late)?.inputs.has('count')).toBe(false);
    IsInt()(Late.prototype, 'count');
    expect(validationPlan(Late)?.inputs.has('count')).toBe(true);
    const value = () => build('object', [['name', 'n'], ['count', 'x']]);
    expectSame(await outcome(fastPipe, value(), body(Late)), await outcome(plainPipe, value(), body(Late)));
  });

  it('runs @Type and @Transform as class-transformer does, and declines ValidateIf and options it is not proved for', async () => {
    class Converted {
      @IsOptional()
      @TransformTo(() => Number)
      @IsInt()
      size?: number;

      @IsOptional()
      @Transform(({ value }) => (value === 'yes' ? 'lead' : value))
      @IsIn(['lead', 'co'])
      role?: string;
    }
    const value = () => build('query', [['size', '20'], ['role', 'yes']]);
    const got = await fastPipe.transform(value(), body(Converted));
    expect(got).toBeInstanceOf(Converted);
    expect(got).toStrictEqual(await plainPipe.transform(value(), body(Converted)));
    expect(typeof fastTransform(validationPlan(Converted)!, value())).toBe('object');

    class Conditional {
      @ValidateIf(() => true)
      @IsString()
      name?: string;
    }
    expect(validationPlan(Conditional)).toBeNull();

    const grouped = new FastValidationPipe({ ...ledgerValidationOptions(), groups: ['g'] });
    const spy = jest.spyOn(ValidationPipe.prototype, 'transform');
    await grouped.transform(value(), body(Converted)).catch(() => undefined); // no check applies to the group: 400
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });
});
