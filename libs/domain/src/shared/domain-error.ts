import {
  type ErrorCode,
  type ErrorCodeOfKind,
  type ErrorKind,
  type ErrorParamsFor,
  type Language,
  errorKindOf,
  formatErrorMessage,
} from '../errors/messages';

type Params = Readonly<Record<string, string | number | undefined>>;

/**
 * A refusal by the domain. `code` is stable and is what clients match on; `kind` is what the HTTP layer maps to a
 * status (in one place); `field` names the input at fault when there is one. The message is English; `messages`
 * has it in every language of the table in `errors/messages.ts`.
 *
 * Construct one through `domainError(code, params)`, which picks the subclass for the code's kind, or through a
 * subclass, which accepts only codes of its own kind.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  readonly code: ErrorCode;
  readonly params: Params;
  readonly field: string | undefined;

  constructor(code: ErrorCode, params: Params) {
    super(formatErrorMessage(code, 'en', params));
    this.name = new.target.name;
    this.code = code;
    this.params = params;
    this.field = typeof params.field === 'string' ? params.field : undefined;
  }

  get messages(): { readonly [L in Language]: string } {
    return {
      en: formatErrorMessage(this.code, 'en', this.params),
      vi: formatErrorMessage(this.code, 'vi', this.params),
      zh: formatErrorMessage(this.code, 'zh', this.params),
    };
  }

  /** A plain body for logs and error responses. */
  toJSON(): { code: ErrorCode; kind: ErrorKind; message: string; field: string | null; params: Params } {
    return { code: this.code, kind: this.kind, message: this.message, field: this.field ?? null, params: this.params };
  }
}

/** The input is malformed (400). */
export class ValidationError extends DomainError {
  readonly kind = 'validation' as const;
  constructor(code: ErrorCodeOfKind<'validation'>, params: Params = {}) {
    super(code, params);
  }
}

/** The actor may not do this: role, scope, or segregation of duties (403). */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
  constructor(code: ErrorCodeOfKind<'forbidden'>, params: Params = {}) {
    super(code, params);
  }
}

/** The record the command acts on does not exist (404). */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
  constructor(code: ErrorCodeOfKind<'not-found'>, params: Params = {}) {
    super(code, params);
  }
}

/** The record is in a state where the command no longer (or not yet) applies (409). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
  constructor(code: ErrorCodeOfKind<'conflict'>, params: Params = {}) {
    super(code, params);
  }
}

/** Well-formed input that a business rule refuses: a deadline before the issue date, a late extension (422). */
export class RuleViolationError extends DomainError {
  readonly kind = 'rule' as const;
  constructor(code: ErrorCodeOfKind<'rule'>, params: Params = {}) {
    super(code, params);
  }
}

export type DomainErrorClass =
  | typeof ValidationError
  | typeof ForbiddenError
  | typeof NotFoundError
  | typeof ConflictError
  | typeof RuleViolationError;

/** The error for `code`, of the subclass its kind calls for; the compiler checks the message's parameters. */
export function domainError<C extends ErrorCode>(code: C, params: ErrorParamsFor<C>): DomainError {
  const plain = params as Params;
  switch (errorKindOf(code)) {
    case 'validation':
      return new ValidationError(code as ErrorCodeOfKind<'validation'>, plain);
    case 'forbidden':
      return new ForbiddenError(code as ErrorCodeOfKind<'forbidden'>, plain);
    case 'not-found':
      return new NotFoundError(code as ErrorCodeOfKind<'not-found'>, plain);
    case 'conflict':
      return new ConflictError(code as ErrorCodeOfKind<'conflict'>, plain);
    case 'rule':
      return new RuleViolationError(code as ErrorCodeOfKind<'rule'>, plain);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
