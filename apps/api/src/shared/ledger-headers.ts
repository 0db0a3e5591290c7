import { isReplayed } from './command-runner';
import { JSON_CONTENT_TYPE, PrebuiltJson } from './prebuilt-json';

/** What `ledgerHeaders` uses of Fastify's reply. */
export interface HeaderSink {
  header(name: string, value: string): unknown;
}

/**
 * The API's response headers, applied to every body a route returns, just before Fastify sends it (the HTTP
 * adapter's `reply`, see DrainingFastifyAdapter's `beforeReply`):
 *
 * - `ETag: "<version>"` on every response that names a record version (commands and single-record reads);
 * - `Idempotent-Replayed: true` on the first result of an earlier request with the same Idempotency-Key;
 * - a `PrebuiltJson` goes out as its text, with the content type Fastify gives a serialised object and the ETag
 *   of the version it names.
 *
 * Returns the body to send. This was an interceptor on each controller; a Nest interceptor wraps every request of
 * its routes in RxJS observables, which cost ~40 µs of the main thread on a one-task read (bench/api-profile.ts
 * `detail`, 50k-task seed: 125–141 µs per request without, 182–190 µs with).
 */
export function ledgerHeaders(reply: HeaderSink, body: unknown): unknown {
  if (body instanceof PrebuiltJson) {
    if (Number.isSafeInteger(body.version)) reply.header('ETag', `"${body.version}"`);
    // Fastify sends a string as it is when its content type is JSON (no serialiser runs).
    reply.header('Content-Type', JSON_CONTENT_TYPE);
    return body.json;
  }
  if (typeof body === 'object' && body !== null) {
    const version = (body as { version?: unknown }).version;
    if (typeof version === 'number' && Number.isSafeInteger(version)) reply.header('ETag', `"${version}"`);
    if (isReplayed(body)) reply.header('Idempotent-Replayed', 'true');
  }
  return body;
}
