import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { isIsoInstant, type IsoInstant } from '@ledger/domain';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { appError } from './app-errors';

/**
 * What a command takes from its request besides the body: the actor (from the credential, never the body), and
 * the headers that steer the write.
 */
export interface CommandContext {
  readonly actor: AuthenticatedActor;
  /** `Idempotency-Key`: a retry with the same key (same actor) returns the first result and appends nothing. */
  readonly idempotencyKey: string | null;
  /** `If-Match: "<version>"`: the stream version the client saw; a different one is a 409. `*`: any existing. */
  readonly ifMatch: number | '*' | null;
  /** `X-Occurred-At`: when it happened, for historical entry (privileged; see the README). */
  readonly occurredAt: IsoInstant | null;
  readonly correlationId: string | null;
}

const KEY = /^[A-Za-z0-9._:~-]{1,100}$/;
const CORRELATION = /^[A-Za-z0-9._:~/-]{1,100}$/;

/** What a command context is read from: Fastify's request (the correlation id is on the raw one). */
type CommandRequest = { readonly headers: IncomingHttpHeaders; readonly raw?: IncomingMessage & { correlationId?: string }; actor?: AuthenticatedActor };

function header(req: CommandRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function parseIfMatch(raw: string | undefined): number | '*' | null {
  if (raw === undefined) return null;
  const value = raw.trim();
  if (value === '*') return '*';
  const match = /^(?:W\/)?"(\d{1,15})"$/.exec(value) ?? /^(\d{1,15})$/.exec(value);
  if (!match) throw appError('REQUEST.IF_MATCH_INVALID', { value: JSON.stringify(raw) }, 'If-Match');
  return Number(match[1]);
}

export function commandContextOf(req: CommandRequest): CommandContext {
  // The guard runs before every non-public route, so a missing actor is a wiring bug, not bad input.
  if (!req.actor) throw new Error('a command route ran without an authenticated actor');
  const key = header(req, 'idempotency-key');
  if (key !== undefined && !KEY.test(key)) throw appError('REQUEST.IDEMPOTENCY_KEY_INVALID', {}, 'Idempotency-Key');
  const occurredAt = header(req, 'x-occurred-at');
  if (occurredAt !== undefined && !isIsoInstant(occurredAt)) {
    throw appError('REQUEST.OCCURRED_AT_INVALID', { value: JSON.stringify(occurredAt) }, 'X-Occurred-At');
  }
  // The id the operations hook gave the request (the caller's, or a new one); the header when it did not run.
  const assigned = req.raw?.correlationId;
  const correlation = assigned ?? header(req, 'x-correlation-id');
  return {
    actor: req.actor,
    idempotencyKey: key ?? null,
    ifMatch: parseIfMatch(header(req, 'if-match')),
    occurredAt: occurredAt ?? null,
    correlationId: correlation !== undefined && CORRELATION.test(correlation) ? correlation : null,
  };
}

/** The command context of this request (actor and write headers). */
export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext =>
  commandContextOf(ctx.switchToHttp().getRequest()),
);
