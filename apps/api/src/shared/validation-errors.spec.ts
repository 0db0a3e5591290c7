import { getMetadataStorage, IsIn, Matches, Max, validateSync, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { ERROR_MESSAGES, LANGUAGES, placeholdersOf } from '@ledger/domain';
import { AppModule } from '../app.module';
import { CONSTRAINT_CODES, fieldFailures, localizedBody, RequestValidationError, REQUEST_CODES } from './validation-errors';

describe('request-shape error codes', () => {
  it('has a message in English, Vietnamese and Chinese for every REQUEST code, with the same parameters', () => {
    expect(REQUEST_CODES.length).toBeGreaterThanOrEqual(30);
    for (const code of REQUEST_CODES) {
      const entry: { en: string; vi: string; zh: string } = ERROR_MESSAGES[code];
      for (const language of LANGUAGES) expect({ code, language, empty: entry[language].trim() === '' }).toEqual({ code, language, empty: false });
      expect({ code, vi: placeholdersOf(entry.vi) }).toEqual({ code, vi: placeholdersOf(entry.en) });
      expect({ code, zh: placeholdersOf(entry.zh) }).toEqual({ code, zh: placeholdersOf(entry.en) });
      expect({ code, zhIsChinese: /[\u4e00-\u9fff]/.test(entry.zh) }).toEqual({ code, zhIsChinese: true });
      expect({ code, viDiffers: entry.vi !== entry.en }).toEqual({ code, viDiffers: true });
    }
  });

  it('maps every constraint the API\'s DTOs use to a code of the table', () => {
    expect(AppModule).toBeDefined(); // loads every controller, hence every DTO and its decorators
    const metadatas = [...((getMetadataStorage() as unknown as { validationMetadatas: Map<Function, Array<{ name?: string; type: string }>> }).validationMetadatas.values())].flat();
    const used = new Set(metadatas.filter((m) => !['conditionalValidation', 'whitelistValidation', 'isDefined'].includes(m.type) || m.type === 'isDefined').map((m) => m.name ?? m.type));
    used.delete(undefined as never);
    for (const name of ['conditionalValidation', 'nestedValidation']) used.delete(name);
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) expect({ name, code: CONSTRAINT_CODES[name] }).toEqual({ name, code: expect.stringMatching(/^REQUEST\./) });
    for (const code of Object.values(CONSTRAINT_CODES)) expect(ERROR_MESSAGES[code]).toBeDefined();
  });
});

class Inner {
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  on!: string;
}
class Outer {
  @Max(100)
  percent!: number;

  @IsIn(['a', 'b'])
  kind!: string;

  @ValidateNested({ each: true })
  @Type(() => Inner)
  items!: Inner[];
}

describe('class-validator failures as fields', () => {
  const failuresOf = (value: Record<string, unknown>) => {
    const target = Object.assign(new Outer(), value);
    if (Array.isArray(value.items)) target.items = value.items.map((i) => Object.assign(new Inner(), i));
    return fieldFailures(validateSync(target, { validationError: { target: true, value: true } }));
  };

  it('gives each failed check its code, its parameters from the decorator, and the path of the field', () => {
    expect(failuresOf({ percent: 150, kind: 'c', items: [{ on: '2018-01-01' }, { on: 'today' }] })).toEqual([
      { field: 'percent', code: 'REQUEST.FIELD_TOO_LARGE', params: { field: 'percent', max: '100' } },
      { field: 'kind', code: 'REQUEST.FIELD_NOT_ALLOWED_VALUE', params: { field: 'kind', allowed: 'a, b' } },
      { field: 'items[1].on', code: 'REQUEST.FIELD_NOT_DATE', params: { field: 'items[1].on' } },
    ]);
  });

  it('says a missing field is required, once, instead of every check it fails', () => {
    expect(failuresOf({ percent: 1, items: [] })).toEqual([{ field: 'kind', code: 'REQUEST.FIELD_REQUIRED', params: { field: 'kind' } }]);
  });

  it('words the error late, in the language asked for, and keeps the other languages out of the body', () => {
    const error = new RequestValidationError(failuresOf({ percent: 101, kind: 'a', items: [] }));
    const zh = localizedBody(error, 'zh');
    expect(zh).toEqual({
      code: 'REQUEST.VALIDATION',
      message: '请求无效：percent 不得大于 100。',
      fields: [{ field: 'percent', code: 'REQUEST.FIELD_TOO_LARGE', params: { field: 'percent', max: '100' }, reason: 'percent 不得大于 100。' }],
    });
    expect(localizedBody(error, 'vi').fields[0].reason).toBe('percent không được lớn hơn 100.');
    expect(localizedBody(error, 'en').message).toBe('The request is not valid: percent must not be greater than 100.');
  });
});
