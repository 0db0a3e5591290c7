/**
 * An in-memory model of the EventStoreDB server behaviour the adapter relies on, for tests on machines where no
 * server can run. It models what the client's types and EventStoreDB's documentation state — not the server's code:
 *
 * - appends are atomic; expected revision ANY, NO_STREAM, STREAM_EXISTS or an exact revision; a mismatch is the
 *   client's WrongExpectedVersionError with the stream's current revision;
 * - idempotence: the same event ids re-sent with the expected revision they were first written at succeed without
 *   writing (with ANY, when they are the stream's most recent events);
 * - reads forwards/backwards from a revision with maxCount; a missing stream fails the read with StreamNotFoundError;
 *   `maxCount` stream metadata hides all but the newest events;
 * - JSON events travel as JSON.stringify text and come back JSON.parse'd; custom metadata likewise; link events
 *   (`$>`, data `N@stream`) resolve to their target when resolveLinkTos is set;
 * - a catch-up subscription from END sees later appends.
 *
 * Faults can be injected per client, and a client can be severed (a process that died).
 */
import { EventEmitter } from 'node:events';
import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AppendResult,
  type AppendToStreamOptions,
  type EventData,
  type ReadStreamOptions,
  type RecordedEvent,
  type ResolvedEvent,
  type StreamMetadata,
  type SubscribeToStreamOptions,
} from '@eventstore/db-client';
import type { EsdbClient, LiveStreamSubscription } from './client';

interface StoredEvent {
  readonly streamId: string;
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Buffer;
  readonly metadata: Buffer;
  readonly revision: bigint;
  readonly commit: bigint;
  readonly created: Date;
}

export class InMemoryEventStoreDb {
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly maxCounts = new Map<string, number>();
  private readonly subscribers = new Map<string, Set<(e: ResolvedEvent) => void>>();
  private readonly appendCounts = new Map<string, number>();
  private commit = 0n;

  connect(): InMemoryEventStoreDbClient {
    return new InMemoryEventStoreDbClient(this);
  }

  /** The raw events of a stream (links unresolved), for assertions. */
  events(streamName: string): readonly StoredEvent[] {
    return this.streams.get(streamName) ?? [];
  }

  append(streamName: string, events: readonly EventData[], expected: AppendToStreamOptions['expectedRevision'] = ANY): AppendResult {
    this.appendCounts.set(streamName, this.appendsTo(streamName) + 1);
    const stream = this.streams.get(streamName) ?? [];
    const current = BigInt(stream.length) - 1n;
    const wrong = () =>
      new WrongExpectedVersionError(undefined, { streamName, expected: expected!, current: stream.length === 0 ? NO_STREAM : current });
    const matchesAt = (from: bigint) =>
      from >= 0n && from + BigInt(events.length) <= BigInt(stream.length) && events.every((e, i) => stream[Number(from) + i].id === e.id);
    if (expected === STREAM_EXISTS) {
      if (stream.length === 0) throw wrong();
    } else if (expected === ANY) {
      const at = stream.length - events.length;
      if (events.length > 0 && matchesAt(BigInt(at))) return this.ok(BigInt(stream.length) - 1n, stream);
    } else {
      const e = expected === NO_STREAM ? -1n : expected;
      if (e !== current) {
        if (e < current && matchesAt(e + 1n)) return this.ok(e + BigInt(events.length), stream);
        throw wrong();
      }
    }
    const created = new Date();
    for (const event of events) {
      this.commit += 1n;
      const data = event.contentType === 'application/json' ? Buffer.from(JSON.stringify(event.data), 'utf8') : Buffer.from(event.data as Uint8Array);
      // The client sends Uint8Array metadata as is and JSON-stringifies anything else.
      const metadata =
        event.metadata === undefined ? Buffer.alloc(0) : event.metadata.constructor === Uint8Array ? Buffer.from(event.metadata as Uint8Array) : Buffer.from(JSON.stringify(event.metadata), 'utf8');
      stream.push({ streamId: streamName, id: event.id, type: event.type, contentType: event.contentType, data, metadata, revision: BigInt(stream.length), commit: this.commit, created });
    }
    this.streams.set(streamName, stream);
    const added = stream.slice(stream.length - events.length);
    const subs = this.subscribers.get(streamName);
    if (subs) setImmediate(() => added.forEach((e) => subs.forEach((s) => s({ event: this.record(e), commitPosition: e.commit }))));
    return this.ok(BigInt(stream.length) - 1n, stream);
  }

  private ok(revision: bigint, stream: StoredEvent[]): AppendResult {
    const last = stream[stream.length - 1];
    return { success: true, nextExpectedRevision: revision, position: last ? { commit: last.commit, prepare: last.commit } : undefined };
  }

  read(streamName: string, options: ReadStreamOptions = {}): ResolvedEvent[] {
    const all = this.streams.get(streamName);
    if (!all || all.length === 0) throw new StreamNotFoundError(undefined, streamName);
    const visibleFrom = Math.max(0, all.length - (this.maxCounts.get(streamName) ?? all.length));
    const backwards = options.direction === BACKWARDS;
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromRevision ?? (backwards ? END : START);
    const out: ResolvedEvent[] = [];
    if (backwards) {
      let i = from === END ? all.length - 1 : from === START ? 0 : Number(from);
      for (i = Math.min(i, all.length - 1); i >= visibleFrom && out.length < max; i--) out.push(this.resolve(all[i], options.resolveLinkTos === true));
    } else {
      let i = from === START ? 0 : from === END ? all.length : Number(from);
      for (i = Math.max(i, visibleFrom); i < all.length && out.length < max; i++) out.push(this.resolve(all[i], options.resolveLinkTos === true));
    }
    return out;
  }

