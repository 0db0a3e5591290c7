/** Errors with a stable `code`; only the HTTP layer maps codes to statuses. */
export class EventStoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The stream's version is not what the appender expected (409). */
export class WrongExpectedVersionError extends EventStoreError {
  constructor(
    readonly streamId: string,
    readonly expected: string | number,
    readonly actual: number,
  ) {
    super(
      'STORE.WRONG_EXPECTED_VERSION',
      `stream ${streamId} is at version ${actual}, expected ${String(expected)}`,
      { streamId, expected, actual },
    );
  }
}

/** A command id re-sent for a different stream: not a retry of the same command (409). */
export class IdempotencyConflictError extends EventStoreError {
  constructor(commandId: string, firstStreamId: string, streamId: string) {
    super(
      'STORE.IDEMPOTENCY_CONFLICT',
      `command ${commandId} was already appended to ${firstStreamId}, not ${streamId}`,
      { commandId, firstStreamId, streamId },
    );
  }
}

/** Input the store refuses before writing anything (400); `field` names what is wrong. */
export class InvalidAppendError extends EventStoreError {
  constructor(code: string, readonly field: string, reason: string) {
    super(code, `${field}: ${reason}`, { field, reason });
  }
}

export class NotFoundError extends EventStoreError {
  constructor(what: string) {
    super('STORE.NOT_FOUND', `${what} not found`, { what });
  }
}
