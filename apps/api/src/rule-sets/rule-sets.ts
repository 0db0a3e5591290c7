import { Body, Controller, Get, HttpCode, Inject, Injectable, Module, Param, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBody, ApiProperty, ApiTags } from '@nestjs/swagger';
import {
  CN_2019,
  domainError,
  fold,
  isRuleSetId,
  RULE_SET_IDS,
  ruleSetById,
  ruleSetDecider,
  ruleSetHash,
  ruleSetIssues,
  ruleSetStreamId,
  type ActorRef,
  type RuleSet,
  type RuleSetEvent,
  type RuleSetState,
} from '@ledger/domain';
import type { LedgerStore } from '@ledger/event-store';
import type { LedgerReadModels } from '@ledger/projections';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { QueryContext } from '../read-models/queries';
import { ApiError } from '../shared/api-error';
import { ApiCommand, ApiPathParams, ApiQuery } from '../shared/api-docs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import { Ctx, type CommandContext } from '../shared/command-context';
import { Text } from '../shared/dto';
import { onRecord } from '../shared/record-commands';

/**
 * Grading rule sets as data (DOMAIN.md: "rule sets are data so that a jurisdiction can correct them without code
 * changes"): the built-in ones (vn-2026, vn-2020, cn-2019, the defaults a fresh ledger knows) and those published
 * in the ledger (`ruleset-<id>` streams). A correction is a new id that `supersedes` the old one; a withdrawn rule
 * set opens no new cycle, and the cycles opened under it keep it (they recorded it whole, with its hash).
 */
export type RuleSetEntry = {
  ruleSetId: string;
  status: 'built_in' | 'published' | 'withdrawn';
  /** SHA-256 of the rule set's canonical form: what the cycles opened under it record. */
  hash: string;
  supersedes: string | null;
  publishedAt: string | null;
  publishedBy: ActorRef | null;
  withdrawal: { reason: string; at: string; by: ActorRef } | null;
  /** Stream version (0 for a built-in rule set). */
  version: number;
  ruleSet: RuleSet;
};

function builtIn(ruleSet: RuleSet): RuleSetEntry {
  return { ruleSetId: ruleSet.id, status: 'built_in', hash: ruleSetHash(ruleSet), supersedes: null, publishedAt: null, publishedBy: null, withdrawal: null, version: 0, ruleSet };
}

function entryOf(state: RuleSetState, version: number): RuleSetEntry | null {
  if (state.status === 'none') return null;
  const { ruleSetId, status, hash, supersedes, publishedAt, publishedBy, withdrawal, ruleSet } = state;
  return { ruleSetId, status, hash, supersedes, publishedAt, publishedBy, withdrawal, version, ruleSet };
}

const foldEvents = (events: ReadonlyArray<{ type: string; data: unknown }>) =>
  fold(ruleSetDecider, events.map((event) => ({ type: event.type, data: event.data }) as RuleSetEvent));

/** The rule sets the ledger knows: built in, or published (read from the log for commands, the read model for queries). */
@Injectable()
export class RuleSetRegistry {
  constructor(@Inject(LEDGER_STORE) private readonly store: LedgerStore) {}

  /** One rule set, read from the log itself (commands must not act on a lagging read model). */
  async find(ruleSetId: string): Promise<RuleSetEntry | null> {
    const shipped = ruleSetById(ruleSetId);
    if (shipped !== null) return builtIn(shipped);
    if (!isRuleSetId(ruleSetId)) return null;
    const events = await this.store.readStream(ruleSetStreamId(ruleSetId));
    return entryOf(foldEvents(events), events.length);
  }

  /** One rule set as the read models have it (for queries: they read the read models, never the log). */
  findIn(models: LedgerReadModels, ruleSetId: string): RuleSetEntry | null {
    const shipped = ruleSetById(ruleSetId);
    if (shipped !== null) return builtIn(shipped);
    if (!isRuleSetId(ruleSetId)) return null;
    const view = models.ruleSets.get(ruleSetId);
    return view === undefined ? null : entryOf(view.record, view.version);
  }

