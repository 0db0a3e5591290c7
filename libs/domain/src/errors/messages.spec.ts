import {
  ConflictError,
  domainError,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  ValidationError,
} from '../shared/domain-error';
import { ERROR_CODES, ERROR_KINDS, ERROR_MESSAGES, formatErrorMessage, LANGUAGES, placeholdersOf } from './messages';

describe('error message table', () => {
  it('names every code AGGREGATE.WHAT, with a known kind', () => {
    for (const code of ERROR_CODES) {
      expect(code).toMatch(/^[A-Z]+\.[A-Z_]+$/);
      expect(ERROR_KINDS).toContain(ERROR_MESSAGES[code].kind);
    }
  });

  it('has a message in English, Vietnamese and Chinese for every code, with the same parameters', () => {
    for (const code of ERROR_CODES) {
      const entry = ERROR_MESSAGES[code];
      for (const language of LANGUAGES) expect(entry[language].trim().length).toBeGreaterThan(0);
      expect({ code, vi: placeholdersOf(entry.vi) }).toEqual({ code, vi: placeholdersOf(entry.en) });
      expect({ code, zh: placeholdersOf(entry.zh) }).toEqual({ code, zh: placeholdersOf(entry.en) });
    }
  });

  it('does not leave English in the Vietnamese and Chinese messages (beyond parameters and codes)', () => {
    for (const code of ERROR_CODES) {
      const zh = ERROR_MESSAGES[code].zh.replace(/\{\w+\}/g, '');
      expect({ code, hasChinese: /[\u4e00-\u9fff]/.test(zh) }).toEqual({ code, hasChinese: true });
      const { en, vi }: { en: string; vi: string } = ERROR_MESSAGES[code];
      expect({ code, differs: vi !== en }).toEqual({ code, differs: true });
    }
  });

  it('fills parameters, and leaves unknown ones visible', () => {
    expect(formatErrorMessage('TASK.EXTENSION_AFTER_DEADLINE', 'en', { today: '2018-11-05', deadline: '2018-10-31' })).toBe(
      'An extension must be requested by the deadline: requested on 2018-11-05, the deadline was 2018-10-31.',
    );
    expect(formatErrorMessage('TASK.EXTENSION_AFTER_DEADLINE', 'zh', { today: '2018-11-05' })).toBe(
      '延期须在时限届满前申请：申请日期为 2018-11-05，办结时限为 {deadline}。',
    );
  });
});

describe('DomainError', () => {
  it('is built as the subclass of its code’s kind', () => {
    expect(domainError('COMMON.TEXT_REQUIRED', { field: 'title' })).toBeInstanceOf(ValidationError);
    expect(domainError('SIGNOFF.SELF_APPROVAL', {})).toBeInstanceOf(ForbiddenError);
    expect(domainError('TASK.NOT_FOUND', { task: 't1' })).toBeInstanceOf(NotFoundError);
    expect(domainError('TASK.CLOSED', { task: 't1' })).toBeInstanceOf(ConflictError);
    expect(domainError('TASK.DEADLINE_BEFORE_ISSUE', { deadline: 'a', issuedOn: 'b' })).toBeInstanceOf(RuleViolationError);
    for (const code of ERROR_CODES) expect(domainError(code, {} as never).kind).toBe(ERROR_MESSAGES[code].kind);
  });

  it('carries code, kind, field, an English message and all three languages', () => {
    const error = domainError('COMMON.TEXT_REQUIRED', { field: 'narrative' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe('narrative is required.');
    expect(error.messages).toEqual({ en: 'narrative is required.', vi: 'Trường narrative là bắt buộc.', zh: 'narrative 为必填项。' });
    expect(error.toJSON()).toEqual({
      code: 'COMMON.TEXT_REQUIRED',
      kind: 'validation',
      message: 'narrative is required.',
      field: 'narrative',
      params: { field: 'narrative' },
    });
  });

  it('has no field when the error is not about one input', () => {
    expect(domainError('TASK.SELF_VERIFICATION', {}).field).toBeUndefined();
  });
});
