import { getMetadataStorage, type ValidationError } from 'class-validator';
import { ERROR_MESSAGES, formatErrorMessage, ID_PATTERN, LANGUAGES, type ErrorCode, type Labels, type Language } from '@ledger/domain';
import { ApiError, type ApiErrorBody, type ApiErrorField } from './api-error';

/**
 * class-validator's failures as the ledger's errors: one stable code per constraint (`fields[].code`, with the
 * constraint's `params`), and every message in en / vi / zh from the domain's error table, so Accept-Language
 * picks the language when the response is written (the pipe itself does not see the request).
 */

type Params = Readonly<Record<string, string | number>>;

/** One failed check of one field, before it is put into words. */
export interface FieldFailure {
  readonly field: string;
  readonly code: ErrorCode;
  readonly params: Params;
}

/** Constraints that say what type the value must have: when one fails, the others on the field add nothing. */
const TYPE_CONSTRAINTS = new Set(['isString', 'isInt', 'isNumber', 'isBoolean', 'isArray', 'isObject', 'nestedValidation']);

/** Fields that would name who acts or when it is recorded: the credential and the clock decide these. */
const ACTOR_FIELDS = /^(actor|actor[A-Z]\w*|by|\w+By|metadata|recordedAt|commandId)$/;

/**
 * The code for a class-validator constraint, by the constraint's name (the key of `ValidationError.constraints`).
 * Every constraint the DTOs use is here (a unit test walks the metadata of every DTO to keep it so).
 */
export const CONSTRAINT_CODES: Readonly<Record<string, ErrorCode>> = {
  isDefined: 'REQUEST.FIELD_REQUIRED',
  isString: 'REQUEST.FIELD_NOT_TEXT',
  isInt: 'REQUEST.FIELD_NOT_INTEGER',
  isNumber: 'REQUEST.FIELD_NOT_NUMBER',
  isBoolean: 'REQUEST.FIELD_NOT_BOOLEAN',
  isArray: 'REQUEST.FIELD_NOT_LIST',
  isObject: 'REQUEST.FIELD_NOT_OBJECT',
  nestedValidation: 'REQUEST.FIELD_NOT_OBJECT',
  isIn: 'REQUEST.FIELD_NOT_ALLOWED_VALUE',
  min: 'REQUEST.FIELD_TOO_SMALL',
  max: 'REQUEST.FIELD_TOO_LARGE',
  minLength: 'REQUEST.FIELD_TOO_SHORT',
  maxLength: 'REQUEST.FIELD_TOO_LONG',
  isLength: 'REQUEST.FIELD_LENGTH',
  matches: 'REQUEST.FIELD_FORMAT',
  isIso8601: 'REQUEST.FIELD_NOT_INSTANT',
  arrayMinSize: 'REQUEST.LIST_TOO_SHORT',
  arrayMaxSize: 'REQUEST.LIST_TOO_LONG',
  isTaskCursor: 'REQUEST.CURSOR_INVALID',
  whitelistValidation: 'REQUEST.FIELD_UNKNOWN',
  unknownValue: 'REQUEST.BODY_NOT_OBJECT',
};

/** A `@Matches` pattern the ledger uses often gets its own code and words; any other keeps its pattern. */
function patternCode(pattern: unknown): { code: ErrorCode; params: Params } {
  const source = pattern instanceof RegExp ? pattern.source : String(pattern);
  if (source === ID_PATTERN.source) return { code: 'REQUEST.FIELD_NOT_ID', params: {} };
  if (source === '^\\d{4}-\\d{2}-\\d{2}$') return { code: 'REQUEST.FIELD_NOT_DATE', params: {} };
  if (source === '^[0-9a-f]{64}$') return { code: 'REQUEST.FIELD_NOT_HASH', params: {} };
  if (source.startsWith('^[a-z]+-') || source.startsWith('^(task|')) return { code: 'REQUEST.FIELD_NOT_STREAM_ID', params: {} };
  return { code: 'REQUEST.FIELD_FORMAT', params: { pattern: source } };
}

/** The arguments a decorator was given (`@Max(100)` → [100]), from class-validator's metadata of the object's class. */
function constraintArguments(target: object | undefined, property: string, name: string): readonly unknown[] {
  if (target === undefined || target === null || Array.isArray(target) || target.constructor === Object) return [];
  const metadata = getMetadataStorage()
    .getTargetValidationMetadatas(target.constructor, '', true, false)
    .find((m) => m.propertyName === property && (m.name === name || m.type === name));
  return metadata?.constraints ?? [];
}

