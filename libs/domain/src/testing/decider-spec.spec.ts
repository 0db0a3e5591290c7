import { AssertionError } from 'node:assert';
import type { Decider } from '../shared/decider';
import { domainError, RuleViolationError, ValidationError } from '../shared/domain-error';
import { DeciderSpecification } from './decider-spec';

// A counter that refuses to go below zero, with deliberately faulty commands to show what the helper catches.
type Event = { type: 'Added'; data: { amount: number } };
type Command =
  | { type: 'Add'; amount: number }
  | { type: 'AddUndefined' }
  | { type: 'AddDate' }
  | { type: 'MutateState' }
  | { type: 'Crash' };
type State = { total: number; history: number[] };

const counter: Decider<State, Command, Event> = {
  initialState: () => ({ total: 0, history: [] }),
  evolve: (state, event) => ({ total: state.total + event.data.amount, history: [...state.history, event.data.amount] }),
  decide: (command, state) => {
    switch (command.type) {
      case 'Add':
        if (state.total + command.amount < 0) throw domainError('COMMON.TEXT_REQUIRED', { field: 'amount' });
        return [{ type: 'Added', data: { amount: command.amount } }];
      case 'AddUndefined':
        return [{ type: 'Added', data: { amount: 1, note: undefined } as never }];
      case 'AddDate':
        return [{ type: 'Added', data: { amount: 1, when: new Date(0) } as never }];
      case 'MutateState':
        state.history.push(1);
        return [];
      case 'Crash':
        throw new TypeError('boom');
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
};
const spec = DeciderSpecification.for(counter);
const added = (amount: number): Event => ({ type: 'Added', data: { amount } });

describe('DeciderSpecification', () => {
  it('passes when decide produces exactly the expected events, and returns them', () => {
    expect(spec.given([added(2)]).when({ type: 'Add', amount: 3 }).then([added(3)])).toEqual([added(3)]);
  });

  it('fails when the events differ', () => {
    expect(() => spec.given([]).when({ type: 'Add', amount: 3 }).then([added(4)])).toThrow(AssertionError);
  });

  it('fails when events were expected but decide refused', () => {
    expect(() => spec.given([added(1)]).when({ type: 'Add', amount: -2 }).then([added(-2)])).toThrow(
      /decide threw ValidationError COMMON.TEXT_REQUIRED/,
    );
  });

  it('fails on event data that is not JSON (undefined, Date)', () => {
    expect(() => spec.given([]).when({ type: 'AddUndefined' }).then([added(1)])).toThrow(/not JSON-only at events\[0\]\.data\.note/);
    expect(() => spec.given([]).when({ type: 'AddDate' }).then([added(1)])).toThrow(/not JSON-only at events\[0\]\.data\.when/);
  });

  it('fails when decide mutates the state it was given', () => {
    expect(() => spec.given([added(1)]).when({ type: 'MutateState' }).then([])).toThrow(/decide threw TypeError.*not extensible/);
  });

  it('matches a refusal by code, by class, by the base class, and by field', () => {
    const error = spec.given([added(1)]).when({ type: 'Add', amount: -2 }).thenThrows('COMMON.TEXT_REQUIRED', { field: 'amount' });
    expect(error).toBeInstanceOf(ValidationError);
    spec.given([added(1)]).when({ type: 'Add', amount: -2 }).thenThrows(ValidationError);
  });

  it('fails when the refusal has another code, class or field', () => {
    const refused = spec.given([added(1)]).when({ type: 'Add', amount: -2 });
    expect(() => refused.thenThrows('COMMON.ID_INVALID')).toThrow(/expected COMMON.ID_INVALID, got ValidationError/);
    expect(() => refused.thenThrows(RuleViolationError)).toThrow(AssertionError);
    expect(() => refused.thenThrows('COMMON.TEXT_REQUIRED', { field: 'other' })).toThrow(AssertionError);
  });

  it('fails when a refusal was expected but decide produced events', () => {
    expect(() => spec.given([]).when({ type: 'Add', amount: 1 }).thenThrows('COMMON.TEXT_REQUIRED')).toThrow(
      /but decide produced/,
    );
  });

  it('fails when decide throws something other than a DomainError', () => {
    expect(() => spec.given([]).when({ type: 'Crash' }).thenThrows(ValidationError)).toThrow(/got TypeError: boom/);
  });
});
