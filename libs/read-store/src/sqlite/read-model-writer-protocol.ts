/**
 * Messages between a file-backed `SqliteReadModelStore` and its writer thread (read-model-writer-worker.ts). A
 * structured clone keeps an Error's message but not its class or SQLite's codes, so errors cross as plain data.
 */
import type { WriteRequest } from './read-model-writes';

export interface ReadModelWriterData {
  readonly path: string;
  readonly synchronous: 'FULL' | 'NORMAL';
  /** Failure injection for tests: the thread exits (as a crash would) after writing this many documents of a flush. */
  readonly exitAfterDocuments?: number;
}

export interface WriterSettings {
  readonly cacheSize: number;
  readonly walAutocheckpoint: number;
  /** SQLite's number: 1 NORMAL, 2 FULL. */
  readonly synchronous: number;
}

export type ToReadModelWriter = { readonly type: 'write'; readonly id: number; readonly request: WriteRequest } | { readonly type: 'close' };

export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  /** node:sqlite's extended result code and text, when the error came from SQLite. */
  readonly errcode?: number;
  readonly errstr?: string;
  readonly stack?: string;
}

export type FromReadModelWriter =
  /** The connection opened, with the settings it reads back (page cache, WAL checkpoints, durability). */
  | { readonly type: 'ready'; readonly settings: WriterSettings }
  | { readonly type: 'failed'; readonly error: WireError }
  | { readonly type: 'done'; readonly id: number; readonly result: boolean | null }
  | { readonly type: 'error'; readonly id: number; readonly error: WireError }
  | { readonly type: 'closed' };

export function toWireError(e: unknown): WireError {
  // By shape, not `instanceof Error`: an engine error may come from another realm (a vm context, as under jest).
  if (typeof e === 'object' && e !== null && typeof (e as Error).message === 'string') {
    const { name, message, stack, errcode, errstr, code } = e as Error & { errcode?: number; errstr?: string; code?: string };
    return { name: typeof name === 'string' ? name : 'Error', message, code, errcode, errstr, stack };
  }
  return { name: 'Error', message: String(e) };
}

/** The error the in-process path would have thrown: same message and SQLite codes, the thread's stack appended. */
export function fromWireError(w: WireError): Error {
  const error = Object.assign(new Error(w.message), { code: w.code, errcode: w.errcode, errstr: w.errstr });
  error.name = w.name;
  if (w.stack) error.stack = `${error.stack}\n    --- on the read-model writer thread ---\n${w.stack}`;
  return error;
}
