import { LOCALE, type Lang } from './i18n';

/** The API's error shape: `{code, message, fields}`, message in the Accept-Language sent. */
export interface FieldError {
  readonly field: string;
  readonly reason: string;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly FieldError[],
  ) {
    super(message);
  }

  /** The reasons for one field (a nested field such as `record.streamId` counts for `record` too). */
  forField(name: string): string[] {
    return this.fields.filter((f) => f.field === name || f.field.startsWith(`${name}.`) || f.field.startsWith(`${name}[`)).map((f) => f.reason);
  }
}

export interface Me {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly roleLabel: string;
  readonly unit: string;
}

const TOKEN_KEY = 'ledger.token';

/** Same-origin calls with the bearer token of this tab and the chosen language. */
export class Api {
  constructor(
    private token: string | null,
    private lang: Lang,
  ) {}

  static fromSession(lang: Lang): Api {
    return new Api(sessionStorage.getItem(TOKEN_KEY), lang);
  }

  get signedIn(): boolean {
    return this.token !== null;
  }

  withLanguage(lang: Lang): Api {
    return new Api(this.token, lang);
  }

  withToken(token: string | null): Api {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
    return new Api(token, this.lang);
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { 'accept-language': `${LOCALE[this.lang]}, ${this.lang};q=0.9`, ...extra };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    return headers;
  }

  async request<T>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
    const res = await fetch(path, {
      method,
      headers: this.headers(body === undefined ? extraHeaders : { 'content-type': 'application/json', ...extraHeaders }),
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
    });
    const text = await res.text();
    let parsed: any = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      // A token revoked or deactivated while the tab was open: back to the sign-in page.
      if (res.status === 401 && this.token) dispatchEvent(new CustomEvent('ledger:unauthorized'));
      throw new ApiFailure(res.status, parsed?.code ?? `HTTP.${res.status}`, parsed?.message ?? (text || res.statusText), Array.isArray(parsed?.fields) ? parsed.fields : []);
    }
    return parsed as T;
  }

  get<T = any>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T = any>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /**
   * Downloads a file the API serves behind the bearer token (evidence bundles, reports): fetched with the token,
   * then saved through an object URL, since a plain link cannot carry the Authorization header.
   */
  async download(path: string, fallbackName: string): Promise<void> {
    const res = await fetch(path, { headers: this.headers(), credentials: 'omit' });
    if (!res.ok) {
      const text = await res.text();
      let parsed: any;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      throw new ApiFailure(res.status, parsed?.code ?? `HTTP.${res.status}`, parsed?.message ?? (text || res.statusText), parsed?.fields ?? []);
    }
    const disposition = res.headers.get('content-disposition') ?? '';
    const named = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(disposition);
    const name = named ? decodeURIComponent(named[1] ?? named[2]) : fallbackName;
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

/** A query string from the non-empty entries. */
export function query(params: Record<string, string | number | undefined | null | readonly string[]>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) search.append(key, v);
    else search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
