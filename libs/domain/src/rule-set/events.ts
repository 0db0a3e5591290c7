import type { RuleSet } from '../appraisal/rule-set';
import type { ActorRef } from '../shared/actor';
import type { IsoInstant } from '../shared/dates';
import type { DomainEvent } from '../shared/decider';

/**
 * A rule set published in the ledger, in `ruleset-<id>` (see `ruleSetStreamId`): the rule set whole, as data, with
 * the SHA-256 of its canonical form (`ruleSetHash`), which the cycles opened under it record. Never edited: a
 * correction is a new id that `supersedes` the old one.
 */
export type RuleSetPublished = DomainEvent<
  'RuleSetPublished',
  { ruleSetId: string; ruleSet: RuleSet; hash: string; supersedes: string | null; at: IsoInstant; by: ActorRef }
>;

/** No new cycle may be opened under it; the cycles already opened keep it (they recorded it). */
export type RuleSetWithdrawn = DomainEvent<'RuleSetWithdrawn', { ruleSetId: string; reason: string; at: IsoInstant; by: ActorRef }>;

export type RuleSetEvent = RuleSetPublished | RuleSetWithdrawn;
export type RuleSetEventType = RuleSetEvent['type'];
