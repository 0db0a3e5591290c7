import type {
  AppendResult,
  AppendToStreamOptions,
  EventData,
  ReadStreamOptions,
  ResolvedEvent,
  SetStreamMetadataOptions,
  StreamMetadata,
  SubscribeToStreamOptions,
} from '@eventstore/db-client';

/**
 * The part of `EventStoreDBClient` the adapter uses, typed with the client's own types. `EventStoreDBClient` is
 * assignable to it (the adapter is built on the real client in `open`); tests pass an in-memory model of the server.
 */
export interface EsdbClient {
  appendToStream(streamName: string, events: EventData | EventData[], options?: AppendToStreamOptions): Promise<AppendResult>;
  /** Rejects during iteration with the client's StreamNotFoundError when the stream does not exist. */
  readStream(streamName: string, options?: ReadStreamOptions): AsyncIterable<ResolvedEvent>;
  subscribeToStream(streamName: string, options?: SubscribeToStreamOptions): LiveStreamSubscription;
  setStreamMetadata(streamName: string, metadata: StreamMetadata, options?: SetStreamMetadataOptions): Promise<AppendResult>;
  dispose(): Promise<void>;
}

/** The client's StreamSubscription, as far as the adapter listens to it. */
export interface LiveStreamSubscription {
  on(event: 'data', listener: (event: ResolvedEvent) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  unsubscribe(): Promise<void>;
}
