/**
 * @ledger/read-store: durable, checkpointed read models. The store port and its SQLite and PostgreSQL adapters, the
 * codec from Immutable models to canonical JSON documents, the projection worker (leases, fenced flushes) and the
 * rebuild that compares. Knows the event store's types and the shape of a projection; no Nest, no apps, no domain.
 */
export * from './codec';
export * from './port';
export * from './config';
export * from './projection-worker';
export * from './projection-thread';
export * from './rebuild';
