/**
 * @ledger/domain: the pure domain of directives, tasks, organisation, sign-offs and the users who record them.
 * Deciders (initialState / evolve / decide) over plain data, their events and commands, the error table,
 * stream naming, and the authorization table the API applies.
 */

// Shared kernel
export * from './shared/actor';
export * from './shared/dates';
export * from './shared/decider';
export * from './shared/domain-error';
export * from './shared/json';
export * from './shared/organisation';
export * from './shared/roles';
export * from './shared/streams';
export * from './shared/validate';
export * from './errors/messages';

// Aggregates
export * from './unit/events';
export * from './unit/commands';
export * from './unit/decider';
export * from './unit/queries';
export * from './directive/events';
export * from './directive/commands';
export * from './directive/decider';
export * from './document-number/events';
export * from './document-number/commands';
export * from './document-number/decider';
export * from './task/events';
export * from './task/commands';
export * from './task/decider';
export * from './task/timeliness';
export * from './signoff/events';
export * from './signoff/commands';
export * from './signoff/decider';
export * from './identity/events';
export * from './identity/commands';
export * from './identity/decider';
export * from './identity/api-token';
export * from './identity/user-key';

// Every event type, by stream kind, with type guards for events read back from the store
export * from './event-types';

// Who may do what, where
export * from './authorization/permissions';

// Given / when / then for deciders (framework-free; used by this library's specs and the application's)
export * from './testing/decider-spec';
