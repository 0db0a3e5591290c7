import {
  AccessDeniedError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@eventstore/db-client';
import { EventStoreError, InvalidAppendError, NotFoundError, WrongExpectedVersionError } from '../errors';
import { ledgerStreamNames } from './mapping';
import { isClientStreamNotFound, isClientWrongExpectedVersion, translateClientError } from './translate-error';

/**
 * A gRPC ServiceError as grpc-js delivers it (status code, details, metadata map), built by hand because grpc-js is
 * only the client's dependency.
 */
function serviceError(code: number, details: string, metadata: Record<string, string> = {}) {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: { getMap: () => metadata } });
}
const UNAVAILABLE = 14;
const NOT_FOUND = 5;

const names = ledgerStreamNames('ns');

describe('translating client errors', () => {
  describe('when the server reports a wrong expected revision', () => {
    it('gives our error with versions counted from 1 and the stream without its namespace', () => {
      const client = new ClientWrongExpectedVersionError(undefined, { streamName: 'ns/task-1', expected: 2n, current: 4n });
      const ours = translateClientError(client, 'linking', names.streamIdOf);
      expect(ours).toBeInstanceOf(WrongExpectedVersionError);
      expect(ours).toMatchObject({ code: 'STORE.WRONG_EXPECTED_VERSION', streamId: 'task-1', expected: 3, actual: 5 });
      expect(ours.message).toBe('stream task-1 is at version 5, expected 3');
    });

    it('reads no_stream as version 0 and words the expectation as ours', () => {
      const client = new ClientWrongExpectedVersionError(undefined, { streamName: 'task-2', expected: NO_STREAM, current: NO_STREAM });
      expect(translateClientError(client, 'x')).toMatchObject({ expected: 'no-stream', actual: 0 });
      expect(isClientWrongExpectedVersion(client)).toBe(true);
    });
  });

  it.each([
    ['unavailable', new UnavailableError(undefined, '14 UNAVAILABLE: No connection established'), 'STORE.UNAVAILABLE'],
    ['a deadline', new DeadlineExceededError(), 'STORE.UNAVAILABLE'],
    ['a follower', new NotLeaderError(serviceError(NOT_FOUND, 'Leader info available', { exception: 'not-leader', 'leader-endpoint-host': 'node2', 'leader-endpoint-port': '2113' }) as never), 'STORE.UNAVAILABLE'],
    ['access denied', new AccessDeniedError(), 'STORE.ACCESS_DENIED'],
    ['a deleted stream', StreamDeletedError.fromStreamName('ns/task-3'), 'STORE.STREAM_DELETED'],
    ['an unknown failure', new UnknownError(undefined, 'boom'), 'STORE.BACKEND_ERROR'],
  ])('turns %s into %s, saying what it was doing', (_what, client, code) => {
    const ours = translateClientError(client, 'appending to the ledger log', names.streamIdOf);
    expect(ours).toBeInstanceOf(EventStoreError);
    expect(ours.code).toBe(code);
    expect(ours.message).toContain('appending to the ledger log');
    expect(ours).not.toHaveProperty('_raw');
    expect(ours.details).toEqual(expect.objectContaining({ doing: 'appending to the ledger log' }));
  });

  it('names the deleted stream without its namespace', () => {
    expect(translateClientError(StreamDeletedError.fromStreamName('ns/task-3'), 'reading', names.streamIdOf).message).toContain('stream task-3 was deleted');
  });

  it('turns an append over the server limit into refused input', () => {
    const ours = translateClientError(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576), 'appending');
    expect(ours).toBeInstanceOf(InvalidAppendError);
    expect(ours).toMatchObject({ code: 'STORE.APPEND_TOO_LARGE', field: 'events' });
    expect(ours.message).toContain('1048576 bytes');
  });

  it('turns a missing stream into NotFoundError', () => {
    const client = new StreamNotFoundError(undefined, 'ns/task-9');
    expect(isClientStreamNotFound(client)).toBe(true);
    expect(translateClientError(client, 'reading', names.streamIdOf)).toBeInstanceOf(NotFoundError);
  });

  it('classifies a raw gRPC error by its status code, keeping only one line of its text', () => {
    const raw = serviceError(UNAVAILABLE, 'No connection established\nlast error: ECONNREFUSED 127.0.0.1:2113');
    const ours = translateClientError(raw, 'reading the ledger log');
    expect(ours.code).toBe('STORE.UNAVAILABLE');
    expect(ours).not.toHaveProperty('metadata');
  });

  it('wraps anything else without leaking it', () => {
    const ours = translateClientError(new TypeError('Stringified UUID is invalid'), 'reading');
    expect(ours).toMatchObject({ code: 'STORE.BACKEND_ERROR', details: { doing: 'reading', clientError: 'TypeError' } });
    expect(ours.message).toContain('Stringified UUID is invalid');
    expect(translateClientError('odd', 'reading').code).toBe('STORE.BACKEND_ERROR');
  });

  it('passes our own errors through unchanged', () => {
    const ours = new WrongExpectedVersionError('task-1', 1, 2);
    expect(translateClientError(ours, 'x')).toBe(ours);
  });
});
