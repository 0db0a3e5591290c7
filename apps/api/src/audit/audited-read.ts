import { applyDecorators, Injectable, SetMetadata, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, mergeMap, type Observable } from 'rxjs';
import type { JsonObject } from '@ledger/event-store';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { AuditTrail } from './audit-trail.service';

export const AUDITED_READ = 'ledger:auditedRead';

/** What an audited read's subject is taken from: the request's path parameters and query (Fastify's request). */
export interface AuditedRequest {
  readonly method: string;
  readonly url: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | string[] | undefined>>;
  /** The route pattern that matched (`/v1/cases/:caseId`). */
  readonly routeOptions?: { readonly url?: string };
  readonly actor?: AuthenticatedActor;
}

export interface AuditedReadOptions {
  readonly resource: string;
  /** What was read, from the request; default: its path parameters and query. */
  readonly subject?: (req: AuditedRequest) => JsonObject;
}

/**
 * Marks a read whose every successful response is recorded as `AuditDataViewed` (who, what, when) before it is sent:
 *
 *   @Get(':caseId')
 *   @AuditedRead({ resource: 'discipline-case', subject: (req) => ({ caseId: req.params.caseId }) })
 *   get(...) { ... }
 *
 * The decorator is all a controller needs: it puts the interceptor on that route alone (AuditModule, global,
 * provides the AuditTrail it writes to). Not a global interceptor: Nest would then wrap every request of every route
 * in RxJS observables, ~40 µs of the main thread each, for the few routes that are audited.
 */
export const AuditedRead = (options: AuditedReadOptions) => applyDecorators(SetMetadata(AUDITED_READ, options), UseInterceptors(AuditedReadInterceptor));

@Injectable()
export class AuditedReadInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly trail: AuditTrail,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get<AuditedReadOptions | undefined>(AUDITED_READ, ctx.getHandler());
    if (!options || ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<AuditedRequest>();
    return next.handle().pipe(
      mergeMap((result) =>
        from(
          (async () => {
            // Audited routes are never public, so the guard has set the actor; a missing one is a wiring bug.
            const path = req.routeOptions?.url ?? req.url.split('?')[0];
            if (!req.actor) throw new Error(`audited route ${req.method} ${path} ran without an authenticated actor`);
            const subject = options.subject ? options.subject(req) : ({ params: { ...req.params }, query: { ...(req.query as JsonObject) } } as JsonObject);
            await this.trail.recordView(req.actor, { resource: options.resource, subject, route: `${req.method} ${path}` });
            return result;
          })(),
        ),
      ),
    );
  }
}
