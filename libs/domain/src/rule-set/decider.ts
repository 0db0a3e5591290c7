import { type RuleSet, ruleSetHash, ruleSetIssues } from '../appraisal/rule-set';
import { RULE_SETS } from '../appraisal/rule-sets';
import { actorRef, type ActorRef } from '../shared/actor';
import type { Decider } from '../shared/decider';
import { domainError } from '../shared/domain-error';
import { cloneJson, type JsonValue } from '../shared/json';
import type { Role } from '../shared/roles';
import { checkEnvelope, requireReason } from '../shared/validate';
import type { PublishRuleSet, RuleSetCommand, WithdrawRuleSet } from './commands';
import type { RuleSetEvent } from './events';

/**
 * A rule set published in the ledger (DOMAIN.md: "grading is a versioned rule set, never code paths"): published
 * once under an id that is neither built in nor already published, then possibly withdrawn. What it says never
 * changes; a correction is a new id.
 */
export type PublishedRuleSet = {
  status: 'published' | 'withdrawn';
  ruleSetId: string;
  ruleSet: RuleSet;
  hash: string;
  supersedes: string | null;
  publishedAt: string;
  publishedBy: ActorRef;
  withdrawal: { reason: string; at: string; by: ActorRef } | null;
};

export type RuleSetState = { status: 'none' } | PublishedRuleSet;

/** Who sets appraisal rules: the organisation (personnel) department, and administrators. */
export const RULE_SET_DECIDER_ROLES: { readonly [C in RuleSetCommand['type']]: readonly Role[] } = {
  PublishRuleSet: ['appraiser', 'administrator'],
  WithdrawRuleSet: ['appraiser', 'administrator'],
};

export const ruleSetDecider: Decider<RuleSetState, RuleSetCommand, RuleSetEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
};

function decide(command: RuleSetCommand, state: RuleSetState): RuleSetEvent[] {
  checkEnvelope(command);
  if (!RULE_SET_DECIDER_ROLES[command.type].includes(command.actor.role)) {
    throw domainError('RULESET.ROLE_NOT_ALLOWED', { role: command.actor.role, command: command.type });
  }
  switch (command.type) {
    case 'PublishRuleSet':
      return publish(command, state);
    case 'WithdrawRuleSet':
      return withdraw(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown rule-set command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

function publish(command: PublishRuleSet, state: RuleSetState): RuleSetEvent[] {
  const issues = ruleSetIssues(command.ruleSet);
  if (issues.length > 0) {
    const [first] = issues;
    throw domainError('RULESET.INVALID', {
      field: first.path,
      problem: first.message,
      count: issues.length,
    });
  }
  const ruleSet = cloneJson(command.ruleSet as JsonValue) as unknown as RuleSet;
  if (ruleSet.id !== command.ruleSetId) throw domainError('RULESET.ID_MISMATCH', { field: 'id', ruleSet: ruleSet.id, expected: String(command.ruleSetId) });
  if (Object.hasOwn(RULE_SETS, ruleSet.id)) throw domainError('RULESET.BUILT_IN', { field: 'id', ruleSet: ruleSet.id });
  if (state.status !== 'none') throw domainError('RULESET.ALREADY_PUBLISHED', { field: 'id', ruleSet: ruleSet.id });
  const supersedes = ruleSet.supersedes ?? null;
  if (supersedes !== null && !command.knownRuleSetIds.includes(supersedes)) {
    throw domainError('RULESET.SUPERSEDES_UNKNOWN', { field: 'supersedes', ruleSet: supersedes });
  }
  return [
    {
      type: 'RuleSetPublished',
      data: { ruleSetId: ruleSet.id, ruleSet, hash: ruleSetHash(ruleSet), supersedes, at: command.now, by: actorRef(command.actor) },
    },
  ];
}

function withdraw(command: WithdrawRuleSet, state: RuleSetState): RuleSetEvent[] {
  if (state.status === 'none') throw domainError('RULESET.NOT_FOUND', { ruleSet: String(command.ruleSetId) });
  if (state.status === 'withdrawn') throw domainError('RULESET.ALREADY_WITHDRAWN', { ruleSet: state.ruleSetId });
  const reason = requireReason(command.reason);
  return [{ type: 'RuleSetWithdrawn', data: { ruleSetId: state.ruleSetId, reason, at: command.now, by: actorRef(command.actor) } }];
}

function evolve(state: RuleSetState, event: RuleSetEvent): RuleSetState {
  switch (event.type) {
    case 'RuleSetPublished': {
      const { ruleSetId, ruleSet, hash, supersedes, at, by } = event.data;
      return { status: 'published', ruleSetId, ruleSet, hash, supersedes, publishedAt: at, publishedBy: by, withdrawal: null };
    }
    case 'RuleSetWithdrawn': {
      if (state.status === 'none') return state;
      const { reason, at, by } = event.data;
      return { ...state, status: 'withdrawn', withdrawal: { reason, at, by } };
    }
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}