function failureOf(field: string, name: string, args: readonly unknown[], property: string): FieldFailure {
  const code = CONSTRAINT_CODES[name] ?? 'REQUEST.FIELD_INVALID';
  switch (code) {
    case 'REQUEST.FIELD_NOT_ALLOWED_VALUE':
      return { field, code, params: { field, allowed: (Array.isArray(args[0]) ? args[0] : []).map(String).join(', ') } };
    case 'REQUEST.FIELD_TOO_SMALL':
    case 'REQUEST.FIELD_TOO_SHORT':
    case 'REQUEST.LIST_TOO_SHORT':
      return { field, code, params: { field, min: String(args[0]) } };
    case 'REQUEST.FIELD_TOO_LARGE':
    case 'REQUEST.FIELD_TOO_LONG':
    case 'REQUEST.LIST_TOO_LONG':
      return { field, code, params: { field, max: String(args[0]) } };
    case 'REQUEST.FIELD_LENGTH':
      return { field, code, params: { field, min: String(args[0]), max: String(args[1]) } };
    case 'REQUEST.FIELD_FORMAT': {
      const matched = patternCode(args[0]);
      return { field, code: matched.code, params: { field, ...matched.params } };
    }
    case 'REQUEST.FIELD_UNKNOWN':
      return { field, code: ACTOR_FIELDS.test(property) ? 'REQUEST.ACTOR_FIELD' : code, params: { field } };
    case 'REQUEST.BODY_NOT_OBJECT':
      return { field: field || 'body', code, params: {} };
    default:
      return { field, code, params: { field } };
  }
}

/** Every failed check in a tree of class-validator errors, with the field's path (`tasks[0].assignment.deadline`). */
export function fieldFailures(errors: readonly ValidationError[], parent = ''): FieldFailure[] {
  return errors.flatMap((e) => {
    const field = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    const names = Object.keys(e.constraints ?? {});
    const missing = (e.value === undefined || e.value === null) && !names.includes('whitelistValidation') && !names.includes('unknownValue');
    let own: FieldFailure[];
    if (names.length === 0) own = [];
    else if (missing) own = [{ field, code: 'REQUEST.FIELD_REQUIRED', params: { field } }];
    else {
      const typeFailure = names.find((n) => TYPE_CONSTRAINTS.has(n));
      own = (typeFailure ? [typeFailure] : names).map((name) => failureOf(field, name, constraintArguments(e.target, e.property, name), e.property));
    }
    return [...own, ...fieldFailures(e.children ?? [], field)];
  });
}

/** A message of the table in all three languages. */
export function labelsOf(code: ErrorCode, params: Params): Labels {
  return Object.fromEntries(LANGUAGES.map((language) => [language, formatErrorMessage(code, language, params)])) as unknown as Labels;
}

/** A refusal of the request's shape: `{code: 'REQUEST.VALIDATION', message, fields: [{field, reason, code, params}]}`, worded late. */
export class RequestValidationError extends ApiError {
  constructor(readonly failures: readonly FieldFailure[]) {
    const labelled = failures.map((f) => ({ ...f, reasons: labelsOf(f.code, f.params) }));
    const messages = Object.fromEntries(
      LANGUAGES.map((language) => [language, formatErrorMessage('REQUEST.VALIDATION', language, { details: labelled.map((f) => f.reasons[language]).join(' ') || '-' })]),
    ) as unknown as Labels;
    super(400, 'REQUEST.VALIDATION', messages.en, labelled.map(({ field, code, params, reasons }) => ({ field, reason: reasons.en, code, params, reasons })), messages);
    this.name = 'RequestValidationError';
  }
}

/** A refusal of the whole body (malformed, too deep, too large, wrong media type), with its field `body`. */
export function bodyError(status: number, code: ErrorCode, params: Params = {}): ApiError {
  const messages = labelsOf(code, params);
  return new ApiError(status, code, messages.en, [{ field: 'body', reason: messages.en, code, params, reasons: messages }], messages);
}

/** The error body in `language`: the message and each field's reason (the per-language texts stay out of it). */
export function localizedBody(error: ApiError, language: Language): ApiErrorBody {
  return {
    code: error.code,
    message: error.messages?.[language] ?? error.message,
    fields: error.fields.map(({ reasons, ...field }: ApiErrorField) => ({ ...field, reason: reasons?.[language] ?? field.reason })),
  };
}

/** Every code this module can answer with, for the test that they all have their three languages. */
export const REQUEST_CODES: readonly ErrorCode[] = (Object.keys(ERROR_MESSAGES) as ErrorCode[]).filter((code) => code.startsWith('REQUEST.'));
