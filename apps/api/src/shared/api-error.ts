/** The one error body every endpoint returns: a stable code, a message in the caller's language, and the fields at fault. */
export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
  readonly fields: ReadonlyArray<ApiErrorField>;
}

/**
 * A field at fault: its path and the reason in the caller's language; request-shape refusals add the check's
 * stable `code` and its `params`. `reasons` (every language) stays on the server: the filter picks one.
 */
export interface ApiErrorField {
  readonly field: string;
  readonly reason: string;
  readonly code?: string;
  readonly params?: Readonly<Record<string, string | number>>;
  readonly reasons?: { readonly en: string; readonly vi: string; readonly zh: string };
}

/** An error the application layer raises itself (authentication, preconditions), mapped like a domain error. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: ApiErrorBody['fields'] = [],
    /** The message in every working language, when the raiser has it (Accept-Language picks one). */
    readonly messages?: { readonly en: string; readonly vi: string; readonly zh: string },
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
