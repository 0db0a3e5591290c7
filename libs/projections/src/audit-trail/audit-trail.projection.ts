import { List, Map as IMap } from 'immutable';
import type { RecordedEvent } from '@ledger/event-store';
import { EVENT_TYPES_BY_STREAM_KIND } from '@ledger/domain';
import type { Projection } from '../projection';

/**
 * The audit trail: every event the ledger defines, in log order, indexed by stream and by actor. It answers the
 * audit queries ("everything this actor did", "the full timeline of this record", "the record as of T", "which
 * version of the record did this approver see") from memory, so no query reads the log.
 *
 * It keeps references to the events the subscription hands over (events are immutable facts, never copied or
 * changed), so its cost is the events themselves plus two small indexes. `events` is a list rather than a map by
 * position because positions are dense only in the SQL stores (EventStoreDB's are commit positions).
 */
export type AuditTrailModel = {
  readonly events: List<RecordedEvent>;
  /** Indexes into `events`, by stream id, in log order. */
  readonly byStream: IMap<string, List<number>>;
  /** Indexes into `events`, by actor id (from the credential, as recorded in the metadata), in log order. */
  readonly byActor: IMap<string, List<number>>;
};

/** Every event type of every stream kind: the audit trail reads everything the domain and the ledger record. */
export const AUDIT_TRAIL_EVENT_TYPES: ReadonlySet<string> = new Set(Object.values(EVENT_TYPES_BY_STREAM_KIND).flat());

export const AuditTrailProjection: Projection<AuditTrailModel> = {
  name: 'audit-trail',
  eventTypes: AUDIT_TRAIL_EVENT_TYPES,
  initialState: () => ({ events: List(), byStream: IMap(), byActor: IMap() }),
  evolve: (model, event) => evolveAll(model, [event]),
  evolveAll,
};

/**
 * The trail after `events`: each list grows once per batch (every index it gets, in order, in one `push`), inside
 * transient (mutable) copies of the Maps, then all made immutable again.
 */
function evolveAll(model: AuditTrailModel, events: readonly RecordedEvent[]): AuditTrailModel {
  const byStream = new globalThis.Map<string, number[]>();
  const byActor = new globalThis.Map<string, number[]>();
  let index = model.events.size;
  for (const event of events) {
    add(byStream, event.streamId, index);
    add(byActor, event.metadata.actorId, index);
    index++;
  }
  return { events: model.events.push(...events), byStream: appended(model.byStream, byStream), byActor: appended(model.byActor, byActor) };
}

function add(map: globalThis.Map<string, number[]>, key: string, index: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [index]);
  else list.push(index);
}

/** `index` with each key's new indexes pushed on its list (keys in the order first seen, as one push at a time). */
function appended(index: IMap<string, List<number>>, added: globalThis.Map<string, number[]>): IMap<string, List<number>> {
  return index.withMutations((map) => {
    for (const [key, indexes] of added) map.set(key, map.get(key, EMPTY_INDEXES).push(...indexes));
  });
}

const EMPTY_INDEXES = List<number>();

/** The events of one stream, in order (empty when the stream does not exist). */
export function trailOfStream(model: AuditTrailModel, streamId: string): RecordedEvent[] {
  return model.byStream.get(streamId, List<number>()).toArray().map((i) => model.events.get(i)!);
}

/**
 * A page of an actor's events, by log position: those after `after` (a position; 0 for the first page) that
 * `include` accepts, at most `limit`. `nextCursor` is the position to pass as `after` for the next page, or null
 * when nothing follows.
 */
export function trailOfActor(
  model: AuditTrailModel,
  actorId: string,
  options: { after: number; limit: number; include?: (event: RecordedEvent) => boolean },
): { items: RecordedEvent[]; nextCursor: number | null } {
  const ids = model.byActor.get(actorId, List<number>());
  const positionAt = (i: number) => model.events.get(ids.get(i)!)!.position;
  // First index whose position is after the cursor (positions increase along the list).
  let lo = 0;
  let hi = ids.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (positionAt(mid) <= options.after) lo = mid + 1;
    else hi = mid;
  }
  const items: RecordedEvent[] = [];
  let i = lo;
  for (; i < ids.size && items.length < options.limit; i++) {
    const event = model.events.get(ids.get(i)!)!;
    if (options.include === undefined || options.include(event)) items.push(event);
  }
  // Stopped on a full page with events left: resume after the last one looked at (included or not).
  return { items, nextCursor: i < ids.size ? positionAt(i - 1) : null };
}
