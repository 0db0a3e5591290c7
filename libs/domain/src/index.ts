/**
 * @ledger/domain: the pure domain of directives, tasks, organisation, sign-offs and the users who record them,
 * and of objectives, responsibility letters, inspections, appraisal and accountability cases.
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
export * from './audit/events';

// Objectives and what they are judged by
export * from './responsibility-letter/events';
export * from './responsibility-letter/commands';
export * from './responsibility-letter/decider';
export * from './objective/figures';
export * from './objective/events';
export * from './objective/commands';
export * from './objective/decider';
export * from './objective/queries';
export * from './inspection/events';
export * from './inspection/commands';
export * from './inspection/decider';
export * from './inspection/interview-events';
export * from './inspection/interview-commands';
export * from './inspection/interview-decider';

// Appraisal: rule sets as data, the grading engine, the appraisal cycle
export * from './appraisal/rule-set';
export * from './appraisal/rule-sets';
export * from './appraisal/facts';
export * from './appraisal/engine';
export * from './appraisal/events';
export * from './appraisal/commands';
export * from './appraisal/decider';
// Rule sets published in the ledger as data
export * from './rule-set';

// Referrals to the discipline commission and accountability cases
export * from './referral/referral';
export * from './referral/flagging';
export * from './referral/build-referral';
export * from './referral/prior-record';
export * from './referral/check-referral';
export * from './accountability/forms';
export * from './accountability/events';
export * from './accountability/commands';
export * from './accountability/decider';

// Every event type, by stream kind, with type guards for events read back from the store
export * from './event-types';

// Who may do what, where
export * from './authorization/permissions';

// Given / when / then for deciders (framework-free; used by this library's specs and the application's)
export * from './testing/decider-spec';
