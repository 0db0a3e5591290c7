import type { CommandEnvelope } from '../shared/actor';

type Shape<Type extends string, Fields> = Readonly<{ type: Type; ruleSetId: string } & Fields> & CommandEnvelope;

/**
 * Publish a rule set as data: `ruleSet` is the whole rule-set JSON, as received (validated here). `knownRuleSetIds`
 * is what the ledger knows besides this stream (the built-in ids and every id already published), read by the
 * application: what `supersedes` may name.
 */
export type PublishRuleSet = Shape<'PublishRuleSet', { ruleSet: unknown; knownRuleSetIds: readonly string[] }>;
/** Withdraw a published rule set: no new cycle may be opened under it; cycles already opened keep it. */
export type WithdrawRuleSet = Shape<'WithdrawRuleSet', { reason: string }>;

export type RuleSetCommand = PublishRuleSet | WithdrawRuleSet;
export type RuleSetCommandType = RuleSetCommand['type'];
