import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { ApiError } from './api-error';
import { rejectDeepJson } from './json-depth.middleware';
import { JSON_TYPE } from './validation-content-type';
import { bodyError } from './validation-errors';

/** The largest request body read (1 MiB, as Express's `limit: '1mb'`); larger ones get 413 `REQUEST.TOO_LARGE`. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;

const INFLATE: Record<string, (raw: Buffer, options: { maxOutputLength: number }) => Buffer> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

/**
 * Parses a request body the way Express's JSON body parser (body-parser, `strict`) did, so clients see the same
 * answers: an empty body is `{}`; only an object or an array at the top; a UTF-8 BOM is skipped and bytes that are
 * not UTF-8 decode to U+FFFD; other `utf-*` charsets are decoded, any other charset is 415; gzip, deflate and br
 * bodies are inflated (to at most BODY_LIMIT_BYTES), any other `Content-Encoding` is 415. Malformed JSON is 400
 * `REQUEST.MALFORMED` and a body nested deeper than MAX_JSON_DEPTH 400 `REQUEST.TOO_DEEP`, both with the field `body`.
 */
export function parseJsonBody(contentType: string | undefined, contentEncoding: string | undefined, raw: Buffer): unknown {
  if (!JSON_TYPE.test(contentType ?? '')) throw unsupported((contentType ?? 'none').replace(/[^\x20-\x7e]/g, '').slice(0, 100) || 'none');
  const bytes = inflated(contentEncoding, raw);
  const charset = (CHARSET.exec(contentType!)?.[1] ?? 'utf-8').toLowerCase();
  let text: string;
  if (charset === 'utf-8' || charset === 'utf8') text = bytes.toString('utf8');
  else {
    if (!charset.startsWith('utf-')) throw unsupported(`application/json; charset=${printable(charset)}`);
    try {
      text = new TextDecoder(charset).decode(bytes);
    } catch {
      throw unsupported(`application/json; charset=${printable(charset)}`);
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length === 0) return {};
  const first = /^[\x20\x09\x0a\x0d]*(.)/s.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw bodyError(400, 'REQUEST.MALFORMED');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw bodyError(400, 'REQUEST.MALFORMED');
  }
  const tooDeep = rejectDeepJson(body);
  if (tooDeep) throw tooDeep;
  return body;
}

function inflated(encoding: string | undefined, raw: Buffer): Buffer {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  if (name === 'identity' || name === '') return raw;
  const inflate = INFLATE[name];
  if (inflate === undefined) throw unsupported(`application/json; encoding=${printable(name)}`);
  try {
    return inflate(raw, { maxOutputLength: BODY_LIMIT_BYTES });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw bodyError(413, 'REQUEST.TOO_LARGE', { limit: `${BODY_LIMIT_BYTES} bytes` });
    throw bodyError(400, 'REQUEST.MALFORMED');
  }
}

function unsupported(type: string): ApiError {
  return bodyError(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', { type });
}

function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '').slice(0, 60) || '?';
}

/**
 * The API reads JSON bodies only: Fastify's own parsers (JSON, plain text) are replaced by one catch-all parser
 * (`parseJsonBody`), so every body with a method Fastify reads bodies for goes through the same checks. Non-JSON
 * bodies are refused before they are read (`checkRequestBody`, an `onRequest` hook); the parser refuses them too.
 */
export function useJsonBodyParser(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (request, raw, done) => {
    try {
      done(null, parseJsonBody(request.headers['content-type'], request.headers['content-encoding'], raw as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
