import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorKind } from '@ledger/domain';
import { EventStoreError, InvalidAppendError, WrongExpectedVersionError } from '@ledger/event-store';
import { ApiError, type ApiErrorBody } from './api-error';
import { BODY_LIMIT_BYTES } from './json-body';
import { preferredLanguage } from './language';
import { bodyError, localizedBody } from './validation-errors';

/** Domain error kinds to HTTP statuses: the one place this mapping lives. */
const STATUS_BY_KIND: { readonly [K in ErrorKind]: number } = {
  validation: 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  rule: 422,
};

const STORE_STATUS: Record<string, number> = {
  'STORE.WRONG_EXPECTED_VERSION': 409,
  'STORE.IDEMPOTENCY_CONFLICT': 409,
  'STORE.NOT_FOUND': 404,
  'STORE.BAD_TREE_SIZE': 400,
  'STORE.INVALID_QUERY': 400,
};

/**
 * Turns every error into `{code, message, fields}` with the right status. Bad input never becomes a 500: only an
 * error nobody anticipated does, and then the body says nothing about internals.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('HttpError');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body } = this.map(error, preferredLanguage(req.headers['accept-language']));
    if (status >= 500) this.log.error(`${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (reply.sent || reply.raw.headersSent) return;
    const retryAfter = status === 503 ? retryAfterSeconds(error) : undefined;
    if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter));
    reply.status(status).send(body);
  }

  map(thrown: unknown, language: 'en' | 'vi' | 'zh'): { status: number; body: ApiErrorBody } {
    // The Fastify adapter wraps Fastify's own 4xx errors (body too large, a malformed URL, a Content-Length that
    // does not match the body) in an HttpException: unwrap them.
    const cause = thrown instanceof HttpException ? (thrown.cause as { code?: unknown } | undefined) : undefined;
    const error = typeof cause?.code === 'string' && cause.code.startsWith('FST_') ? cause : thrown;
    if (error instanceof ApiError) return { status: error.status, body: localizedBody(error, language) };
    if (error instanceof DomainError) {
      return {
        status: STATUS_BY_KIND[error.kind],
        body: { code: error.code, message: error.messages[language], fields: error.field ? [{ field: error.field, reason: error.messages[language] }] : [] },
      };
    }
    if (error instanceof InvalidAppendError) {
      return { status: 400, body: { code: error.code, message: error.message, fields: [{ field: error.field, reason: String(error.details.reason) }] } };
    }
    if (error instanceof WrongExpectedVersionError) {
      return {
        status: 409,
        body: { code: error.code, message: `the record changed: it is at version ${error.actual}, the request expected ${String(error.expected)}`, fields: [] },
      };
    }
    if (error instanceof EventStoreError) {
      const status = STORE_STATUS[error.code] ?? 503;
      return { status, body: { code: error.code, message: status === 503 ? 'the ledger store is unavailable; try again' : error.message, fields: [] } };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      if (typeof response === 'object' && response !== null && 'code' in response && 'fields' in response) {
        return { status, body: response as ApiErrorBody };
      }
      const message = typeof response === 'string' ? response : ((response as { message?: string | string[] }).message ?? error.message);
      return { status, body: { code: codeForStatus(status), message: Array.isArray(message) ? message.join('; ') : message, fields: [] } };
    }
    // Fastify's errors before any route carry a status and a code: reading the body (FST_ERR_CTP_*: too large, a
    // Content-Length the body does not match), or routing a path that does not percent-decode (FST_ERR_BAD_URL).
    const e = error as { statusCode?: number; code?: string; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('FST_') && e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      if (!e.code.startsWith('FST_ERR_CTP_')) return { status: e.statusCode, body: { code: codeForStatus(e.statusCode), message: e.message ?? '', fields: [] } };
      const refusal =
        e.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? bodyError(413, 'REQUEST.TOO_LARGE', { limit: `${BODY_LIMIT_BYTES} bytes` })
          : e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? bodyError(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', { type: 'none' })
            : bodyError(e.statusCode, 'REQUEST.MALFORMED');
      return { status: refusal.status, body: localizedBody(refusal, language) };
    }
    return { status: 500, body: { code: 'INTERNAL', message: 'internal error', fields: [] } };
  }
}

/**
 * When a store that is unavailable says when it will be tried again (the embedded store's writer thread waiting to be
 * replaced: `retryAfterMs`), the client is told so in whole seconds, rounded up: a command retried with the same
 * Idempotency-Key then is safe whether or not the failed attempt was committed.
 */
function retryAfterSeconds(error: unknown): number | undefined {
  if (!(error instanceof EventStoreError)) return undefined;
  const ms = (error.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? Math.ceil(ms / 1000) : undefined;
}

function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'REQUEST.INVALID';
    case 401:
      return 'AUTH.UNAUTHENTICATED';
    case 403:
      return 'AUTH.FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'REQUEST.TOO_LARGE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return `HTTP_${status}`;
  }
}
