import type { IncomingHttpHeaders } from 'node:http';
import type { ApiError } from './api-error';
import { bodyError } from './validation-errors';

/** `application/json` and `application/*+json`, with any parameters. */
export const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * The refusal (415 and the API's error body) of a request that carries a body in anything but JSON (a form, plain
 * text), instead of letting it reach validation as an empty or form-decoded object; undefined for a JSON body or
 * none. A request with neither `Content-Length` nor `Transfer-Encoding` (every GET) has no body to refuse.
 */
export function rejectNonJsonBody(headers: IncomingHttpHeaders): ApiError | undefined {
  if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) return undefined;
  const hasBody = headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
  const type = headers['content-type'];
  if (!hasBody || JSON_TYPE.test(type ?? '')) return undefined;
  return bodyError(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', { type: (type ?? 'none').replace(/[^\x20-\x7e]/g, '').slice(0, 100) || 'none' });
}

/**
 * Fastify `onRequest` hook: JSON only (`rejectNonJsonBody`, 415), checked before the body is read, for every
 * method. What the API checks of the body itself (well-formed JSON, at most MAX_JSON_DEPTH deep, at most 1 MB) is
 * the JSON body parser's (json-body.ts). The refusal goes to the error filter, which words it for the caller.
 */
export function checkRequestBody(request: { readonly headers: IncomingHttpHeaders }, _reply: unknown, done: (error?: Error) => void): void {
  done(rejectNonJsonBody(request.headers));
}