  /** Every rule set: the built-in ones, then those published, in the order they were published. */
  list(models: LedgerReadModels): RuleSetEntry[] {
    const published = [...models.ruleSets.values()]
      .map((view) => ({ position: view.events[0].position, entry: entryOf(view.record, view.version) }))
      .filter((item): item is { position: number; entry: RuleSetEntry } => item.entry !== null)
      .sort((a, b) => a.position - b.position)
      .map((item) => item.entry);
    return [...RULE_SET_IDS.map((id) => builtIn(ruleSetById(id) as RuleSet)), ...published];
  }
}

export class WithdrawRuleSetRequestDto {
  @Text(5000, { example: 'The 优秀 threshold was mistyped; corrected in cn-hengyang-2018.1' })
  reason!: string;
}

class RuleSetCommandMessage extends Command<CommandAccepted> {
  constructor(
    readonly ruleSetId: string,
    readonly request: { use: 'publish'; body: unknown } | { use: 'withdraw'; body: WithdrawRuleSetRequestDto },
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/** Every problem of a rule set received as JSON, each with its JSON path, as one 400 RULESET.INVALID. */
function refuseIssues(body: unknown): void {
  const issues = ruleSetIssues(body);
  if (issues.length === 0) return;
  const [first] = issues;
  const error = domainError('RULESET.INVALID', { field: first.path, problem: first.message, count: issues.length });
  throw new ApiError(400, error.code, error.message, issues.map((issue) => ({ field: issue.path, reason: issue.message })), error.messages);
}

@CommandHandler(RuleSetCommandMessage)
export class RuleSetCommandHandler implements ICommandHandler<RuleSetCommandMessage> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly registry: RuleSetRegistry,
  ) {}

  async execute({ ruleSetId, request, ctx }: RuleSetCommandMessage): Promise<CommandAccepted> {
    if (!isRuleSetId(ruleSetId)) {
      if (request.use === 'withdraw') throw domainError('RULESET.NOT_FOUND', { ruleSet: ruleSetId });
      refuseIssues(request.body);
      throw domainError('RULESET.ID_INVALID', { field: 'id', value: ruleSetId });
    }
    const streamId = ruleSetStreamId(ruleSetId);
    // A rule set belongs to no unit: the publishing actor's own unit is the target of the authorization row.
    const target = () => ctx.actor.unit;
    const notFound = () => domainError('RULESET.NOT_FOUND', { ruleSet: ruleSetId });
    if (request.use === 'withdraw') {
      const { reason } = request.body;
      return this.runner.run(ctx, onRecord({ decider: ruleSetDecider, streamId, id: ruleSetId, commandType: 'WithdrawRuleSet', targetUnit: target, notFound, build: (_s, e) => ({ type: 'WithdrawRuleSet' as const, ...e, ruleSetId, reason }) }));
    }
    const body = request.body as { supersedes?: unknown };
    const supersedes = typeof body?.supersedes === 'string' ? body.supersedes : null;
    const known = supersedes !== null && (await this.registry.find(supersedes)) !== null;
    return this.runner.run(
      ctx,
      onRecord({
        decider: ruleSetDecider,
        streamId,
        id: ruleSetId,
        commandType: 'PublishRuleSet',
        targetUnit: target,
        notFound,
        creates: true,
        // After authorization, like every refusal of the decider's: all the problems at once, each with its path.
        build: (_s, e) => {
          refuseIssues(request.body);
          return { type: 'PublishRuleSet' as const, ...e, ruleSetId, ruleSet: request.body, knownRuleSetIds: [...RULE_SET_IDS, ...(known ? [supersedes as string] : [])] };
        },
      }),
    );
  }
}

