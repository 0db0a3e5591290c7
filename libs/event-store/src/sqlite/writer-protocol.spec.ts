import { DatabaseSync } from 'node:sqlite';
import { EventStoreError, IdempotencyConflictError, InvalidAppendError, NotFoundError, WrongExpectedVersionError } from '../errors';
import { fromWireError, toWireError } from './writer-protocol';

/** What a caller sees after an error crossed from the writer thread: a structured clone of its wire form, rebuilt. */
const across = (e: unknown) => fromWireError(structuredClone(toWireError(e)));

describe('errors crossing from the writer thread', () => {
  it('come back as the same store error classes, with their codes and fields', () => {
    const wrong = across(new WrongExpectedVersionError('task-1', 'no-stream', 3));
    expect(wrong).toBeInstanceOf(WrongExpectedVersionError);
    expect(wrong).toMatchObject({ code: 'STORE.WRONG_EXPECTED_VERSION', streamId: 'task-1', expected: 'no-stream', actual: 3, message: 'stream task-1 is at version 3, expected no-stream' });

    const conflict = across(new IdempotencyConflictError('cmd-1', 'task-1', 'task-2'));
    expect(conflict).toBeInstanceOf(IdempotencyConflictError);
    expect(conflict).toMatchObject({ code: 'STORE.IDEMPOTENCY_CONFLICT', details: { commandId: 'cmd-1', firstStreamId: 'task-1', streamId: 'task-2' } });

    const invalid = across(new InvalidAppendError('STORE.EVENT_TOO_LARGE', 'events[0].data', 'larger than 10 bytes'));
    expect(invalid).toBeInstanceOf(InvalidAppendError);
    expect(invalid).toMatchObject({ code: 'STORE.EVENT_TOO_LARGE', field: 'events[0].data', message: 'events[0].data: larger than 10 bytes' });

    expect(across(new NotFoundError('event at position 9'))).toMatchObject({ constructor: NotFoundError, code: 'STORE.NOT_FOUND' });

    const integrity = across(new EventStoreError('STORE.INTEGRITY', 'positions after 4 are already covered', { cause: 'x' }));
    expect(integrity).toBeInstanceOf(EventStoreError);
    expect(integrity).toMatchObject({ code: 'STORE.INTEGRITY', message: 'positions after 4 are already covered', details: { cause: 'x' } });
  });

  it('keep an engine error\'s message and SQLite codes, and the thread\'s stack', () => {
    const db = new DatabaseSync(':memory:');
    let engine: unknown;
    try {
      db.exec('INSERT INTO missing VALUES (1)');
    } catch (e) {
      engine = e;
    } finally {
      db.close();
    }
    const back = across(engine);
    expect(back).toMatchObject({ message: (engine as Error).message, code: 'ERR_SQLITE_ERROR', errcode: 1, errstr: (engine as { errstr: string }).errstr });
    expect(back.stack).toContain('on the writer thread');
  });

  it('turn anything thrown that is not an Error into one with its text', () => {
    expect(across('disk on fire')).toMatchObject({ message: 'disk on fire' });
  });
});
