import { Map as IMap } from 'immutable';
import type { JsonObject, RecordedEvent } from '@ledger/event-store';
import type { Decider } from '@ledger/domain';
import { domainEventOf, traceOf, type EventTrace, type Projection } from '../projection';

/** One event of a record's stream as a view keeps it: the envelope (who, both clocks) and the event's own data. */
export type StreamEntry = EventTrace & { readonly data: JsonObject };

/**
 * A record folded from its own stream by the domain's decider (`evolve`), with every event of the stream: the
 * record GET serves, and the logged events the referral builder and the appraisal facts are read from.
 */
export type RecordView<R> = {
  readonly id: string;
  readonly streamId: string;
  readonly version: number;
  readonly record: R;
  readonly events: readonly StreamEntry[];
};

/** The events of a view as the domain's builders take them (`LoggedEvent`: type, data, id, stream id). */
export function loggedEventsOf<E>(view: RecordView<unknown> | undefined): (E & { id: string; streamId: string })[] {
  if (view === undefined) return [];
  return view.events.map((entry) => ({ type: entry.type, data: entry.data, id: entry.eventId, streamId: view.streamId }) as unknown as E & { id: string; streamId: string });
}

/**
 * A projection keeping one `RecordView` per record of a stream kind: the decider's `evolve` over the record's own
 * events only (so the view at a version is a pure function of the stream), keyed by the id field of the events.
 */
export function recordViewsProjection<R extends { status: string }, C, E>(options: {
  name: string;
  eventTypes: readonly string[];
  decider: Decider<R | { status: 'none' }, C, E>;
  idOf: (data: JsonObject) => string;
}): Projection<IMap<string, RecordView<R>>> {
  return {
    name: options.name,
    eventTypes: new Set(options.eventTypes),
    initialState: () => IMap(),
    evolve: (model, event: RecordedEvent) => {
      const id = options.idOf(event.data);
      const view = model.get(id);
      const before = view ? view.record : options.decider.initialState();
      const after = options.decider.evolve(before, domainEventOf<E>(event));
      if (after.status === 'none') return model;
      const entry: StreamEntry = { ...traceOf(event), data: event.data };
      return model.set(id, {
        id,
        streamId: event.streamId,
        version: event.streamVersion,
        record: after as R,
        events: [...(view?.events ?? []), entry],
      });
    },
  };
}
