import { convertToCommandError, ErrorType, isCommandError, type CommandError } from '@eventstore/db-client';
import { EventStoreError, InvalidAppendError, NotFoundError, WrongExpectedVersionError } from '../errors';
import { expectedVersionOfRevision, versionOfCurrentRevision } from './mapping';

/**
 * Turns whatever the client threw into one of our errors, so no gRPC error (with its metadata, channel details and
 * stack) leaves the adapter. `doing` says what the adapter was doing ("appending to the ledger log"); `streamIdOf`
 * strips the namespace from a stream name. Our own errors pass through unchanged.
 */
export function translateClientError(error: unknown, doing: string, streamIdOf: (name: string) => string = (n) => n): EventStoreError {
  if (error instanceof EventStoreError) return error;
  if (!(error instanceof Error)) {
    return new EventStoreError('STORE.BACKEND_ERROR', `EventStoreDB failed while ${doing}: ${String(error).slice(0, 200)}`, { doing });
  }
  // A raw gRPC ServiceError that reached us unconverted gets the client's own classification (by status code).
  let converted: Error = error;
  try {
    converted = isCommandError(error) ? error : convertToCommandError(error);
  } catch {
    // convertToCommandError assumes a full ServiceError (it reads `details`); anything less stays as it is.
  }
  if (!isCommandError(converted)) {
    // Not from the server: a bug or a client-side failure (e.g. a malformed connection string).
    return new EventStoreError('STORE.BACKEND_ERROR', `EventStoreDB client failed while ${doing}: ${reason(error)}`, { doing, clientError: error.name });
  }
  return fromCommandError(converted, doing, streamIdOf);
}

function fromCommandError(e: CommandError, doing: string, streamIdOf: (name: string) => string): EventStoreError {
  const details = { doing, clientError: e.type };
  switch (e.type) {
    case ErrorType.WRONG_EXPECTED_VERSION:
      return new WrongExpectedVersionError(streamIdOf(e.streamName), expectedVersionOfRevision(e.expectedVersion), versionOfCurrentRevision(e.actualVersion));
    case ErrorType.UNAVAILABLE:
    case ErrorType.DEADLINE_EXCEEDED:
    case ErrorType.TIMEOUT:
    case ErrorType.CANCELLED:
      // Retryable. For a write the outcome is unknown, and retrying it is safe: appends are idempotent by command id.
      return new EventStoreError('STORE.UNAVAILABLE', `EventStoreDB is unreachable or did not answer while ${doing} (${e.type}); retrying is safe`, details);
    case ErrorType.NOT_LEADER:
      return new EventStoreError('STORE.UNAVAILABLE', `EventStoreDB node is not the leader while ${doing}; the client reconnects to the leader, retry`, details);
    case ErrorType.ACCESS_DENIED:
      return new EventStoreError('STORE.ACCESS_DENIED', `EventStoreDB denied access while ${doing}: check the connection string's user and the streams' ACLs`, details);
    case ErrorType.STREAM_DELETED:
      return new EventStoreError(
        'STORE.STREAM_DELETED',
        `EventStoreDB stream ${streamIdOf(e.streamName)} was deleted or tombstoned outside the ledger (found while ${doing})`,
        { ...details, streamId: streamIdOf(e.streamName) },
      );
    case ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED:
      return new InvalidAppendError(
        'STORE.APPEND_TOO_LARGE',
        'events',
        `larger than the server's maximum append size (${e.maxAppendSize} bytes); send fewer or smaller events`,
      );
    case ErrorType.STREAM_NOT_FOUND:
      return new NotFoundError(`EventStoreDB stream ${streamIdOf(e.streamName)}`);
    case ErrorType.INVALID_ARGUMENT:
      return new EventStoreError('STORE.BACKEND_ERROR', `EventStoreDB refused an argument while ${doing}: ${e.errorMessage}`, details);
    case ErrorType.UNSUPPORTED:
      return new EventStoreError('STORE.BACKEND_ERROR', `EventStoreDB does not support ${e.feature} (needs ${e.minimumVersion}), needed while ${doing}`, details);
    default:
      return new EventStoreError('STORE.BACKEND_ERROR', `EventStoreDB failed while ${doing} (${e.type}): ${reason(e)}`, details);
  }
}

/** The client's message, one line and bounded: enough to diagnose, nothing of the gRPC internals. */
function reason(e: Error): string {
  const line = (e.message || e.name).split('\n')[0];
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** Whether the client reported a wrong expected revision (the adapter reacts to it, rather than translating it). */
export function isClientWrongExpectedVersion(error: unknown): error is Extract<CommandError, { type: ErrorType.WRONG_EXPECTED_VERSION }> {
  return error instanceof Error && isCommandError(error) && error.type === ErrorType.WRONG_EXPECTED_VERSION;
}

export function isClientStreamNotFound(error: unknown): boolean {
  return error instanceof Error && isCommandError(error) && error.type === ErrorType.STREAM_NOT_FOUND;
}

export function isClientAppendTooLarge(error: unknown): boolean {
  return error instanceof Error && isCommandError(error) && error.type === ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED;
}
