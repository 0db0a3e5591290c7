export * from './port';
export * from './errors';
export * from './record';
export * from './append-plan';
export * from './subscription';
export * from './verify';
export * from './integrity';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export * from './config';
