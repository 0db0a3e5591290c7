import type { RecordedEvent } from '@ledger/event-store';
import type { Role } from '@ledger/domain';

/**
 * A read model folded from the log: plain functions over an immutable model, no framework, no I/O, no clock.
 * `evolve` never throws (events are facts) and never mutates its input, so folding the same events twice gives
 * models that are equal value for value — what a rebuild from position 0 relies on.
 */
export interface Projection<Model> {
  readonly name: string;
  /**
   * Bump when `evolve` makes something else of the same events: the durable copy (libs/read-store) is then rebuilt
   * from position 0. (A change of the model's fields is noticed without it.) Default '1'.
   */
  readonly version?: string;
  /** The event types this projection reads; `project` passes every other event by. */
  readonly eventTypes: ReadonlySet<string>;
  readonly initialState: () => Model;
  readonly evolve: (model: Model, event: RecordedEvent) => Model;
  /**
   * The same fold as `evolve` applied to each of `events` in turn (all of them of `eventTypes`, in position order),
   * done at once: it may build the result with transient (mutable) Immutable collections and arrays of its own, as
   * long as it returns exactly what the one-by-one fold returns, never changes `model` or anything reachable from
   * it, and keeps every untouched value (and `model` itself when nothing changed) by reference, as `evolve` does —
   * the read-model store finds the documents to write by reference. `project` uses it when present.
   */
  readonly evolveAll?: (model: Model, events: readonly RecordedEvent[]) => Model;
}

/** Folds `events` (in position order) into `model`. */
export function project<Model>(projection: Projection<Model>, model: Model, events: readonly RecordedEvent[]): Model {
  const mine: RecordedEvent[] = [];
  for (const event of events) if (projection.eventTypes.has(event.type)) mine.push(event);
  return mine.length === 0 ? model : projectOwn(projection, model, mine);
}

/** Folds `events`, every one of `projection.eventTypes` (in position order), into `model`. */
export function projectOwn<Model>(projection: Projection<Model>, model: Model, events: readonly RecordedEvent[]): Model {
  if (projection.evolveAll !== undefined) return projection.evolveAll(model, events);
  let next = model;
  for (const event of events) next = projection.evolve(next, event);
  return next;
}

/** What a view keeps of an event's envelope: which event, who (from the credential), and both clocks. */
export type EventTrace = {
  readonly eventId: string;
  readonly position: number;
  readonly streamVersion: number;
  readonly type: string;
  readonly actor: { readonly id: string; readonly role: Role; readonly unit: string };
  /** When it happened in the world (the command's `now`, as recorded in the event's `at`). */
  readonly occurredAt: string;
  /** When the store committed it: later than `occurredAt` for a late entry. */
  readonly recordedAt: string;
};

export function traceOf(event: RecordedEvent): EventTrace {
  const data = event.data as { at?: unknown };
  return {
    eventId: event.id,
    position: event.position,
    streamVersion: event.streamVersion,
    type: event.type,
    actor: actorOf(event.metadata.actorId, event.metadata.actorRole as Role, event.metadata.actorUnit),
    // The event's own `at` keeps the jurisdiction's offset (a day is read in it); the metadata has the same instant in UTC.
    occurredAt: typeof data.at === 'string' ? data.at : event.metadata.occurredAt,
    recordedAt: event.metadata.recordedAt,
  };
}

type Actor = EventTrace['actor'];

/**
 * The same actor (id, role, unit) is the same frozen object in every trace: a rebuild keeps a trace per timeline
 * entry and per notice, so one object per actor instead of one per trace is much less memory (and less for the
 * garbage collector to copy). Bounded: past ACTORS_KEPT distinct actors it starts over.
 */
const actors = new Map<string, Actor>();
const ACTORS_KEPT = 10_000;

/** The one frozen actor object for (id, role, unit). */
export function actorOf(id: string, role: Role, unit: string): Actor {
  const known = actors.get(id);
  if (known !== undefined && known.role === role && known.unit === unit) return known;
  if (actors.size >= ACTORS_KEPT) actors.clear();
  const actor = Object.freeze({ id, role, unit });
  actors.set(id, actor);
  return actor;
}

/** A domain event (`{type, data}`) as the deciders' `evolve` reads it. */
export function domainEventOf<E>(event: RecordedEvent): E {
  return { type: event.type, data: event.data } as unknown as E;
}
