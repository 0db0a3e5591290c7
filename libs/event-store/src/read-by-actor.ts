import { EventStoreError } from './errors';
import type { ReadByActorOptions } from './port';

/** The bounds of a `readByActor` call, checked and with their defaults: every adapter reads exactly these. */
export interface ActorQuery {
  readonly actorId: string;
  /** First position (inclusive), at least 1. */
  readonly from: number;
  /** Last position (inclusive); `Number.MAX_SAFE_INTEGER` when the caller gave none. */
  readonly to: number;
  /** At least 1, at most `maxPage`. */
  readonly limit: number;
}

/**
 * Checks `readByActor`'s arguments once for every adapter, so they refuse the same inputs with the same error
 * (`STORE.INVALID_QUERY`, naming the field) instead of each engine failing its own way on a fraction or a negative.
 * A limit above `maxPage` is cut to it, as `readAll` cuts its page; a limit below 1 is refused rather than raised to
 * 1, because a caller that asks for no events has made a mistake a silent single event would hide.
 */
export function actorQuery(actorId: string, options: ReadByActorOptions, maxPage: number): ActorQuery {
  if (typeof actorId !== 'string') throw invalid('actorId', 'actorId: must be a string');
  // Appends refuse control characters in an actor id, so no event has one; PostgreSQL could not even be asked (U+0000).
  if (/[\u0000-\u001f\u007f]/.test(actorId)) throw invalid('actorId', 'actorId: must not contain control characters');
  const from = options.fromPosition ?? 1;
  const to = options.toPosition ?? Number.MAX_SAFE_INTEGER;
  const limit = options.limit ?? 1000;
  if (!Number.isSafeInteger(from) || from < 0) throw invalid('fromPosition', 'fromPosition: must be a non-negative integer');
  if (!Number.isSafeInteger(to) || to < 0) throw invalid('toPosition', 'toPosition: must be a non-negative integer');
  if (!Number.isSafeInteger(limit) || limit < 1) throw invalid('limit', 'limit: must be a positive integer');
  return { actorId, from: Math.max(1, from), to, limit: Math.min(limit, maxPage) };
}

function invalid(field: string, message: string): EventStoreError {
  return new EventStoreError('STORE.INVALID_QUERY', message, { field });
}
