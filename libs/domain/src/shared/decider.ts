/**
 * An aggregate as three plain functions over plain data (the Emmett decider):
 * - `initialState()`: the state of a stream with no events;
 * - `evolve(state, event)`: the state after one more event; total and pure (it never throws: events are facts);
 * - `decide(command, state)`: the events a command produces, or a thrown `DomainError` refusing it.
 * The application's command loop reads the stream, folds it with `evolve`, calls `decide`, and appends the events
 * with the stream version it read as the expected version.
 */
export type Decider<State, Command, Event> = {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Event) => State;
  readonly decide: (command: Command, state: State) => Event[];
};

/** A domain event as stored: a literal type and JSON-only data. */
export type DomainEvent<Type extends string, Data> = { readonly type: Type; readonly data: Data };

/** The state after `events`, from the decider's initial state. */
export function fold<State, Event>(
  decider: Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState());
}
