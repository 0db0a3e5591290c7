import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedActor } from './authenticated-actor';

/** The authenticated actor of this request (set by `BearerAuthGuard`). */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthenticatedActor => {
  const req = ctx.switchToHttp().getRequest<{ actor?: AuthenticatedActor }>();
  // The guard runs first on every non-public route, so a missing actor is a wiring bug, not bad input.
  if (!req.actor) throw new Error('CurrentActor used on a route without authentication');
  return req.actor;
});

export const IS_PUBLIC = 'ledger:isPublic';
/** Marks a route that needs no credential (health, docs, service index). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