  private resolve(e: StoredEvent, resolveLinks: boolean): ResolvedEvent {
    if (!resolveLinks || e.type !== '$>') return { event: this.record(e), commitPosition: e.commit };
    const m = /^(\d+)@(.+)$/s.exec(e.data.toString('utf8'));
    const target = m ? this.streams.get(m[2])?.[Number(m[1])] : undefined;
    return { event: target ? this.record(target) : undefined, link: this.record(e) as never, commitPosition: e.commit };
  }

  private record(e: StoredEvent): RecordedEvent {
    const isJson = e.contentType === 'application/json';
    let metadata: unknown = undefined;
    if (e.metadata.length > 0) {
      try {
        metadata = JSON.parse(e.metadata.toString('utf8'));
      } catch {
        metadata = new Uint8Array(e.metadata);
      }
    }
    let data: unknown = new Uint8Array(e.data);
    if (isJson) {
      try {
        data = JSON.parse(e.data.toString('utf8'));
      } catch {
        data = e.data.toString('utf8');
      }
    }
    return {
      streamId: e.streamId,
      id: e.id,
      isJson,
      revision: e.revision,
      type: e.type,
      created: e.created,
      data,
      metadata,
      position: { commit: e.commit, prepare: e.commit },
    } as RecordedEvent;
  }

  /**
   * Rewrites a stored JSON event in place — what someone with access to the database files could do, and what no
   * client call can. For tamper tests.
   */
  tamper(streamName: string, revision: number, edit: (event: { data: Record<string, unknown>; metadata: Record<string, unknown> }) => void): void {
    const stream = this.streams.get(streamName);
    const e = stream?.[revision];
    if (!stream || !e) throw new Error(`no event ${streamName}@${revision}`);
    const json = { data: JSON.parse(e.data.toString('utf8')), metadata: JSON.parse(e.metadata.toString('utf8')) };
    edit(json);
    stream[revision] = { ...e, data: Buffer.from(JSON.stringify(json.data)), metadata: Buffer.from(JSON.stringify(json.metadata)) };
  }

  /** Appends that reached a stream (including idempotent repeats), for tests that count round trips. */
  appendsTo(streamName: string): number {
    return this.appendCounts.get(streamName) ?? 0;
  }

  setMaxCount(streamName: string, maxCount: number | undefined): void {
    if (maxCount === undefined) this.maxCounts.delete(streamName);
    else this.maxCounts.set(streamName, maxCount);
  }

  subscribe(streamName: string, listener: (e: ResolvedEvent) => void): () => void {
    const set = this.subscribers.get(streamName) ?? new Set();
    set.add(listener);
    this.subscribers.set(streamName, set);
    return () => set.delete(listener);
  }
}

/** A fault: throw `error()` on the matching operation, before it reaches the server or after it was applied. */
export interface Fault {
  readonly op: 'append' | 'read';
  readonly stream: (streamName: string) => boolean;
  readonly when: 'before' | 'after';
  readonly error: () => Error;
  /** How many times it fires; default once. */
  times?: number;
}

export class InMemoryEventStoreDbClient implements EsdbClient {
  private readonly faults: Fault[] = [];
  private severed = false;
  disposed = false;

  constructor(readonly server: InMemoryEventStoreDb) {}

  inject(fault: Fault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  /** From now on every call fails as if the process had died mid-flight. */
  sever(): void {
    this.severed = true;
  }

  private fault(op: Fault['op'], streamName: string, when: Fault['when']): Error | undefined {
    if (this.severed) return new UnavailableError(undefined, 'severed');
    const f = this.faults.find((x) => x.op === op && x.when === when && (x.times ?? 0) > 0 && x.stream(streamName));
    if (!f) return undefined;
    f.times = (f.times ?? 1) - 1;
    return f.error();
  }

  async appendToStream(streamName: string, events: EventData | EventData[], options: AppendToStreamOptions = {}): Promise<AppendResult> {
    await Promise.resolve();
    const before = this.fault('append', streamName, 'before');
    if (before) throw before;
    const result = this.server.append(streamName, Array.isArray(events) ? events : [events], options.expectedRevision ?? ANY);
    const after = this.fault('append', streamName, 'after');
    if (after) throw after;
    return result;
  }

  readStream(streamName: string, options?: ReadStreamOptions): AsyncIterable<ResolvedEvent> {
    const fault = () => this.fault('read', streamName, 'before');
    const server = this.server;
    return {
      async *[Symbol.asyncIterator]() {
        await Promise.resolve();
        const f = fault();
        if (f) throw f;
        yield* server.read(streamName, options);
      },
    };
  }

  subscribeToStream(streamName: string, options?: SubscribeToStreamOptions): LiveStreamSubscription {
    if (options?.fromRevision !== END) throw new Error('the in-memory model only follows streams from END');
    const emitter = new EventEmitter();
    const stop = this.server.subscribe(streamName, (e) => emitter.emit('data', e));
    return {
      on: (event: 'data' | 'error', listener: (arg: ResolvedEvent & Error) => void) => emitter.on(event, listener),
      unsubscribe: async () => {
        stop();
        emitter.removeAllListeners();
      },
    } as LiveStreamSubscription;
  }

  async setStreamMetadata(streamName: string, metadata: StreamMetadata): Promise<AppendResult> {
    await Promise.resolve();
    if (this.severed) throw new UnavailableError(undefined, 'severed');
    this.server.setMaxCount(streamName, metadata.maxCount);
    return { success: true, nextExpectedRevision: 0n };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}
