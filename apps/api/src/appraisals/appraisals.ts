import { Body, Controller, Get, HttpCode, Module, Param, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { appraisalDecider, appraisalStreamId, domainError, RULE_SET_ID_PATTERN, RULE_SET_IDS, type AppraisalCommand, type AppraisalState } from '@ledger/domain';
import { appraisalFactsOf, cadreAppraisal, unitAppraisal } from '@ledger/projections';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { QueryContext } from '../read-models/queries';
import { ApiCommand, ApiPathParams, ApiQuery } from '../shared/api-docs';
import { CommandRunner, type CommandAccepted, type Envelope } from '../shared/command-runner';
import { Ctx, type CommandContext } from '../shared/command-context';
import { EntityId, EntityIdList, Text } from '../shared/dto';
import { onRecord, recordRepresentation, requireApprovingSignOff, viewOr404 } from '../shared/record-commands';
import { RuleSetRegistry } from '../rule-sets/rule-sets';

/** Appraisal cycles (đánh giá, xếp loại / 考核): open → scored → moderated → approved → published → appealed → final. */
export class OpenCycleRequestDto {
  @ApiProperty({ example: 2018 })
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(9999)
  year!: number;

  @EntityId({ example: 'districts' })
  peerGroup!: string;

  @EntityId({ example: 'city' })
  ownerUnitId!: string;

  @ApiProperty({ example: 'cn-hengyang-2018', description: `A rule set the ledger knows: built in (${RULE_SET_IDS.join(', ')}) or published (GET /v1/rule-sets). The cycle records it whole, with its canonical hash.` })
  @IsString()
  @MaxLength(100)
  @Matches(RULE_SET_ID_PATTERN)
  ruleSetId!: string;

  @EntityIdList({ example: ['zx', 'sg', 'zh', 'hn', 'hd'] })
  unitIds!: string[];
}

export class AdjustmentDto {
  @EntityId({ example: 'zx' })
  unitId!: string;

  @Text(100, { example: '良好' })
  to!: string;

  @Text(2000, { example: 'Council: the praise of October outweighs the score' })
  note!: string;
}

export class ModerateRequestDto {
  @ApiPropertyOptional({ type: [AdjustmentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => AdjustmentDto)
  adjustments?: AdjustmentDto[];
}

export class ApproveCycleRequestDto {
  @EntityId({ example: 'so-appraisal-2018', description: 'An approving sign-off of the cycle, recorded first.' })
  signOffId!: string;
}

export class AppealRequestDto {
  @EntityId({ example: 'ap-zh-1' })
  appealId!: string;

  @EntityId({ example: 'zh' })
  unitId!: string;

  @Text(100, { example: '一般' }, true)
  requestedGrade?: string;

  @Text(5000, { example: 'The flood figures were not counted' })
  reason!: string;
}

export class DecideAppealRequestDto {
  @ApiProperty({ enum: ['upheld', 'rejected'], example: 'rejected' })
  @IsIn(['upheld', 'rejected'])
  decision!: 'upheld' | 'rejected';

  @Text(100, { example: '一般' }, true)
  newGrade?: string;

  @Text(5000, { example: 'The figures were counted as reported' })
  reason!: string;
}

type AppraisalUse =
  | { use: 'open'; body: OpenCycleRequestDto }
  | { use: 'score' }
  | { use: 'moderate'; body: ModerateRequestDto }
  | { use: 'approve'; body: ApproveCycleRequestDto }
  | { use: 'publish' }
  | { use: 'appeal'; body: AppealRequestDto }
  | { use: 'decide-appeal'; appealId: string; body: DecideAppealRequestDto }
  | { use: 'finalize' };

export class AppraisalCommandMessage extends Command<CommandAccepted> {
  constructor(
    readonly cycleId: string,
    readonly request: AppraisalUse,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/** `<year>-<peerGroup>` → its stream. */
function streamOf(cycleId: string): string {
  const match = /^(\d{4})-(.+)$/.exec(cycleId);
  if (!match) throw domainError('APPRAISAL.NOT_FOUND', { cycle: cycleId });
  return appraisalStreamId(Number(match[1]), match[2]);
}

@CommandHandler(AppraisalCommandMessage)
export class AppraisalCommandHandler implements ICommandHandler<AppraisalCommandMessage> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly ruleSets: RuleSetRegistry,
  ) {}

  async execute({ cycleId, request, ctx }: AppraisalCommandMessage): Promise<CommandAccepted> {
    const owner = (state: AppraisalState) => (state.status === 'none' ? null : state.ownerUnitId);
    const streamId = streamOf(cycleId);
    const run = (commandType: AppraisalCommand['type'], build: (state: AppraisalState, e: Envelope) => AppraisalCommand, target = owner, creates = false) =>
      this.runner.run(ctx, onRecord({ decider: appraisalDecider, streamId, id: cycleId, commandType, targetUnit: target, build, creates, notFound: () => domainError('APPRAISAL.NOT_FOUND', { cycle: cycleId }) }));
    const id = { cycleId };
    switch (request.use) {
      case 'open': {
        const b = request.body;
        // The rule set the cycle names, as data: built in, or published in the ledger (read from the log).
        const entry = await this.ruleSets.find(b.ruleSetId);
        return run('OpenAppraisalCycle', (_s, e) => ({ type: 'OpenAppraisalCycle', ...e, ...id, year: b.year, peerGroup: b.peerGroup, ownerUnitId: b.ownerUnitId, ruleSetId: b.ruleSetId, unitIds: b.unitIds, ruleSet: entry?.ruleSet ?? null, ruleSetWithdrawn: entry?.status === 'withdrawn' }), () => b.ownerUnitId, true);
      }
      case 'score':
        // The facts come from the appraisal read model, never from the client.
        return run('ScoreAppraisal', (state, e) => ({ type: 'ScoreAppraisal', ...e, ...id, facts: state.status === 'none' ? [] : state.unitIds.map((unitId) => appraisalFactsOf(this.runner.models(), unitId, state.year)) }));
      case 'moderate': {
        const b = request.body;
        return run('ModerateAppraisal', (_s, e) => ({ type: 'ModerateAppraisal', ...e, ...id, adjustments: (b.adjustments ?? []).map(({ unitId, to, note }) => ({ unitId, to, note })) }));
      }
      case 'approve': {
        // Checked in build, after authorization, like every other refusal of the decider's.
        const { signOffId } = request.body;
        return run('ApproveAppraisal', (_s, e) => ({ type: 'ApproveAppraisal', ...e, ...id, signOffId: requireApprovingSignOff(this.runner.models(), signOffId, streamId) }));
      }
      case 'publish':
        return run('PublishAppraisal', (_s, e) => ({ type: 'PublishAppraisal', ...e, ...id }));
      case 'appeal': {
        const b = request.body;
        return run('AppealAppraisal', (_s, e) => ({ type: 'AppealAppraisal', ...e, ...id, appealId: b.appealId, unitId: b.unitId, requestedGrade: b.requestedGrade ?? null, reason: b.reason }), () => b.unitId);
      }
      case 'decide-appeal': {
        const { appealId, body } = request;
        return run('DecideAppraisalAppeal', (_s, e) => ({ type: 'DecideAppraisalAppeal', ...e, ...id, appealId, decision: body.decision, newGrade: body.newGrade ?? null, reason: body.reason }));
      }
      case 'finalize':
        return run('FinalizeAppraisal', (_s, e) => ({ type: 'FinalizeAppraisal', ...e, ...id }));
    }
  }
}

const accepted = (events: string[], version: number) => ({ id: '2018-districts', streamId: 'appraisal-2018-districts', version, position: 300, eventIds: ['91a2b3c4-5d6e-8f70-9182-000000000001'], events });

@ApiTags('appraisal')
@ApiPathParams()
@Controller('v1/appraisals')
export class AppraisalsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly context: QueryContext,
  ) {}

  private send(cycleId: string, request: AppraisalUse, ctx: CommandContext) {
    return this.commands.execute(new AppraisalCommandMessage(cycleId, request, ctx));
  }

  @Post()
  @ApiCommand({ summary: 'Open a cycle for a year and peer group with a rule set (appraisers)', created: true, example: accepted(['AppraisalCycleOpened'], 1) })
  open(@Body() body: OpenCycleRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(`${body.year}-${body.peerGroup}`, { use: 'open', body }, ctx);
  }

  @Post(':cycleId/scoring')
  @HttpCode(200)
  @ApiCommand({ summary: 'Score every unit from the facts the appraisal read model built (appraisers)', example: accepted(['AppraisalScored'], 2), errors: [404] })
  score(@Param('cycleId') cycleId: string, @Ctx() ctx: CommandContext) {
    return this.send(cycleId, { use: 'score' }, ctx);
  }

  @Post(':cycleId/moderation')
  @HttpCode(200)
  @ApiCommand({ summary: 'Apply the quota and the council\'s adjustments (appraisers)', example: accepted(['AppraisalModerated'], 3), errors: [404] })
  moderate(@Param('cycleId') cycleId: string, @Body() body: ModerateRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(cycleId, { use: 'moderate', body }, ctx);
  }

  @Post(':cycleId/approval')
  @HttpCode(200)
  @ApiCommand({ summary: 'Approve with an approving sign-off of the cycle (leaders, appraisers who did not prepare it)', example: accepted(['AppraisalApproved'], 4), errors: [404, 422] })
  approve(@Param('cycleId') cycleId: string, @Body() body: ApproveCycleRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(cycleId, { use: 'approve', body }, ctx);
  }

  @Post(':cycleId/publication')
  @HttpCode(200)
  @ApiCommand({ summary: 'Publish the grades (appraisers)', example: accepted(['AppraisalPublished'], 5), errors: [404] })
  publish(@Param('cycleId') cycleId: string, @Ctx() ctx: CommandContext) {
    return this.send(cycleId, { use: 'publish' }, ctx);
  }

  @Post(':cycleId/appeals')
  @HttpCode(200)
  @ApiCommand({ summary: 'Appeal a unit\'s grade (its head)', example: accepted(['AppraisalAppealed'], 6), errors: [404] })
  appeal(@Param('cycleId') cycleId: string, @Body() body: AppealRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(cycleId, { use: 'appeal', body }, ctx);
  }

  @Post(':cycleId/appeals/:appealId/decision')
  @HttpCode(200)
  @ApiCommand({ summary: 'Decide an appeal (leaders, appraisers)', example: accepted(['AppraisalAppealDecided'], 7), errors: [404] })
  decideAppeal(@Param('cycleId') cycleId: string, @Param('appealId') appealId: string, @Body() body: DecideAppealRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(cycleId, { use: 'decide-appeal', appealId, body }, ctx);
  }

  @Post(':cycleId/finalization')
  @HttpCode(200)
  @ApiCommand({ summary: 'Make the grades final (appraisers)', example: accepted(['AppraisalFinalized'], 8), errors: [404] })
  finalize(@Param('cycleId') cycleId: string, @Ctx() ctx: CommandContext) {
    return this.send(cycleId, { use: 'finalize' }, ctx);
  }

  @Get()
  @ApiQuery({ summary: 'Appraisal cycles in the caller\'s read scope', example: { items: [] } })
  list(@CurrentActor() actor: AuthenticatedActor) {
    const { models, scope } = this.context.for(actor);
    return { items: [...models.appraisalCycles.values()].filter(({ record }) => scope.unit(record.ownerUnitId) || record.unitIds.some((u) => scope.unit(u))).map(recordRepresentation) };
  }

  @Get('units/:unitId/:year')
  @ApiQuery({ summary: 'A unit\'s appraisal for a year: tasks by timeliness, objectives by outcome, findings, score, grades, rule set, evidence', example: {} })
  unit(@CurrentActor() actor: AuthenticatedActor, @Param('unitId') unitId: string, @Param('year') year: string) {
    const { models, scope } = this.context.for(actor);
    scope.require(scope.unit(unitId), unitId);
    return unitAppraisal(models, unitId, Number(year));
  }

  @Get('cadres/:personId/:year')
  @ApiQuery({ summary: 'A cadre\'s appraisal for a year, through the units they headed (head grade per the rule set)', example: {} })
  cadre(@CurrentActor() actor: AuthenticatedActor, @Param('personId') personId: string, @Param('year') year: string) {
    const { models, scope } = this.context.for(actor);
    const result = cadreAppraisal(models, personId, Number(year));
    return { ...result, posts: result.posts.filter((post) => scope.unit(post.unitId)) };
  }

  @Get(':cycleId')
  @ApiQuery({ summary: 'One cycle (ETag: its version)', etag: true, example: {}, errors: [404], codes: { 404: 'APPRAISAL.NOT_FOUND' } })
  get(@CurrentActor() actor: AuthenticatedActor, @Param('cycleId') cycleId: string) {
    const { models, scope } = this.context.for(actor);
    const view = viewOr404(models.appraisalCycles.get(cycleId), () => domainError('APPRAISAL.NOT_FOUND', { cycle: cycleId }));
    scope.require(scope.unit(view.record.ownerUnitId) || view.record.unitIds.some((u) => scope.unit(u)), view.record.ownerUnitId);
    return recordRepresentation(view);
  }
}

@Module({ controllers: [AppraisalsController], providers: [AppraisalCommandHandler, QueryContext, RuleSetRegistry] })
export class AppraisalsModule {}
