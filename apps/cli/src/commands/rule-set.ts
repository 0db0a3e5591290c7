import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  DomainError,
  isRuleSetId,
  RULE_SET_IDS,
  ruleSetDecider,
  ruleSetIssues,
  ruleSetStreamId,
  type Actor,
  type RuleSetCommand,
  type RuleSetEvent,
} from '@ledger/domain';
import type { LedgerStore } from '@ledger/event-store';
import { decideAndAppend } from './decide-and-append';
import { cliActor } from './users';

type WithStore = <T>(fn: (store: LedgerStore) => Promise<T>) => Promise<T>;

export interface RuleSetOutcome {
  readonly exitCode: number;
  /** What went wrong, one line each (JSON path first for a rule set that is not usable). */
  readonly problems: string[];
  readonly streamId?: string;
}

const asEvents = (events: ReadonlyArray<{ type: string; data: unknown }>) => events.map((e) => ({ type: e.type, data: e.data }) as RuleSetEvent);

/**
 * Read the rule set's stream, fold, decide, append with the version read: the API's command loop (the same
 * decider, the same validation, the same events), without HTTP, as the CLI's local administrator.
 */
type Input = { type: 'PublishRuleSet'; ruleSetId: string; ruleSet: unknown; knownRuleSetIds: string[] } | { type: 'WithdrawRuleSet'; ruleSetId: string; reason: string };

async function execute(store: LedgerStore, command: Input, actor: Actor): Promise<string> {
  const streamId = ruleSetStreamId(command.ruleSetId);
  await decideAndAppend(store, streamId, ruleSetDecider, ({ now }) => ({ ...command, now, actor }) as RuleSetCommand, asEvents, actor);
  return streamId;
}

function refusal(error: unknown): RuleSetOutcome {
  if (error instanceof DomainError) return { exitCode: 1, problems: [`${error.code}: ${error.message}`] };
  throw error;
}

/** `ledger rule-set publish <file.json>`: every problem of the file is reported with its JSON path; nothing is written then. */
export async function publishRuleSetFile(store: LedgerStore, file: string, actor: Actor = cliActor()): Promise<RuleSetOutcome> {
  let ruleSet: unknown;
  try {
    ruleSet = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    return { exitCode: 2, problems: [`${file}: not JSON (${(error as Error).message})`] };
  }
  const issues = ruleSetIssues(ruleSet);
  if (issues.length > 0) return { exitCode: 1, problems: issues.map((issue) => `${issue.path}: ${issue.message}`) };
  const { id, supersedes } = ruleSet as { id: string; supersedes?: string | null };
  const known = [...RULE_SET_IDS];
  if (typeof supersedes === 'string' && isRuleSetId(supersedes) && (await store.readStream(ruleSetStreamId(supersedes))).length > 0) known.push(supersedes);
  try {
    return { exitCode: 0, problems: [], streamId: await execute(store, { type: 'PublishRuleSet', ruleSetId: id, ruleSet, knownRuleSetIds: known }, actor) };
  } catch (error) {
    return refusal(error);
  }
}

export async function withdrawRuleSet(store: LedgerStore, ruleSetId: string, reason: string, actor: Actor = cliActor()): Promise<RuleSetOutcome> {
  if (!isRuleSetId(ruleSetId)) return { exitCode: 2, problems: [`"${ruleSetId}" is not a rule-set id`] };
  try {
    return { exitCode: 0, problems: [], streamId: await execute(store, { type: 'WithdrawRuleSet', ruleSetId, reason }, actor) };
  } catch (error) {
    return refusal(error);
  }
}

function report(outcome: RuleSetOutcome, done: string): void {
  for (const problem of outcome.problems) process.stderr.write(`${problem}\n`);
  if (outcome.exitCode === 0) console.log(`${done} (${outcome.streamId})`);
  process.exitCode = outcome.exitCode;
}

/** `ledger rule-set publish|withdraw`: grading rule sets as data (see the README). */
export function registerRuleSetCommands(program: Command, withStore: WithStore): void {
  const ruleSet = program.command('rule-set').description('grading rule sets published in the ledger as data');
  ruleSet
    .command('publish')
    .description('publish a rule set (JSON, as GET /v1/rule-sets/<id> serves its "ruleSet"); a correction is a new id with "supersedes"')
    .argument('<file>', 'the rule set as a .json file')
    .action(async (file: string) => {
      const outcome = await withStore((store) => publishRuleSetFile(store, file));
      report(outcome, 'published');
    });
  ruleSet
    .command('withdraw')
    .description('withdraw a published rule set: no new cycle under it; cycles already opened keep it')
    .argument('<id>', 'the rule set id')
    .requiredOption('--reason <text>', 'why it is withdrawn')
    .action(async (id: string, opts: { reason: string }) => {
      const outcome = await withStore((store) => withdrawRuleSet(store, id, opts.reason));
      report(outcome, 'withdrawn');
    });
}
