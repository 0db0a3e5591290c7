import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import type { Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import type { ErrorCode } from '../errors/messages';
import { jsonProblem } from '../shared/json';

/** An error class (`RuleViolationError`, or `DomainError` for any) or a stable code (`'TASK.DEADLINE_BEFORE_ISSUE'`). */
export type ErrorExpectation = ErrorCode | (abstract new (...args: never[]) => DomainError);

/**
 * Given / when / then for deciders, framework-free (it throws `AssertionError`, which every runner reports):
 *
 *   DeciderSpecification.for(taskDecider)
 *     .given([taskRegistered, taskAssigned])
 *     .when(reportCompletion)
 *     .then([completionReported]);
 *
 *   ...when(requestExtensionAfterDeadline).thenThrows('TASK.EXTENSION_AFTER_DEADLINE');
 *
 * Besides comparing, it checks what every decider owes the store: the state and command are deep-frozen (decide and
 * evolve must not mutate them), every produced event is JSON-only (no undefined, Date, NaN), and the produced
 * events fold without error onto the state.
 */
export const DeciderSpecification = {
  for<State, Command, Event>(decider: Decider<State, Command, Event>) {
    return {
      given(events: readonly Event[]) {
        return {
          when(command: Command) {
            const decide = (): { state: State; events: Event[] } => {
              const state = deepFreeze(events.map(deepFreeze).reduce(decider.evolve, decider.initialState()));
              return { state, events: decider.decide(deepFreeze(command), state) };
            };
            return {
              /** The command produces exactly `expected`; returns the produced events. */
              then(expected: readonly Event[]): Event[] {
                let outcome: { state: State; events: Event[] };
                try {
                  outcome = decide();
                } catch (error) {
                  throw new assert.AssertionError({
                    message: `expected events, but decide threw ${describeError(error)}`,
                    actual: error,
                    expected,
                  });
                }
                outcome.events.forEach((event, index) => {
                  const problem = jsonProblem(event);
                  if (problem !== null) {
                    assert.fail(`event ${index} is not JSON-only at ${problem.replace(/^\$/, `events[${index}]`)}`);
                  }
                });
                assert.deepStrictEqual(outcome.events, [...expected]);
                outcome.events.map(deepFreeze).reduce(decider.evolve, outcome.state);
                return outcome.events;
              },
              /** The command is refused with a `DomainError` matching `expected` (and `field`, when given). */
              thenThrows(expected: ErrorExpectation, details: { field?: string } = {}): DomainError {
                let produced: Event[];
                try {
                  produced = decide().events;
                } catch (error) {
                  if (!(error instanceof DomainError)) {
                    const wanted = describeExpectation(expected);
                    assert.fail(`expected a DomainError (${wanted}), got ${describeError(error)}`);
                  }
                  const matches = typeof expected === 'string' ? error.code === expected : error instanceof expected;
                  if (!matches) {
                    assert.fail(`expected ${describeExpectation(expected)}, got ${describeError(error)}`);
                  }
                  if (details.field !== undefined) assert.equal(error.field, details.field, `field of ${error.code}`);
                  return error;
                }
                return assert.fail(
                  `expected ${describeExpectation(expected)}, but decide produced ${inspect(produced, { depth: 6 })}`,
                );
              },
            };
          },
        };
      },
    };
  },
};

function describeExpectation(expected: ErrorExpectation): string {
  return typeof expected === 'string' ? expected : expected.name;
}

function describeError(error: unknown): string {
  if (error instanceof DomainError) return `${error.name} ${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : inspect(error);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
