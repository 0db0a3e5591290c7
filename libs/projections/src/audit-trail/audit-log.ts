import type { EventStore, RecordedEvent } from '@ledger/event-store';

/**
 * The log as one audit query reads it: a stream's events and an actor's, as the log stood at position `upTo`.
 *
 * The audit queries read the log itself, through its indexes (stream id and version; the metadata's actor id),
 * rather than a copy of every event kept in memory: that copy grew with every event appended, and the log already
 * answers these questions. Every read is bounded at `upTo` — the position of the read models the query consults for
 * scope and sign-offs — so one answer describes one state of the ledger, whatever is appended meanwhile. Streams are
 * read once per query and kept for its duration (a page of activity reads each event's stream to judge order).
 */
export interface AuditLog {
  /** The last position any read sees. */
  readonly upTo: number;
  /** The stream's events at or below `upTo`, in order (empty when the stream did not exist then). */
  stream(streamId: string): Promise<readonly RecordedEvent[]>;
  /** The actor's events from `fromPosition` up to `upTo`, in position order, at most `limit`. */
  actor(actorId: string, fromPosition: number, limit: number): Promise<readonly RecordedEvent[]>;
}

/** What an `AuditLog` reads through: the store's indexed reads. */
export type AuditLogSource = Pick<EventStore, 'readStream' | 'readByActor'>;

/** An `AuditLog` over the store, bounded at `upTo`. One per query: it keeps the streams it has read. */
export function auditLogOf(store: AuditLogSource, upTo: number): AuditLog {
  const streams = new Map<string, Promise<readonly RecordedEvent[]>>();
  return {
    upTo,
    stream(streamId) {
      let events = streams.get(streamId);
      if (events === undefined) {
        events = store.readStream(streamId).then((all) => atOrBelow(all, upTo));
        streams.set(streamId, events);
      }
      return events;
    },
    actor: (actorId, fromPosition, limit) =>
      fromPosition > upTo ? Promise.resolve([]) : store.readByActor(actorId, { fromPosition, toPosition: upTo, limit }),
  };
}

/**
 * An `AuditLog` over events held in memory (in position order): the log of a test, or of a tool that already has
 * the events. Answers exactly as `auditLogOf` over a store holding them does.
 */
export function auditLogOver(events: readonly RecordedEvent[], upTo = events.at(-1)?.position ?? 0): AuditLog {
  const source: AuditLogSource = {
    readStream: async (streamId) => events.filter((event) => event.streamId === streamId),
    readByActor: async (actorId, options = {}) =>
      events
        .filter((event) => event.metadata.actorId === actorId && event.position >= (options.fromPosition ?? 1) && event.position <= (options.toPosition ?? Number.POSITIVE_INFINITY))
        .slice(0, options.limit ?? 1000),
  };
  return auditLogOf(source, upTo);
}

/** The prefix of a stream's events at or below `upTo` (stream order is position order). */
function atOrBelow(events: readonly RecordedEvent[], upTo: number): readonly RecordedEvent[] {
  const end = events.findIndex((event) => event.position > upTo);
  return end < 0 ? events : events.slice(0, end);
}

/** Events per read of an actor's activity: a page and the one after it tells whether more follow. */
const ACTOR_READ = 500;

/**
 * A page of an actor's events, by log position: those after `after` (a position; 0 for the first page) that
 * `include` accepts, at most `limit`. `nextCursor` is the position to pass as `after` for the next page: that of the
 * last event looked at when events are left after it (included or not), or null when nothing follows.
 */
export async function actorEvents(
  log: AuditLog,
  actorId: string,
  options: { after: number; limit: number; include?: (event: RecordedEvent) => boolean | Promise<boolean> },
): Promise<{ items: RecordedEvent[]; nextCursor: number | null }> {
  const items: RecordedEvent[] = [];
  let from = options.after + 1;
  let lastSeen: number | null = null;
  for (;;) {
    const read = Math.max(ACTOR_READ, options.limit + 1);
    const batch = await log.actor(actorId, from, read);
    for (const event of batch) {
      // A full page with an event still to look at: resume after the last one looked at.
      if (items.length === options.limit) return { items, nextCursor: lastSeen };
      if (options.include === undefined || (await options.include(event))) items.push(event);
      lastSeen = event.position;
    }
    if (batch.length < read) return { items, nextCursor: null };
    from = batch[batch.length - 1].position + 1;
  }
}
