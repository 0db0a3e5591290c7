/**
 * Messages between the embedded store and its writer thread (writer-worker.ts), and how errors cross: a structured
 * clone keeps an Error's message but not its class or `code`, so errors travel as plain data and are rebuilt as the
 * same EventStoreError classes the in-thread path throws.
 */
import { EventStoreError, IdempotencyConflictError, InvalidAppendError, NotFoundError, WrongExpectedVersionError } from '../errors';
import type { AppendRequest, AppendResult } from '../port';
import type { PreparedAppend, PreparedEvent } from '../record';

export interface WriterWorkerData {
  readonly path: string;
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly streamCacheSize?: number;
  readonly groupCommit?: boolean;
  /** Failure injection (tests): see `SqliteEventStoreOptions.writerExitWhenWriting`. */
  readonly exitWhenWriting?: WriterExit;
}

/**
 * Where a writer thread ends itself, as a crash would (tests): `inserting` while inserting the event at `position`
 * (its group's transaction not committed), `answering` once the group holding that position committed, before the
 * answer is posted (the callers cannot tell it from the other).
 */
export interface WriterExit {
  readonly position: number;
  readonly stage: 'inserting' | 'answering';
}

/** An append as sent: the events already validated and encoded, without the caller's `data` objects. */
export interface WireAppend {
  readonly id: number;
  readonly streamId: string;
  readonly expectedVersion: AppendRequest['expectedVersion'];
  readonly metadata: AppendRequest['metadata'];
  readonly events: readonly PreparedEvent[];
  readonly recordedAt: string;
}

export type ToWriter = { readonly type: 'append'; readonly appends: readonly WireAppend[] } | { readonly type: 'close' };

export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly details?: Record<string, unknown>;
  /** node:sqlite's extended result code and text, when the error came from SQLite. */
  readonly errcode?: number;
  readonly errstr?: string;
  readonly stack?: string;
}

export type WireOutcome = { readonly id: number; readonly result: AppendResult } | { readonly id: number; readonly error: WireError };

export type FromWriter =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly error: WireError }
  | { readonly type: 'appended'; readonly outcomes: readonly WireOutcome[] }
  | { readonly type: 'closed' };

export function toWire(id: number, prepared: PreparedAppend, recordedAt: string): WireAppend {
  const { streamId, expectedVersion, metadata } = prepared.request;
  return { id, streamId, expectedVersion, metadata, events: prepared.events, recordedAt };
}

/** The writer needs no `data` objects: `planAppend` reads the encoded events only. */
export function fromWire(w: WireAppend): PreparedAppend {
  return { request: { streamId: w.streamId, expectedVersion: w.expectedVersion, metadata: w.metadata, events: [] }, events: w.events };
}

export function toWireError(e: unknown): WireError {
  if (e instanceof EventStoreError) return { name: e.name, message: e.message, code: e.code, details: e.details, stack: e.stack };
  // By shape, not `instanceof Error`: an engine error may come from another realm (a vm context, as under jest).
  if (typeof e === 'object' && e !== null && typeof (e as Error).message === 'string') {
    const { name, message, stack, errcode, errstr, code } = e as Error & { errcode?: number; errstr?: string; code?: string };
    return { name: typeof name === 'string' ? name : 'Error', message, code, errcode, errstr, stack };
  }
  return { name: 'Error', message: String(e) };
}

export function fromWireError(w: WireError): Error {
  const d = (w.details ?? {}) as Record<string, never>;
  let error: Error;
  switch (w.name) {
    case 'WrongExpectedVersionError':
      error = new WrongExpectedVersionError(d.streamId, d.expected, d.actual);
      break;
    case 'IdempotencyConflictError':
      error = new IdempotencyConflictError(d.commandId, d.firstStreamId, d.streamId);
      break;
    case 'InvalidAppendError':
      error = new InvalidAppendError(w.code ?? 'STORE.MALFORMED_ENVELOPE', d.field, d.reason);
      break;
    case 'NotFoundError':
      error = new NotFoundError(d.what);
      break;
    case 'EventStoreError':
      error = new EventStoreError(w.code ?? 'STORE.WRITER_FAILED', w.message, w.details);
      break;
    default:
      // An engine error (disk full, I/O): the same message and SQLite codes the in-thread path would show.
      error = Object.assign(new Error(w.message), { code: w.code, errcode: w.errcode, errstr: w.errstr });
      error.name = w.name;
  }
  if (w.stack) error.stack = `${error.stack}\n    --- on the writer thread ---\n${w.stack}`;
  return error;
}
