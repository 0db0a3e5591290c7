import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { isReplayed } from './command-runner';

/**
 * Sets `ETag: "<version>"` on every response that names a record version (commands and single-record reads), and
 * `Idempotent-Replayed: true` on the first result of an earlier request with the same Idempotency-Key.
 */
@Injectable()
export class LedgerHeadersInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = ctx.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
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
