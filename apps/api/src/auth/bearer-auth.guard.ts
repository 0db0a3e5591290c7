import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../shared/api-error';
import { AuthFailureLimiter } from './auth-failure.limiter';
import { AUTHENTICATOR, type AuthenticatedActor, type Authenticator } from './authenticated-actor';
import { IS_PUBLIC } from './current-actor.decorator';

/**
 * Global guard: every route needs `Authorization: Bearer <token>` unless marked `@Public()`. Each 401 counts
 * against the caller's address; past the limit the address gets 429 with `Retry-After`, before any lookup.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  /** `@Public()` of each route (handler, then its controller class): metadata fixed at start, read once. */
  private readonly publicRoutes = new WeakMap<object, WeakMap<object, boolean>>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    private readonly limiter: AuthFailureLimiter,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.isPublic(ctx)) return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { actor?: AuthenticatedActor }>();
    const res = ctx.switchToHttp().getResponse<FastifyReply>();
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const retryAfter = this.limiter.retryAfterSeconds(address);
    if (retryAfter > 0) {
      res.header('Retry-After', String(retryAfter));
      throw new ApiError(429, 'AUTH.TOO_MANY_FAILURES', `too many failed authentications from this address; retry in ${retryAfter} s`);
    }
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/.exec(header.trim()) : null;
    if (!match) {
      this.limiter.recordFailure(address);
      res.header('WWW-Authenticate', 'Bearer realm="ledger"');
      throw new ApiError(401, 'AUTH.UNAUTHENTICATED', 'a bearer token is required (Authorization: Bearer <token>)');
    }
    const actor = await this.authenticator.authenticate(match[1]);
    if (!actor) {
      this.limiter.recordFailure(address);
      res.header('WWW-Authenticate', 'Bearer realm="ledger", error="invalid_token"');
      throw new ApiError(401, 'AUTH.INVALID_TOKEN', 'the token is unknown, expired or revoked');
    }
    req.actor = actor;
    return true;
  }

  private isPublic(ctx: ExecutionContext): boolean {
    const handler = ctx.getHandler();
    const controller = ctx.getClass();
    let byClass = this.publicRoutes.get(handler);
    if (byClass === undefined) {
      byClass = new WeakMap();
      this.publicRoutes.set(handler, byClass);
    }
    let open = byClass.get(controller);
    if (open === undefined) {
      open = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, controller]) === true;
      byClass.set(controller, open);
    }
    return open;
  }
}
