import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { isReplayed } from './command-runner';
import { JSON_CONTENT_TYPE, PrebuiltJson } from './prebuilt-json';

/**
 * Sets `ETag: "<version>"` on every response that names a record version (commands and single-record reads), and
 * `Idempotent-Replayed: true` on the first result of an earlier request with the same Idempotency-Key. A
 * `PrebuiltJson` body goes out as its text, with the headers the object it stands for would have had.
 */
@Injectable()
export class LedgerHeadersInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = ctx.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        if (body instanceof PrebuiltJson) {
          if (body.version !== undefined && Number.isSafeInteger(body.version)) res.header('ETag', `"${body.version}"`);
          // Fastify sends a string as it is when its content type is JSON (no serialiser runs).
          res.header('Content-Type', JSON_CONTENT_TYPE);
          return body.json;
        }
        if (typeof body === 'object' && body !== null) {
          const version = (body as { version?: unknown }).version;
          if (typeof version === 'number' && Number.isSafeInteger(version)) res.header('ETag', `"${version}"`);
          if (isReplayed(body)) res.header('Idempotent-Replayed', 'true');
        }
        return body;
      }),
    );
  }
}
