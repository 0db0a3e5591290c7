import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CORRELATION_ID_HEADER = 'X-Correlation-Id';
/** What a caller may send as a correlation id; anything else is replaced by a fresh one. */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:~/-]{1,100}$/;

export type WithCorrelationId = IncomingMessage & { correlationId?: string };

/**
 * Gives a request its correlation id — the caller's `X-Correlation-Id` when well-formed, otherwise a new UUID —
 * and returns it in the response header. The request's log lines carry it, and commands record it as their
 * events' `correlationId`, so a log line, a response and an event can be matched.
 */
export function assignCorrelationId(req: WithCorrelationId, res: ServerResponse): string {
  const raw = req.headers['x-correlation-id'];
  const given = Array.isArray(raw) ? raw[0] : raw;
  const id = given !== undefined && CORRELATION_ID_PATTERN.test(given) ? given : randomUUID();
  req.correlationId = id;
  res.setHeader(CORRELATION_ID_HEADER, id);
  return id;
}
