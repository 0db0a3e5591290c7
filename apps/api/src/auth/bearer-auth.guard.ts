import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from '../shared/api-error';
import { AUTHENTICATOR, type AuthenticatedActor, type Authenticator } from './authenticated-actor';
import { IS_PUBLIC } from './current-actor.decorator';

/** Global guard: every route needs `Authorization: Bearer <token>` unless marked `@Public()`. */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<Request & { actor?: AuthenticatedActor }>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/.exec(header.trim()) : null;
    if (!match) throw new ApiError(401, 'AUTH.UNAUTHENTICATED', 'a bearer token is required (Authorization: Bearer <token>)');
    const actor = await this.authenticator.authenticate(match[1]);
    if (!actor) throw new ApiError(401, 'AUTH.INVALID_TOKEN', 'the token is unknown, expired or revoked');
    req.actor = actor;
    return true;
  }
}