const EXAMPLE: RuleSet = {
  ...CN_2019,
  id: 'cn-2019.1',
  supersedes: 'cn-2019',
  name: { en: 'China 2019, corrected: 优秀 from 92 points', vi: 'Trung Quốc 2019, sửa đổi: Xuất sắc từ 92 điểm', zh: '中国2019年（更正）：优秀须达92分' },
  bands: [{ grade: 'excellent', when: [{ metric: 'score', op: '>=', value: 92 }] }, ...CN_2019.bands.slice(1)],
};

class RuleSetBodyDoc {
  @ApiProperty({ example: 'cn-2019.1', description: '<jurisdiction>[-<name>]-<year>[.<n>]' })
  id!: string;
}

const accepted = (events: string[], version: number) => ({ id: 'cn-2019.1', streamId: 'ruleset-cn-2019-v1', version, position: 412, eventIds: ['91a2b3c4-5d6e-8f70-9182-000000000007'], events });
const entryExample = { ...builtIn(CN_2019), ruleSet: undefined };

@ApiTags('appraisal')
@ApiPathParams()
@Controller('v1/rule-sets')
export class RuleSetsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly context: QueryContext,
    private readonly registry: RuleSetRegistry,
  ) {}

  @Post()
  @ApiBody({
    type: RuleSetBodyDoc,
    description: 'The whole rule set as JSON (see libs/domain/src/appraisal/rule-set.ts). Every problem is reported with its JSON path (400 RULESET.INVALID, `fields`).',
    examples: { correction: { summary: 'A correction of cn-2019 under a new id', value: EXAMPLE } },
  })
  @ApiCommand({
    summary: 'Publish a rule set as data (organisation department / appraisers, administrators); an id already published or built in is refused (409): a correction is a new id',
    created: true,
    example: accepted(['RuleSetPublished'], 1),
    errors: [422],
    codes: { 409: 'RULESET.ALREADY_PUBLISHED', 422: 'RULESET.SUPERSEDES_UNKNOWN' },
  })
  publish(@Body() body: Record<string, unknown>, @Ctx() ctx: CommandContext) {
    const id = typeof body?.id === 'string' ? body.id : '';
    return this.commands.execute(new RuleSetCommandMessage(id, { use: 'publish', body }, ctx));
  }

  @Post(':id/withdrawal')
  @HttpCode(200)
  @ApiCommand({ summary: 'Withdraw a published rule set, with a reason: no new cycle under it; cycles already opened keep it', example: accepted(['RuleSetWithdrawn'], 2), errors: [404], codes: { 404: 'RULESET.NOT_FOUND', 409: 'RULESET.ALREADY_WITHDRAWN' } })
  withdraw(@Param('id') id: string, @Body() body: WithdrawRuleSetRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new RuleSetCommandMessage(id, { use: 'withdraw', body }, ctx));
  }

  @Get()
  @ApiQuery({ summary: 'Every rule set the ledger knows: built in, published, withdrawn (without the rules themselves)', example: { items: [entryExample] } })
  list(@CurrentActor() actor: AuthenticatedActor) {
    const { models } = this.context.for(actor);
    return { items: this.registry.list(models).map(({ ruleSet, ...entry }) => ({ ...entry, name: ruleSet.name, jurisdiction: ruleSet.jurisdiction, effective: ruleSet.effective })) };
  }

  @Get(':id')
  @ApiQuery({ summary: 'One rule set, whole, with its status and canonical hash', example: builtIn(CN_2019), errors: [404], codes: { 404: 'RULESET.NOT_FOUND' } })
  get(@CurrentActor() actor: AuthenticatedActor, @Param('id') id: string) {
    const entry = this.registry.findIn(this.context.for(actor).models, id);
    if (entry === null) throw domainError('RULESET.NOT_FOUND', { ruleSet: id });
    return entry;
  }
}

@Module({ controllers: [RuleSetsController], providers: [RuleSetCommandHandler, RuleSetRegistry, QueryContext], exports: [RuleSetRegistry] })
export class RuleSetsModule {}
